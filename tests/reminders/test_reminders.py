"""Reminders: who gets a digest, when (08:00 where they are), and what it lists."""

import datetime

import pytest
from django.core import mail

from chtprograms.services import data_sharing_agreement_record
from instances.services import instance_create, instance_update
from lifecycle.activity_services import ethics_approval_record
from lifecycle.services import lifecycle_advance, lifecycle_cancel, lifecycle_hold
from lifecycle.stages import Stage
from personas.models import DigestFrequency, PersonaRole
from personas.services import membership_add, profile_get
from reminders import scan as reminders
from reminders.models import DigestDispatch, DispatchStatus, Notification, NotificationKind
from reminders.services import digest_deliver, digests_send_due
from tests.factories import ProgramFactory, UserFactory
from tests.lifecycle.conftest import meet_gate

from .helpers import TODAY, assign, at, notifications_of, run, set_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(program, head, developer):
    """A Kenyan program: a developer with an activity due in 3 days (and a head who has
    switched digests off, to keep the counts about the developer)."""
    assign(program, developer, TODAY + datetime.timedelta(days=3), title="Write the forms")
    set_profile(head, digest_frequency=DigestFrequency.OFF)
    return program


# --- when: 08:00 in the person's time zone -----------------------------------------------------


def test_the_default_time_zone_comes_from_the_first_programs_country(team, developer):
    assert profile_get(user=developer).time_zone == "Africa/Nairobi"


def test_nepal_and_mali_each_get_their_digest_at_their_08_00(head):
    nepal = ProgramFactory(head=head, country="NP", slug="nepal", name="Nepal CHW")
    mali = ProgramFactory(head=head, country="ML", slug="mali", name="Mali ASC")
    ram, awa = UserFactory(username="ram"), UserFactory(username="awa")
    membership_add(program=nepal, user=ram, role=PersonaRole.SOFTWARE_DEVELOPER)
    membership_add(program=mali, user=awa, role=PersonaRole.SOFTWARE_DEVELOPER)
    assign(nepal, ram, TODAY + datetime.timedelta(days=2), title="Nepali forms")
    assign(mali, awa, TODAY + datetime.timedelta(days=2), title="Formulaires bambara")
    set_profile(head, digest_frequency=DigestFrequency.OFF)
    assert profile_get(user=ram).time_zone == "Asia/Kathmandu"  # UTC+05:45
    assert profile_get(user=awa).time_zone == "Africa/Bamako"  # UTC+00:00

    # 07:00 in Kathmandu is 01:15 UTC: too early for both.
    assert run(at("2027-03-01 07:00", "Asia/Kathmandu")).claimed == 0
    # The hourly run at 02:15 UTC is 08:00 in Kathmandu, 02:15 in Bamako: Ram only.
    first = run(at("2027-03-01 08:00", "Asia/Kathmandu"))
    assert first.claimed == 1
    assert [n.subject for n in notifications_of(ram)] == ["Nepali forms"]
    assert notifications_of(awa) == []
    # 08:00 in Bamako: Awa now, and Ram not again.
    second = run(at("2027-03-01 08:00", "Africa/Bamako"))
    assert second.claimed == 1
    assert [n.subject for n in notifications_of(awa)] == ["Formulaires bambara"]
    assert DigestDispatch.objects.get(person=ram).period == datetime.date(2027, 3, 1)
    assert DigestDispatch.objects.get(person=awa).period == datetime.date(2027, 3, 1)
    assert len(notifications_of(ram)) == 1


def test_running_twice_in_the_same_hour_claims_once(team, developer):
    moment = at("2027-03-01 08:00", "Africa/Nairobi")
    assert run(moment).claimed == 1
    assert run(moment).claimed == 0
    assert run(moment + datetime.timedelta(hours=3)).claimed == 0  # caught up later: not again
    assert DigestDispatch.objects.filter(person=developer).count() == 1
    assert len(notifications_of(developer)) == 1


def test_a_missed_08_00_run_is_caught_up_later_that_day_and_the_next_day_is_new(team, developer):
    assert run(at("2027-03-01 07:59", "Africa/Nairobi")).claimed == 0
    assert run(at("2027-03-01 13:00", "Africa/Nairobi")).claimed == 1
    assert run(at("2027-03-02 08:00", "Africa/Nairobi")).claimed == 1
    periods = DigestDispatch.objects.filter(person=developer).values_list("period", flat=True)
    assert sorted(periods) == [datetime.date(2027, 3, 1), datetime.date(2027, 3, 2)]


def test_weekly_digests_go_out_on_monday_only(team, developer):
    set_profile(developer, digest_frequency=DigestFrequency.WEEKLY)
    assert run(at("2027-03-02 08:00", "Africa/Nairobi")).claimed == 0  # Tuesday
    assert run(at("2027-03-08 08:00", "Africa/Nairobi")).claimed == 1  # Monday
    dispatch = DigestDispatch.objects.get(person=developer)
    assert (dispatch.period, dispatch.frequency) == (datetime.date(2027, 3, 8), "weekly")


def test_off_means_no_digest(team, developer):
    set_profile(developer, digest_frequency=DigestFrequency.OFF)
    assert run(at("2027-03-01 08:00", "Africa/Nairobi")).claimed == 0
    assert not DigestDispatch.objects.filter(person=developer).exists()


def test_a_muted_program_is_left_out(team, developer, head):
    other = ProgramFactory(head=head, slug="uganda", name="Uganda VHT", country="UG")
    membership_add(program=other, user=developer, role=PersonaRole.SOFTWARE_DEVELOPER)
    assign(other, developer, TODAY, title="Uganda task")
    set_profile(developer, muted_programs=[team])
    run(at("2027-03-01 08:00", "Africa/Nairobi"))
    assert [n.subject for n in notifications_of(developer)] == ["Uganda task"]


def test_inactive_people_get_nothing(team, developer):
    developer.is_active = False
    developer.save(update_fields=["is_active"])
    run(at("2027-03-01 08:00", "Africa/Nairobi"))
    assert not DigestDispatch.objects.filter(person=developer).exists()


@pytest.mark.parametrize("stop", ["hold", "cancel", "closed", "archived"])
def test_programs_on_hold_cancelled_closed_or_archived_are_left_out(team, developer, head, stop):
    lifecycle = team.lifecycle
    if stop == "hold":
        lifecycle_hold(lifecycle=lifecycle, by=head, note="funding gap")
    elif stop == "cancel":
        lifecycle_cancel(lifecycle=lifecycle, by=head, note="stopped")
    elif stop == "closed":
        from lifecycle.models import Lifecycle

        Lifecycle.objects.filter(pk=lifecycle.pk).update(stage=Stage.CLOSED)
    else:
        from chtprograms.services import program_archive

        program_archive(program=team)
    assert run(at("2027-03-01 08:00", "Africa/Nairobi")).claimed == 0
    assert not Notification.objects.filter(program=team).exists()


# --- what: the scan --------------------------------------------------------------------------


def scan_for(user, today=TODAY, days_ahead=7, is_staff=False):
    recipient = reminders.Recipient(
        user_id=user.pk, today=today, days_ahead=days_ahead, is_staff=is_staff
    )
    return reminders.scan([recipient]).get(user.pk, [])


def test_due_soon_and_overdue_activities_within_the_window(team, developer):
    assign(team, developer, TODAY - datetime.timedelta(days=2), title="Late one")
    assign(team, developer, TODAY + datetime.timedelta(days=20), title="Far away")
    kinds = {item.subject: item.kind for item in scan_for(developer)}
    assert kinds == {
        "Late one": NotificationKind.ACTIVITY_OVERDUE,
        "Write the forms": NotificationKind.ACTIVITY_DUE,
    }
    wider = {item.subject for item in scan_for(developer, days_ahead=30)}
    assert "Far away" in wider


def test_finished_activities_and_stages_left_behind_are_not_reminded(team, developer, head):
    from lifecycle.activity_services import activity_update

    done = assign(team, developer, TODAY, title="Done already")
    activity_update(activity=done, by=developer, status="done", evidence_note="Minutes")
    meet_gate(team, Stage.INITIATION, head)
    assign(team, developer, TODAY, title="Left behind")
    lifecycle_advance(lifecycle=team.lifecycle, by=head, note="go", waive=[])
    assert all(item.subject not in ("Done already", "Left behind") for item in scan_for(developer))


def later_stage_activity(program, user, stage, due_on, title):
    from lifecycle.activity_services import activity_plan
    from tests.factories import StageActivityFactory

    activity = StageActivityFactory(program=program, stage=stage, title=title)
    return activity_plan(activity=activity, assignee=user, due_on=due_on)


def test_a_program_in_planning_reminds_of_planning_and_of_design_within_the_window_only(
    team, developer, head
):
    """The current stage's activities, the next stage's when due within the window; never the
    closeout activities (or any later stage's) of a program still in planning."""
    meet_gate(team, Stage.INITIATION, head)
    lifecycle_advance(lifecycle=team.lifecycle, by=head, note="go", waive=[])
    soon, late = TODAY + datetime.timedelta(days=2), TODAY - datetime.timedelta(days=2)
    later_stage_activity(team, developer, Stage.PLANNING, late, "Plan the budget")
    later_stage_activity(team, developer, Stage.DESIGN, soon, "Sketch the forms")
    later_stage_activity(team, developer, Stage.DESIGN, late, "Design overdue before it starts")
    later_stage_activity(team, developer, Stage.DESIGN, TODAY + datetime.timedelta(30), "Far")
    later_stage_activity(team, developer, Stage.BUILDING, soon, "Build the app")
    later_stage_activity(team, developer, Stage.CLOSEOUT, late, "Write the closeout report")
    kinds = {item.subject: item.kind for item in scan_for(developer)}
    assert kinds == {
        "Plan the budget": NotificationKind.ACTIVITY_OVERDUE,
        "Sketch the forms": NotificationKind.ACTIVITY_DUE,
    }
    # The bell lists what the digest run stored: the same two.
    set_profile(developer, time_zone="Africa/Nairobi")
    run(at("2027-03-01 08:00", "Africa/Nairobi"))
    assert {n.subject for n in notifications_of(developer)} == set(kinds)


def test_the_items_come_most_urgent_first(team, developer):
    assign(team, developer, TODAY - datetime.timedelta(days=1), title="Late by a day")
    assign(team, developer, TODAY - datetime.timedelta(days=9), title="Late by nine days")
    assign(team, developer, TODAY, title="Due today")
    assert [item.subject for item in scan_for(developer)] == [
        "Late by nine days",
        "Late by a day",
        "Due today",
        "Write the forms",  # in three days
    ]


def test_heads_hear_of_stages_past_their_planned_end_and_gates_waiting(team, head, developer):
    late = team.lifecycle.plans.get(stage=Stage.INITIATION).planned_end + datetime.timedelta(3)
    head_items = {item.kind for item in scan_for(head, today=late)}
    assert NotificationKind.STAGE_OVERDUE in head_items
    assert NotificationKind.GATE_WAITING in head_items  # planned end passed: decide
    developer_items = {item.kind for item in scan_for(developer, today=late)}
    assert NotificationKind.STAGE_OVERDUE not in developer_items
    assert NotificationKind.GATE_WAITING not in developer_items


def test_a_met_gate_waits_for_the_head_before_the_planned_end(team, head):
    early = datetime.date(2027, 1, 5)  # initiation is planned to end in February
    assert NotificationKind.GATE_WAITING not in {item.kind for item in scan_for(head, early)}
    meet_gate(team, Stage.INITIATION, head)
    gate = [item for item in scan_for(head, early) if item.kind == NotificationKind.GATE_WAITING]
    assert [(item.subject, item.url) for item in gate] == [
        ("initiation", f"/programs/{team.slug}/lifecycle/#gate")
    ]


def test_expiring_documents_go_to_the_roles_that_renew_them(team, head, developer):
    sysadmin, researcher = UserFactory(), UserFactory()
    membership_add(program=team, user=sysadmin, role=PersonaRole.SYSTEM_ADMIN)
    membership_add(program=team, user=researcher, role=PersonaRole.RESEARCHER)
    soon = TODAY + datetime.timedelta(days=5)
    ethics_approval_record(
        program=team,
        by=head,
        approved_on=datetime.date(2026, 1, 1),
        reference="NEC/1",
        expires_on=soon,
    )
    data_sharing_agreement_record(program=team, reference="MoU 7", expires_on=TODAY)
    instance = instance_create(
        program=team,
        base_url="https://chis.example.org",
        domain_renews_on=soon,
        tls_expires_on=TODAY - datetime.timedelta(days=1),
        tls_auto_renews=False,
    )

    def documents(user):
        return {
            item.subject
            for item in scan_for(user)
            if item.kind == NotificationKind.DOCUMENT_EXPIRING
        }

    assert documents(head) == {
        "ethics_approval",
        "data_sharing_agreement",
        "domain",
        "tls_certificate",
    }
    assert documents(sysadmin) == {"domain", "tls_certificate"}
    assert documents(researcher) == {"ethics_approval"}
    assert documents(developer) == set()
    # A certificate that renews itself is not reminded.
    # (A training instance's dates are not the production domain's: not reminded either.)
    instance_create(
        program=team,
        base_url="https://training.chis.example.org",
        kind="training",
        domain_renews_on=soon,
    )
    instance_update(
        instance=instance,
        domain_renews_on=None,
        tls_expires_on=TODAY,
        tls_auto_renews=True,
    )
    assert documents(sysadmin) == set()


# --- sending ---------------------------------------------------------------------------------


def test_a_claimed_digest_is_sent_once_and_marked_sent(team, developer):
    outcome = run(at("2027-03-01 08:00", "Africa/Nairobi"))
    (dispatch_id,) = outcome.dispatch_ids
    assert digest_deliver(dispatch_id=dispatch_id) == "sent"
    assert digest_deliver(dispatch_id=dispatch_id) == "not_claimed"
    assert len(mail.outbox) == 1
    dispatch = DigestDispatch.objects.get(pk=dispatch_id)
    assert (dispatch.status, dispatch.attempts) == (DispatchStatus.SENT, 1)
    assert dispatch.sent_at is not None


def test_people_with_nothing_to_do_are_recorded_and_not_rescanned(team):
    designer = UserFactory()
    membership_add(program=team, user=designer, role=PersonaRole.UX_DESIGNER)
    run(at("2027-03-01 08:00", "Africa/Nairobi"))
    dispatch = DigestDispatch.objects.get(person=designer)
    assert dispatch.status == DispatchStatus.SKIPPED
    assert notifications_of(designer) == []
    assert run(at("2027-03-01 09:00", "Africa/Nairobi")).due == 0


def test_a_digest_is_enqueued_only_after_the_claim_commits(
    team, developer, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("reminders.services._enqueue_digest", sent.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = digests_send_due(now=at("2027-03-01 08:00", "Africa/Nairobi"))
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == outcome.dispatch_ids and len(sent) == 1


# --- failures, retries and the admin ------------------------------------------------------------


def test_an_smtp_failure_keeps_the_digest_claimed_then_marks_it_failed_after_the_last_try(
    team, developer, monkeypatch, settings
):
    import smtplib

    from reminders.services import DigestNotSent

    outcome = run(at("2027-03-01 08:00", "Africa/Nairobi"))
    (dispatch_id,) = outcome.dispatch_ids

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(DigestNotSent):
        digest_deliver(dispatch_id=dispatch_id)
    dispatch = DigestDispatch.objects.get(pk=dispatch_id)
    assert (dispatch.status, dispatch.attempts) == (DispatchStatus.CLAIMED, 1)
    assert "Connection unexpectedly closed" in dispatch.error
    # The task's last try: still claimed, for the sweeper (it has not queued it again yet).
    with pytest.raises(DigestNotSent):
        digest_deliver(dispatch_id=dispatch_id, final_attempt=True)
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts) == (DispatchStatus.CLAIMED, 2)
    # The last try after the sweeper's last requeue: failed.
    DigestDispatch.objects.filter(pk=dispatch_id).update(requeues=settings.DELIVERY_MAX_REQUEUES)
    with pytest.raises(DigestNotSent):
        digest_deliver(dispatch_id=dispatch_id, final_attempt=True)
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts) == (DispatchStatus.FAILED, 3)
    assert digest_deliver(dispatch_id=dispatch_id) == "not_claimed"  # failed: left alone
    assert mail.outbox == []


def test_failed_digests_are_listed_in_the_admin_and_can_be_sent_again(
    team, developer, client, django_capture_on_commit_callbacks, monkeypatch
):
    outcome = run(at("2027-03-01 08:00", "Africa/Nairobi"))
    (dispatch_id,) = outcome.dispatch_ids
    DigestDispatch.objects.filter(pk=dispatch_id).update(
        status=DispatchStatus.FAILED, attempts=7, error="SMTPServerDisconnected"
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/reminders/digestdispatch/?status__exact=failed")
    assert page.status_code == 200
    assert "SMTPServerDisconnected" not in page.content.decode()  # the list shows the status
    assert developer.username in page.content.decode()
    queued = []
    monkeypatch.setattr("reminders.services._enqueue_digest", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/reminders/digestdispatch/",
            {"action": "send_again", "_selected_action": [dispatch_id]},
        )
    assert response.status_code == 302
    assert queued == [dispatch_id]
    assert DigestDispatch.objects.get(pk=dispatch_id).status == DispatchStatus.CLAIMED
    assert digest_deliver(dispatch_id=dispatch_id) == "sent"
    assert len(mail.outbox) == 1


def test_retries_back_off_exponentially_below_the_visibility_timeout(settings):
    from reminders.tasks import retry_countdown

    settings.REMINDER_RETRY_BACKOFF = 60
    assert [retry_countdown(n) for n in range(7)] == [60, 120, 240, 480, 540, 540, 540]
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.REMINDER_RETRY_BACKOFF_MAX < visibility


def test_beat_runs_the_digest_task_every_hour_and_celery_is_set_for_reliability(settings):
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["reminders-send-due-digests"]
    assert entry["task"] == "reminders.send_due_digests"
    assert entry["schedule"] == crontab(minute=0)
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > (
        settings.CELERY_TASK_TIME_LIMIT
    )
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_SERIALIZER == "json"


def test_a_digest_that_cannot_be_written_is_marked_failed_not_retried(team, developer, monkeypatch):
    outcome = run(at("2027-03-01 08:00", "Africa/Nairobi"))
    (dispatch_id,) = outcome.dispatch_ids

    def broken(**kwargs):
        raise ValueError("a template bug")

    monkeypatch.setattr("reminders.services.digest_message", broken)
    with pytest.raises(ValueError, match="a template bug"):
        digest_deliver(dispatch_id=dispatch_id)
    dispatch = DigestDispatch.objects.get(pk=dispatch_id)
    assert dispatch.status == DispatchStatus.FAILED
    assert dispatch.error == "ValueError: a template bug"


# --- the same stage and gate items are not repeated every day ---------------------------------


def stage_and_gate_items(user, day: datetime.date) -> set:
    run(at(f"{day.isoformat()} 08:00", "Africa/Nairobi"))
    return {
        (n.kind, n.subject, n.due_on)
        for n in Notification.objects.filter(person=user, dispatch__period=day)
        if n.kind in (NotificationKind.STAGE_OVERDUE, NotificationKind.GATE_WAITING)
    }


def test_stage_and_gate_items_are_told_once_a_week_unless_they_change(team, head):
    from lifecycle.activity_services import stage_plan_update

    set_profile(head, digest_frequency=DigestFrequency.DAILY)
    plan = team.lifecycle.plans.get(stage=Stage.INITIATION)
    end = plan.planned_end
    first = end + datetime.timedelta(days=3)
    both = {
        (NotificationKind.STAGE_OVERDUE, Stage.INITIATION, end),
        (NotificationKind.GATE_WAITING, Stage.INITIATION, end),
    }
    assert stage_and_gate_items(head, first) == both
    for later in range(1, 7):  # the next six days: nothing new to say about them
        assert stage_and_gate_items(head, first + datetime.timedelta(days=later)) == set()
    assert stage_and_gate_items(head, first + datetime.timedelta(days=7)) == both  # a week on
    # A new planned end (still past) is news: told the next day.
    new_end = end + datetime.timedelta(days=5)
    stage_plan_update(
        lifecycle=team.lifecycle, dates={Stage.INITIATION: (plan.planned_start, new_end)}
    )
    assert stage_and_gate_items(head, first + datetime.timedelta(days=8)) == {
        (NotificationKind.STAGE_OVERDUE, Stage.INITIATION, new_end),
        (NotificationKind.GATE_WAITING, Stage.INITIATION, new_end),
    }
    assert stage_and_gate_items(head, first + datetime.timedelta(days=9)) == set()


def test_activities_still_overdue_are_reminded_every_day(team, developer):
    set_profile(developer, time_zone="Africa/Nairobi")
    assign(team, developer, TODAY - datetime.timedelta(days=2), title="Late one")
    for day in range(3):
        moment = at(f"{(TODAY + datetime.timedelta(days=day)).isoformat()} 08:00", "Africa/Nairobi")
        assert run(moment).claimed == 1
    assert Notification.objects.filter(person=developer, subject="Late one").count() == 3


def test_a_tested_restore_six_months_old_asks_for_a_new_one(team, head, developer):
    """Backups are proven by a tested restore, for six months (the go-live criterion): the head,
    the administrators and the system administrators are reminded before it ages out."""
    from instances.golive.services import readiness_save
    from reminders.digest import notification_text

    sysadmin = UserFactory()
    membership_add(program=team, user=sysadmin, role=PersonaRole.SYSTEM_ADMIN)

    def restore_items(user):
        return [
            item
            for item in scan_for(user)
            if item.kind == NotificationKind.DOCUMENT_EXPIRING and item.subject == "restore_test"
        ]

    readiness_save(program=team, last_restore_tested_on=datetime.date(2026, 10, 1))
    assert restore_items(sysadmin) == []  # good until 1 Apr 2027: beyond the 7-day window
    readiness_save(program=team, last_restore_tested_on=datetime.date(2026, 9, 5))
    (item,) = restore_items(sysadmin)
    assert item.due_on == datetime.date(2027, 3, 5)
    assert item.url == f"/programs/{team.slug}/go-live/"
    assert len(restore_items(head)) == 1
    assert restore_items(developer) == []
    set_profile(sysadmin, time_zone="Africa/Nairobi")
    run(at("2027-03-01 08:00", "Africa/Nairobi"))
    (stored,) = [n for n in notifications_of(sysadmin) if n.subject == "restore_test"]
    assert notification_text(stored, TODAY) == (
        "The tested restore of the backups expires on 5 Mar 2027 (in 4 days)"
    )
