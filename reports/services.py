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
import time
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlsplit

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import Exists, F, Max, OuterRef, Q
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
    DeliveryStatus,
    ReportStatus,
)

logger = logging.getLogger(__name__)

#: A queued version whose task has not started after this long is enqueued again when someone
#: asks for a report (its task may have been lost with a broker outage).
QUEUED_STALE_AFTER = datetime.timedelta(minutes=10)


def _rendering_stale_after() -> datetime.timedelta:
    """A rendering claim older than this belongs to a dead worker: DELIVERY_STALE_AFTER, which
    is above the worker's hard time limit (a live render never runs that long)."""
    return datetime.timedelta(
        seconds=max(settings.DELIVERY_STALE_AFTER, settings.CELERY_TASK_TIME_LIMIT)
    )


def enqueue_render(report_id: int) -> bool:
    """Queue the render on the reports' queue (the task router, config.celery_app, sends the
    tasks it leads to there too). With the broker down, the version stays queued in the
    database (`enqueued_at` empty) and the sweeper enqueues it once the broker is back: no error
    reaches the person who asked. Returns whether the broker took it."""
    from reports.tasks import render_closeout_report

    return _enqueue(render_closeout_report, report_id)


def enqueue_email(report_id: int) -> bool:
    from reports.tasks import email_closeout_report

    return _enqueue(email_closeout_report, report_id)


def _enqueue(task, report_id: int) -> bool:
    try:
        task.apply_async(args=[report_id], queue=settings.CLOSEOUT_REPORT_QUEUE or None)
    except Exception:  # noqa: BLE001 — the broker is down or unreachable: the sweeper retries
        logger.warning(
            "Closeout report %s: the queue is unreachable; the sweeper will enqueue %s later",
            report_id,
            task.name,
            exc_info=True,
        )
        return False
    CloseoutReport.objects.filter(pk=report_id).update(enqueued_at=timezone.now())
    return True


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
    are in `failed` and are tried again by the next run (the task retries, then the sweeper).
    A lost database connection propagates (the task retries); once the SMTP server took an
    e-mail, recording it reconnects rather than forget it."""
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
            _message(report, context, user, address, pdf, delivery, languages[user.pk]).send()
        except Exception as error:  # noqa: BLE001 — SMTP and network errors: retried later
            message = f"{type(error).__name__}: {error}"[:1000]
            _update_after_reconnect(delivery.pk, status=DeliveryStatus.PENDING, error=message)
            outcome.failed.append((address, message))
            logger.warning("Closeout report %s: e-mail to %s failed: %s", report.pk, address, error)
        else:
            _update_after_reconnect(
                delivery.pk, status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
            )
            outcome.sent.append(address)
    if outcome.complete:
        CloseoutReport.objects.filter(pk=report.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
    return outcome


#: Errors of a lost database connection (the tasks retry them after reconnecting).
DATABASE_LOST = (OperationalError, InterfaceError)
SAVE_TRIES = 4


def _update_after_reconnect(delivery_id: int, **changes) -> None:
    """Record what the SMTP server did; if the database connection was lost meanwhile,
    reconnect and try again rather than forget it (and send a second copy later)."""
    for attempt in range(SAVE_TRIES):
        try:
            CloseoutReportDelivery.objects.filter(pk=delivery_id).update(**changes)
            return
        except DATABASE_LOST:
            if attempt == SAVE_TRIES - 1:
                raise
            close_old_connections()
            connection.close()
            time.sleep(0.5 * (attempt + 1))


def _claim_delivery(report: CloseoutReport, user, address: str) -> CloseoutReportDelivery | None:
    """Claim the (report, address) row before sending; None when it is not ours to send: sent,
    failed for good, or being sent (a row stuck "being sent" is the sweeper's to hand back)."""
    key = address.lower()
    try:
        with transaction.atomic():
            delivery, created = CloseoutReportDelivery.objects.select_for_update().get_or_create(
                report=report,
                email=key,
                defaults={
                    "recipient": user,
                    "attempts": 1,
                    "claimed_at": timezone.now(),
                    "status": DeliveryStatus.SENDING,
                },
            )
            if created:
                return delivery
            if delivery.status != DeliveryStatus.PENDING:
                return None
            delivery.status = DeliveryStatus.SENDING
            delivery.attempts += 1
            delivery.claimed_at = timezone.now()
            delivery.save(update_fields=["status", "attempts", "claimed_at"])
            return delivery
    except IntegrityError:
        return None  # another run claimed it at the same moment


def delivery_message_id(delivery: CloseoutReportDelivery) -> str:
    """The same for every attempt of one delivery: a copy sent again after a crash (at least
    once) is recognisably the same message, and mail clients show it once."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<closeout-report-{delivery.report_id}-{delivery.pk}@{host}>"


# --- the sweeper and the admin's "send again" ------------------------------------------------


@dataclass
class SweepOutcome:
    rendering: list[int] = field(default_factory=list)  # reports queued again for rendering
    emailing: list[int] = field(default_factory=list)  # reports whose e-mail was queued again
    failed_reports: list[int] = field(default_factory=list)
    failed_deliveries: list[int] = field(default_factory=list)


def reports_sweep(*, now: datetime.datetime | None = None) -> SweepOutcome:
    """Beat, every few minutes: the database is the source of truth.

    - a version "queued" or "rendering" for longer than DELIVERY_STALE_AFTER seconds (just above
      the render task's hard time limit: its task was lost with the broker, or its worker died)
      is queued again, DELIVERY_MAX_REQUEUES times at most, then marked failed;
    - an e-mail "to be sent" or "being sent" for that long (retries used up while the SMTP
      server was down, a worker killed mid-send) is handed back and its report's e-mail task
      queued again, as many times at most, then the e-mail is marked failed;
    - a ready version never e-mailed, with no e-mail rows at all (the e-mail task was lost), has
      its e-mail task queued again, as many times at most."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.DELIVERY_STALE_AFTER)
    limit = settings.DELIVERY_MAX_REQUEUES
    outcome = SweepOutcome()
    with transaction.atomic():
        pending = (
            CloseoutReport.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=ReportStatus.QUEUED)
                & Q(requested_at__lt=cutoff)
                & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=cutoff))
                | Q(status=ReportStatus.RENDERING)
                & (Q(started_at__isnull=True) | Q(started_at__lt=cutoff))
                & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=cutoff))
            )
            .order_by("pk")
        )
        requeued = []
        for report in pending:
            if report.requeues >= limit:
                outcome.failed_reports.append(report.pk)
                continue
            report.requeues += 1
            report.enqueued_at = now  # set again by a successful enqueue
            requeued.append(report)
            outcome.rendering.append(report.pk)
            transaction.on_commit(partial(enqueue_render, report.pk), robust=True)
        CloseoutReport.objects.bulk_update(requeued, ["requeues", "enqueued_at"])

        stale = (
            CloseoutReportDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
                claimed_at__lt=cutoff,
                report__status=ReportStatus.READY,
            )
            .order_by("pk")
        )
        to_email = set()
        deliveries = list(stale)  # one query; one update for them all below
        for delivery in deliveries:
            if delivery.requeues >= limit:
                delivery.status = DeliveryStatus.FAILED
                delivery.error = (
                    _("Not sent after %(count)d tries; the sweeper gave up.")
                    % {"count": delivery.attempts}
                    + (f" {delivery.error}" if delivery.error else "")
                )[:1000]
                outcome.failed_deliveries.append(delivery.pk)
                continue
            delivery.status = DeliveryStatus.PENDING
            delivery.requeues += 1
            delivery.claimed_at = now
            to_email.add(delivery.report_id)
        CloseoutReportDelivery.objects.bulk_update(
            deliveries, ["status", "error", "requeues", "claimed_at"]
        )
        never_emailed = (
            CloseoutReport.objects.select_for_update(skip_locked=True)
            .filter(
                ~Exists(CloseoutReportDelivery.objects.filter(report=OuterRef("pk"))),
                status=ReportStatus.READY,
                emailed_at__isnull=True,
                finished_at__lt=cutoff,
                requeues__lt=limit,
            )
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=cutoff))
        )
        unsent = list(never_emailed)
        for report in unsent:
            report.requeues += 1
            report.enqueued_at = now
            to_email.add(report.pk)
        CloseoutReport.objects.bulk_update(unsent, ["requeues", "enqueued_at"])
        CloseoutReport.objects.filter(pk__in=to_email).update(emailed_at=None)
        for report_id in sorted(to_email):
            outcome.emailing.append(report_id)
            transaction.on_commit(partial(_requeue, enqueue_email, report_id), robust=True)
    for report_id in outcome.failed_reports:
        report_fail(report_id=report_id, reason=lost_reason())
    if any(
        (outcome.rendering, outcome.emailing, outcome.failed_reports, outcome.failed_deliveries)
    ):
        logger.warning("Closeout report sweep: %s", outcome)
    return outcome


def _requeue(enqueue, report_id: int) -> None:
    """The broker still down: this try does not count against the version's limit."""
    if not enqueue(report_id):
        CloseoutReport.objects.filter(pk=report_id, requeues__gt=0).update(
            requeues=F("requeues") - 1
        )


def lost_reason() -> str:
    return _(
        "The report could not be made: its task was lost several times (the queue or the "
        "worker was down). Try again; if it fails again, ask a site administrator."
    )


def report_send_again(*, report: CloseoutReport) -> str:
    """Admin: whatever the version's state. Queued or rendering: queued again. Ready: every
    e-mail not sent yet (to be sent, being sent, failed) is sent again, and any recipient without
    one gets it. Failed: a new version is requested (versions are never rewritten).
    Returns what was done ("render", "email", "new_version")."""
    if report.status in PENDING_REPORT_STATUSES:
        CloseoutReport.objects.filter(pk=report.pk).update(requeues=0)
        transaction.on_commit(partial(enqueue_render, report.pk), robust=True)
        return "render"
    if report.status == ReportStatus.READY:
        report.deliveries.exclude(status=DeliveryStatus.SENT).update(
            status=DeliveryStatus.PENDING, requeues=0
        )
        CloseoutReport.objects.filter(pk=report.pk).update(emailed_at=None, requeues=0)
        transaction.on_commit(partial(enqueue_email, report.pk), robust=True)
        return "email"
    report_request(program=report.program, requested_by=report.requested_by)
    return "new_version"


def delivery_send_again(*, delivery: CloseoutReportDelivery) -> None:
    """Admin: send this e-mail again, whatever its state (failed, stuck "being sent", or sent
    and asked for again): the same Message-ID."""
    CloseoutReportDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, requeues=0
    )
    CloseoutReport.objects.filter(pk=delivery.report_id).update(emailed_at=None)
    transaction.on_commit(partial(enqueue_email, delivery.report_id), robust=True)


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


def _message(report, context, user, address, pdf, delivery, language) -> EmailMultiAlternatives:
    """The e-mail in the recipient's language (their profile's), with the delivery's stable
    Message-ID."""
    context = {**context, "recipient": user}
    with translation.override(language):
        subject = " ".join(render_to_string("emails/closeout_report.subject.txt", context).split())
        text = render_to_string("emails/closeout_report.txt", context)
        html = render_to_string("emails/closeout_report.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"Message-ID": delivery_message_id(delivery)},
    )
    message.attach_alternative(html, "text/html")
    message.attach(report.filename, pdf, "application/pdf")
    return message
