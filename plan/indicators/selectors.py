"""Indicator reads: progress against the straight line from baseline to target."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from chtprograms.models import (
    Program,
)
from core.selectors import get_or_404
from plan.indicators.models import Indicator, Measurement


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


def count_on_track(progress) -> int:
    """How many of these indicators are on track: the one place that counts them."""
    return sum(item.status == IndicatorStatus.ON_TRACK for item in progress)


def indicators_on_track(*, program: Program) -> tuple[int, int]:
    """(on track, total) over the program's indicators."""
    progress = indicator_progress_list(program=program)
    return count_on_track(progress), len(progress)


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


def indicator_list(*, program: Program) -> QuerySet[Indicator]:
    """The program's indicators with their measurements prefetched, oldest first (2 queries):
    `indicator_progress(indicator)` then says where each stands."""
    return (
        Indicator.objects.filter(program=program)
        .prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("period_end", "id"))
        )
        .order_by("name", "id")
    )


def indicator_progress(
    indicator: Indicator, *, today: datetime.date | None = None
) -> IndicatorProgress:
    """Where an indicator from `indicator_list` stands (no further query)."""
    return IndicatorProgress(
        indicator, list(indicator.measurements.all()), today or timezone.localdate()
    )


def measurement_list(*, indicator: Indicator) -> QuerySet[Measurement]:
    return Measurement.objects.filter(indicator=indicator).order_by("period_end", "id")


def indicator_get(*, program: Program, pk: int) -> Indicator:
    return get_or_404(Indicator.objects.all(), "No such indicator.", program=program, pk=pk)


def measurement_get(*, program: Program, pk: int) -> Measurement:
    return get_or_404(
        Measurement.objects.select_related("indicator"),
        "No such measurement.",
        indicator__program=program,
        pk=pk,
    )


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


def indicator_status_rows(indicators: QuerySet[Indicator]):
    """(indicator id, its status) from scratch: the database picks each indicator's latest
    measurement, then the rule of the program's pages (`IndicatorProgress`) decides (1 query).
    What `plan.indicators.services` stores as `Indicator.status`."""
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period_end", "-id")
    rows = (
        indicators.annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_day=Subquery(latest.values("period_end")[:1]),
        )
        .order_by()
        .values_list(
            "pk",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "latest_value",
            "latest_day",
        )
    )
    today = timezone.localdate()  # not read by the status: it compares on the measurement's day
    for pk, *fields, latest_value, latest_day in rows.iterator(chunk_size=2000):
        measurements = [] if latest_day is None else [_LatestValue(latest_value, latest_day)]
        yield pk, IndicatorProgress(_IndicatorFigures(*fields), measurements, today).status


def indicator_statuses(
    *, programs: QuerySet[Program], today: datetime.date | None = None
) -> dict[str, dict[str, int]]:
    """program type → {indicator status → count}, over the programs' indicators (1 query,
    counted by the database from each indicator's stored status)."""
    rows = (
        Indicator.objects.filter(program__in=programs.order_by().values("pk"))
        .values_list("program__program_type", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {}
    for program_type, status, count in rows:
        by_status = counts.setdefault(program_type, {})
        by_status[status] = by_status.get(status, 0) + count
    return counts
