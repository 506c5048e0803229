"""Closeout report tasks: render the PDF, then e-mail it."""

from celery import shared_task

from reports.models import ReportStatus

REPORT_RETRY_DELAYS = (30, 120, 600)


@shared_task(bind=True, name="reports.render_closeout_report", max_retries=len(REPORT_RETRY_DELAYS))
def render_closeout_report(self, report_id: int) -> str:
    """Render one queued version; when it is ready, enqueue its e-mail."""
    from billiard.exceptions import SoftTimeLimitExceeded
    from django.db import DatabaseError

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
        if self.request.retries >= self.max_retries:
            report_services.report_fail(
                report_id=report_id, claim=claim, reason=report_services.storage_error_reason()
            )
            raise  # Celery logs the exception itself; the page gets the plain reason
        raise self.retry(exc=error, countdown=REPORT_RETRY_DELAYS[self.request.retries]) from error
    if report is None:
        return "gone"
    if report.status == ReportStatus.READY and report.emailed_at is None:
        email_closeout_report.delay(report.pk)
    return report.status


@shared_task(bind=True, name="reports.email_closeout_report", max_retries=len(REPORT_RETRY_DELAYS))
def email_closeout_report(self, report_id: int) -> str:
    """E-mail one ready version to each recipient once; retry the addresses that failed."""
    from . import services as report_services

    outcome = report_services.report_email(report_id=report_id)
    if outcome.failed and self.request.retries < self.max_retries:
        raise self.retry(countdown=REPORT_RETRY_DELAYS[self.request.retries])
    return f"sent {len(outcome.sent)}, skipped {len(outcome.skipped)}, failed {len(outcome.failed)}"
