"""The digest e-mail: the most urgent items first, each with its program and linking to where it
is fixed, in the person's language; a long digest is capped and counts the rest per program;
and the lifecycle page in French for a French-speaking person."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse

from chtprograms.services import data_sharing_agreement_record
from lifecycle.activity_services import activity_plan
from lifecycle.stages import Stage
from personas.models import DigestFrequency, PersonaRole
from personas.services import membership_add, profile_get, profile_update
from reminders.services import digest_deliver, digests_send_due
from tests.factories import ProgramFactory, StageActivityFactory, UserFactory
from tests.translations import compile_messages, english_afterwards  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)


def prefer(user, **changes):
    profile = profile_get(user=user)
    values = {
        "time_zone": profile.time_zone,
        "language": profile.language,
        "digest_frequency": profile.digest_frequency,
        "days_ahead": profile.days_ahead,
        "email_closeout_reports": profile.email_closeout_reports,
        "muted_programs": [],
    }
    values.update(changes)
    return profile_update(profile=profile, **values)


def task(program, user, title, due_on):
    activity = StageActivityFactory(program=program, stage=Stage.INITIATION, title=title)
    return activity_plan(activity=activity, assignee=user, due_on=due_on)


@pytest.fixture
def awa(settings):
    """An administrator on two programs (Mali and Togo) with things due."""
    settings.SITE_URL = "https://cht.example.org"
    person = UserFactory(username="awa", first_name="Awa", last_name="Traoré")
    head = UserFactory()
    mali = ProgramFactory(head=head, name="Mali ASC", slug="mali-asc", country="ML")
    togo = ProgramFactory(head=head, name="Togo ASC", slug="togo-asc", country="TG")
    for program in (mali, togo):
        membership_add(program=program, user=person, role=PersonaRole.PROGRAM_ADMIN)
    prefer(head, digest_frequency=DigestFrequency.OFF)
    task(mali, person, "Former les agents de santé communautaire", TODAY + datetime.timedelta(3))
    task(togo, person, "Plan de formation", TODAY - datetime.timedelta(2))
    data_sharing_agreement_record(program=togo, reference="MoU", expires_on=TODAY)
    return person


def send(person, language="en"):
    prefer(person, language=language, time_zone="Africa/Bamako")
    moment = datetime.datetime(2027, 3, 1, 8, 5, tzinfo=zoneinfo.ZoneInfo("Africa/Bamako"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reminders.services._enqueue_digest", lambda dispatch_id: None)
        outcome = digests_send_due(now=moment)
    (dispatch_id,) = outcome.dispatch_ids
    assert digest_deliver(dispatch_id=dispatch_id) == "sent"
    (message,) = mail.outbox
    return message


def test_the_digest_lists_the_most_urgent_first_with_its_program_and_absolute_links(awa):
    message = send(awa)
    assert message.to == [awa.email]
    assert message.subject == "CHT Programs: things need your attention today".replace(
        "things", "5 things"
    )
    text = message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    # Most urgent first (the longest overdue leads), each with its program.
    togo_late = "- Togo ASC · “Plan de formation” is due 27 Feb 2027 (2 days overdue)"
    mali_soon = "- Mali ASC · “Former les agents de santé communautaire” is due 4 Mar 2027"
    assert text.index(togo_late) < text.index(mali_soon)
    assert "most urgent of your" not in text and "By program" not in text  # all 5 are shown
    # Each item, in both parts, links to the page where it is fixed.
    mali_task = "“Former les agents de santé communautaire” is due 4 Mar 2027 (in 3 days)"
    assert mali_task in text
    assert "“Plan de formation” is due 27 Feb 2027 (2 days overdue)" in text
    assert "Data-sharing agreement expires today" in text
    assert "https://cht.example.org/programs/togo-asc/considerations/#data-sharing-agreement" in (
        text
    )
    assert "https://cht.example.org/programs/mali-asc/lifecycle/?stage=initiation#activity-" in (
        html
    )
    assert "Former les agents de santé communautaire" in html
    assert "https://cht.example.org/profile/" in html
    assert message.extra_headers["Message-ID"].startswith("<digest-")


def test_a_french_speaking_persons_digest_is_in_french(awa):
    compile_messages()
    message = send(awa, language="fr")
    assert "Programmes CHT : 5 points demandent votre attention aujourd'hui" == message.subject
    text = message.body
    assert "Bonjour Awa Traoré," in text
    assert "Votre récapitulatif du lundi 1 mars 2027" in text
    assert "« Plan de formation » : échéance le 27 février 2027 (2 jours de retard)" in text
    assert "Accord de partage de données : expire aujourd'hui" in text
    assert "L'étape Démarrage devait se terminer le 6 février 2027 (23 jours de retard)" in text
    assert "needs your attention" not in text
    html = message.alternatives[0][0]
    assert '<html lang="fr">' in html
    assert "Voir toutes vos notifications" in html


def test_a_french_speaking_persons_lifecycle_page_is_in_french(client, awa):
    compile_messages()
    prefer(awa, language="fr")
    client.force_login(awa)
    page = client.get(reverse("lifecycle:detail", args=["mali-asc"])).content.decode()
    assert '<html lang="fr">' in page
    for french in (
        "Cycle de vie",
        "Activités : Démarrage",
        "Plan des étapes",
        "Jalon : sortie de l'étape Démarrage",
        "Former les agents de santé communautaire",
        "Échéance",
        "Mes programmes",
        "Profil et préférences",
    ):
        assert french in page, french
    assert "Stage plan" not in page and "My programs" not in page
    home = client.get(reverse("chtprograms:home")).content.decode()
    assert "Mes rôles" in home and "Administrateur du programme" in home


# --- a long digest is capped: the most urgent items, counts per program, a link ---------------


def deliver_at(moment) -> tuple:
    """Run the hourly digest at `moment` and send the (single) digest it claims; (queries, mail)."""
    from tests.queries import counting

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reminders.services._enqueue_digest", lambda dispatch_id: None)
        outcome = digests_send_due(now=moment)
    (dispatch_id,) = outcome.dispatch_ids
    mail.outbox.clear()
    with counting() as queries:
        assert digest_deliver(dispatch_id=dispatch_id) == "sent"
    (message,) = mail.outbox
    return queries, message


def size(message) -> int:
    return len(message.message().as_bytes())


@pytest.fixture
def busy_head(settings):
    """The head of 200 programs (in bulk), each with activities, a gate and documents due."""
    from .portfolio import bulk_portfolio

    settings.SITE_URL = "https://cht.example.org"
    people = [UserFactory(username="busy-head") for _ in range(1)] + [UserFactory()]
    programs = bulk_portfolio(200, people)
    prefer(people[1], digest_frequency=DigestFrequency.OFF)
    prefer(people[0], time_zone="Africa/Nairobi")
    # The most urgent item of all: an activity of the current stage, a year late.
    task(programs[123], people[0], "A year late", TODAY - datetime.timedelta(days=365))
    return people[0], programs


def test_a_digest_over_200_programs_stays_small_and_lists_the_most_urgent_first(
    busy_head, settings
):
    head, programs = busy_head
    settings.REMINDER_DIGEST_MAX_ITEMS = 20
    settings.REMINDER_DIGEST_MAX_PROGRAMS = 20
    _queries, message = deliver_at(
        datetime.datetime(2027, 3, 1, 8, 0, tzinfo=zoneinfo.ZoneInfo("Africa/Nairobi"))
    )
    total = int(message.subject.split(": ")[1].split()[0])
    assert total > 1000  # every item is counted (and kept under the bell)
    assert size(message) < 100_000
    text = message.body
    listed = text[text.index("most urgent of your") : text.index("more items. By program:")]
    items = [line for line in listed.splitlines() if line.startswith("- ")]
    assert len(items) == 20
    assert items[0] == (
        f"- {programs[123].name} · “A year late” is due 1 Mar 2026 (365 days overdue)"
    )
    assert f"The 20 most urgent of your {total} items:" in text
    assert f"And {total - 20} more items. By program:" in text
    assert "180 other programs" in text  # 20 programs listed by name, the rest counted
    assert "https://cht.example.org/notifications/" in text
    assert message.alternatives[0][0].count("<li ") == 20


def test_without_the_cap_the_same_digest_would_be_over_the_bound(busy_head, settings):
    """The bound above is one the uncapped digest breaks (so that test can fail)."""
    settings.REMINDER_DIGEST_MAX_ITEMS = 100_000
    _queries, message = deliver_at(
        datetime.datetime(2027, 3, 1, 8, 0, tzinfo=zoneinfo.ZoneInfo("Africa/Nairobi"))
    )
    assert size(message) > 100_000


def test_composing_a_capped_digest_costs_the_same_at_20_and_200_programs(settings):
    from tests.queries import assert_same_count

    from .portfolio import bulk_portfolio

    people = [UserFactory(), UserFactory()]
    prefer(people[1], digest_frequency=DigestFrequency.OFF)
    bulk_portfolio(20, people)
    prefer(people[0], time_zone="Africa/Nairobi")
    small, message = deliver_at(
        datetime.datetime(2027, 3, 1, 8, 0, tzinfo=zoneinfo.ZoneInfo("Africa/Nairobi"))
    )
    assert "By program:" in message.body
    bulk_portfolio(180, people)
    large, message = deliver_at(
        datetime.datetime(2027, 3, 2, 8, 0, tzinfo=zoneinfo.ZoneInfo("Africa/Nairobi"))
    )
    assert "other programs" in message.body
    assert_same_count(small, large)


def test_a_capped_digest_reads_in_french(awa, settings):
    compile_messages()
    settings.REMINDER_DIGEST_MAX_ITEMS = 2
    settings.REMINDER_DIGEST_MAX_PROGRAMS = 1
    message = send(awa, language="fr")
    text = message.body
    assert "Les 2 points les plus urgents sur 5 :" in text
    assert "Et 3 points de plus. Par programme :" in text
    assert "- Togo ASC · 3 points (2 en retard)" in text  # the busiest program, listed
    assert "1 autre programme · 2 points" in text
    html = message.alternatives[0][0]
    assert "Par programme :" in html and html.count("<li ") == 2
