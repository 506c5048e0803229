"""Reminder tasks: the hourly beat entry and one task per digest."""

import datetime

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections

from reminders import services


def retry_countdown(retries: int) -> float:
    """Exponential backoff: BACKOFF, 2×, 4×… seconds, at most BACKOFF_MAX."""
    return min(settings.REMINDER_RETRY_BACKOFF * (2**retries), settings.REMINDER_RETRY_BACKOFF_MAX)


@shared_task(name="reminders.send_due_digests", ignore_result=True)
def send_due_digests(now: str | None = None) -> int:
    """Beat, hourly: claim the digests that are due and enqueue their e-mails.

    `now` (ISO 8601) lets a test or an operator replay a given hour."""
    moment = datetime.datetime.fromisoformat(now) if now else None
    return services.digests_send_due(now=moment).claimed


@shared_task(
    bind=True,
    name="reminders.send_digest",
    max_retries=settings.REMINDER_MAX_RETRIES,
    ignore_result=True,
)
def send_digest(self, dispatch_id: int) -> str:
    """Send one claimed digest; retry with exponential backoff while the SMTP server fails or
    the database connection is lost. After the last try the sweeper takes over (and, after its
    own tries, marks it failed, visible in the admin)."""
    final = self.request.retries >= self.max_retries
    try:
        return services.digest_deliver(dispatch_id=dispatch_id, final_attempt=final)
    except services.DigestNotSent as error:
        if final:
            return "not_sent"
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error
    except services.DATABASE_LOST as error:
        close_old_connections()
        if final:
            return "database_lost"  # the row is claimed or sending: the sweeper resends it
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error


@shared_task(name="reminders.sweep_digests", ignore_result=True)
def sweep_digests(now: str | None = None) -> str:
    """Beat, every DELIVERY_SWEEP_MINUTES: queue again the digests left unsent (see
    `services.digests_sweep`). `now` (ISO 8601) lets a test or an operator move time."""
    moment = datetime.datetime.fromisoformat(now) if now else None
    outcome = services.digests_sweep(now=moment)
    return f"queued again {len(outcome.requeued)}, failed {len(outcome.failed)}"
