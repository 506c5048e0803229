"""Reads for the program record. Selectors that take a user enforce visibility."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from personas.models import Membership
from personas.selectors import programs_visible_to

from .models import (
    BudgetCategory,
    BudgetLine,
    CHWSupport,
    Consideration,
    ConsiderationItem,
    DataSharingAgreement,
    Expenditure,
    Health,
    HostingEstimate,
    HostingInstance,
    Indicator,
    Lesson,
    Measurement,
    Organization,
    Program,
    ProgramPartner,
    Risk,
    ScalingDecision,
)
from .money import RateTable, UsdTotal, rate_day, to_usd, usd_total
from .stages import WORK_STAGE_CHOICES

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ProgramFilters:
    q: str = ""
    program_type: str = ""
    country: str = ""
    health: str = ""
    include_archived: bool = False
    sort: str = "name"
    partner: int | None = None  # an organization leading the program or partnering in it
    started_from: datetime.date | None = None  # planned start on or after
    started_to: datetime.date | None = None  # planned start on or before


SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "country": ("country", "name"),
    "-country": ("-country", "name"),
    "start": ("planned_start", "name"),
    "-start": ("-planned_start", "name"),
    "health": ("health", "name"),
    "-health": ("-health", "name"),
}


def program_list(*, user, filters: ProgramFilters | None = None) -> QuerySet[Program]:
    filters = filters or ProgramFilters()
    programs = programs_visible_to(user).select_related("lead_organization", "lifecycle")
    if not filters.include_archived:
        programs = programs.filter(archived_at__isnull=True)
    if filters.q:
        programs = programs.filter(
            Q(name__icontains=filters.q)
            | Q(slug__icontains=filters.q)
            | Q(summary__icontains=filters.q)
            | Q(lead_organization__name__icontains=filters.q)
        )
    if filters.program_type:
        programs = programs.filter(program_type=filters.program_type)
    if filters.country:
        programs = programs.filter(country=filters.country)
    if filters.health:
        programs = programs.filter(health=filters.health)
    if filters.partner:
        programs = programs.filter(
            Q(lead_organization_id=filters.partner)
            | Exists(
                ProgramPartner.objects.filter(program=OuterRef("pk"), organization=filters.partner)
            )
        )
    if filters.started_from:
        programs = programs.filter(planned_start__gte=filters.started_from)
    if filters.started_to:
        programs = programs.filter(planned_start__lte=filters.started_to)
    return programs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def my_programs(*, user) -> QuerySet[Program]:
    """The programs the user is on the team of, each with `my_memberships` prefetched."""
    mine = Membership.objects.current().filter(user=user)
    return (
        Program.objects.filter(pk__in=mine.values("program_id"), archived_at__isnull=True)
        .select_related("lead_organization")
        .prefetch_related(Prefetch("memberships", queryset=mine, to_attr="my_memberships"))
        .order_by("name")
    )


def program_get(*, user, slug: str) -> Program:
    """The program if the user may see it; 404 otherwise, so outsiders cannot tell it exists."""
    try:
        return (
            programs_visible_to(user)
            .select_related("lead_organization", "lifecycle")
            .get(slug=slug)
        )
    except Program.DoesNotExist:
        raise Http404("No such program.") from None


def program_partners(*, program: Program):
    return program.partner_links.select_related("organization")


def consideration_list(*, program: Program) -> QuerySet[Consideration]:
    return (
        Consideration.objects.filter(program=program)
        .select_related("owner")
        .prefetch_related(
            Prefetch("items", queryset=ConsiderationItem.objects.order_by("position", "id"))
        )
        .order_by("id")
    )


def consideration_get(*, program: Program, area: str) -> Consideration:
    try:
        return consideration_list(program=program).get(area=area)
    except Consideration.DoesNotExist:
        raise Http404("No such consideration.") from None


def consideration_item_get(*, program: Program, pk: int) -> ConsiderationItem:
    try:
        return ConsiderationItem.objects.select_related("consideration").get(
            pk=pk, consideration__program=program
        )
    except ConsiderationItem.DoesNotExist:
        raise Http404("No such checklist item.") from None


def health_history(*, program: Program, limit: int = 10):
    return program.health_notes.select_related("recorded_by")[:limit]


def program_countries(*, user) -> list[tuple[str, str]]:
    """(code, name) of the countries the user's visible programs run in, for the filter."""
    from django_countries import countries

    codes = set(programs_visible_to(user).order_by().values_list("country", flat=True).distinct())
    return [(code, name) for code, name in countries if code in codes]


def consideration_summary(*, program: Program) -> list[Consideration]:
    """The six considerations (area, status, risk), without their checklists."""
    return list(
        Consideration.objects.filter(program=program)
        .only("area", "status", "risk", "program_id")
        .order_by("id")
    )


# --- plan and evidence: budget, indicators, CHW support, risks, lessons, hosting --------------
# The program passed in has already been loaded through `program_get` (visibility enforced).


def _get_or_404(queryset, message: str, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(message) from None


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
    rates = RateTable.load([program.currency])
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
    return BudgetLine.objects.filter(program=program).order_by("category", "name", "id")


def budget_line_get(*, program: Program, pk: int) -> BudgetLine:
    return _get_or_404(
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
    return _get_or_404(
        Expenditure.objects.select_related("line__program"),
        "No such expenditure.",
        line__program=program,
        pk=pk,
    )


class IndicatorStatus:
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_BASELINE = "no_baseline"
    NO_MEASUREMENT = "no_measurement"


@dataclass
class IndicatorProgress:
    """An indicator with its measurements and where the latest one stands against the line."""

    indicator: Indicator
    measurements: list[Measurement]
    today: datetime.date

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def expected(self) -> Decimal | None:
        """The value on the line at the latest measurement's date."""
        latest = self.latest
        return self.indicator.expected_on(latest.period_end) if latest else None

    @property
    def on_track(self) -> bool | None:
        latest = self.latest
        return self.indicator.is_on_track(latest.value, latest.period_end) if latest else None

    @property
    def status(self) -> str:
        if not self.indicator.has_baseline:
            return IndicatorStatus.NO_BASELINE
        if self.latest is None:
            return IndicatorStatus.NO_MEASUREMENT
        return IndicatorStatus.ON_TRACK if self.on_track else IndicatorStatus.OFF_TRACK

    @property
    def points(self) -> list[tuple[Measurement, bool | None]]:
        return [(m, self.indicator.is_on_track(m.value, m.period_end)) for m in self.measurements]

    @property
    def next_due(self) -> datetime.date | None:
        latest = self.latest
        return self.indicator.next_due(latest.period_end if latest else None)

    @property
    def overdue(self) -> bool:
        due = self.next_due
        return due is not None and due < self.today


def indicator_progress_list(
    *, program: Program, today: datetime.date | None = None
) -> list[IndicatorProgress]:
    """Every indicator with its measurements, oldest first, and its status (2 queries)."""
    today = today or timezone.localdate()
    indicators = Indicator.objects.filter(program=program).prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("period_end", "id"))
    )
    return [
        IndicatorProgress(indicator, list(indicator.measurements.all()), today)
        for indicator in indicators.order_by("name", "id")
    ]


def indicators_on_track(*, program: Program) -> tuple[int, int]:
    """(on track, total) over the program's indicators."""
    progress = indicator_progress_list(program=program)
    return sum(item.status == IndicatorStatus.ON_TRACK for item in progress), len(progress)


@dataclass(frozen=True)
class BaselineStatus:
    indicators: int
    missing: tuple[str, ...]  # names of the indicators without a baseline


def indicator_baselines(*, program_ids) -> dict[int, BaselineStatus]:
    """Gate criterion (planning: every indicator has a baseline), for many programs at once."""
    counts: dict[int, int] = {}
    missing: dict[int, list[str]] = {}
    rows = (
        Indicator.objects.filter(program_id__in=program_ids)
        .order_by("name", "id")
        .values_list("program_id", "name", "baseline_value", "baseline_date")
    )
    for program_id, name, baseline_value, baseline_date in rows:
        counts[program_id] = counts.get(program_id, 0) + 1
        if baseline_value is None or baseline_date is None:
            missing.setdefault(program_id, []).append(name)
    return {
        program_id: BaselineStatus(indicators=count, missing=tuple(missing.get(program_id, ())))
        for program_id, count in counts.items()
    }


def indicator_get(*, program: Program, pk: int) -> Indicator:
    return _get_or_404(Indicator.objects.all(), "No such indicator.", program=program, pk=pk)


def measurement_get(*, program: Program, pk: int) -> Measurement:
    return _get_or_404(
        Measurement.objects.select_related("indicator"),
        "No such measurement.",
        indicator__program=program,
        pk=pk,
    )


def chw_support_get(*, program: Program) -> CHWSupport | None:
    """The program's CHW support (4S) record, or None when it has not been recorded."""
    return CHWSupport.objects.filter(program=program).first()


def chw_support_gaps(
    *, support: CHWSupport | None, today: datetime.date | None = None
) -> list[tuple[str, str]]:
    """The 4S gaps of a record, with the configured CHWs-per-supervisor limit."""
    if support is None:
        return []
    return support.gaps(
        today=today or timezone.localdate(),
        per_supervisor_limit=settings.CHW_PER_SUPERVISOR_LIMIT,
    )


RISK_STATUS_ORDER = {Risk.Status.OPEN: 0, Risk.Status.MITIGATING: 1, Risk.Status.CLOSED: 2}


def risk_list(*, program: Program) -> list[Risk]:
    """Open risks first, then the most likely and damaging."""
    risks = Risk.objects.filter(program=program).select_related("owner")
    return sorted(
        risks, key=lambda risk: (RISK_STATUS_ORDER.get(risk.status, 3), -risk.score, -risk.pk)
    )


def risk_get(*, program: Program, pk: int) -> Risk:
    return _get_or_404(Risk.objects.all(), "No such risk.", program=program, pk=pk)


def lesson_list(*, program: Program) -> QuerySet[Lesson]:
    return Lesson.objects.filter(program=program).select_related("recorded_by")


def lesson_get(*, program: Program, pk: int) -> Lesson:
    return _get_or_404(Lesson.objects.all(), "No such lesson.", program=program, pk=pk)


def scaling_decision_get(*, program: Program) -> ScalingDecision | None:
    """Gate criterion: the scaling decision of closeout, or None when none is recorded."""
    return ScalingDecision.objects.filter(program=program).select_related("decided_by").first()


def hosting_estimate_list(*, program: Program, limit: int = 10) -> list[HostingEstimate]:
    return list(
        HostingEstimate.objects.filter(program=program)
        .select_related("created_by", "budget_line")
        .order_by("-created_at", "-id")[:limit]
    )


def hosting_estimate_latest(*, program: Program) -> HostingEstimate | None:
    """Gate criterion: a hosting cost estimate was saved (planning)."""
    return HostingEstimate.objects.filter(program=program).order_by("-created_at", "-id").first()


def hosting_estimate_get(*, program: Program, pk: int) -> HostingEstimate:
    return _get_or_404(
        HostingEstimate.objects.select_related("program"),
        "No such estimate.",
        program=program,
        pk=pk,
    )


# --- across programs (the portfolio) ---------------------------------------------------------
# These take a queryset of programs the caller has already limited to what the user may see
# (`program_list` / `programs_visible_to`) and aggregate over it in the database, in a fixed
# number of queries whatever the number of programs.


def program_organizations(*, user) -> list[tuple[int, str]]:
    """(id, name) of the organizations leading or partnering in the user's visible programs."""
    visible = programs_visible_to(user)
    return list(
        Organization.objects.filter(
            Exists(visible.filter(lead_organization=OuterRef("pk")))
            | Exists(
                ProgramPartner.objects.filter(organization=OuterRef("pk"), program__in=visible)
            )
        )
        .order_by("name")
        .values_list("pk", "name")
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
    rates = RateTable.load()
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


def chw_gap_conditions(*, today: datetime.date | None = None) -> dict[str, Q]:
    """The 4S gaps of `CHWSupport.gaps` as conditions on CHWSupport rows, for the database."""
    today = today or timezone.localdate()
    limit = settings.CHW_PER_SUPERVISOR_LIMIT
    return {
        "skilled": Q(last_refresher__isnull=True)
        | Q(last_refresher__lt=today - relativedelta(months=12)),
        "supervised": Q(chw_count__gt=0)
        & (Q(supervisor_count__isnull=True) | Q(chw_count__gt=F("supervisor_count") * limit)),
        "salaried": Q(compensation_model=CHWSupport.Compensation.UNPAID),
        "supplied": Q(supply_status=CHWSupport.Supply.STOCK_OUTS),
    }


@dataclass(frozen=True)
class CHWTotals:
    programs: int  # programs with a CHW support record
    chws: int
    unpaid_programs: int
    unpaid_chws: int
    gaps: dict[str, int]  # gap code → programs with that gap


def chw_support_totals(
    *, programs: QuerySet[Program], today: datetime.date | None = None
) -> CHWTotals:
    """CHWs covered and unpaid, and how many programs have each 4S gap (1 query)."""
    gaps = chw_gap_conditions(today=today)
    unpaid = gaps["salaried"]
    totals = CHWSupport.objects.filter(program__in=programs.order_by().values("pk")).aggregate(
        programs=Count("pk"),
        chws=Coalesce(Sum("chw_count"), 0),
        unpaid_programs=Count("pk", filter=unpaid),
        unpaid_chws=Coalesce(Sum("chw_count", filter=unpaid), 0),
        **{f"gap_{code}": Count("pk", filter=condition) for code, condition in gaps.items()},
    )
    return CHWTotals(
        programs=totals["programs"],
        chws=totals["chws"],
        unpaid_programs=totals["unpaid_programs"],
        unpaid_chws=totals["unpaid_chws"],
        gaps={code: totals[f"gap_{code}"] for code in gaps},
    )


def programs_with_chw_support(
    programs: QuerySet[Program], *, gap: str = "", today: datetime.date | None = None
) -> QuerySet[Program]:
    """The programs with a CHW support record (with the given 4S gap, when one is named)."""
    support = CHWSupport.objects.filter(program=OuterRef("pk"))
    if gap:
        support = support.filter(chw_gap_conditions(today=today)[gap])
    return programs.filter(Exists(support))


class _IndicatorFigures:
    """The fields of an indicator that the on-track rule reads, without a model instance
    (thousands of them are cheap). It borrows `Indicator`'s own methods, so the rule is the
    one the program's pages apply."""

    __slots__ = ("direction", "baseline_value", "baseline_date", "target_value", "target_date")
    Direction = Indicator.Direction
    has_baseline = Indicator.has_baseline
    expected_on = Indicator.expected_on
    on_track_limit = Indicator.on_track_limit
    is_on_track = Indicator.is_on_track

    def __init__(self, direction, baseline_value, baseline_date, target_value, target_date):
        self.direction = direction
        self.baseline_value = baseline_value
        self.baseline_date = baseline_date
        self.target_value = target_value
        self.target_date = target_date


@dataclass(frozen=True)
class _LatestValue:
    value: Decimal
    period_end: datetime.date


def indicator_statuses(
    *, programs: QuerySet[Program], today: datetime.date | None = None
) -> dict[str, dict[str, int]]:
    """program type → {indicator status → count}, over the programs' indicators (1 query).

    The database picks each indicator's latest measurement; whether it is on track is then
    decided by the same rule as on the program's pages (`IndicatorProgress`)."""
    today = today or timezone.localdate()
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period_end", "-id")
    rows = (
        Indicator.objects.filter(program__in=programs.order_by().values("pk"))
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_day=Subquery(latest.values("period_end")[:1]),
        )
        .order_by()
        .values_list(
            "program__program_type",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "latest_value",
            "latest_day",
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for program_type, *fields, latest_value, latest_day in rows:
        measurements = [] if latest_day is None else [_LatestValue(latest_value, latest_day)]
        status = IndicatorProgress(_IndicatorFigures(*fields), measurements, today).status
        by_status = counts.setdefault(program_type, {})
        by_status[status] = by_status.get(status, 0) + 1
    return counts


@dataclass(frozen=True)
class PlanOverview:
    """For the program overview: budget spent and indicators on track."""

    currency: str
    forecast: Decimal
    spent: Decimal
    indicators_on_track: int
    indicator_total: int

    @property
    def percent_spent(self) -> int | None:
        return BudgetRow("", "", self.forecast, self.spent).percent_spent


def plan_overview(*, program: Program) -> PlanOverview:
    """Budget spent % and indicators on track, in a constant number of queries (3)."""
    forecast, spent = budget_totals(program=program)
    on_track, total = indicators_on_track(program=program)
    return PlanOverview(program.currency, forecast, spent, on_track, total)


def data_sharing_agreement_get(*, program: Program) -> DataSharingAgreement | None:
    return DataSharingAgreement.objects.filter(program=program).first()


def hosting_instance_get(*, program: Program) -> HostingInstance | None:
    return HostingInstance.objects.filter(program=program).first()


# --- batch reads for reminders (lifecycle/reminders.py): one query each, any number of programs


def consideration_statuses(*, program_ids) -> dict[int, dict[str, str]]:
    """program id → {area: status}."""
    statuses: dict[int, dict[str, str]] = {}
    rows = Consideration.objects.filter(program_id__in=list(program_ids)).values_list(
        "program_id", "area", "status"
    )
    for program_id, area, status in rows:
        statuses.setdefault(program_id, {})[area] = status
    return statuses


def data_sharing_agreements_expiring(*, program_ids, until: datetime.date):
    """The agreements of these programs that expire on or before `until` (or have expired)."""
    return DataSharingAgreement.objects.filter(
        program_id__in=list(program_ids), expires_on__isnull=False, expires_on__lte=until
    ).only("program_id", "expires_on")


def hosting_instances_expiring(*, program_ids, until: datetime.date):
    """The production instances whose domain or (manually renewed) certificate lapses by
    `until` (or has lapsed)."""
    return HostingInstance.objects.filter(
        Q(domain_renews_on__lte=until) | Q(tls_expires_on__lte=until, tls_auto_renews=False),
        program_id__in=list(program_ids),
    ).only("program_id", "domain_renews_on", "tls_expires_on", "tls_auto_renews")


def scaling_decisions_by_program(*, program_ids) -> dict[int, ScalingDecision]:
    """The scaling decisions of many programs at once (one query): program id → decision."""
    return {
        decision.program_id: decision
        for decision in ScalingDecision.objects.filter(program_id__in=list(program_ids))
    }
