"""CHW support: the "4S" (skilled, supervised, salaried, supplied)."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chtprograms.models import Program
from core.currencies import validate_currency_code
from core.validators import LONG_TEXT, text_limit, validate_date_in_range
from plan.budget.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


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
    last_refresher = models.DateField(
        _("last refresher training"), null=True, blank=True, validators=[validate_date_in_range]
    )
    next_refresher = models.DateField(
        _("next refresher training"), null=True, blank=True, validators=[validate_date_in_range]
    )
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
    last_restock = models.DateField(
        _("last restock"), null=True, blank=True, validators=[validate_date_in_range]
    )
    notes = models.TextField(_("notes"), blank=True, **text_limit(LONG_TEXT))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        db_table = "chtprograms_chwsupport"  # kept from before the move to this app
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
    def latest_refresher(self) -> datetime.date | None:
        """The later of the date typed here and the last refresher among the program's training
        events (`last_refresher_event`, annotated by the selectors)."""
        dates = [self.last_refresher, getattr(self, "last_refresher_event", None)]
        return max((date for date in dates if date), default=None)

    @property
    def chws_per_supervisor(self) -> Decimal | None:
        if not self.supervisor_count:
            return None
        return (Decimal(self.chw_count) / self.supervisor_count).quantize(Decimal("0.1"))

    def gaps(self, *, today: datetime.date, per_supervisor_limit: int) -> list[tuple[str, str]]:
        """What is missing in the 4S, as (code, message) pairs; empty when nothing is."""
        gaps = []
        last = self.latest_refresher
        if last is None or last < today - relativedelta(months=12):
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
