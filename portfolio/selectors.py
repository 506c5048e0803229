"""Reads across every program the user may see: the dashboard's figures, the program table and
its export.

Everything starts from `programs_visible_to(user)` (through `program_list`), so a member sees
only their programs and nobody sees an outsider's. The figures are aggregated in the database
by the other apps' selectors, composed here: a fixed number of queries, whatever the number of
programs."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from chtprograms.models import Health, Program
from chtprograms.selectors import ProgramFilters, program_list
from instances.golive.selectors import programs_with_waived_readiness
from instances.selectors import (
    PORTFOLIO_INSTANCE_FILTERS,
    PortfolioInstances,
    portfolio_instance_totals,
    programs_by_instance_state,
    programs_with_instance_state,
)
from lifecycle.portfolio_selectors import (
    StageDurations,
    overdue_activity_totals,
    programs_active,
    programs_in_stage,
    programs_past_planned_end,
    programs_with_lifecycle,
    programs_with_overdue_activities,
    stage_durations,
    stage_order,
)
from lifecycle.selectors import days_in_stage
from lifecycle.stages import WORK_STAGES, Stage
from plan.budget.selectors import (
    BudgetRow,
    UsdBudgetBreakdown,
    budget_usd_breakdown,
    programs_with_budget_totals,
)
from plan.chw_support.selectors import CHWTotals, chw_support_totals, programs_with_chw_support
from plan.indicators.selectors import IndicatorStatus, indicator_statuses
from portfolio.field_practice import FieldPractice, field_practice_totals, with_field_practice

#: “Only …” filters: the programs behind a tile that is not a plain field value.
ONLY_CHOICES = [
    ("active", _("Active (in a working stage)")),
    ("overdue", _("With overdue activities")),
    ("late", _("Past their stage's planned end")),
    ("chw", _("With CHW support recorded")),
    ("unpaid", _("CHWs unpaid")),
    ("unskilled", _("No CHW refresher training in 12 months")),
    ("unsupervised", _("Too few CHW supervisors")),
    ("stock_outs", _("CHW stock-outs")),
    ("golive_waived", _("In implementation with go-live criteria waived")),
    ("instances_down", _("A CHT instance down")),
    ("instances_flagged", _("A CHT instance flagged")),
    ("instances_eol", _("A CHT instance past its end of life")),
]
#: 4S gap code (`chw_gap_conditions`) → the “only” filter showing the programs with it.
GAP_FILTERS = {
    "skilled": "unskilled",
    "supervised": "unsupervised",
    "salaried": "unpaid",
    "supplied": "stock_outs",
}


def _only(programs: QuerySet[Program], only: str, today: datetime.date) -> QuerySet[Program]:
    if only == "active":
        return programs_active(programs)
    if only == "overdue":
        return programs_with_overdue_activities(programs, today=today)
    if only == "late":
        return programs_past_planned_end(programs, today=today)
    if only == "chw":
        return programs_with_chw_support(programs)
    if only == "golive_waived":
        return programs_with_waived_readiness(programs)
    if only in PORTFOLIO_INSTANCE_FILTERS:
        return programs_by_instance_state(programs, only)
    gap = {only: gap for gap, only in GAP_FILTERS.items()}.get(only)
    if gap:
        return programs_with_chw_support(programs, gap=gap, today=today)
    return programs


@dataclass(frozen=True)
class PortfolioFilters:
    country: str = ""
    program_type: str = ""
    partner: int | None = None
    stage: str = ""
    health: str = ""
    started_from: datetime.date | None = None
    started_to: datetime.date | None = None
    only: str = ""

    #: field → its name in the address
    PARAMS = {
        "country": "country",
        "program_type": "type",
        "partner": "partner",
        "stage": "stage",
        "health": "health",
        "started_from": "start_from",
        "started_to": "start_to",
        "only": "only",
    }

    def query(self, **changes) -> str:
        """These filters (with `changes`) as a query string, for links that keep them."""
        filters = replace(self, **changes)
        pairs = []
        for item in fields(filters):
            value = getattr(filters, item.name)
            if value not in (None, ""):
                pairs.append((self.PARAMS[item.name], str(value)))
        return urlencode(pairs)

    @property
    def any(self) -> bool:
        return any(getattr(self, item.name) not in (None, "") for item in fields(self))


def portfolio_programs(
    *, user, filters: PortfolioFilters, today: datetime.date | None = None
) -> QuerySet[Program]:
    """The programs the user may see (not archived) that match the filters."""
    today = today or timezone.localdate()
    programs = program_list(
        user=user,
        filters=ProgramFilters(
            program_type=filters.program_type,
            country=filters.country,
            health=filters.health,
            partner=filters.partner,
            started_from=filters.started_from,
            started_to=filters.started_to,
        ),
    )
    if filters.stage:
        programs = programs_in_stage(programs, stage=filters.stage)
    if filters.only:
        programs = _only(programs, filters.only, today)
    return programs


#: The states the stage figures list: the eight working stages always, the others when a
#: program is in them.
ALL_STAGES = [*WORK_STAGES, Stage.ON_HOLD, Stage.CLOSED, Stage.CANCELLED]


@dataclass
class Dashboard:
    total: int
    active: int
    by_stage: list[tuple[str, str, int]]  # (stage, label, programs)
    by_health: dict[str, int]
    stage_type: dict[tuple[str, str], int]  # (stage, type) → programs
    by_country: list[tuple[str, str, int]]  # (code, name, programs), most programs first
    overdue_activities: int
    overdue_programs: int
    late_programs: int
    chw: CHWTotals
    budget: UsdBudgetBreakdown
    indicators: dict[str, dict[str, int]]  # program type → {status → indicators}
    durations: list[StageDurations]
    field_practice: FieldPractice | None = None  # training, devices, go-live waivers
    instances: PortfolioInstances | None = None  # the live CHT instances' state

    @property
    def indicator_counts(self) -> tuple[int, int]:
        """(on track, all) indicators."""
        on_track = sum(s.get(IndicatorStatus.ON_TRACK, 0) for s in self.indicators.values())
        return on_track, sum(sum(s.values()) for s in self.indicators.values())

    @property
    def indicator_percent(self) -> int | None:
        on_track, total = self.indicator_counts
        return round(on_track * 100 / total) if total else None


def portfolio_dashboard(
    *, user, filters: PortfolioFilters, today: datetime.date | None = None
) -> Dashboard:
    """Every tile's and chart's figures over the filtered programs (10 queries)."""
    today = today or timezone.localdate()
    programs = portfolio_programs(user=user, filters=filters, today=today).order_by()
    groups = (
        programs_with_lifecycle(programs, today=today)
        .values("stage", "program_type", "health", "country")
        .annotate(programs=Count("pk"), late=Count("pk", filter=Q(past_planned_end=True)))
        .order_by()
    )
    by_stage: dict[str, int] = {}
    by_health: dict[str, int] = {value: 0 for value in Health.values}
    by_country: dict[str, int] = {}
    stage_type: dict[tuple[str, str], int] = {}
    total = active = late = 0
    for row in groups:
        count = row["programs"]
        total += count
        active += count if row["stage"] in WORK_STAGES else 0
        late += row["late"]
        by_stage[row["stage"]] = by_stage.get(row["stage"], 0) + count
        by_health[row["health"]] = by_health.get(row["health"], 0) + count
        by_country[row["country"]] = by_country.get(row["country"], 0) + count
        key = (row["stage"], row["program_type"])
        stage_type[key] = stage_type.get(key, 0) + count
    names = dict(countries)
    overdue, overdue_programs = overdue_activity_totals(programs=programs, today=today)
    return Dashboard(
        total=total,
        active=active,
        by_stage=[
            (stage, str(Stage(stage).label), by_stage.get(stage, 0))
            for stage in ALL_STAGES
            if stage in WORK_STAGES or by_stage.get(stage)
        ],
        by_health=by_health,
        stage_type=stage_type,
        by_country=sorted(
            ((code, str(names.get(code, code)), count) for code, count in by_country.items()),
            key=lambda item: (-item[2], item[1]),
        ),
        overdue_activities=overdue,
        overdue_programs=overdue_programs,
        late_programs=late,
        chw=chw_support_totals(programs=programs, today=today),
        budget=budget_usd_breakdown(programs=programs, today=today),
        indicators=indicator_statuses(programs=programs, today=today),
        durations=stage_durations(programs=programs, today=today),
        field_practice=field_practice_totals(programs=programs),
        instances=portfolio_instance_totals(programs=programs),
    )


# --- the program table and its export ----------------------------------------------------------

_HEALTH_ORDER = Case(
    *(When(health=value, then=Value(index)) for index, value in enumerate(Health.values)),
    default=Value(len(Health.values)),
)
#: sort key → the order of its rows (the key with a leading "-" reverses it); name breaks ties.
SORTS: dict[str, Callable[[], list]] = {
    "name": lambda: [F("name").asc()],
    "type": lambda: [F("program_type").asc()],
    "country": lambda: [F("country").asc()],
    "stage": lambda: [stage_order().asc()],
    "health": lambda: [_HEALTH_ORDER.asc()],
    # Most days in the stage = entered it first.
    "days": lambda: [F("stage_entered_at").desc(nulls_last=True)],
    "overdue": lambda: [F("overdue_count").asc()],
    "spent": lambda: [F("spent_percent").asc(nulls_first=True)],
}
SORT_CHOICES = [*SORTS, *(f"-{key}" for key in SORTS)]


def _ordering(sort: str) -> list:
    key = sort.removeprefix("-")
    ordering = SORTS.get(key, SORTS["name"])()
    if sort.startswith("-") and key in SORTS:
        ordering = [expression.copy() for expression in ordering]
        for expression in ordering:
            expression.reverse_ordering()
    return [*ordering, F("name").asc(), F("pk").asc()]


def portfolio_table(
    *,
    user,
    filters: PortfolioFilters,
    sort: str = "name",
    today: datetime.date | None = None,
) -> QuerySet[Program]:
    """The filtered programs with their stage, days in stage, overdue activities and budget
    spent, sorted; one query per page (and one to count)."""
    today = today or timezone.localdate()
    programs = programs_with_budget_totals(
        programs_with_lifecycle(
            portfolio_programs(user=user, filters=filters, today=today), today=today
        )
    ).annotate(
        spent_percent=Case(
            When(forecast__gt=0, then=F("spent") * 100 / F("forecast")),
            default=None,
            output_field=DecimalField(),
        )
    )
    programs = programs_with_instance_state(with_field_practice(programs))
    return programs.order_by(*_ordering(sort))


@dataclass(frozen=True)
class TableRow:
    program: Program
    stage: str
    stage_label: str
    days_in_stage: int | None
    overdue_count: int
    past_planned_end: bool
    forecast: Decimal
    spent: Decimal

    @property
    def percent_spent(self) -> int | None:
        return BudgetRow("", "", self.forecast, self.spent).percent_spent


def table_rows(
    programs: Iterable[Program], *, today: datetime.date | None = None
) -> Iterable[TableRow]:
    """The table's rows for programs from `portfolio_table` (no further queries). What is the
    same for every row (the stage labels, the time zone) is worked out once."""
    today = today or timezone.localdate()
    labels = {value: str(label) for value, label in Stage.choices}
    zone = timezone.get_current_timezone()
    for program in programs:
        lifecycle = getattr(program, "lifecycle", None)
        yield TableRow(
            program=program,
            stage=program.stage or "",
            stage_label=labels.get(lifecycle.stage, "") if lifecycle else "",
            days_in_stage=days_in_stage(lifecycle=lifecycle, today=today, zone=zone)
            if lifecycle
            else None,
            overdue_count=program.overdue_count,
            past_planned_end=program.past_planned_end,
            forecast=program.forecast,
            spent=program.spent,
        )
