"""Reads for the program record. Selectors that take a user enforce visibility."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
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
    Program,
    Risk,
    ScalingDecision,
)
from .money import RateTable, UsdTotal, to_usd, usd_total
from .stages import Stage

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ProgramFilters:
    q: str = ""
    program_type: str = ""
    country: str = ""
    health: str = ""
    include_archived: bool = False
    sort: str = "name"


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

    codes = set(programs_visible_to(user).values_list("country", flat=True).distinct())
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
    stages = {key: BudgetRow(key, label) for key, label in Stage.choices}
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


def budget_totals(*, program: Program) -> tuple[Decimal, Decimal]:
    """(forecast, spent) in the program's currency, in one query."""
    totals = (
        Program.objects.filter(pk=program.pk)
        .annotate(
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
        .values("forecast", "spent")
        .get()
    )
    return totals["forecast"], totals["spent"]


def budget_line_count(*, program: Program) -> int:
    """Gate criterion: a budget forecast exists (planning)."""
    return BudgetLine.objects.filter(program=program).count()


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


def indicator_count(*, program: Program) -> int:
    return Indicator.objects.filter(program=program).count()


def indicators_missing_baseline(*, program: Program) -> list[Indicator]:
    """Gate criterion: every indicator has a baseline (planning). Empty when all do."""
    return list(
        Indicator.objects.filter(program=program)
        .filter(Q(baseline_value__isnull=True) | Q(baseline_date__isnull=True))
        .order_by("name", "id")
    )


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
