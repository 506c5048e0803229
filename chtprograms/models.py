"""The program record: organizations, programs, partners, health notes and considerations.

These models reference no other app of the project (docs/architecture.md: the one-way chain)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from chtprograms.considerations import Area
from core.constraints import ConstraintErrorsOnFieldsMixin
from core.currencies import validate_currency_code
from core.validators import LONG_TEXT, TEXT, text_limit, validate_date_in_range


class Organization(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry of health")
        TECHNICAL_PARTNER = "technical_partner", _("Technical partner")
        RESEARCH = "research", _("Research institution")
        NGO = "ngo", _("NGO")
        STEWARD = "steward", _("Steward")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class ProgramType(models.TextChoices):
    ACCOMPANIED = "accompanied", _("Accompanied")
    TECHNICAL_ORG_LED = "technical_org_led", _("Technical-organization-led")
    RESEARCH = "research", _("Research initiative")
    COMMUNITY_LED = "community_led", _("Community-led")


class Health(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class ProgramQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


#: The short name's rule, in the words of its help text and of its error.
SLUG_RULE = _("Use lowercase letters, digits and single hyphens, e.g. “kenya-chv-2027”.")
slug_validator = RegexValidator(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", SLUG_RULE)


class Program(ConstraintErrorsOnFieldsMixin, models.Model):
    constraint_error_fields = {"duplicate_name": "name", "end_before_start": "planned_end"}

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name"),
        max_length=80,
        unique=True,
        validators=[slug_validator],
        help_text=_("Used in the program's web address. Lowercase letters, digits and hyphens."),
        # Neutral: the other program may be one the user is not allowed to know of.
        error_messages={"unique": _("This short name is taken; choose another.")},
    )
    program_type = models.CharField(_("program type"), max_length=32, choices=ProgramType.choices)
    country = CountryField(_("country"))
    regions = models.TextField(
        _("regions"),
        blank=True,
        help_text=_("The regions or districts covered, one per line."),
        **text_limit(TEXT),
    )
    lead_organization = models.ForeignKey(
        Organization,
        verbose_name=_("lead organization"),
        on_delete=models.PROTECT,
        related_name="led_programs",
    )
    partners = models.ManyToManyField(
        Organization,
        through="ProgramPartner",
        related_name="partner_programs",
        verbose_name=_("partners"),
        blank=True,
    )
    planned_start = models.DateField(_("planned start"), validators=[validate_date_in_range])
    planned_end = models.DateField(_("planned end"), validators=[validate_date_in_range])
    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[validate_currency_code],
        help_text=_("ISO 4217 code of the currency the budget is kept in, e.g. KES or XOF."),
    )
    goals = models.TextField(_("goals"), blank=True, **text_limit(LONG_TEXT))
    summary = models.TextField(_("summary"), blank=True, **text_limit(LONG_TEXT))
    health = models.CharField(
        _("health"), max_length=16, choices=Health.choices, default=Health.ON_TRACK
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProgramQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        indexes = [
            # The program list's and the portfolio table's order over the live programs.
            models.Index(
                fields=["name", "id"],
                name="program_live_by_name",
                condition=models.Q(archived_at__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="program_name_unique_per_country",
                violation_error_code="duplicate_name",
                # Neutral: the other program may be one the user is not allowed to know of.
                violation_error_message=_(
                    "This name is taken in this country; choose another (adding the region or "
                    "the year often helps)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="program_end_not_before_start",
                violation_error_code="end_before_start",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chtprograms:program-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.currency:
            self.currency = self.currency.upper()

    @property
    def region_list(self) -> list[str]:
        return [line.strip() for line in self.regions.splitlines() if line.strip()]

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ProgramPartner(ConstraintErrorsOnFieldsMixin, models.Model):
    constraint_error_fields = {"duplicate_partner": "organization"}

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="partner_links")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT
    )
    role = models.CharField(
        _("role"), max_length=200, help_text=_("e.g. funder, implementing partner, steward")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("program partner")
        verbose_name_plural = _("program partners")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "organization"],
                name="program_partner_unique",
                violation_error_code="duplicate_partner",
                violation_error_message=_("This organization is already a partner."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.role})"


class HealthNote(models.Model):
    """One dated entry of a program's health history; the latest one is `Program.health`."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="health_notes")
    status = models.CharField(_("health"), max_length=16, choices=Health.choices)
    note = models.TextField(_("note"), **text_limit(TEXT))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("health note")
        verbose_name_plural = _("health notes")

    def __str__(self) -> str:
        return f"{self.program}: {self.get_status_display()}"


class Consideration(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ADDRESSED = "addressed", _("Addressed")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="considerations")
    area = models.CharField(_("area"), max_length=32, choices=Area.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices, default=Risk.MEDIUM)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True, **text_limit(LONG_TEXT))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "id"]
        verbose_name = _("consideration")
        verbose_name_plural = _("considerations")
        constraints = [
            models.UniqueConstraint(fields=["program", "area"], name="consideration_one_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.get_area_display()}"


class ConsiderationItem(models.Model):
    consideration = models.ForeignKey(Consideration, on_delete=models.CASCADE, related_name="items")
    label = models.CharField(_("item"), max_length=300)
    done = models.BooleanField(_("done"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.label

    @property
    def shown_label(self) -> str:
        """The label in the reader's language: the default items (extracted from
        chtprograms/considerations.py) have a translation; items people add stay as typed."""
        return gettext(self.label) if self.label else self.label


class DataSharingAgreement(models.Model):
    """The program's data-sharing agreement or MoU (ethics and regulations): who controls the
    data, when it was signed and when it expires. One per program."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="data_sharing_agreement"
    )
    reference = models.CharField(
        _("reference"), max_length=200, help_text=_("The agreement's title or number.")
    )
    data_controller = models.CharField(
        _("data controller"),
        max_length=200,
        blank=True,
        help_text=_("The organization that decides how the data are used, e.g. the ministry."),
    )
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")

    def __str__(self) -> str:
        return f"{self.program}: {self.reference}"

    def clean(self) -> None:
        super().clean()
        if self.signed_on and self.expires_on and self.expires_on < self.signed_on:
            raise ValidationError({"expires_on": _("The expiry cannot be before the signature.")})
