"""Celery tasks of the lifecycle. Thin: primitive ids in, one service call, their own retries.
Every task is idempotent: running it twice does no harm."""

import datetime

from celery import shared_task
from django.conf import settings

from . import services

# --- reminders ---------------------------------------------------------------------------------


def retry_countdown(retries: int) -> float:
    """Exponential backoff: BACKOFF, 2×, 4×… seconds, at most BACKOFF_MAX."""
    return min(settings.REMINDER_RETRY_BACKOFF * (2**retries), settings.REMINDER_RETRY_BACKOFF_MAX)


@shared_task(name="lifecycle.send_due_digests", ignore_result=True)
def send_due_digests(now: str | None = None) -> int:
    """Beat, hourly: claim the digests that are due and enqueue their e-mails.

    `now` (ISO 8601) lets a test or an operator replay a given hour."""
    moment = datetime.datetime.fromisoformat(now) if now else None
    return services.digests_send_due(now=moment).claimed


@shared_task(
    bind=True,
    name="lifecycle.send_digest",
    max_retries=settings.REMINDER_MAX_RETRIES,
    ignore_result=True,
)
def send_digest(self, dispatch_id: int) -> str:
    """Send one claimed digest; retry with exponential backoff while the SMTP server fails,
    and after the last try leave it marked failed (visible in the admin)."""
    final = self.request.retries >= self.max_retries
    try:
        return services.digest_deliver(dispatch_id=dispatch_id, final_attempt=final)
    except services.DigestNotSent as error:
        if final:
            return "failed"
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error


# --- closeout reports ---------------------------------------------------------------------------
# Two tasks, each retried on its own and idempotent (see lifecycle/report_services.py): rendering
# a version twice does not make a second version, e-mailing it twice sends nothing more.

REPORT_RETRY_DELAYS = (30, 120, 600)


@shared_task(
    bind=True, name="lifecycle.render_closeout_report", max_retries=len(REPORT_RETRY_DELAYS)
)
def render_closeout_report(self, report_id: int) -> str:
    """Render one queued version; when it is ready, enqueue its e-mail."""
    from billiard.exceptions import SoftTimeLimitExceeded
    from django.db import DatabaseError

    from . import report_services

    claim = self.request.id or ""
    try:
        report = report_services.report_render(report_id=report_id, claim=claim)
    except SoftTimeLimitExceeded:
        report_services.report_fail(
            report_id=report_id, claim=claim, reason=report_services.too_slow_reason()
        )
        return "failed"
    except (DatabaseError, OSError) as error:
        if self.request.retries >= self.max_retries:
            report_services.report_fail(
                report_id=report_id,
                claim=claim,
                reason=f"The report could not be stored: {type(error).__name__}: {error}"[:500],
            )
            raise
        raise self.retry(exc=error, countdown=REPORT_RETRY_DELAYS[self.request.retries]) from error
    if report is None:
        return "gone"
    if report.status == "ready" and report.emailed_at is None:
        report_services.enqueue_email(report.pk)
    return report.status


@shared_task(
    bind=True, name="lifecycle.email_closeout_report", max_retries=len(REPORT_RETRY_DELAYS)
)
def email_closeout_report(self, report_id: int) -> str:
    """E-mail one ready version to each recipient once; retry the addresses that failed."""
    from . import report_services

    outcome = report_services.report_email(report_id=report_id)
    if outcome.failed and self.request.retries < self.max_retries:
        raise self.retry(countdown=REPORT_RETRY_DELAYS[self.request.retries])
    return f"sent {len(outcome.sent)}, skipped {len(outcome.skipped)}, failed {len(outcome.failed)}"
