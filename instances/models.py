"""A program's CHT instances, what each told us when it was polled, and the CHT's releases.

An instance belongs to the program that manages it and may serve other programs too
(`shared_with`: they see it, read only). Each poll stores a `Snapshot`; a flag raised by a
snapshot (instance down, backlog over the Watchdog's threshold, version near its end of life…)
is kept as an `InstanceFlag` from the poll that raised it to the poll that cleared it, so the
digest can report each flag once. `CHTRelease` is the CHT's end-of-life table, kept in the admin."""

import datetime
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chtprograms.models import Program
from core.constraints import ConstraintErrorsOnFieldsMixin
from core.validators import validate_date_in_range

#: A version's end of life this close (or closer) counts as "ending soon".
EOL_WARNING_DAYS = 90


class CHTRelease(models.Model):
    """A minor version of the CHT Core Framework and its end of life (cht-docs, Releases)."""

    major = models.PositiveSmallIntegerField(_("major"))
    minor = models.PositiveSmallIntegerField(_("minor"))
    released_on = models.DateField(_("released on"))
    end_of_life = models.DateField(
        _("end of life"),
        null=True,
        blank=True,
        help_text=_("Empty while the CHT documentation says “TBA”."),
    )

    class Meta:
        ordering = ["-major", "-minor"]
        verbose_name = _("CHT release")
        verbose_name_plural = _("CHT releases")
        constraints = [
            models.UniqueConstraint(
                fields=["major", "minor"],
                name="cht_release_unique_version",
                violation_error_message=_("This version is already in the table."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.x"


class Kind(models.TextChoices):
    PRODUCTION = "production", _("Production")
    TRAINING = "training", _("Training")
    DEVELOPMENT = "development", _("Development")


class Status(models.TextChoices):
    UP = "up", _("Up")
    DOWN = "down", _("Down")
    UNREACHABLE = "unreachable", _("Unreachable")
    NOT_CHT = "not_cht", _("Not a CHT")
    LOGIN_REDIRECT = "login_redirect", _("Login page")


#: From best to worst: the state of a program with several instances is its worst one's.
STATUS_SEVERITY = {
    Status.UP: 0,
    Status.LOGIN_REDIRECT: 1,
    Status.NOT_CHT: 2,
    Status.DOWN: 3,
    Status.UNREACHABLE: 4,
}
#: The statuses that count as "down" (a flag, the portfolio's figure, the overview's state).
DOWN_STATUSES = (Status.DOWN, Status.UNREACHABLE)


def validate_base_url(value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            _("Enter the instance's web address, e.g. https://chis.health.go.ke"),
            code="invalid_url",
        )
    if parts.username or parts.password:
        raise ValidationError(
            _("Leave the user name and password out of the address: use the fields below."),
            code="credentials_in_url",
        )
    if parts.query or parts.fragment:
        raise ValidationError(
            _("Enter the address without “?” or “#”, e.g. https://chis.health.go.ke"),
            code="query_in_url",
        )


def normalise_base_url(value: str) -> str:
    value = (value or "").strip()
    if value and "://" not in value:
        value = f"https://{value}"
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc:
        return value
    path = parts.path.rstrip("/")
    # A query or fragment is kept, for validate_base_url to refuse it.
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}{fragment}"


class Instance(ConstraintErrorsOnFieldsMixin, models.Model):
    constraint_error_fields = {"duplicate_url": "base_url"}

    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="cht_instances",
        help_text=_("The program whose heads and administrators manage the instance."),
    )
    shared_with = models.ManyToManyField(
        Program,
        verbose_name=_("also serves"),
        related_name="shared_cht_instances",
        blank=True,
        help_text=_("Other programs this instance serves: their teams see it, read only."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRODUCTION)
    base_url = models.CharField(
        _("address"),
        max_length=300,
        validators=[validate_base_url],
        help_text=_("The address people open, e.g. https://chis.health.go.ke"),
    )
    label = models.CharField(
        _("name"), max_length=120, blank=True, help_text=_("Optional, e.g. “Siaya training”.")
    )
    polling_enabled = models.BooleanField(
        _("poll this instance"),
        default=True,
        help_text=_("Ask the instance for its monitoring figures every few minutes."),
    )
    go_live_on = models.DateField(_("go-live date"), null=True, blank=True)
    cutover_on = models.DateField(
        _("training-to-production cut-over"),
        null=True,
        blank=True,
        help_text=_(
            "After this date production data goes to the production instance only: watch "
            "the training instance for production data."
        ),
    )
    domain_renews_on = models.DateField(
        _("domain renewal date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    tls_expires_on = models.DateField(
        _("TLS certificate expires on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    tls_auto_renews = models.BooleanField(
        _("the certificate renews itself"),
        default=False,
        help_text=_("e.g. Let's Encrypt with automatic renewal: no reminder is sent for it."),
    )
    # Fernet token of {"username", "password"} for /api/v1/impact (instances/credentials.py).
    # Never shown back, never logged; `credentials_set_at` is what the pages show.
    impact_credentials = models.TextField(blank=True, default="", editable=False)
    credentials_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    latest_snapshot = models.ForeignKey(
        "Snapshot",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["impact_credentials", "latest_snapshot"])

    class Meta:
        ordering = ["program", "kind", "base_url"]
        verbose_name = _("CHT instance")
        verbose_name_plural = _("CHT instances")
        constraints = [
            models.UniqueConstraint(
                fields=["base_url"],
                name="instance_unique_base_url",
                violation_error_code="duplicate_url",
                violation_error_message=_(
                    "This address is already registered, perhaps for another program: its "
                    "heads or administrators can share the instance with this program."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.label or f"{self.host} ({self.get_kind_display()})"

    def __repr__(self) -> str:  # never the credentials
        return f"<Instance {self.pk} {self.base_url}>"

    def clean(self) -> None:
        super().clean()
        self.base_url = normalise_base_url(self.base_url)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or self.base_url

    @property
    def domain(self) -> str:
        """The host name (the domain the renewal date is about)."""
        return self.host

    @property
    def has_credentials(self) -> bool:
        return bool(self.impact_credentials)


class Snapshot(models.Model):
    """What one poll found. A figure the server could not compute (`-1` or `""` in its
    answer) or did not send is NULL: unknown, never zero."""

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="snapshots")
    polled_at = models.DateTimeField(_("polled at"), default=timezone.now)
    # The beat's poll slot (minutes since the epoch ÷ the interval): one snapshot per instance
    # and slot, so a task delivered twice records once. Polls by hand have none.
    slot = models.BigIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    error = models.CharField(_("what went wrong"), max_length=500, blank=True)

    app_version = models.CharField(_("CHT version"), max_length=64, blank=True)
    couchdb_version = models.CharField(_("CouchDB version"), max_length=64, blank=True)
    node_version = models.CharField(_("Node version"), max_length=64, blank=True)
    medic_doc_count = models.BigIntegerField(_("documents"), null=True, blank=True)
    medic_doc_del_count = models.BigIntegerField(_("deleted documents"), null=True, blank=True)
    medic_file_bytes = models.BigIntegerField(_("database file size"), null=True, blank=True)
    medic_active_bytes = models.BigIntegerField(_("database data size"), null=True, blank=True)
    fragmentation = models.FloatField(_("fragmentation"), null=True, blank=True)
    sentinel_backlog = models.BigIntegerField(_("Sentinel backlog"), null=True, blank=True)
    outbound_push_backlog = models.BigIntegerField(
        _("outbound push backlog"), null=True, blank=True
    )
    feedback_count = models.BigIntegerField(_("feedback documents"), null=True, blank=True)
    conflict_count = models.BigIntegerField(_("conflicts"), null=True, blank=True)
    replication_limit_count = models.BigIntegerField(
        _("users over the replication limit"), null=True, blank=True
    )
    replication_failure_count = models.BigIntegerField(
        _("users with replication failures"), null=True, blank=True
    )
    connected_users_7d = models.IntegerField(_("connected users (7 days)"), null=True, blank=True)
    connected_users_30d = models.IntegerField(_("connected users (30 days)"), null=True, blank=True)
    users_count = models.IntegerField(_("users"), null=True, blank=True)
    messages_delivered = models.BigIntegerField(_("messages delivered"), null=True, blank=True)
    messages_failed = models.BigIntegerField(_("messages failed"), null=True, blank=True)
    clock_skew_seconds = models.IntegerField(_("clock skew (s)"), null=True, blank=True)
    uptime_seconds = models.BigIntegerField(_("API process uptime (s)"), null=True, blank=True)
    tls_not_after = models.DateTimeField(_("TLS certificate valid until"), null=True, blank=True)
    # Worked out when the snapshot is stored, from the snapshots of the 24 hours before it.
    feedback_growth_24h = models.IntegerField(null=True, blank=True)
    conflict_growth_24h = models.IntegerField(null=True, blank=True)
    sms_delivery_24h = models.FloatField(null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    raw = models.JSONField(_("monitoring answer"), null=True, blank=True)
    impact = models.JSONField(_("impact answer"), null=True, blank=True)

    class Meta:
        ordering = ["-polled_at", "-pk"]
        get_latest_by = "polled_at"
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        indexes = [models.Index(fields=["instance", "polled_at"], name="snapshot_instance_time")]
        constraints = [
            models.UniqueConstraint(fields=["instance", "slot"], name="snapshot_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.instance_id} {self.polled_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def docs_per_gb(self) -> int | None:
        """Documents per GB (10⁹ bytes) of the medic database file, as observed."""
        if not self.medic_doc_count or not self.medic_file_bytes:
            return None
        return round(self.medic_doc_count / (self.medic_file_bytes / 1e9))


class InstanceFlag(models.Model):
    """A flag from the poll that raised it to the poll that cleared it (open while raised)."""

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="flag_history")
    code = models.CharField(_("flag"), max_length=32)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("instance flag")
        verbose_name_plural = _("instance flags")
        indexes = [models.Index(fields=["raised_at"], name="instance_flag_raised")]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "code"],
                condition=Q(cleared_at__isnull=True),
                name="instance_flag_one_open_per_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instance_id} {self.code}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


def release_support(
    version: str, releases, today: datetime.date
) -> tuple[str, "CHTRelease | None"]:
    """("supported" | "ending_soon" | "end_of_life" | "unknown", the release) for a CHT
    version such as "4.5.0" or "5.1.2-beta.1", from the release table."""
    parsed = parse_version(version)
    if parsed is None:
        return "unknown", None
    release = next((r for r in releases if (r.major, r.minor) == parsed), None)
    if release is None:
        return "unknown", None
    if release.end_of_life is None:
        return "supported", release
    if release.end_of_life < today:
        return "end_of_life", release
    if release.end_of_life <= today + datetime.timedelta(days=EOL_WARNING_DAYS):
        return "ending_soon", release
    return "supported", release


def parse_version(version: str) -> tuple[int, int] | None:
    head = (version or "").strip().lstrip("v").split("-", 1)[0].split(".")
    if len(head) < 2 or not head[0].isdigit() or not head[1].isdigit():
        return None
    return int(head[0]), int(head[1])


# Django finds the app's models in this module; go-live readiness keeps its own folder.
from instances.golive.models import GoLiveReadiness  # noqa: E402

__all__ = ["CHTRelease", "GoLiveReadiness", "Instance", "InstanceFlag", "Kind", "Snapshot"]
