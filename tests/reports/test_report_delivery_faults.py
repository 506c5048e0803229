"""A worker killed while e-mailing a closeout report, for real: a Celery worker on a
redis-server of the test's own, PostgreSQL and an SMTP server on loopback. The e-mail it was
sending is not lost: the sweeper hands it to a new worker, and every recipient gets the report,
a copy sent again carrying the same Message-ID."""

import asyncio
import datetime
import os
import signal

import pytest
from celery import Celery
from django.utils import timezone

from reports.models import CloseoutReportDelivery, DeliveryStatus
from tests.factories import CloseoutReportFactory, ProgramFactory, UserFactory, reviewer
from tests.reminders.test_reminders_exactly_once import (
    Inbox,
    database_url,
    free_port,
    require_postgresql,
    smtp_server,
)
from tests.services import PrivateRedis, start_celery_worker, stop_process, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


class StallingInbox(Inbox):
    """Keeps the first message, then does not answer until released: the worker is killed in
    the middle of that SMTP conversation (after the server has the message, as may happen)."""

    def __init__(self):
        super().__init__()
        self.released = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        reply = await super().handle_DATA(server, session, envelope)
        while not self.released and len(self.messages) == 1:
            await asyncio.sleep(0.2)
        return reply


def test_a_worker_killed_mid_email_leaves_no_recipient_without_the_report(
    tmp_path, settings, monkeypatch
):
    require_postgresql()
    settings.MEDIA_ROOT = tmp_path / "media"
    redis = PrivateRedis(tmp_path).start()
    head = UserFactory(username="killed-head")
    program = ProgramFactory(head=head, name="Kenya CHV", slug="kenya-chv")
    rosa = reviewer(username="rosa")
    report = CloseoutReportFactory(program=program, requested_by=head, finished_at=timezone.now())
    recipients = {head.email, rosa.email}
    inbox, port = StallingInbox(), free_port()
    server = smtp_server(inbox, port)
    queue = f"report-faults-{os.getpid()}"
    env = {
        "CELERY_BROKER_URL": redis.url(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CLOSEOUT_REPORT_QUEUE": queue,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "EMAIL_TIMEOUT": "300",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SITE_URL": "https://cht.example.org",
    }
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery would prefer it
    client = Celery("report-faults-test", broker=redis.url())
    worker = start_celery_worker(env, queues=queue)
    second = None
    logs = []
    try:
        assert wait_for(lambda: redis.has_consumer_for(queue), 300), "the worker did not start"
        client.send_task("reports.email_closeout_report", args=[report.pk], queue=queue)
        # The worker is in the middle of the first e-mail: the server has it, no reply yet.
        assert wait_for(
            lambda: (
                inbox.messages
                and CloseoutReportDelivery.objects.filter(status=DeliveryStatus.SENDING).exists()
            ),
            120,
        )
        worker.send_signal(signal.SIGKILL)
        logs.append(stop_process(worker))
        inbox.released = True
        stuck = CloseoutReportDelivery.objects.get(status=DeliveryStatus.SENDING)
        # A new worker; the beat's sweeper, a while later, finds the e-mail stuck.
        second = start_celery_worker(env, queues=queue)
        assert wait_for(lambda: redis.has_consumer_for(queue), 300)
        later = timezone.now() + datetime.timedelta(seconds=settings.DELIVERY_STALE_AFTER + 60)
        client.send_task("reports.sweep_reports", kwargs={"now": later.isoformat()}, queue=queue)
        assert wait_for(
            lambda: (
                CloseoutReportDelivery.objects.filter(status=DeliveryStatus.SENT).count()
                == len(recipients)
            ),
            180,
        ), list(CloseoutReportDelivery.objects.values_list("email", "status", "error"))
    finally:
        if second is not None:
            logs.append(stop_process(second))
        server.stop()
        redis.stop()
        print("\n".join(logs))
    stuck.refresh_from_db()
    assert (stuck.attempts, stuck.requeues) == (2, 1)
    for address in recipients:
        messages = inbox.to(address)
        assert messages, f"{address} never got the report"
        assert len({message["Message-ID"] for message in messages}) == 1
    assert len(inbox.to(stuck.email)) == 2  # the first copy reached the server before the kill
