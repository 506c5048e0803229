"""Closeout report tasks: render the PDF, then e-mail it."""

from celery import shared_task

from reports.models import ReportStatus

REPORT_RETRY_DELAYS = (30, 120, 600)


@shared_task(bind=True, name="reports.render_closeout_report", max_retries=len(REPORT_RETRY_DELAYS))
def render_closeout_report(self, report_id: int) -> str:
    """Render one queued version; when it is ready, enqueue its e-mail."""
    from billiard.exceptions import SoftTimeLimitExceeded
    from django.db import DatabaseError, close_old_connections

    from . import services as report_services

    claim = self.request.id or ""
    try:
        report = report_services.report_render(report_id=report_id, claim=claim)
    except SoftTimeLimitExceeded:
        report_services.report_fail(
            report_id=report_id, claim=claim, reason=report_services.too_slow_reason()
        )
        return "failed"
    except (DatabaseError, OSError) as error:
        close_old_connections()  # a lost database connection: reconnect on the retry
        if self.request.retries >= self.max_retries:
            report_services.report_fail(
                report_id=report_id, claim=claim, reason=report_services.storage_error_reason()
            )
            raise  # Celery logs the exception itself; the page gets the plain reason
        raise self.retry(exc=error, countdown=REPORT_RETRY_DELAYS[self.request.retries]) from error
    if report is None:
        return "gone"
    if report.status == ReportStatus.READY and report.emailed_at is None:
        report_services.enqueue_email(report.pk)  # broker down: the sweeper enqueues it later
    return report.status


@shared_task(bind=True, name="reports.email_closeout_report", max_retries=len(REPORT_RETRY_DELAYS))
def email_closeout_report(self, report_id: int) -> str:
    """E-mail one ready version to each recipient once; retry the addresses that failed, and
    the whole task when the database connection is lost. After the last try the sweeper takes
    over (`services.reports_sweep`)."""
    from django.db import close_old_connections

    from . import services as report_services

    try:
        outcome = report_services.report_email(report_id=report_id)
    except report_services.DATABASE_LOST as error:
        close_old_connections()
        if self.request.retries >= self.max_retries:
            return "database lost: the sweeper sends it later"
        raise self.retry(exc=error, countdown=REPORT_RETRY_DELAYS[self.request.retries]) from error
    if outcome.failed and self.request.retries < self.max_retries:
        raise self.retry(countdown=REPORT_RETRY_DELAYS[self.request.retries])
    return f"sent {len(outcome.sent)}, skipped {len(outcome.skipped)}, failed {len(outcome.failed)}"


@shared_task(name="reports.sweep_reports", ignore_result=True)
def sweep_reports(now: str | None = None) -> str:
    """Beat, every DELIVERY_SWEEP_MINUTES: queue again the versions and e-mails left unfinished
    (`services.reports_sweep`). `now` (ISO 8601) lets a test or an operator move time."""
    import datetime

    from . import services as report_services

    moment = datetime.datetime.fromisoformat(now) if now else None
    outcome = report_services.reports_sweep(now=moment)
    return str(outcome)
