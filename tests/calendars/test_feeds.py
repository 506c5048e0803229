"""Calendar feeds: parsed back with `icalendar`, private by their key, in the person's zone."""

import datetime
import re
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from calendars.models import CalendarKey
from calendars.services import calendar_key_rotate, key_digest
from chtprograms.services import data_sharing_agreement_record
from instances.services import instance_create
from lifecycle.activity_services import ethics_approval_record
from lifecycle.stages import Stage
from tests.factories import ProgramFactory
from tests.lifecycle.conftest import meet_gate
from tests.reminders.helpers import assign, set_profile
from tests.translations import compile_messages, english_afterwards  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar) -> dict[str, icalendar.Event]:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def team(head, program, developer):
    """Kenya CHV with its gate met, an activity of the developer's, and four dated documents."""
    meet_gate(program, Stage.INITIATION, head)
    assign(program, developer, TODAY + datetime.timedelta(days=10), title="Train the CHVs")
    ethics_approval_record(
        program=program,
        by=head,
        approved_on=TODAY - datetime.timedelta(days=300),
        reference="ERC/1",
        expires_on=TODAY + datetime.timedelta(days=60),
    )
    data_sharing_agreement_record(
        program=program, reference="MoU", expires_on=TODAY + datetime.timedelta(days=90)
    )
    instance_create(
        program=program,
        base_url="https://kenya.example.org",
        domain_renews_on=TODAY + datetime.timedelta(days=120),
        tls_expires_on=TODAY + datetime.timedelta(days=30),
        tls_auto_renews=False,
    )
    return program


def test_a_persons_feed_parses_back_with_their_dates(client, team, head):
    set_profile(head, time_zone="Africa/Nairobi")
    key = calendar_key_rotate(user=head)
    calendar = parse(client.get(reverse("calendars:person", args=[key])))

    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-timezone"]) == "Africa/Nairobi"
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Africa/Nairobi"]
    found = events(calendar)
    plan = team.lifecycle.plans.get(stage=Stage.PLANNING)
    planning = found["Kenya CHV: Planning stage"]
    assert planning.decoded("dtstart") == plan.planned_start
    assert planning.decoded("dtend") == plan.planned_end + datetime.timedelta(days=1)
    assert len([name for name in found if name.endswith(" stage")]) == 8
    gate = found["Kenya CHV: gate review waiting (Initiation)"]
    nairobi = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo("Africa/Nairobi")).date()
    assert gate.decoded("dtstart") == nairobi  # waiting now, on the head's own day
    expiring = {
        "Kenya CHV: Ethics approval expires": 60,
        "Kenya CHV: Data-sharing agreement expires": 90,
        "Kenya CHV: Domain expires": 120,
        "Kenya CHV: TLS certificate expires": 30,
    }
    for summary, days in expiring.items():
        assert found[summary].decoded("dtstart") == TODAY + datetime.timedelta(days=days)
    # The developer's activity is theirs, not the head's.
    assert "Kenya CHV: Train the CHVs due" not in found
    uids = [str(event["uid"]) for event in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    assert found["Kenya CHV: Planning stage"]["url"].startswith("http://testserver/programs/")


def test_a_developer_sees_their_activity_but_no_gate_and_no_agreement(client, team, developer):
    key = calendar_key_rotate(user=developer)
    found = events(parse(client.get(reverse("calendars:person", args=[key]))))
    activity = found["Kenya CHV: Train the CHVs due"]
    assert activity.decoded("dtstart") == TODAY + datetime.timedelta(days=10)
    assert not [name for name in found if "gate review" in name]
    assert "Kenya CHV: Data-sharing agreement expires" not in found


def test_the_team_feed_has_everyones_dates_once(client, team, developer):
    key = calendar_key_rotate(user=developer)
    calendar = parse(client.get(reverse("calendars:team", args=[key, team.slug])))
    found = events(calendar)
    assert "Kenya CHV: Train the CHVs due" in found
    assert "Kenya CHV: gate review waiting (Initiation)" in found  # the head's
    assert "Kenya CHV: Data-sharing agreement expires" in found
    assert str(calendar["x-wr-calname"]) == "CHT Programs: Kenya CHV team"
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert len(summaries) == len(set(summaries))


def test_today_is_the_persons_own_day(client, head, program, monkeypatch):
    """At 22:00 UTC it is already tomorrow in Kiritimati (UTC+14): a gate waiting shows there."""
    meet_gate(program, Stage.INITIATION, head)
    set_profile(head, time_zone="Pacific/Kiritimati")
    key = calendar_key_rotate(user=head)
    late = datetime.datetime.combine(TODAY, datetime.time(22), tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    found = events(parse(client.get(reverse("calendars:person", args=[key]))))
    gate = found["Kenya CHV: gate review waiting (Initiation)"]
    local = late.astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    assert local == TODAY + datetime.timedelta(days=1)
    assert gate.decoded("dtstart") == local


def test_the_feed_speaks_the_persons_language(client, team, head):
    compile_messages()
    set_profile(head, language="fr")
    key = calendar_key_rotate(user=head)
    calendar = parse(client.get(reverse("calendars:person", args=[key])))
    found = events(calendar)
    assert "Kenya CHV : étape Planification" in found
    assert "Kenya CHV : expiration — Accord de partage de données" in found
    assert not [name for name in found if name.endswith(" stage")]


def test_only_the_digest_is_kept_and_a_new_key_stops_the_old_address(client, head, program):
    old = calendar_key_rotate(user=head)
    assert CalendarKey.objects.get(user=head).digest == key_digest(old)
    assert old not in CalendarKey.objects.get(user=head).digest
    new = calendar_key_rotate(user=head)
    assert client.get(reverse("calendars:person", args=[old])).status_code == 404
    assert client.get(reverse("calendars:team", args=[old, program.slug])).status_code == 404
    assert client.get(reverse("calendars:person", args=[new])).status_code == 200
    assert CalendarKey.objects.count() == 1


@pytest.mark.parametrize("key", ["nope", "x" * 43, "../../etc/passwd"])
def test_an_unknown_key_is_not_found(client, head, key):
    calendar_key_rotate(user=head)
    assert client.get(f"/calendar/{key}.ics").status_code == 404


def test_a_deactivated_persons_feed_is_gone(client, head, program):
    key = calendar_key_rotate(user=head)
    head.is_active = False
    head.save()
    assert client.get(reverse("calendars:person", args=[key])).status_code == 404


def test_no_team_feed_of_a_program_one_is_not_on(client, program, outsider, staff):
    other = ProgramFactory(head=outsider, slug="other", name="Other")
    for person in (outsider, staff):
        key = calendar_key_rotate(user=person)
        assert client.get(reverse("calendars:team", args=[key, program.slug])).status_code == 404
    key = calendar_key_rotate(user=outsider)
    assert client.get(reverse("calendars:team", args=[key, other.slug])).status_code == 200
    assert client.get(reverse("calendars:team", args=[key, "missing"])).status_code == 404


def test_the_feed_is_private_to_caches_and_referrers(client, head, program):
    key = calendar_key_rotate(user=head)
    response = client.get(reverse("calendars:person", args=[key]))
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert client.post(reverse("calendars:person", args=[key])).status_code == 405


def test_the_profile_makes_addresses_shown_once(client, head, program):
    client.force_login(head)
    page = client.get(reverse("personas:profile"))
    assert b"You have no calendar address yet." in page.content
    response = client.post(reverse("calendars:key-rotate"))
    assert response.status_code == 200
    record = CalendarKey.objects.get(user=head)
    text = response.content.decode()
    key = re.search(r'value="http://testserver/calendar/([A-Za-z0-9_-]{40,})\.ics"', text)[1]
    person_url = reverse("calendars:person", args=[key])
    assert key_digest(key) == record.digest
    assert f"/calendar/{key}/{program.slug}.ics" in text
    page = client.get(reverse("personas:profile"))
    assert b"Make new calendar addresses" in page.content
    assert key.encode() not in page.content
    assert client.get(person_url).status_code == 200


def test_making_addresses_needs_a_signed_in_post(client):
    assert client.post(reverse("calendars:key-rotate")).status_code == 302
