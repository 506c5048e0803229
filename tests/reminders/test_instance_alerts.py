"""The digest tells the people who run a program's CHT instance of its alerts — down, a Watchdog
threshold crossed, end of life near or past — once, in the digest after the alert was raised,
not every day it stays raised; a weekly digest covers its week."""

import datetime

import pytest

from instances.models import InstanceFlag
from instances.services import instance_create
from personas.models import PersonaRole
from personas.services import membership_add
from reminders import scan as reminders
from reminders.digest import notification_text
from reminders.models import Notification, NotificationKind
from tests.factories import ProgramFactory, UserFactory
from tests.queries import assert_same_count, counting

from .helpers import TODAY, at, notifications_of, run, set_profile

pytestmark = pytest.mark.django_db

MORNING = at("2027-03-01 08:00", "Africa/Nairobi")


def team_with_instance(name="Siaya CHV"):
    head = UserFactory()
    sysadmin, developer = UserFactory(), UserFactory()
    program = ProgramFactory(head=head, name=name)
    membership_add(program=program, user=sysadmin, role=PersonaRole.SYSTEM_ADMIN)
    membership_add(program=program, user=developer, role=PersonaRole.SOFTWARE_DEVELOPER)
    instance = instance_create(program=program, base_url=f"https://{program.slug}.example.org")
    return program, instance, head, sysadmin, developer


def flag(instance, code, hours_before, cleared=False):
    raised = MORNING - datetime.timedelta(hours=hours_before)
    return InstanceFlag.objects.create(
        instance=instance,
        code=code,
        detail="x",
        raised_at=raised,
        cleared_at=raised + datetime.timedelta(hours=1) if cleared else None,
    )


def alerts_of(user, *, alert_days=1):
    recipient = reminders.Recipient(user_id=user.pk, today=TODAY, alert_days=alert_days)
    return [
        item
        for item in reminders.digest_items([recipient], now=MORNING).get(user.pk, [])
        if item.kind == NotificationKind.INSTANCE_ALERT
    ]


def test_those_who_run_the_instance_hear_of_each_alert_once(client):
    program, instance, head, sysadmin, developer = team_with_instance()
    flag(instance, "sentinel_backlog", hours_before=3)  # raised since the last digest
    flag(instance, "down", hours_before=5, cleared=True)  # down for an hour in the night
    flag(instance, "fragmentation", hours_before=30)  # raised before yesterday's digest

    for person in (head, sysadmin):
        found = alerts_of(person)
        assert {item.subject.split("|")[0] for item in found} == {"sentinel_backlog", "down"}
        assert all(item.url == f"/programs/{program.slug}/instances/" for item in found)
    assert alerts_of(developer) == []  # not among those who run the instance
    # A weekly digest covers its week.
    weekly = {item.subject.split("|")[0] for item in alerts_of(head, alert_days=7)}
    assert weekly == {"sentinel_backlog", "down", "fragmentation"}


def test_the_alert_reaches_the_digest_and_the_bell_in_the_readers_words():
    program, instance, head, _sysadmin, _developer = team_with_instance()
    set_profile(head, time_zone="Africa/Nairobi")
    flag(instance, "sentinel_backlog", hours_before=3)
    run(MORNING)
    (alert,) = [n for n in notifications_of(head) if n.kind == NotificationKind.INSTANCE_ALERT]
    text = notification_text(alert, TODAY)
    assert text == f"Sentinel backlog — {instance}, since 1 Mar 2027"
    # The next day, the same alert still raised is not news.
    run(MORNING + datetime.timedelta(days=1))
    assert (
        Notification.objects.filter(person=head, kind=NotificationKind.INSTANCE_ALERT).count() == 1
    )


def test_a_muted_program_s_alerts_are_not_sent():
    program, instance, head, _sysadmin, _developer = team_with_instance()
    flag(instance, "down", hours_before=2)
    recipient = reminders.Recipient(user_id=head.pk, today=TODAY, muted=frozenset({program.pk}))
    assert reminders.instance_alert_items([recipient], now=MORNING) == {}


def test_the_alerts_cost_the_same_queries_for_2_and_12_programs():
    head = UserFactory()
    counted = []
    for size in (2, 12):
        for index in range(size):
            program = ProgramFactory(head=head)
            instance = instance_create(
                program=program, base_url=f"https://p{program.pk}-{size}-{index}.example.org"
            )
            flag(instance, "down", hours_before=2)
        recipient = reminders.Recipient(user_id=head.pk, today=TODAY)
        with counting() as queries:
            found = reminders.instance_alert_items([recipient], now=MORNING)
        assert len(found[head.pk]) == (2 if size == 2 else 14)
        counted.append(queries)
    assert_same_count(*counted)
