"""Reads over many programs at once, for the portfolio: each program's stage and lateness as
annotations, the filters on them, and the stages' median durations. The reads of one program's
lifecycle (its page, rail, gate, plan and history) are in `lifecycle.selectors`."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from chtprograms.models import Program
from lifecycle.models import StagePlan, StageStay
from lifecycle.selectors import overdue_activities
from lifecycle.stages import WORK_STAGES, Stage


def _past_planned_end(today: datetime.date) -> Exists:
    """True on a program row in a working stage whose planned end has passed."""
    return Exists(
        StagePlan.objects.filter(
            lifecycle__program=OuterRef("pk"),
            stage=OuterRef("lifecycle__stage"),
            planned_end__lt=today,
        )
    )


def stage_order() -> Case:
    """A program row's position in the lifecycle, for sorting: the working stages in order,
    then on hold, closed and cancelled."""
    order = [*WORK_STAGES, Stage.ON_HOLD, Stage.CLOSED, Stage.CANCELLED]
    return Case(
        *(When(lifecycle__stage=stage, then=Value(index)) for index, stage in enumerate(order)),
        default=Value(len(order)),
        output_field=IntegerField(),
    )


def programs_with_lifecycle(
    programs: QuerySet[Program], *, today: datetime.date | None = None
) -> QuerySet[Program]:
    """Each program annotated with `stage`, `stage_entered_at`, `overdue_count` (its overdue
    activities: `lifecycle.selectors.overdue_activities`) and `past_planned_end` (in a working stage
    whose planned end has passed)."""
    today = today or timezone.localdate()
    overdue = (
        overdue_activities(today=today)
        .filter(program=OuterRef("pk"))
        .order_by()
        .values("program")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return programs.annotate(
        stage=F("lifecycle__stage"),
        stage_entered_at=F("lifecycle__stage_entered_at"),
        overdue_count=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
        past_planned_end=_past_planned_end(today),
    )


def programs_in_stage(programs: QuerySet[Program], *, stage: str) -> QuerySet[Program]:
    return programs.filter(lifecycle__stage=stage)


def programs_active(programs: QuerySet[Program]) -> QuerySet[Program]:
    """The programs in one of the eight working stages (not on hold, closed or cancelled)."""
    return programs.filter(lifecycle__stage__in=WORK_STAGES)


def programs_with_overdue_activities(
    programs: QuerySet[Program], *, today: datetime.date | None = None
) -> QuerySet[Program]:
    today = today or timezone.localdate()
    return programs_active(programs).filter(
        Exists(overdue_activities(today=today).filter(program=OuterRef("pk")))
    )


def programs_past_planned_end(
    programs: QuerySet[Program], *, today: datetime.date | None = None
) -> QuerySet[Program]:
    return programs.filter(_past_planned_end(today or timezone.localdate()))


def overdue_activity_totals(
    *, programs: QuerySet[Program], today: datetime.date | None = None
) -> tuple[int, int]:
    """(overdue activities, programs with any) over the programs (1 query), by the rule of
    `lifecycle.selectors.overdue_activities`: the current stage's activities only."""
    totals = (
        overdue_activities(today=today)
        .filter(program__in=programs_active(programs).order_by().values("pk"))
        .aggregate(activities=Count("pk"), programs=Count("program", distinct=True))
    )
    return totals["activities"], totals["programs"]


class _DaysBetween(Func):
    """Whole days from the second date to the first (SQLite and PostgreSQL)."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_sql(self, compiler, connection, **extra):
        extra.setdefault("template", "(%(expressions)s)")
        extra.setdefault("arg_joiner", " - ")
        return super().as_sql(compiler, connection, **extra)


@dataclass(frozen=True)
class StageDurations:
    """How long one stage lasts across programs: planned (from the stage plans) and actual
    (stages the programs have left, from their history), as medians in days."""

    stage: str
    label: str
    planned_median: float | None
    planned_count: int
    actual_median: float | None
    actual_count: int


def _median_of_counts(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how many times}."""
    total = sum(counts.values())
    if not total:
        return None
    low_index, high_index = (total - 1) // 2, total // 2
    seen, low = 0, None
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > low_index:
            low = value
        if seen > high_index:
            return (low + value) / 2
    return None  # not reached: the loop passes every value


def stage_durations(
    *, programs: QuerySet[Program], today: datetime.date | None = None
) -> list[StageDurations]:
    """Median planned and actual days of each working stage over the programs (2 queries).

    Planned days run from a stage's planned start to its planned end, both counted; the
    database counts programs per (stage, days). Actual days are those of the lifecycle page:
    from entering a stage to leaving it, summed over visits, for the stages a program has left;
    read from their `StageStay` summary rows (kept by each transition), not from the history."""
    program_ids = programs.order_by().values("pk")
    planned: dict[str, dict[int, int]] = defaultdict(dict)
    histogram = (
        StagePlan.objects.filter(lifecycle__program__in=program_ids)
        .annotate(days=_DaysBetween("planned_end", "planned_start") + 1)
        .values_list("stage", "days")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for stage, days, count in histogram:
        planned[stage][days] = count
    actual: dict[str, dict[int, int]] = defaultdict(dict)
    stays = (
        StageStay.objects.filter(lifecycle__program__in=program_ids)
        .values_list("stage", "days")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for stage, days, count in stays:
        actual[stage][days] = count
    return [
        StageDurations(
            stage=stage,
            label=str(Stage(stage).label),
            planned_median=_median_of_counts(planned[stage]),
            planned_count=sum(planned[stage].values()),
            actual_median=_median_of_counts(actual[stage]),
            actual_count=sum(actual[stage].values()),
        )
        for stage in WORK_STAGES
    ]
