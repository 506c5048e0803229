"""Reminders: one digest dispatch per person and period, and the notifications under the bell."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chtprograms.models import Program
from instances.monitoring import FLAG_RULES
from lifecycle.stages import (
    Stage,
)


class DispatchStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed, to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Nothing to send")


class DigestDispatch(models.Model):
    """One person's digest for one period (a day, or the Monday of a weekly digest).

    The row is claimed (inserted) before anything is sent; the unique (person, period) pair makes
    a second beat, a retry or a second worker find it taken. Sending moves it to "sending" under
    `select_for_update(skip_locked=True)`, and to "sent" once the SMTP server accepted the mail.
    The database is the source of truth: a digest left "claimed" or "sending" (its task lost with
    the broker, its worker killed, its retries used up) is queued again by the sweeper
    (`digests_sweep`), a bounded number of times, then marked failed."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="digest_dispatches",
    )
    period = models.DateField(
        _("period"), help_text=_("The person's local date of the digest (Monday for weekly ones).")
    )
    frequency = models.CharField(_("frequency"), max_length=8)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=DispatchStatus.choices,
        default=DispatchStatus.CLAIMED,
        db_index=True,
    )
    item_count = models.PositiveIntegerField(_("items"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requeues = models.PositiveSmallIntegerField(
        _("queued again"),
        default=0,
        help_text=_("How often the sweeper queued it again after its task was lost or gave up."),
    )
    error = models.TextField(_("last error"), blank=True)
    claim_token = models.UUIDField(_("claimed by run"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "lifecycle_digestdispatch"  # kept from before the move to this app
        ordering = ["-period", "-id"]
        verbose_name = _("digest dispatch")
        verbose_name_plural = _("digest dispatches")
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="digest_one_per_period")
        ]
        indexes = [models.Index(fields=["claim_token"], name="digest_claim_token")]

    def __str__(self) -> str:
        return f"{self.person} · {self.period} · {self.get_status_display()}"


class NotificationKind(models.TextChoices):
    ACTIVITY_DUE = "activity_due", _("Activity due soon")
    ACTIVITY_OVERDUE = "activity_overdue", _("Activity overdue")
    STAGE_OVERDUE = "stage_overdue", _("Stage past its planned end")
    GATE_WAITING = "gate_waiting", _("Gate review waiting")
    DOCUMENT_EXPIRING = "document_expiring", _("Document expiring")
    INSTANCE_ALERT = "instance_alert", _("CHT instance alert")


class Document(models.TextChoices):
    """The dated documents reminders watch (the subject of a DOCUMENT_EXPIRING notification)."""

    ETHICS_APPROVAL = "ethics_approval", _("Ethics approval")
    DATA_SHARING_AGREEMENT = "data_sharing_agreement", _("Data-sharing agreement")
    TLS_CERTIFICATE = "tls_certificate", _("TLS certificate")
    DOMAIN = "domain", _("Domain")
    #: Its "expiry": six months after the last tested restore of the backups.
    RESTORE_TEST = "restore_test", _("The tested restore of the backups")


def instance_alert_subject(code: str, instance: str) -> str:
    """How an instance alert is stored: its flag's code and the instance's name."""
    return f"{code}|{instance}"[:300]


def instance_alert_label(subject: str) -> str:
    """“Sentinel backlog — chis.example.org”, in the reader's language."""
    code, _sep, instance = subject.partition("|")
    rule = FLAG_RULES.get(code)
    return f"{rule.label if rule else code} — {instance}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One item of a digest, under the bell. The text is made when shown, in the reader's
    language, from the kind, the subject (an activity's title, a stage or a document) and the
    date; `url` is where the item is fixed."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="+"
    )
    dispatch = models.ForeignKey(
        DigestDispatch,
        verbose_name=_("digest"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    due_on = models.DateField(_("date"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=500)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "lifecycle_notification"  # kept from before the move to this app
        ordering = ["-created_at", "position", "id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["person", "read_at"], name="notification_person_unread"),
            models.Index(fields=["person", "-created_at"], name="notification_person_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def subject_label(self) -> str:
        """The subject as shown: a stage's or a document's name in the reader's language."""
        if self.kind in (NotificationKind.STAGE_OVERDUE, NotificationKind.GATE_WAITING):
            return str(Stage(self.subject).label) if self.subject in Stage.values else self.subject
        if self.kind == NotificationKind.DOCUMENT_EXPIRING and self.subject in Document.values:
            return str(Document(self.subject).label)
        if self.kind == NotificationKind.INSTANCE_ALERT:
            return instance_alert_label(self.subject)
        return self.subject
