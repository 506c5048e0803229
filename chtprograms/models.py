"""The program record: organizations, programs, partners, health notes and considerations.

These models reference no other app of the project (DESIGN.md: the one-way chain)."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .considerations import Area
from .constraints import ConstraintErrorsOnFieldsMixin
from .currencies import validate_currency_code
from .stages import WORK_STAGE_CHOICES


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


slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lowercase letters, digits and single hyphens, e.g. “kenya-chv-2027”."),
)


class Program(ConstraintErrorsOnFieldsMixin, models.Model):
    constraint_error_fields = {"duplicate_name": "name", "end_before_start": "planned_end"}

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name"),
        max_length=80,
        unique=True,
        validators=[slug_validator],
        help_text=_("Used in the program's web address. Lowercase letters, digits and hyphens."),
    )
    program_type = models.CharField(_("program type"), max_length=32, choices=ProgramType.choices)
    country = CountryField(_("country"))
    regions = models.TextField(
        _("regions"), blank=True, help_text=_("The regions or districts covered, one per line.")
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
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[validate_currency_code],
        help_text=_("ISO 4217 code of the currency the budget is kept in, e.g. KES or XOF."),
    )
    goals = models.TextField(_("goals"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    health = models.CharField(
        _("health"), max_length=16, choices=Health.choices, default=Health.ON_TRACK
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="program_name_unique_per_country",
                violation_error_code="duplicate_name",
                violation_error_message=_(
                    "A program with this name already exists in this country."
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
    note = models.TextField(_("note"))
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
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.label


# --- plan and evidence: money, budget, indicators, CHW support, risks, lessons, hosting ---------

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
VALUE_MAX_DIGITS = 16
VALUE_DECIMAL_PLACES = 4
#: An indicator is on track when its latest value is no more than this fraction behind the
#: straight line from baseline to target at the value's date.
ON_TRACK_TOLERANCE = Decimal("0.15")


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


LEVEL_SCORE = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}


class ExchangeRate(ConstraintErrorsOnFieldsMixin, models.Model):
    """How many units of a currency buy one US dollar, from a date on (kept by site admins)."""

    constraint_error_fields = {"duplicate_rate": "effective_date", "rate_positive": "units_per_usd"}

    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[validate_currency_code],
        help_text=_("ISO 4217 code, e.g. KES."),
    )
    effective_date = models.DateField(
        _("effective from"), help_text=_("The rate applies from this date until the next one.")
    )
    units_per_usd = models.DecimalField(
        _("units per US dollar"),
        max_digits=18,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text=_("How many units of the currency buy one US dollar, e.g. 129.5 for KES."),
    )

    class Meta:
        ordering = ["currency", "-effective_date"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "effective_date"],
                name="exchange_rate_unique_per_day",
                violation_error_code="duplicate_rate",
                violation_error_message=_("This currency already has a rate from this date."),
            ),
            models.CheckConstraint(
                condition=models.Q(units_per_usd__gt=0),
                name="exchange_rate_positive",
                violation_error_code="rate_positive",
                violation_error_message=_("A rate must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"1 USD = {self.units_per_usd} {self.currency} ({self.effective_date})"

    def clean(self) -> None:
        super().clean()
        if self.currency:
            self.currency = self.currency.upper()
        if self.currency == "USD":
            raise ValidationError(
                {"currency": _("US dollars need no rate: one dollar is one dollar.")}
            )


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    DEVICES = "devices", _("Devices")
    HOSTING = "hosting", _("Hosting")
    TRAINING = "training", _("Training")
    TRAVEL = "travel", _("Travel")
    OTHER = "other", _("Other")


class BudgetLine(ConstraintErrorsOnFieldsMixin, models.Model):
    """A forecast amount, in the program's currency, for one category (and optionally a stage)."""

    constraint_error_fields = {"forecast_not_negative": "forecast_amount"}

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=16, choices=BudgetCategory.choices)
    stage = models.CharField(
        _("stage"),
        max_length=16,
        choices=WORK_STAGE_CHOICES,
        blank=True,
        help_text=_("Optional: the stage this money is for."),
    )
    name = models.CharField(
        _("description"), max_length=200, help_text=_("e.g. “Smartphones for 200 CHVs”.")
    )
    forecast_amount = models.DecimalField(
        _("forecast amount"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal(0), message=_("A forecast cannot be negative."))],
        help_text=_("In the program's currency."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category", "name", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(forecast_amount__gte=0),
                name="budget_line_forecast_not_negative",
                violation_error_code="forecast_not_negative",
                violation_error_message=_("A forecast cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.name}"


class Expenditure(ConstraintErrorsOnFieldsMixin, models.Model):
    """Money actually spent against a budget line, in the program's currency."""

    constraint_error_fields = {"amount_positive": "amount"}

    line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        # Deleting a line that has expenditures is refused by `budget_line_delete`; the cascade
        # only lets a whole program be deleted (by a site administrator).
        on_delete=models.CASCADE,
        related_name="expenditures",
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        validators=[
            MinValueValidator(Decimal("0.01"), message=_("An amount spent must be more than zero."))
        ],
        help_text=_("In the program's currency."),
    )
    description = models.CharField(_("description"), max_length=300)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("Invoice, receipt or voucher number."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="expenditure_amount_positive",
                violation_error_code="amount_positive",
                violation_error_message=_("An amount spent must be more than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.description}"

    def clean(self) -> None:
        super().clean()
        if self.date and self.line_id:
            program = self.line.program
            if not program.planned_start <= self.date <= program.planned_end:
                raise ValidationError(
                    {
                        "date": _("The date must be within the program, from %(start)s to %(end)s.")
                        % {
                            "start": date_format(program.planned_start),
                            "end": date_format(program.planned_end),
                        }
                    }
                )


class Indicator(ConstraintErrorsOnFieldsMixin, models.Model):
    """What the program measures: a baseline, a target and, over time, measurements."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase")
        DECREASE = "decrease", _("Decrease")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        SEMIANNUAL = "semiannual", _("Every six months")
        ANNUAL = "annual", _("Yearly")

    FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}

    constraint_error_fields = {"duplicate_indicator": "name"}

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(
        _("unit"), max_length=50, help_text=_("e.g. %, households, visits per month.")
    )
    direction = models.CharField(
        _("direction"),
        max_length=8,
        choices=Direction.choices,
        default=Direction.INCREASE,
        help_text=_("Whether the program wants this number to go up or down."),
    )
    baseline_value = models.DecimalField(
        _("baseline value"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text=_("The value before the program; leave empty until it has been measured."),
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    target_date = models.DateField(_("target date"))
    frequency = models.CharField(
        _("measured"),
        max_length=12,
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
        help_text=_("How often a new value is expected."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                "program",
                Lower("name"),
                name="indicator_name_unique_per_program",
                violation_error_code="duplicate_indicator",
                violation_error_message=_("The program already has an indicator with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        has_value = self.baseline_value is not None
        has_date = self.baseline_date is not None
        if has_value and not has_date:
            errors["baseline_date"] = _("Give the date the baseline was measured.")
        if has_date and not has_value:
            errors["baseline_value"] = _("Give the baseline value, or leave both empty.")
        if has_value and self.target_value is not None:
            if self.target_value == self.baseline_value:
                errors["target_value"] = _("The target must differ from the baseline.")
            elif self.direction == self.Direction.INCREASE and (
                self.target_value < self.baseline_value
            ):
                errors["target_value"] = _(
                    "For an indicator that should increase, the target must be above the baseline."
                )
            elif self.direction == self.Direction.DECREASE and (
                self.target_value > self.baseline_value
            ):
                errors["target_value"] = _(
                    "For an indicator that should decrease, the target must be below the baseline."
                )
        if has_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = _("The target date must be after the baseline date.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_baseline(self) -> bool:
        return self.baseline_value is not None and self.baseline_date is not None

    def expected_on(self, day: datetime.date) -> Decimal | None:
        """The value on the straight line from baseline to target on `day` (flat outside)."""
        if not self.has_baseline:
            return None
        if day <= self.baseline_date:
            return self.baseline_value
        if day >= self.target_date:
            return self.target_value
        elapsed = Decimal((day - self.baseline_date).days)
        span = Decimal((self.target_date - self.baseline_date).days)
        return self.baseline_value + (self.target_value - self.baseline_value) * elapsed / span

    def on_track_limit(self, day: datetime.date) -> Decimal | None:
        """The worst value still on track on `day`: 15% of the expected value behind it."""
        expected = self.expected_on(day)
        if expected is None:
            return None
        allowance = abs(expected) * ON_TRACK_TOLERANCE
        if self.direction == self.Direction.INCREASE:
            return expected - allowance
        return expected + allowance

    def is_on_track(self, value: Decimal, day: datetime.date) -> bool | None:
        """On track when `value` is at most 15% behind the line on `day`; ahead counts too.

        None without a baseline (there is no line to compare with)."""
        limit = self.on_track_limit(day)
        if limit is None:
            return None
        if self.direction == self.Direction.INCREASE:
            return value >= limit
        return value <= limit

    def next_due(self, latest: datetime.date | None) -> datetime.date | None:
        """When the next value is expected, from the latest one (or the baseline)."""
        start = latest or self.baseline_date
        if start is None:
            return None
        return start + relativedelta(months=self.FREQUENCY_MONTHS[self.frequency])


class Measurement(ConstraintErrorsOnFieldsMixin, models.Model):
    constraint_error_fields = {"duplicate_measurement": "period_end"}

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period_end = models.DateField(_("period end"), help_text=_("The last day the value covers."))
    value = models.DecimalField(
        _("value"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    source = models.CharField(
        _("source"), max_length=200, help_text=_("e.g. CHT dashboard, DHIS2, household survey.")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["period_end", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_end"],
                name="measurement_one_per_period",
                violation_error_code="duplicate_measurement",
                violation_error_message=_("This indicator already has a value for this period."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_end})"

    def clean(self) -> None:
        super().clean()
        indicator = self.indicator if self.indicator_id else None
        if indicator and indicator.baseline_date and self.period_end:
            if self.period_end < indicator.baseline_date:
                raise ValidationError(
                    {
                        "period_end": _("A measurement cannot be before the baseline (%(date)s).")
                        % {"date": date_format(indicator.baseline_date)}
                    }
                )


class CHWSupport(models.Model):
    """How the program's community health workers are supported: the “4S”."""

    class Compensation(models.TextChoices):
        SALARY = "salary", _("Salary")
        STIPEND = "stipend", _("Stipend")
        INCENTIVE = "incentive", _("Incentive")
        UNPAID = "unpaid", _("Unpaid")

    class PayFrequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")
        PER_TASK = "per_task", _("Per task or visit")

    class Supply(models.TextChoices):
        ADEQUATE = "adequate", _("Adequate")
        PARTIAL = "partial", _("Some items short")
        STOCK_OUTS = "stock_outs", _("Stock-outs")

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="chw_support")
    chw_count = models.PositiveIntegerField(_("number of CHWs"))
    # Skilled
    last_refresher = models.DateField(_("last refresher training"), null=True, blank=True)
    next_refresher = models.DateField(_("next refresher training"), null=True, blank=True)
    # Supervised
    supervisor_count = models.PositiveIntegerField(
        _("number of supervisors"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # Salaried
    compensation_model = models.CharField(
        _("compensation"), max_length=12, choices=Compensation.choices
    )
    compensation_amount = models.DecimalField(
        _("amount per CHW"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0), message=_("An amount cannot be negative."))],
    )
    compensation_currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency_code]
    )
    compensation_frequency = models.CharField(
        _("paid"), max_length=12, choices=PayFrequency.choices, blank=True
    )
    payer = models.CharField(
        _("paid by"), max_length=200, blank=True, help_text=_("e.g. Ministry of Health, county.")
    )
    # Supplied
    supply_status = models.CharField(_("supplies"), max_length=12, choices=Supply.choices)
    last_restock = models.DateField(_("last restock"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("CHW support")
        verbose_name_plural = _("CHW support")

    def __str__(self) -> str:
        return f"{self.program}: {self.chw_count} CHWs"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.compensation_currency:
            self.compensation_currency = self.compensation_currency.upper()
        if self.compensation_model == self.Compensation.UNPAID:
            if self.compensation_amount:
                errors["compensation_amount"] = _("Unpaid CHWs have no amount: leave it empty.")
        elif self.compensation_model:
            if not self.compensation_amount:
                errors["compensation_amount"] = _("Give the amount each CHW receives.")
            if not self.compensation_currency:
                errors["compensation_currency"] = _("Give the currency of the amount.")
            if not self.compensation_frequency:
                errors["compensation_frequency"] = _("Say how often CHWs are paid.")
        if (
            self.last_refresher
            and self.next_refresher
            and self.next_refresher <= self.last_refresher
        ):
            errors["next_refresher"] = _("The next training must be after the last one.")
        if errors:
            raise ValidationError(errors)

    @property
    def chws_per_supervisor(self) -> Decimal | None:
        if not self.supervisor_count:
            return None
        return (Decimal(self.chw_count) / self.supervisor_count).quantize(Decimal("0.1"))

    def gaps(self, *, today: datetime.date, per_supervisor_limit: int) -> list[tuple[str, str]]:
        """What is missing in the 4S, as (code, message) pairs; empty when nothing is."""
        gaps = []
        if self.last_refresher is None or self.last_refresher < today - relativedelta(months=12):
            gaps.append(("skilled", _("No refresher training in the last 12 months.")))
        if self.chw_count and not self.supervisor_count:
            gaps.append(("supervised", _("No supervisor recorded.")))
        elif self.chw_count and self.chw_count > per_supervisor_limit * self.supervisor_count:
            gaps.append(
                (
                    "supervised",
                    _("More than %(limit)s CHWs per supervisor (%(ratio)s).")
                    % {"limit": per_supervisor_limit, "ratio": self.chws_per_supervisor},
                )
            )
        if self.compensation_model == self.Compensation.UNPAID:
            gaps.append(("salaried", _("CHWs are unpaid.")))
        if self.supply_status == self.Supply.STOCK_OUTS:
            gaps.append(("supplied", _("CHWs report stock-outs.")))
        return gaps


class Risk(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MITIGATING = "mitigating", _("Being mitigated")
        CLOSED = "closed", _("Closed")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField(_("risk"))
    likelihood = models.CharField(_("likelihood"), max_length=8, choices=Level.choices)
    impact = models.CharField(_("impact"), max_length=8, choices=Level.choices)
    mitigation = models.TextField(_("mitigation"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def score(self) -> int:
        """Likelihood × impact, from 1 (low × low) to 9 (high × high)."""
        return LEVEL_SCORE.get(self.likelihood, 0) * LEVEL_SCORE.get(self.impact, 0)


class Lesson(models.Model):
    """A challenge met and what the team learned from it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="lessons")
    stage = models.CharField(_("stage"), max_length=16, choices=WORK_STAGE_CHOICES)
    what_happened = models.TextField(_("what happened"))
    what_we_learned = models.TextField(_("what we learned"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_on = models.DateField(_("date"))

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.what_happened[:80]


class ScalingDecision(models.Model):
    """What happens after closeout: scale up, hand over, or end. One per program."""

    class Decision(models.TextChoices):
        SCALE_UP = "scale_up", _("Scale up")
        HAND_OVER = "hand_over", _("Hand over")
        END = "end", _("End")

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="scaling_decision"
    )
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    rationale = models.TextField(_("rationale"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_on = models.DateField(_("date"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scaling decision")
        verbose_name_plural = _("scaling decisions")

    def __str__(self) -> str:
        return f"{self.program}: {self.get_decision_display()}"


class HostingEstimate(models.Model):
    """A saved hosting cost estimate: the inputs and what `estimate_hosting` made of them."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="hosting_estimates")
    users = models.PositiveIntegerField(_("users"), validators=[MinValueValidator(1)])
    population = models.PositiveIntegerField(_("population served"))
    workflows = models.PositiveIntegerField(_("workflows"))
    years = models.PositiveIntegerField(_("deployment years"), validators=[MinValueValidator(1)])
    overprovisioning = models.PositiveIntegerField(
        _("over-provisioning"), validators=[MinValueValidator(1)]
    )
    documents = models.PositiveBigIntegerField(_("documents"))
    disk_gb = models.DecimalField(_("disk (GB)"), max_digits=14, decimal_places=2)
    cpus = models.PositiveIntegerField(_("CPUs"))
    ram_gb = models.PositiveIntegerField(_("RAM (GB)"))
    monthly_usd = models.DecimalField(_("monthly cost (USD)"), max_digits=14, decimal_places=2)
    budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hosting estimate")
        verbose_name_plural = _("hosting estimates")

    def __str__(self) -> str:
        return f"{self.program}: USD {self.monthly_usd}/month"

    @property
    def total_usd(self) -> Decimal:
        return self.monthly_usd * 12 * self.years


# --- dates that reminders watch: the data-sharing agreement and the production instance -------


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
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")

    def __str__(self) -> str:
        return f"{self.program}: {self.reference}"

    def clean(self) -> None:
        super().clean()
        if self.signed_on and self.expires_on and self.expires_on < self.signed_on:
            raise ValidationError({"expires_on": _("The expiry cannot be before the signature.")})


class HostingInstance(models.Model):
    """The program's production CHT instance: its address, the domain's renewal date and the
    TLS certificate's expiry (the hosting checklist's "TLS and domain renewals")."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="hosting_instance"
    )
    domain = models.CharField(
        _("domain"), max_length=253, help_text=_("e.g. chis.health.go.ke (without https://).")
    )
    domain_renews_on = models.DateField(_("domain renewal date"), null=True, blank=True)
    tls_expires_on = models.DateField(_("TLS certificate expires on"), null=True, blank=True)
    tls_auto_renews = models.BooleanField(
        _("the certificate renews itself"),
        default=False,
        help_text=_("e.g. Let's Encrypt with automatic renewal: no reminder is sent for it."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("production instance")
        verbose_name_plural = _("production instances")

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        super().clean()
        domain = (self.domain or "").strip().lower()
        for prefix in ("https://", "http://"):
            domain = domain.removeprefix(prefix)
        self.domain = domain.rstrip("/")
