"""Nothing lost when the broker or the SMTP server fails, for real: a Celery worker on a
redis-server of the test's own (restarted under it, losing every queued message), PostgreSQL,
and an SMTP server on loopback. Afterwards every digest is delivered, once, or shown as failed;
a copy sent again after a crash carries the same Message-ID."""

import asyncio
import datetime
import os

import pytest
from celery import Celery

from lifecycle.activity_services import activity_plan
from lifecycle.stages import Stage
from personas.models import DigestFrequency, PersonaRole
from personas.services import membership_add, profile_get, profile_update
from reminders.models import DigestDispatch, DispatchStatus
from tests.factories import ProgramFactory, StageActivityFactory, UserFactory
from tests.services import PrivateRedis, start_celery_worker, stop_process, wait_for

from .test_reminders_exactly_once import (
    FIRST_MORNING,
    Inbox,
    database_url,
    free_port,
    require_postgresql,
    smtp_server,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

#: A day later than any row of the test: the sweeper finds every unfinished digest stale.
SWEEP_AT = "2027-03-05T05:30:00+00:00"


class SlowInbox(Inbox):
    """Takes a second per message: the worker is busy when Redis goes away."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        reply = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(1)
        return reply


def people_with_work(count: int) -> list:
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
    for n in range(count):
        person = UserFactory()
        membership_add(program=program, user=person, role=PersonaRole.SOFTWARE_DEVELOPER)
        activity = StageActivityFactory(program=program, stage=Stage.INITIATION, title=f"Form {n}")
        activity_plan(activity=activity, assignee=person, due_on=datetime.date(2027, 3, 3))
        people.append(person)
    return people


def private_client(redis: PrivateRedis, monkeypatch) -> Celery:
    """A Celery client of the private Redis (Celery prefers CELERY_BROKER_URL from the
    environment, the shared Redis, to the broker it is given)."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    return Celery("faults-test", broker=redis.url(), backend=redis.url())


def worker_env(broker: str, queue: str, smtp_port: int, **more) -> dict:
    return {
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "REMINDER_RETRY_BACKOFF": "0.2",
        "SITE_URL": "https://cht.example.org",
        **more,
    }


def sent_count() -> int:
    return DigestDispatch.objects.filter(status=DispatchStatus.SENT).count()


def assert_each_person_got_one_digest(inbox: Inbox, people: list) -> None:
    """At least once, recognisably once: every copy a person got has the same Message-ID."""
    for person in people:
        messages = inbox.to(person.email)
        assert messages, f"{person.email} got no digest"
        assert len({message["Message-ID"] for message in messages}) == 1


def test_redis_restarted_under_a_busy_worker_loses_no_digest(tmp_path, monkeypatch):
    require_postgresql()
    redis = PrivateRedis(tmp_path).start()
    people = people_with_work(6)
    inbox, port = SlowInbox(), free_port()
    server = smtp_server(inbox, port)
    queue = f"faults-{os.getpid()}"
    worker = start_celery_worker(worker_env(redis.url(), queue, port), queues=queue, pool="prefork")
    client = private_client(redis, monkeypatch)
    log = ""
    try:
        assert wait_for(lambda: redis.has_consumer_for(queue), 300), "the worker did not start"
        assert client.send_task("config.ping", queue=queue).get(timeout=120) == "pong"
        client.send_task("reminders.send_due_digests", kwargs={"now": FIRST_MORNING}, queue=queue)
        assert wait_for(lambda: sent_count() >= 1, 90), "the worker sent nothing"
        assert sent_count() < len(people), "everything was sent before the restart"
        # Redis goes away with the digests queued in it (no persistence: they are lost).
        redis.restart(down_for=3)
        # The sweeper (beat) finds the digests the database says are unfinished.
        client.send_task("reminders.sweep_digests", kwargs={"now": SWEEP_AT}, queue=queue)
        assert wait_for(lambda: sent_count() == len(people), 120), list(
            DigestDispatch.objects.values_list("status", "requeues", "error")
        )
        assert worker.poll() is None, "the worker exited"
    finally:
        log = stop_process(worker)
        server.stop()
        redis.stop()
        print(log)
    assert "Unrecoverable error" not in log
    assert "Connection to broker lost" in log
    assert_each_person_got_one_digest(inbox, people)
    assert DigestDispatch.objects.filter(requeues__gte=1).exists()


def test_smtp_down_past_the_retries_then_back_every_digest_is_sent_or_shown_failed(
    tmp_path, monkeypatch
):
    require_postgresql()
    redis = PrivateRedis(tmp_path).start()
    people = people_with_work(3)
    inbox, port = Inbox(), free_port()
    queue = f"faults-smtp-{os.getpid()}"
    worker = start_celery_worker(
        worker_env(redis.url(), queue, port, REMINDER_MAX_RETRIES="1"), queues=queue
    )
    client = private_client(redis, monkeypatch)
    server = None
    try:
        assert wait_for(lambda: redis.has_consumer_for(queue), 300), "the worker did not start"
        assert client.send_task("config.ping", queue=queue).get(timeout=120) == "pong"
        # No SMTP server: each digest is tried twice (one retry), then waits for the sweeper.
        client.send_task("reminders.send_due_digests", kwargs={"now": FIRST_MORNING}, queue=queue)
        assert wait_for(
            lambda: (
                DigestDispatch.objects.filter(
                    status=DispatchStatus.CLAIMED, attempts=2, error__contains="refused"
                ).count()
                == len(people)
            ),
            90,
        )
        server = smtp_server(inbox, port)
        client.send_task("reminders.sweep_digests", kwargs={"now": SWEEP_AT}, queue=queue)
        assert wait_for(lambda: sent_count() == len(people), 90)
    finally:
        log = stop_process(worker)
        if server is not None:
            server.stop()
        redis.stop()
        print(log)
    assert_each_person_got_one_digest(inbox, people)
    assert all(len(inbox.to(person.email)) == 1 for person in people)
