"""Writes for closeout reports: request a version, render it, e-mail it.

Views, tasks, the closeout hook and tests call these. Rendering and e-mailing are separate steps
(separate Celery tasks, each retried on its own) and each is idempotent:

- `report_request` returns the version already queued or rendering instead of making another
  (a partial unique index makes two impossible even in a race).
- `report_render` claims the version under `select_for_update` (status → rendering, with the
  task's id as the claim); a re-run finds it ready, failed, or claimed by another live task and
  does nothing. A version is never rendered into a second version.
- `report_email` claims one `CloseoutReportDelivery` row per address (unique per version and
  address) before sending; an address that has a row is never sent to again, unless its last
  attempt failed at the SMTP server. Once every recipient has it, `emailed_at` is set and a
  re-run sends nothing.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chtprograms.models import Program
from personas.selectors import closeout_report_recipients, languages_of
from plan.risks.selectors import scaling_decision_get
from plan.selectors import plan_overview
from reports import render as reports
from reports.models import (
    PENDING_REPORT_STATUSES,
    CloseoutReport,
    CloseoutReportDelivery,
    ReportStatus,
)

logger = logging.getLogger(__name__)

#: A queued version whose task has not started after this long is enqueued again when someone
#: asks for a report (its task may have been lost with a broker outage).
QUEUED_STALE_AFTER = datetime.timedelta(minutes=10)


def _rendering_stale_after() -> datetime.timedelta:
    """A rendering claim older than the worker's hard time limit belongs to a dead worker."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def enqueue_render(report_id: int) -> None:
    """Queue the render on the reports' queue (the task router, config.celery_app, sends the
    tasks it leads to there too)."""
    from reports.tasks import render_closeout_report

    render_closeout_report.apply_async(
        args=[report_id], queue=settings.CLOSEOUT_REPORT_QUEUE or None
    )


# --- request ----------------------------------------------------------------------------------


def report_request(*, program: Program, requested_by=None) -> tuple[CloseoutReport, bool]:
    """Ask for a new version of the program's closeout report; it is rendered by the worker.

    Returns (report, created). While a version is queued or rendering, that version is returned
    instead (and enqueued again if its task seems lost)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            # One request at a time per program: version numbers never collide.
            Program.objects.select_for_update().filter(pk=program.pk).values_list("pk").first()
            pending = (
                CloseoutReport.objects.filter(program=program, status__in=PENDING_REPORT_STATUSES)
                .order_by("-version")
                .first()
            )
            if pending is not None:
                if _looks_lost(pending, now):
                    transaction.on_commit(lambda: enqueue_render(pending.pk), robust=True)
                return pending, False
            latest = CloseoutReport.objects.filter(program=program).aggregate(v=Max("version"))
            report = CloseoutReport(
                program=program,
                version=(latest["v"] or 0) + 1,
                status=ReportStatus.QUEUED,
                requested_by=requested_by
                if requested_by is not None and requested_by.is_authenticated
                else None,
                requested_at=now,
            )
            report.full_clean(exclude=["file"])
            report.save()
            transaction.on_commit(lambda: enqueue_render(report.pk), robust=True)
    except IntegrityError:
        # Someone else's request won the race (SQLite has no row lock): theirs is the one.
        pending = CloseoutReport.objects.filter(
            program=program, status__in=PENDING_REPORT_STATUSES
        ).first()
        if pending is None:
            raise
        return pending, False
    return report, True


def _looks_lost(report: CloseoutReport, now: datetime.datetime) -> bool:
    if report.status == ReportStatus.QUEUED:
        return report.requested_at < now - QUEUED_STALE_AFTER
    return report.started_at is None or report.started_at < now - _rendering_stale_after()


# --- render -----------------------------------------------------------------------------------


def report_render(*, report_id: int, claim: str = "") -> CloseoutReport | None:
    """Render a queued version into its PDF, once.

    `claim` identifies the caller (the Celery task id, the same across its retries). Returns the
    report as it stands afterwards, or None if it no longer exists. Failures that retrying
    cannot fix (a template error, a program too large for the time limit) mark the version
    failed with the reason; database and storage errors propagate, for the task to retry."""
    claim = claim or f"direct-{timezone.now().timestamp()}"
    report = _claim_rendering(report_id, claim)
    if report is None or report.status != ReportStatus.RENDERING or report.claim_token != claim:
        return report
    program = (
        Program.objects.select_related("lead_organization", "lifecycle")
        .filter(pk=report.program_id)
        .first()
    )
    meta = reports.ReportMeta(
        version=report.version, generated_at=report.started_at, requested_by=report.requested_by
    )
    # One PDF per version: in the language of the person who asked for it (the site's
    # language when the program's entry into closeout asked for it).
    language = settings.LANGUAGE_CODE
    if report.requested_by_id is not None:
        language = languages_of(user_ids=[report.requested_by_id])[report.requested_by_id]
    try:
        with translation.override(language):
            rendered = reports.render_report(program=program, meta=meta)
    except DatabaseError:
        raise  # transient: the task retries, and its claim lets the retry resume
    except SoftTimeLimitExceeded:
        return report_fail(report_id=report_id, claim=claim, reason=too_slow_reason())
    except reports.RenderError as error:
        return report_fail(report_id=report_id, claim=claim, reason=str(error))
    except Exception:  # noqa: BLE001 — any other rendering error is final
        # The page says it plainly; the exception and its traceback go to the log only (they
        # can name files, modules and values no reader of the page should see).
        logger.exception("Closeout report %s could not be rendered", report_id)
        return report_fail(report_id=report_id, claim=claim, reason=internal_error_reason())
    return _store(report_id, claim, rendered)


def _claim_rendering(report_id: int, claim: str) -> CloseoutReport | None:
    now = timezone.now()
    with transaction.atomic():
        report = (
            CloseoutReport.objects.select_for_update(of=("self",))
            .select_related("program", "requested_by")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status not in PENDING_REPORT_STATUSES:
            return report  # gone, or done already: nothing to do
        if (
            report.status == ReportStatus.RENDERING
            and report.claim_token != claim
            and not _looks_lost(report, now)
        ):
            return report  # another live task is on it
        report.status = ReportStatus.RENDERING
        report.claim_token = claim
        report.started_at = now
        report.error_message = ""
        report.save(update_fields=["status", "claim_token", "started_at", "error_message"])
    return report


def _store(report_id: int, claim: str, rendered: reports.RenderedReport) -> CloseoutReport:
    with transaction.atomic():
        report = (
            CloseoutReport.objects.select_for_update(of=("self",))
            .select_related("program", "requested_by")
            .get(pk=report_id)
        )
        if report.status != ReportStatus.RENDERING or report.claim_token != claim:
            return report  # the claim was taken over meanwhile: keep the other result
        report.file.save(report.filename, ContentFile(rendered.pdf), save=False)
        try:
            report.sha256 = rendered.sha256
            report.page_count = rendered.page_count
            report.size_bytes = len(rendered.pdf)
            report.status = ReportStatus.READY
            report.finished_at = timezone.now()
            report.save(
                update_fields=[
                    "file",
                    "sha256",
                    "page_count",
                    "size_bytes",
                    "status",
                    "finished_at",
                ]
            )
        except Exception:
            report.file.delete(save=False)
            raise
    logger.info(
        "Closeout report %s (program %s, v%s): %s pages in %.1f s",
        report.pk,
        report.program_id,
        report.version,
        rendered.page_count,
        rendered.seconds,
    )
    return report


def internal_error_reason() -> str:
    return _(
        "The report could not be made because of an error in the application. The site "
        "administrators have the details in the server log; try again later, or ask them."
    )


def storage_error_reason() -> str:
    return _(
        "The report was made but could not be saved, after several tries. Try again later; "
        "if it fails again, ask a site administrator (the details are in the server log)."
    )


def too_slow_reason() -> str:
    return _(
        "The report took longer than the worker's time limit (%(seconds)s seconds) to render "
        "and was stopped. The program may have too much data for one report."
    ) % {"seconds": settings.CELERY_TASK_SOFT_TIME_LIMIT}


def report_fail(*, report_id: int, reason: str, claim: str | None = None) -> CloseoutReport | None:
    """Mark a queued or rendering version failed, with the reason shown on the report page."""
    with transaction.atomic():
        report = CloseoutReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status not in PENDING_REPORT_STATUSES:
            return report
        if claim is not None and report.claim_token not in ("", claim):
            return report
        report.status = ReportStatus.FAILED
        report.error_message = reason.strip() or _("The report could not be rendered.")
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error_message", "finished_at"])
    logger.warning("Closeout report %s failed: %s", report_id, report.error_message)
    return report


# --- e-mail -----------------------------------------------------------------------------------


@dataclass
class EmailOutcome:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.failed


def report_email(*, report_id: int) -> EmailOutcome:
    """E-mail a ready version, PDF attached, to each recipient once.

    Addresses already sent to (or being sent to) are skipped; addresses the SMTP server refused
    are in `failed` and are tried again by the next run (the task retries)."""
    outcome = EmailOutcome()
    with transaction.atomic():
        report = (
            CloseoutReport.objects.select_for_update(of=("self",))
            .select_related("program", "requested_by")
            .filter(pk=report_id)
            .first()
        )
        if report is None or not report.is_ready or report.emailed_at is not None:
            return outcome
    program = report.program
    recipients = closeout_report_recipients(program=program, requested_by=report.requested_by)
    with report.file.open("rb") as stored:
        pdf = stored.read()
    context = _email_context(report)
    languages = languages_of(user_ids=[user.pk for user in recipients])
    for user in recipients:
        address = user.email.strip()
        delivery = _claim_delivery(report, user, address)
        if delivery is None:
            outcome.skipped.append(address)
            continue
        try:
            _message(report, context, user, address, pdf, languages[user.pk]).send()
        except Exception as error:  # noqa: BLE001 — SMTP and network errors: retried later
            message = f"{type(error).__name__}: {error}"[:1000]
            CloseoutReportDelivery.objects.filter(pk=delivery.pk).update(error=message)
            outcome.failed.append((address, message))
            logger.warning("Closeout report %s: e-mail to %s failed: %s", report.pk, address, error)
        else:
            CloseoutReportDelivery.objects.filter(pk=delivery.pk).update(
                sent_at=timezone.now(), error=""
            )
            outcome.sent.append(address)
    if outcome.complete:
        CloseoutReport.objects.filter(pk=report.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
    return outcome


def _claim_delivery(report: CloseoutReport, user, address: str) -> CloseoutReportDelivery | None:
    """Claim the (report, address) row before sending; None when it is not ours to send."""
    key = address.lower()
    try:
        with transaction.atomic():
            delivery, created = CloseoutReportDelivery.objects.select_for_update().get_or_create(
                report=report,
                email=key,
                defaults={"recipient": user, "attempts": 1, "claimed_at": timezone.now()},
            )
            if created:
                return delivery
            if delivery.sent_at is not None or not delivery.error:
                return None  # sent, or being sent (or lost mid-send: never twice)
            delivery.error = ""
            delivery.attempts += 1
            delivery.claimed_at = timezone.now()
            delivery.save(update_fields=["error", "attempts", "claimed_at"])
            return delivery
    except IntegrityError:
        return None  # another run claimed it at the same moment


def _email_context(report: CloseoutReport) -> dict:
    program = report.program
    overview = plan_overview(program=program)
    decision = scaling_decision_get(program=program)
    return {
        "program": program,
        "report": report,
        "overview": overview,
        "scaling_decision": decision,
        "reports_url": settings.SITE_URL.rstrip("/")
        + reverse("reports:reports", kwargs={"slug": program.slug}),
    }


def _message(report, context, user, address, pdf, language) -> EmailMultiAlternatives:
    """The e-mail in the recipient's language (their profile's)."""
    context = {**context, "recipient": user}
    with translation.override(language):
        subject = " ".join(render_to_string("emails/closeout_report.subject.txt", context).split())
        text = render_to_string("emails/closeout_report.txt", context)
        html = render_to_string("emails/closeout_report.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[address]
    )
    message.attach_alternative(html, "text/html")
    message.attach(report.filename, pdf, "application/pdf")
    return message
