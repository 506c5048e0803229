"""The real path: a program enters closeout, a Celery worker on Redis renders its report and an
SMTP server on loopback receives one e-mail per recipient with the PDF attached; running both
tasks again sends nothing more and makes no second version.

The worker must see the test's data: committed (`transaction=True`) in PostgreSQL."""

import hashlib
import os
import socket
import threading
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from django.db import connection

from lifecycle.stages import Stage
from personas.models import PersonaRole
from personas.services import membership_add
from reports.models import CloseoutReport, CloseoutReportDelivery, ReportStatus
from tests.factories import ProgramFactory, UserFactory, reviewer
from tests.services import missing, redis_url, start_celery_worker, stop_process, wait_for

from .reporting import advance_one, advance_to, grow_program

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.services,
]


def require_postgresql():
    if connection.vendor != "postgresql":
        missing("PostgreSQL", "set DATABASE_URL=postgres://user@host:5432/dbname")


def require_redis_broker(settings) -> str:
    url = redis_url()
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        missing(
            "Redis as Celery's broker",
            "set CELERY_BROKER_URL=redis://127.0.0.1:6379/0 (the app enqueues the report there)",
        )
    return url


def worker_database_url() -> str:
    """The URL of the test database, for the worker."""
    db = connection.settings_dict
    auth = db["USER"] or ""
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}{'@' if auth else ''}{host}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message the server accepted."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


def pdf_attachments(message) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename(), part.get_payload(decode=True))
        for part in message.walk()
        if part.get_content_type() == "application/pdf"
    ]


def test_a_real_worker_renders_and_emails_the_report_once_per_recipient(settings, tmp_path):
    require_postgresql()
    broker = require_redis_broker(settings)
    queue = f"reports-{os.getpid()}"
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.CLOSEOUT_REPORT_QUEUE = queue

    head = UserFactory(username="report-head", first_name="Amina", last_name="Otieno")
    program = ProgramFactory(head=head, name="Kenya CHV closeout", slug="kenya-chv-closeout")
    second_head = UserFactory(username="second-head")
    membership_add(program=program, user=second_head, role=PersonaRole.PROGRAM_HEAD)
    rosa = reviewer(username="rosa")
    decider = UserFactory(username="decider", is_staff=True)  # staff: may decide, not a member
    grow_program(program, head, size=2)
    lifecycle = advance_to(program, Stage.SUPPORT, head)
    expected = {head.email, second_head.email, rosa.email, decider.email}

    inbox, port = Inbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    worker = start_celery_worker(
        {
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CLOSEOUT_REPORT_QUEUE": queue,
            "DATABASE_URL": worker_database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "MEDIA_ROOT": str(media),
            "SITE_URL": "https://cht.example.org",
        },
        queues=queue,
    )
    client = Celery("reports-test", broker=broker, backend=broker)
    log = ""
    try:
        # Entering closeout: the hook queues version 1 once the transition commits.
        advance_one(program, decider)
        assert lifecycle.stage == Stage.CLOSEOUT
        report = CloseoutReport.objects.get(program=program)
        assert (report.version, report.requested_by) == (1, decider)
        assert wait_for(
            lambda: CloseoutReport.objects.filter(pk=report.pk, emailed_at__isnull=False).exists(),
            60,
        ), "the worker did not render and e-mail the report in time"
        assert wait_for(lambda: inbox.count() >= len(expected), 30)
        report.refresh_from_db()
        assert report.status == ReportStatus.READY and report.page_count >= 4
        stored = (media / report.file.name).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == report.sha256

        # One e-mail per recipient, each with the PDF attached.
        with inbox.lock:
            messages = list(inbox.messages)
        assert sorted(address for rcpt, _m in messages for address in rcpt) == sorted(expected)
        for _rcpt, message in messages:
            assert "Kenya CHV closeout" in message["Subject"]
            ((name, content),) = pdf_attachments(message)
            assert name == f"closeout-report-{program.slug}-v1.pdf"
            assert content == stored
            text = next(
                part.get_payload(decode=True).decode()
                for part in message.walk()
                if part.get_content_type() == "text/plain"
            )
            assert f"https://cht.example.org/programs/{program.slug}/reports/" in text

        # Running both tasks again: nothing more is sent, no second version is made.
        for name in ("reports.render_closeout_report", "reports.email_closeout_report"):
            client.send_task(name, args=[report.pk], queue=queue).get(timeout=60)
        assert client.send_task("config.ping", queue=queue).get(timeout=60) == "pong"
        assert inbox.count() == len(expected)
        assert CloseoutReport.objects.filter(program=program).count() == 1
        report.refresh_from_db()
        assert hashlib.sha256((media / report.file.name).read_bytes()).hexdigest() == (
            report.sha256
        )
        assert CloseoutReportDelivery.objects.filter(
            report=report, sent_at__isnull=False
        ).count() == len(expected)
    finally:
        log = stop_process(worker)
        smtp.stop()
        print(log)  # shown by pytest when the test fails
    assert "reports.render_closeout_report" in log
    assert "reports.email_closeout_report" in log
