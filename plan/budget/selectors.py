"""Budget reads: one program's summary, and batch reads across programs."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from chtprograms.models import (
    Health,
    Program,
)
from chtprograms.stages import WORK_STAGE_CHOICES
from core.selectors import get_or_404
from plan.budget.models import BudgetCategory, BudgetLine, ExchangeRate, Expenditure
from plan.budget.rates import RateTable, UsdTotal, rate_day, to_usd, usd_total

ZERO = Decimal("0.00")


def _months(start: datetime.date, end: datetime.date) -> int:
    """Calendar months from `start` to `end`, both counted: Jan → Mar is 3."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass
class BudgetRow:
    """Forecast and actual for one category or one stage."""

    key: str
    label: str
    forecast: Decimal = ZERO
    actual: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.forecast - self.actual

    @property
    def overspent(self) -> bool:
        return self.actual > self.forecast

    @property
    def percent_spent(self) -> int | None:
        if not self.forecast:
            return None
        return int((self.actual * 100 / self.forecast).to_integral_value(ROUND_HALF_UP))


@dataclass
class BudgetSummary:
    program: Program
    as_of: datetime.date
    lines: list[BudgetLine]
    by_category: list[BudgetRow]
    by_stage: list[BudgetRow]
    forecast: Decimal
    actual: Decimal
    months_elapsed: int
    months_left: int
    monthly_spend: list[tuple[datetime.date, Decimal]]
    forecast_usd: Decimal | None
    actual_usd: UsdTotal

    @property
    def currency(self) -> str:
        return self.program.currency

    @property
    def remaining(self) -> Decimal:
        return self.forecast - self.actual

    @property
    def percent_spent(self) -> int | None:
        return BudgetRow("", "", self.forecast, self.actual).percent_spent

    @property
    def burn_per_month(self) -> Decimal:
        """Average spend per month since the program's planned start, in whole units."""
        if not self.months_elapsed:
            return ZERO
        return (self.actual / self.months_elapsed).quantize(Decimal(1), ROUND_HALF_UP)

    @property
    def projected(self) -> Decimal:
        """What will have been spent at the planned end if the burn rate holds."""
        return self.actual + self.burn_per_month * self.months_left

    @property
    def runway_months(self) -> Decimal | None:
        """How many months the remaining money lasts at the current burn rate."""
        if self.burn_per_month <= 0 or self.remaining <= 0:
            return None
        return (self.remaining / self.burn_per_month).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def actual_usd_total(self) -> Decimal | None:
        """Spent in US dollars, each amount at the rate of its date; None if a rate is missing."""
        return self.actual_usd.total if self.actual_usd.complete else None

    @property
    def usd_incomplete(self) -> bool:
        """Some figure could not be converted to US dollars for want of an exchange rate."""
        if self.currency.upper() == "USD":
            return False
        return self.forecast_usd is None or not self.actual_usd.complete

    @property
    def status_label(self) -> str:
        return Health(self.status).label if self.status else ""

    @property
    def status(self) -> str:
        """Over budget: off track. Projected past the forecast at this burn rate: at risk."""
        if not self.lines:
            return ""
        if self.actual > self.forecast:
            return Health.OFF_TRACK
        if self.projected > self.forecast:
            return Health.AT_RISK
        return Health.ON_TRACK


def budget_summary(*, program: Program, today: datetime.date | None = None) -> BudgetSummary:
    """Forecast vs actual per category and per stage, remaining, burn per month (3 queries)."""
    today = today or timezone.localdate()
    lines = list(
        BudgetLine.objects.filter(program=program)
        .annotate(
            spent=Coalesce(
                Sum("expenditures__amount"), Value(ZERO), output_field=models.DecimalField()
            )
        )
        .order_by("category", "name", "id")
    )
    by_date = list(
        Expenditure.objects.filter(line__program=program)
        .values_list("date")
        .annotate(total=Sum("amount"))
        .order_by("date")
    )
    for line in lines:
        line.remaining = line.forecast_amount - line.spent
    categories = {key: BudgetRow(key, label) for key, label in BudgetCategory.choices}
    stages = {key: BudgetRow(key, label) for key, label in WORK_STAGE_CHOICES}
    stages[""] = BudgetRow("", gettext("No stage"))
    for line in lines:
        for row in (categories[line.category], stages[line.stage]):
            row.forecast += line.forecast_amount
            row.actual += line.spent
    monthly: dict[datetime.date, Decimal] = {}
    for day, total in by_date:
        month = day.replace(day=1)
        monthly[month] = monthly.get(month, ZERO) + total
    last_spent = by_date[-1][0] if by_date else None
    as_of = max(today, last_spent) if last_spent else today
    as_of = min(max(as_of, program.planned_start), program.planned_end)
    started = today >= program.planned_start or last_spent is not None
    months_elapsed = _months(program.planned_start, as_of) if started else 0
    months_total = _months(program.planned_start, program.planned_end)
    rates = exchange_rates([program.currency])
    forecast = sum((line.forecast_amount for line in lines), ZERO)
    return BudgetSummary(
        program=program,
        as_of=as_of,
        lines=lines,
        by_category=[row for row in categories.values() if row.forecast or row.actual],
        by_stage=[row for row in stages.values() if row.forecast or row.actual],
        forecast=forecast,
        actual=sum((line.spent for line in lines), ZERO),
        months_elapsed=months_elapsed,
        months_left=months_total - months_elapsed,
        monthly_spend=sorted(monthly.items()),
        forecast_usd=to_usd(forecast, program.currency, today, rates=rates),
        actual_usd=usd_total(
            ((total, program.currency, day) for day, total in by_date), rates=rates
        ),
    )


def programs_with_budget_totals(programs: QuerySet[Program]) -> QuerySet[Program]:
    """Each program annotated with `forecast` and `spent`, in its own currency."""
    return programs.annotate(
        forecast=Coalesce(
            Subquery(
                BudgetLine.objects.filter(program=OuterRef("pk"))
                .values("program")
                .annotate(total=Sum("forecast_amount"))
                .values("total")
            ),
            Value(ZERO),
            output_field=models.DecimalField(),
        ),
        spent=Coalesce(
            Subquery(
                Expenditure.objects.filter(line__program=OuterRef("pk"))
                .values("line__program")
                .annotate(total=Sum("amount"))
                .values("total")
            ),
            Value(ZERO),
            output_field=models.DecimalField(),
        ),
    )


def budget_totals(*, program: Program) -> tuple[Decimal, Decimal]:
    """(forecast, spent) in the program's currency, in one query."""
    totals = (
        programs_with_budget_totals(Program.objects.filter(pk=program.pk))
        .values("forecast", "spent")
        .get()
    )
    return totals["forecast"], totals["spent"]


def budget_line_counts(*, program_ids) -> dict[int, int]:
    """Gate criterion (planning: a budget forecast exists), for many programs in one query."""
    return dict(
        BudgetLine.objects.filter(program_id__in=program_ids)
        .values("program_id")
        .annotate(lines=Count("id"))
        .values_list("program_id", "lines")
    )


def budget_forecast_total(*, program: Program) -> Decimal:
    return budget_totals(program=program)[0]


def budget_line_list(*, program: Program) -> QuerySet[BudgetLine]:
    """The program's lines, each with `spent`: the sum of its expenditures."""
    return (
        BudgetLine.objects.filter(program=program)
        .annotate(
            spent=Coalesce(
                Sum("expenditures__amount"), Value(ZERO), output_field=models.DecimalField()
            )
        )
        .order_by("category", "name", "id")
    )


def budget_line_get(*, program: Program, pk: int) -> BudgetLine:
    return get_or_404(
        BudgetLine.objects.select_related("program"), "No such budget line.", program=program, pk=pk
    )


def expenditure_list(*, program: Program) -> QuerySet[Expenditure]:
    return (
        Expenditure.objects.filter(line__program=program)
        .select_related("line")
        .order_by("-date", "-id")
    )


def expenditure_count(*, program: Program) -> int:
    """Gate criterion: expenditures are being tracked (implementation)."""
    return Expenditure.objects.filter(line__program=program).count()


def expenditure_get(*, program: Program, pk: int) -> Expenditure:
    return get_or_404(
        Expenditure.objects.select_related("line__program"),
        "No such expenditure.",
        line__program=program,
        pk=pk,
    )


@dataclass
class UsdBudget:
    """Forecast and spent in US dollars; `missing` names the currencies left out for want of
    an exchange rate (the figures are then too low)."""

    forecast: Decimal = ZERO
    spent: Decimal = ZERO
    missing: set[str] = field(default_factory=set)

    @property
    def percent_spent(self) -> int | None:
        return BudgetRow("", "", self.forecast, self.spent).percent_spent


@dataclass
class UsdBudgetBreakdown:
    total: UsdBudget
    by_type: dict[str, UsdBudget]
    by_country: dict[str, UsdBudget]


def budget_usd_breakdown(
    *, programs: QuerySet[Program], today: datetime.date | None = None
) -> UsdBudgetBreakdown:
    """Forecast and spent over the programs in US dollars, in all and by type and country.

    The database sums the forecasts per (type, country, currency) and the expenditures per
    (type, country, currency, rate day); each sum is then converted once with `to_usd`: the
    forecast at today's rate (as on the budget page), spending at the rate of its date (3 queries
    with the rates)."""
    today = today or timezone.localdate()
    rates = exchange_rates()
    programs = programs.order_by().values("pk")
    result = UsdBudgetBreakdown(UsdBudget(), {}, {})

    def add(program_type, country, currency, amount, on, attribute) -> None:
        usd = to_usd(amount, currency, on, rates=rates)
        for budget in (
            result.total,
            result.by_type.setdefault(program_type, UsdBudget()),
            result.by_country.setdefault(country, UsdBudget()),
        ):
            if usd is None:
                budget.missing.add(currency.upper())
            else:
                setattr(budget, attribute, getattr(budget, attribute) + usd)

    forecasts = (
        BudgetLine.objects.filter(program__in=programs)
        .values_list("program__program_type", "program__country", "program__currency")
        .annotate(total=Sum("forecast_amount"))
        .order_by()
    )
    for program_type, country, currency, total in forecasts:
        add(program_type, country, currency, total, today, "forecast")
    spending = (
        Expenditure.objects.filter(line__program__in=programs)
        .annotate(rate_day=rate_day(rates, currency="line__program__currency", date="date"))
        .values_list(
            "line__program__program_type", "line__program__country", "line__program__currency"
        )
        .annotate(rate_day=F("rate_day"), total=Sum("amount"))
        .order_by()
    )
    for program_type, country, currency, day, total in spending:
        add(program_type, country, currency, total, day, "spent")
    return result


def exchange_rates(currencies=None) -> RateTable:
    """Every exchange rate (of `currencies` only, when given) in one query."""
    rates = ExchangeRate.objects.all()
    if currencies is not None:
        rates = rates.filter(currency__in={code.upper() for code in currencies})
    return RateTable(rates.values_list("currency", "effective_date", "units_per_usd"))
