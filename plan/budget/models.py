"""Budget: forecast lines, expenditures, and the exchange rates that turn them into US dollars."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chtprograms.models import Program
from chtprograms.stages import WORK_STAGE_CHOICES
from core.constraints import ConstraintErrorsOnFieldsMixin
from core.currencies import validate_currency_code
from core.validators import SHORT_TEXT, text_limit, validate_date_in_range

MONEY_MAX_DIGITS = 14


MONEY_DECIMAL_PLACES = 2


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
        _("effective from"),
        help_text=_("The rate applies from this date until the next one."),
        validators=[validate_date_in_range],
    )
    units_per_usd = models.DecimalField(
        _("units per US dollar"),
        max_digits=18,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text=_("How many units of the currency buy one US dollar, e.g. 129.5 for KES."),
    )

    history = HistoricalRecords()

    class Meta:
        db_table = "chtprograms_exchangerate"  # kept from before the move to this app
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
    note = models.TextField(_("note"), blank=True, **text_limit(SHORT_TEXT))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        db_table = "chtprograms_budgetline"  # kept from before the move to this app
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
        # Money spent is never deleted with its line: `budget_line_delete` refuses, and so does
        # the database layer for any other path (the admin included).
        on_delete=models.PROTECT,
        related_name="expenditures",
    )
    date = models.DateField(_("date"), validators=[validate_date_in_range])
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

    history = HistoricalRecords()

    class Meta:
        db_table = "chtprograms_expenditure"  # kept from before the move to this app
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
