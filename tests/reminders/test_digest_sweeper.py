"""The sweeper (reliability): digests left "claimed" or "sending" are queued again after a
delay, a bounded number of times, then marked failed; "send again" in the admin works on every
state. Time is moved by passing `now`, and by back-dating the rows' last change."""

import datetime

import pytest
from django.core import mail
from django.db.utils import OperationalError

from reminders.models import DigestDispatch, DispatchStatus
from reminders.services import digest_deliver, digest_resend, digests_sweep
from reminders.tasks import send_digest
from tests.factories import UserFactory

from .helpers import TODAY, assign, at, run, set_profile

pytestmark = pytest.mark.django_db

MORNING = at("2027-03-01 08:00", "Africa/Nairobi")


@pytest.fixture
def dispatch_id(program, head, developer):
    from personas.models import DigestFrequency

    assign(program, developer, TODAY + datetime.timedelta(days=3), title="Write the forms")
    set_profile(head, digest_frequency=DigestFrequency.OFF)
    (dispatch_id,) = run(MORNING).dispatch_ids
    DigestDispatch.objects.filter(pk=dispatch_id).update(updated_at=MORNING)
    return dispatch_id


@pytest.fixture
def queued(monkeypatch):
    ids = []
    monkeypatch.setattr("reminders.services._enqueue_digest", lambda pk: ids.append(pk) or True)
    return ids


def later(seconds: float) -> datetime.datetime:
    return MORNING + datetime.timedelta(seconds=seconds)


def test_a_claimed_digest_is_left_alone_until_the_delay_has_passed(
    dispatch_id, queued, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_STALE_AFTER = 660
    with django_capture_on_commit_callbacks(execute=True):
        outcome = digests_sweep(now=later(659))
    assert (outcome.requeued, outcome.failed, queued) == ([], [], [])
    with django_capture_on_commit_callbacks(execute=True):
        outcome = digests_sweep(now=later(661))
    assert outcome.requeued == [dispatch_id] and queued == [dispatch_id]
    dispatch = DigestDispatch.objects.get(pk=dispatch_id)
    assert (dispatch.status, dispatch.requeues) == (DispatchStatus.CLAIMED, 1)


def test_a_digest_stuck_sending_is_sent_again_with_the_same_message_id(
    dispatch_id, queued, settings, django_capture_on_commit_callbacks
):
    """A worker killed after claiming: at least once, recognisably the same e-mail."""
    assert digest_deliver(dispatch_id=dispatch_id) == "sent"
    first_id = mail.outbox[0].extra_headers["Message-ID"]
    DigestDispatch.objects.filter(pk=dispatch_id).update(
        status=DispatchStatus.SENDING, updated_at=MORNING
    )
    with django_capture_on_commit_callbacks(execute=True):
        digests_sweep(now=later(settings.DELIVERY_STALE_AFTER + 1))
    assert queued == [dispatch_id]
    assert digest_deliver(dispatch_id=dispatch_id) == "sent"
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [first_id, first_id]


def test_sent_skipped_and_failed_digests_are_not_swept(
    dispatch_id, queued, django_capture_on_commit_callbacks
):
    for status in (DispatchStatus.SENT, DispatchStatus.SKIPPED, DispatchStatus.FAILED):
        DigestDispatch.objects.filter(pk=dispatch_id).update(status=status, updated_at=MORNING)
        with django_capture_on_commit_callbacks(execute=True):
            outcome = digests_sweep(now=later(86400))
        assert (outcome.requeued, outcome.failed) == ([], [])
    assert queued == []


def test_after_the_last_requeue_the_digest_is_marked_failed(
    dispatch_id, queued, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_MAX_REQUEUES = 2
    step = settings.DELIVERY_STALE_AFTER + 1
    for n in range(1, 4):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = digests_sweep(now=later(step * n * 2))
        DigestDispatch.objects.filter(pk=dispatch_id).update(updated_at=later(step * n * 2))
    assert queued == [dispatch_id, dispatch_id]
    assert outcome.failed == [dispatch_id]
    dispatch = DigestDispatch.objects.get(pk=dispatch_id)
    assert dispatch.status == DispatchStatus.FAILED
    assert "gave up" in dispatch.error


def test_the_broker_still_down_does_not_count_against_the_limit(
    dispatch_id, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from reminders import tasks

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_digest, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = digests_sweep(now=later(settings.DELIVERY_STALE_AFTER + 1))
    assert outcome.requeued == [dispatch_id]
    dispatch = DigestDispatch.objects.get(pk=dispatch_id)
    assert (dispatch.status, dispatch.requeues) == (DispatchStatus.CLAIMED, 0)


@pytest.mark.parametrize(
    "status",
    [DispatchStatus.FAILED, DispatchStatus.SENDING, DispatchStatus.CLAIMED, DispatchStatus.SENT],
)
def test_send_again_works_on_every_state(
    dispatch_id, queued, status, client, django_capture_on_commit_callbacks
):
    DigestDispatch.objects.filter(pk=dispatch_id).update(status=status, requeues=3)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/reminders/digestdispatch/",
            {"action": "send_again", "_selected_action": [dispatch_id]},
            follow=True,
        )
    assert "1 digest(s) queued again." in response.content.decode()
    assert queued == [dispatch_id]
    dispatch = DigestDispatch.objects.get(pk=dispatch_id)
    assert (dispatch.status, dispatch.requeues) == (DispatchStatus.CLAIMED, 0)
    assert digest_deliver(dispatch_id=dispatch_id) == "sent"


def test_a_digest_with_nothing_to_send_is_not_sent_again(dispatch_id):
    from django.core.exceptions import ValidationError

    DigestDispatch.objects.filter(pk=dispatch_id).update(status=DispatchStatus.SKIPPED)
    with pytest.raises(ValidationError):
        digest_resend(dispatch=DigestDispatch.objects.get(pk=dispatch_id))


def test_a_database_connection_lost_after_sending_is_recorded_not_sent_twice(
    dispatch_id, monkeypatch
):
    """The SMTP server took the digest, then the first save fails: it reconnects and records
    "sent", so neither the task's retry nor the sweeper sends a second copy."""
    from django.db.models import Model

    real_save = Model.save
    failures = []

    def flaky_save(self, *args, **kwargs):
        if isinstance(self, DigestDispatch) and self.status == DispatchStatus.SENT and not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Model, "save", flaky_save)
    monkeypatch.setattr("reminders.services.time.sleep", lambda seconds: None)
    monkeypatch.setattr("reminders.services.connection.close", lambda: None)  # test transaction
    assert digest_deliver(dispatch_id=dispatch_id) == "sent"
    assert failures == [1]
    assert DigestDispatch.objects.get(pk=dispatch_id).status == DispatchStatus.SENT
    assert len(mail.outbox) == 1
    assert digest_deliver(dispatch_id=dispatch_id) == "not_claimed"


def test_the_task_retries_when_the_database_connection_is_lost(dispatch_id, monkeypatch):
    from celery.exceptions import Retry

    def lost(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("reminders.services.digest_deliver", lost)
    with pytest.raises(Retry):
        send_digest.apply(args=[dispatch_id], throw=True)
    assert mail.outbox == []
