"""Reminders in a real browser: the digest as rendered in a mail client, then the bell, the
list of notifications and marking them read."""

import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from lifecycle.activity_services import activity_plan
from lifecycle.stages import Stage
from personas.models import DigestFrequency, PersonaRole
from personas.services import membership_add, profile_get, profile_update
from reminders.models import Notification
from reminders.services import digest_deliver, digests_send_due
from tests.factories import ProgramFactory, StageActivityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def quiet(user):
    profile = profile_get(user=user)
    profile_update(
        profile=profile,
        time_zone=profile.time_zone,
        language="en",
        digest_frequency=DigestFrequency.OFF,
        days_ahead=7,
        email_closeout_reports=True,
    )


def test_digest_bell_list_and_mark_read(
    live_server, browser, screenshot_dir, settings, monkeypatch
):
    settings.SITE_URL = live_server.url
    head = UserFactory(username="head")
    quiet(head)
    grace = UserFactory(username="grace", first_name="Grace", last_name="Akinyi")
    kenya = ProgramFactory(head=head, name="Siaya CHV maternal health", country="KE")
    uganda = ProgramFactory(head=head, name="Uganda VHT", country="UG")
    for program, titles in (
        (kenya, ["Build the ANC forms", "Test the tasks"]),
        (uganda, ["Train"]),
    ):
        membership_add(program=program, user=grace, role=PersonaRole.PROGRAM_ADMIN)
        for offset, title in enumerate(titles):
            activity = StageActivityFactory(program=program, stage=Stage.INITIATION, title=title)
            due = datetime.date(2027, 3, 1) + datetime.timedelta(days=offset * 4 - 2)
            activity_plan(activity=activity, assignee=grace, due_on=due)
    monkeypatch.setattr("reminders.services._enqueue_digest", lambda dispatch_id: None)
    outcome = digests_send_due(now=datetime.datetime.fromisoformat("2027-03-01T05:15:00+00:00"))
    (dispatch_id,) = outcome.dispatch_ids
    assert digest_deliver(dispatch_id=dispatch_id) == "sent"
    (message,) = mail.outbox
    unread = Notification.objects.filter(person=grace).count()
    assert unread == 5  # three activities, and each program's initiation past its planned end

    page = browser.new_page(viewport={"width": 1100, "height": 900})
    # The digest, as a mail client shows its HTML part.
    page.set_content(message.alternatives[0][0])
    # Most urgent first, each item under its program's name.
    expect(page.get_by_role("listitem").first).to_contain_text("Siaya CHV maternal health")
    expect(
        page.get_by_role("link", name="“Build the ANC forms” is due 27 Feb 2027")
    ).to_be_visible()
    page.screenshot(path=screenshot_dir / "reminders-1-digest-email.png", full_page=True)

    # Log in: the bell shows the unread count.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    bell = page.locator("#notification-bell")
    expect(bell.locator(".notification-count")).to_have_text(str(unread))
    page.screenshot(path=screenshot_dir / "reminders-2-bell.png")

    # The list; mark one read in place (htmx): the row and the bell change.
    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.locator(".notification-unread")).to_have_count(unread)
    page.screenshot(path=screenshot_dir / "reminders-3-list.png", full_page=True)
    train = page.locator(".notification", has_text="“Train” is due")
    train.get_by_role("button", name="Mark as read").click()
    expect(train.get_by_text("Read", exact=True)).to_be_visible()
    expect(page.locator(".notification-unread")).to_have_count(unread - 1)
    expect(bell.locator(".notification-count")).to_have_text(str(unread - 1))
    page.screenshot(path=screenshot_dir / "reminders-4-one-read.png", full_page=True)

    # Mark all read: the badge goes away.
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text(f"{unread - 1} notifications marked read.")).to_be_visible()
    expect(page.locator(".notification-unread")).to_have_count(0)
    expect(bell.locator(".notification-count")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "reminders-5-all-read.png", full_page=True)

    # An item links to where it is fixed: the activity on the lifecycle page.
    page.get_by_role("link", name="“Build the ANC forms” is due").click()
    expect(page.get_by_role("heading", name="Activities: Initiation")).to_be_visible()
    expect(page.locator(".activity", has_text="Build the ANC forms")).to_be_visible()
    assert Notification.objects.filter(person=grace, read_at__isnull=True).count() == 0

    # Profile and preferences, from the user menu: French and a weekly digest.
    page.locator("a.dropdown-toggle", has_text="Grace Akinyi").click()
    page.get_by_role("link", name="Profile and preferences").click()
    expect(page.get_by_label("Time zone")).to_have_value("Africa/Nairobi")
    page.locator("#id_language").select_option("fr")
    page.get_by_label("Reminder digest").select_option("weekly")
    page.get_by_label("Uganda VHT").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Vos préférences sont enregistrées.")).to_be_visible()
    expect(page.get_by_role("heading", name="Profil et préférences")).to_be_visible()
    page.screenshot(path=screenshot_dir / "reminders-6-profile-fr.png", full_page=True)
    profile = profile_get(user=grace)
    assert (profile.language, profile.digest_frequency) == ("fr", "weekly")
    assert [program.name for program in profile.muted_programs.all()] == ["Uganda VHT"]
