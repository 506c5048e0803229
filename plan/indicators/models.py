"""Indicators: baseline, target and the measurements recorded against them."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chtprograms.models import Program
from core.constraints import ConstraintErrorsOnFieldsMixin
from core.validators import SHORT_TEXT, date_in_range, text_limit, validate_date_in_range

VALUE_MAX_DIGITS = 16


VALUE_DECIMAL_PLACES = 4


#: An indicator is on track when its latest value is no more than this fraction behind the
#: straight line from baseline to target at the value's date.
ON_TRACK_TOLERANCE = Decimal("0.15")


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

    class ImpactSource(models.TextChoices):
        """What a live CHT (5.0+, `/api/v1/impact`) counts that the indicator follows."""

        NONE = "", _("Typed in only")
        USERS = "users", _("CHT users")
        CONTACTS = "contacts", _("CHT contacts of a type")
        REPORTS = "reports", _("CHT reports of a form")

    class ImpactCount(models.TextChoices):
        TOTAL = "total", _("The total at the end of each month")
        NEW = "new", _("What was added during each month")

    FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}

    constraint_error_fields = {"duplicate_indicator": "name"}

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    #: A summary for the portfolio: on track, off track, no baseline or no measurement, by the
    #: latest measurement (`IndicatorProgress.status`). Kept by `plan.indicators.services`
    #: with each write, in its transaction; `rebuild_portfolio_summary` works it out anew.
    status = models.CharField(_("status"), max_length=16, blank=True, editable=False)
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
    baseline_date = models.DateField(
        _("baseline date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    target_date = models.DateField(_("target date"), validators=[validate_date_in_range])
    frequency = models.CharField(
        _("measured"),
        max_length=12,
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
        help_text=_("How often a new value is expected."),
    )
    impact_source = models.CharField(
        _("filled from the CHT"),
        max_length=8,
        choices=ImpactSource.choices,
        default=ImpactSource.NONE,
        blank=True,
        help_text=_(
            "With a production instance on CHT 5.0 or later and its impact credentials set, "
            "a value is recorded each month from what the instance counts."
        ),
    )
    impact_key = models.CharField(
        _("contact type or form"),
        max_length=100,
        blank=True,
        help_text=_("The CHT's contact type (e.g. person, clinic) or form code (e.g. pregnancy)."),
    )
    impact_count = models.CharField(
        _("count"),
        max_length=8,
        choices=ImpactCount.choices,
        default=ImpactCount.TOTAL,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        db_table = "chtprograms_indicator"  # kept from before the move to this app
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
        self.impact_key = (self.impact_key or "").strip()
        self.impact_count = self.impact_count or self.ImpactCount.TOTAL
        if self.impact_source in (self.ImpactSource.CONTACTS, self.ImpactSource.REPORTS):
            if not self.impact_key:
                errors["impact_key"] = (
                    _("Give the contact type, as the CHT names it (e.g. person).")
                    if self.impact_source == self.ImpactSource.CONTACTS
                    else _("Give the form's code, as the CHT names it (e.g. pregnancy).")
                )
        elif self.impact_key:
            errors["impact_key"] = _(
                "Only contacts and reports are counted by type or form: leave this empty."
            )
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
        start = date_in_range(latest or self.baseline_date)  # no overflow from an old row
        if start is None:
            return None
        return start + relativedelta(months=self.FREQUENCY_MONTHS[self.frequency])


class Measurement(ConstraintErrorsOnFieldsMixin, models.Model):
    constraint_error_fields = {"duplicate_measurement": "period_end"}

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period_end = models.DateField(
        _("period end"),
        help_text=_("The last day the value covers."),
        validators=[validate_date_in_range],
    )
    value = models.DecimalField(
        _("value"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    source = models.CharField(
        _("source"), max_length=200, help_text=_("e.g. CHT dashboard, DHIS2, household survey.")
    )
    note = models.TextField(_("note"), blank=True, **text_limit(SHORT_TEXT))
    #: The instance address the value was read from (`/api/v1/impact`); empty when typed in.
    #: A typed value is never overwritten by an imported one; editing an imported value makes
    #: it typed.
    imported_from = models.CharField(_("imported from"), max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        db_table = "chtprograms_measurement"  # kept from before the move to this app
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
