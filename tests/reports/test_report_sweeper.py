"""The sweeper for closeout reports and their e-mails (reliability), with time moved: versions
left queued or rendering, e-mails left unsent, are queued again after a delay, a bounded number of
times, then shown as failed; "send again" in the admin works on every state; entering closeout
while the queue is down tells no lie and leaves the version for the sweeper."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from lifecycle.stages import Stage
from reports.models import CloseoutReport, CloseoutReportDelivery, DeliveryStatus, ReportStatus
from reports.services import delivery_message_id, report_email, reports_sweep
from tests.factories import CloseoutReportFactory, ProgramFactory, UserFactory

from .reporting import advance_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

NOW = timezone.now()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def enqueued(monkeypatch):
    """What the sweeper hands to the queue: [(task, report id)]."""
    calls = []

    def fake(name):
        def enqueue(report_id):
            calls.append((name, report_id))
            return True

        return enqueue

    monkeypatch.setattr("reports.services.enqueue_render", fake("render"))
    monkeypatch.setattr("reports.services.enqueue_email", fake("email"))
    return calls


def ago(seconds: float) -> datetime.datetime:
    return NOW - datetime.timedelta(seconds=seconds)


def sweep(capture):
    with capture(execute=True):
        return reports_sweep(now=NOW)


def test_a_queued_version_is_enqueued_again_only_after_the_delay(
    enqueued, settings, django_capture_on_commit_callbacks
):
    stale = settings.DELIVERY_STALE_AFTER
    fresh = CloseoutReportFactory(program=ProgramFactory(), status="queued", file="")
    lost = CloseoutReportFactory(program=ProgramFactory(), status="queued", file="")
    CloseoutReport.objects.filter(pk=fresh.pk).update(requested_at=ago(stale - 5))
    CloseoutReport.objects.filter(pk=lost.pk).update(requested_at=ago(stale + 5))
    outcome = sweep(django_capture_on_commit_callbacks)
    assert outcome.rendering == [lost.pk] and enqueued == [("render", lost.pk)]
    # Just enqueued: not again at the next sweep.
    assert sweep(django_capture_on_commit_callbacks).rendering == []


def test_the_delay_is_just_above_the_render_tasks_hard_time_limit(settings):
    assert settings.DELIVERY_STALE_AFTER > settings.CELERY_TASK_TIME_LIMIT
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT < visibility <= settings.CELERY_TASK_TIME_LIMIT + 120


def test_a_version_rendering_past_the_limit_is_enqueued_again_then_failed(
    enqueued, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_MAX_REQUEUES = 1
    report = CloseoutReportFactory(program=ProgramFactory(), status="rendering", file="")
    old = ago(settings.DELIVERY_STALE_AFTER + 5)
    CloseoutReport.objects.filter(pk=report.pk).update(started_at=old, requested_at=old)
    assert sweep(django_capture_on_commit_callbacks).rendering == [report.pk]
    CloseoutReport.objects.filter(pk=report.pk).update(enqueued_at=old)
    outcome = sweep(django_capture_on_commit_callbacks)
    assert outcome.failed_reports == [report.pk]
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "lost" in report.error_message and "Traceback" not in report.error_message


def ready_report():
    head = UserFactory()
    report = CloseoutReportFactory(program=ProgramFactory(head=head), requested_by=head)
    CloseoutReport.objects.filter(pk=report.pk).update(finished_at=NOW)
    report.refresh_from_db()
    return report


def test_an_email_stuck_being_sent_is_sent_again_with_the_same_message_id(
    enqueued, settings, django_capture_on_commit_callbacks
):
    """A worker killed mid-send: at least once, and recognisably the same e-mail."""
    report = ready_report()
    outcome = report_email(report_id=report.pk)
    assert outcome.sent and not outcome.failed
    first = mail.outbox[0].extra_headers["Message-ID"]
    delivery = CloseoutReportDelivery.objects.get(report=report, email=outcome.sent[0])
    assert first == delivery_message_id(delivery)
    # As if the worker had died before recording the send.
    CloseoutReportDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING,
        sent_at=None,
        claimed_at=ago(settings.DELIVERY_STALE_AFTER + 5),
    )
    CloseoutReport.objects.filter(pk=report.pk).update(emailed_at=None)
    assert sweep(django_capture_on_commit_callbacks).emailing == [report.pk]
    assert enqueued == [("email", report.pk)]
    outcome = report_email(report_id=report.pk)
    assert outcome.sent == [delivery.email]
    resent = [m for m in mail.outbox if m.to == [delivery.email]]
    assert [m.extra_headers["Message-ID"] for m in resent] == [first, first]
    assert CloseoutReportDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT


def test_an_email_the_smtp_server_kept_refusing_is_marked_failed_after_the_last_requeue(
    enqueued, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DELIVERY_MAX_REQUEUES = 1
    report = ready_report()

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert report_email(report_id=report.pk).failed
    old = ago(settings.DELIVERY_STALE_AFTER + 5)
    CloseoutReportDelivery.objects.update(claimed_at=old)
    assert sweep(django_capture_on_commit_callbacks).emailing == [report.pk]
    assert CloseoutReportDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()
    CloseoutReportDelivery.objects.update(claimed_at=old)
    outcome = sweep(django_capture_on_commit_callbacks)
    assert outcome.failed_deliveries and outcome.emailing == []
    assert set(CloseoutReportDelivery.objects.values_list("status", flat=True)) == {"failed"}


def test_a_ready_version_never_emailed_gets_its_email_task_again(
    enqueued, settings, django_capture_on_commit_callbacks
):
    report = ready_report()
    CloseoutReport.objects.filter(pk=report.pk).update(
        finished_at=ago(settings.DELIVERY_STALE_AFTER + 5)
    )
    assert sweep(django_capture_on_commit_callbacks).emailing == [report.pk]


@pytest.mark.parametrize("status", ["failed", "sending", "pending", "sent"])
def test_send_again_in_the_admin_works_on_every_email_state(
    status, enqueued, client, django_capture_on_commit_callbacks
):
    report = ready_report()
    report_email(report_id=report.pk)
    delivery = CloseoutReportDelivery.objects.filter(report=report).first()
    CloseoutReportDelivery.objects.filter(pk=delivery.pk).update(status=status, requeues=3)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:reports_closeoutreportdelivery_changelist")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:reports_closeoutreportdelivery_changelist"),
            {"action": "send_again", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert "1 e-mail(s) queued again." in response.content.decode()
    assert enqueued == [("email", report.pk)]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.requeues) == (DeliveryStatus.PENDING, 0)


@pytest.mark.parametrize(
    ("status", "expected"), [("queued", "render"), ("rendering", "render"), ("ready", "email")]
)
def test_send_again_on_a_report_in_the_admin(
    status, expected, enqueued, client, django_capture_on_commit_callbacks
):
    report = CloseoutReportFactory(program=ProgramFactory(), status=status)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:reports_closeoutreport_changelist"),
            {"action": "send_again", "_selected_action": [report.pk]},
        )
    assert enqueued == [(expected, report.pk)]


def test_entering_closeout_while_the_queue_is_down_leaves_the_version_for_the_sweeper(
    client, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """No 500 and no lie: the decision is recorded, the version stays queued, and the sweeper
    hands it to the queue once the broker is back."""
    from reports.tasks import render_closeout_report

    head = UserFactory()
    program = ProgramFactory(head=head)
    advance_to(program, Stage.SUPPORT, head)

    def down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(render_closeout_report, "apply_async", down)
    client.force_login(head)
    from lifecycle import gates

    unmet = [r.id for r in gates.unmet(gates.evaluate(program.lifecycle))]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("lifecycle:advance", args=[program.slug]),
            {"advance-from_stage": "support", "advance-waive": unmet, "advance-note": "Waived"},
            follow=True,
        )
    assert response.status_code == 200
    report = CloseoutReport.objects.get(program=program)
    assert (report.status, report.enqueued_at) == (ReportStatus.QUEUED, None)
    # The broker is back; a few minutes later the beat's sweeper enqueues it.
    queued = []
    monkeypatch.setattr(render_closeout_report, "apply_async", lambda **kw: queued.append(kw))
    later = timezone.now() + datetime.timedelta(seconds=settings.DELIVERY_STALE_AFTER + 5)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = reports_sweep(now=later)
    assert outcome.rendering == [report.pk]
    assert queued and queued[0]["args"] == [report.pk]
    report.refresh_from_db()
    assert report.enqueued_at is not None and report.requeues == 1
