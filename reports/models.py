"""Closeout reports: each rendered version and its e-mail deliveries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chtprograms.models import Program


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


#: A report in one of these is still being made: requesting another returns it.
PENDING_REPORT_STATUSES = (ReportStatus.QUEUED, ReportStatus.RENDERING)


def closeout_report_upload_to(instance: "CloseoutReport", filename: str) -> str:
    """Under MEDIA_ROOT, never served directly: downloads go through a permission check."""
    return f"closeout-reports/{instance.program_id}/{filename}"


class CloseoutReport(models.Model):
    """One version of a program's closeout report. Versions are numbered 1, 2… per program and
    never rewritten once ready; at most one version per program is queued or rendering."""

    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="closeout_reports",
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    claim_token = models.CharField(
        _("rendered by task"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The id of the task that claimed the rendering (its retries may resume it)."),
    )
    started_at = models.DateTimeField(_("rendering started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(
        _("PDF file"), upload_to=closeout_report_upload_to, max_length=300, blank=True
    )
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    error_message = models.TextField(_("why it failed"), blank=True)
    enqueued_at = models.DateTimeField(
        _("last queued at"),
        null=True,
        blank=True,
        help_text=_("When its task was last handed to the queue (empty: the queue was down)."),
    )
    requeues = models.PositiveSmallIntegerField(
        _("queued again"),
        default=0,
        help_text=_("How often the sweeper queued it again after its task was lost."),
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        db_table = "lifecycle_closeoutreport"  # kept from before the move to this app
        ordering = ["-version"]
        verbose_name = _("closeout report")
        verbose_name_plural = _("closeout reports")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "version"], name="closeout_report_one_per_version"
            ),
            models.UniqueConstraint(
                fields=["program"],
                condition=models.Q(status__in=["queued", "rendering"]),
                name="closeout_report_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: closeout report v{self.version} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_REPORT_STATUSES

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY and bool(self.file)

    @property
    def filename(self) -> str:
        """The name a person gets when downloading or receiving it."""
        return f"closeout-report-{self.program.slug}-v{self.version}.pdf"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("To be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class CloseoutReportDelivery(models.Model):
    """One e-mail of one report version to one address: the claim that makes sending idempotent.

    The row is inserted (unique per report and address) "being sent" before the e-mail goes out
    and marked sent once the SMTP server accepted it; a failed attempt goes back to "to be sent"
    with its error, for the task's retries. A row left "to be sent" or "being sent" (retries used
    up, a worker killed mid-send) is queued again by the sweeper (`reports_sweep`) a bounded
    number of times, then marked failed. At least once: the e-mail's Message-ID is derived from
    this row, so a resend after a crash is recognisably the same message."""

    report = models.ForeignKey(CloseoutReport, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    email = models.EmailField(_("e-mail address"))
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.SENDING,
        db_index=True,
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requeues = models.PositiveSmallIntegerField(_("queued again"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        db_table = "lifecycle_closeoutreportdelivery"  # kept from before the move to this app
        ordering = ["report", "email"]
        verbose_name = _("closeout report e-mail")
        verbose_name_plural = _("closeout report e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "email"], name="closeout_report_one_email_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.email}"
