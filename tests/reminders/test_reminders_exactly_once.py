"""Exactly once, for real: a Celery worker on Redis delivering to an SMTP server on loopback,
and two threads racing for the same digests on PostgreSQL.

Both need committed data that another connection (the worker, the other thread) can see:
`transaction=True`, on PostgreSQL only."""

import datetime
import os
import socket
import threading
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from django.core import mail
from django.db import connection, connections

from lifecycle.activity_services import activity_plan
from lifecycle.stages import Stage
from personas.models import DigestFrequency, PersonaRole
from personas.services import membership_add, profile_get, profile_update
from reminders.models import DigestDispatch, DispatchStatus, Notification
from reminders.services import digest_deliver, digests_send_due
from tests.factories import ProgramFactory, StageActivityFactory, UserFactory
from tests.services import missing, redis_url, start_celery_worker, stop_process, wait_for

pytestmark = [pytest.mark.django_db(transaction=True)]

#: 08:30 in Nairobi on two Mondays... and the Tuesday after the first.
FIRST_MORNING = "2027-03-01T05:30:00+00:00"
SECOND_MORNING = "2027-03-02T05:30:00+00:00"


def require_postgresql():
    if connection.vendor != "postgresql":
        missing("PostgreSQL", "set DATABASE_URL=postgres://user@host:5432/dbname")


def database_url() -> str:
    settings = connection.settings_dict
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    auth = f"{user}{password}@" if user else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{auth}{host}:{port}/{settings['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every message the server accepted."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        with self.lock:
            return [message for message in self.messages if message["To"] == address]


def smtp_server(inbox: Inbox, port: int) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def team_with_work():
    """Two people in Nairobi with activities due (the head has digests off)."""
    head = UserFactory()
    program = ProgramFactory(head=head, country="KE", name="Kenya CHV")
    profile = profile_get(user=head)
    profile_update(
        profile=profile,
        time_zone=profile.time_zone,
        language="en",
        digest_frequency=DigestFrequency.OFF,
        days_ahead=7,
        email_closeout_reports=True,
    )
    people = []
    for role in (PersonaRole.SOFTWARE_DEVELOPER, PersonaRole.TECHNICAL_SUPPORT):
        person = UserFactory()
        membership_add(program=program, user=person, role=role)
        activity = StageActivityFactory(program=program, stage=Stage.INITIATION, title="Forms")
        activity_plan(activity=activity, assignee=person, due_on=datetime.date(2027, 3, 3))
        people.append(person)
    return people


@pytest.mark.services
def test_a_real_worker_delivers_one_digest_per_person_and_retries_until_smtp_is_back():
    require_postgresql()
    broker = redis_url()
    people = team_with_work()
    inbox, port = Inbox(), free_port()
    server = smtp_server(inbox, port)
    queue = f"reminders-{os.getpid()}"
    worker = start_celery_worker(
        {
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "REMINDER_RETRY_BACKOFF": "0.5",
            "REMINDER_MAX_RETRIES": "10",
            "SITE_URL": "https://cht.example.org",
        },
        queues=queue,
    )
    client = Celery("reminders-test", broker=broker, backend=broker)
    log = ""
    try:
        # Beat fires twice for the same hour: one digest per person reaches the server.
        for _ in range(2):
            client.send_task(
                "reminders.send_due_digests", kwargs={"now": FIRST_MORNING}, queue=queue
            )
        assert wait_for(
            lambda: DigestDispatch.objects.filter(status=DispatchStatus.SENT).count() == 2, 90
        )
        # Everything sent before this ping has been handled once it answers.
        assert client.send_task("config.ping", queue=queue).get(timeout=60) == "pong"
        for person in people:
            (message,) = inbox.to(person.email)
            assert "1 thing needs your attention today" in message["Subject"]
            assert message.is_multipart()
        assert Notification.objects.count() == 2

        # The SMTP server is down: the send is retried (and recorded), not lost, not doubled.
        server.stop()
        client.send_task("reminders.send_due_digests", kwargs={"now": SECOND_MORNING}, queue=queue)
        period = datetime.date(2027, 3, 2)
        assert wait_for(
            lambda: DigestDispatch.objects.filter(period=period, attempts__gte=2).count() == 2, 90
        )
        failing = DigestDispatch.objects.filter(period=period).first()
        assert failing.status in (DispatchStatus.CLAIMED, DispatchStatus.SENDING)
        assert "Connection" in failing.error or "refused" in failing.error.lower()
        server = smtp_server(inbox, port)
        assert wait_for(
            lambda: (
                DigestDispatch.objects.filter(period=period, status=DispatchStatus.SENT).count()
                == 2
            ),
            120,
        )
        assert client.send_task("config.ping", queue=queue).get(timeout=60) == "pong"
        for person in people:
            assert len(inbox.to(person.email)) == 2  # one per day
    finally:
        log = stop_process(worker)
        server.stop()
    assert "reminders.send_digest" in log
    assert "Retry in" in log


def test_two_threads_claiming_the_same_period_send_one_email(monkeypatch):
    require_postgresql()
    people = team_with_work()
    monkeypatch.setattr("reminders.services._enqueue_digest", lambda dispatch_id: None)
    moment = datetime.datetime.fromisoformat(FIRST_MORNING)
    barrier = threading.Barrier(2)
    claims, deliveries, errors = [], [], []

    def worker():
        try:
            barrier.wait(timeout=30)
            outcome = digests_send_due(now=moment)
            claims.append(outcome.dispatch_ids)
            barrier.wait(timeout=30)
            # Both threads now try to send every claimed digest, the other's included.
            for dispatch in DigestDispatch.objects.order_by("pk"):
                deliveries.append(digest_deliver(dispatch_id=dispatch.pk))
        except Exception as error:  # reported below, with the thread's traceback
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(len(ids) for ids in claims) in ([0, 2], [1, 1])
    assert DigestDispatch.objects.count() == 2
    assert deliveries.count("sent") == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)
    assert Notification.objects.count() == 2  # the items were stored once too
