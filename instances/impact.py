"""Indicators filled from a live CHT's `/api/v1/impact` (CHT 5.0+, with credentials set).

An indicator may follow what the production instance of its program counts: its users, its
contacts of one type or its reports of one form, as the total at the end of each month or as
what was added during the month. After each poll that brought impact figures, every such
indicator of the programs the instance serves gets the value for the poll's month, marked
imported. A value a person typed for that month is never overwritten; an imported one is
updated by later polls in the same month (the last poll of a month gives its total)."""

import calendar
import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.trail import CHT
from plan.indicators.models import Indicator, Measurement
from plan.indicators.services import indicator_statuses_rebuild

from .models import Instance, Kind, Snapshot
from .monitoring import dig, integer


def impact_value(data: Any, *, source: str, key: str) -> int | None:
    """What an `/api/v1/impact` answer counts for an indicator's source and key (None: the
    answer does not say)."""
    if source == Indicator.ImpactSource.USERS:
        return integer(dig(data, "users", "count"))
    if source == Indicator.ImpactSource.CONTACTS:
        rows, name = dig(data, "contacts", "by_type"), "type"
    elif source == Indicator.ImpactSource.REPORTS:
        rows, name = dig(data, "reports", "by_form"), "form"
    else:
        return None
    if not isinstance(rows, list):
        return None
    for row in rows:
        if isinstance(row, dict) and str(row.get(name, "")).strip() == key:
            return integer(row.get("count"))
    return 0  # the instance counts by type/form and has none of this one yet


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def impact_measurements_record(*, instance: Instance, snapshot: Snapshot) -> int:
    """Record this month's imported values of the indicators that follow `instance`; how many
    were written. Only production instances count (training data is not the program's)."""
    if snapshot.impact is None or instance.kind != Kind.PRODUCTION:
        return 0
    program_ids = [instance.program_id, *instance.shared_with.values_list("pk", flat=True)]
    indicators = list(
        Indicator.objects.filter(program_id__in=program_ids)
        .exclude(impact_source=Indicator.ImpactSource.NONE)
        .order_by("pk")
    )
    if not indicators:
        return 0
    day = snapshot.polled_at.date()
    period_end = month_end(day)
    previous = None
    if any(i.impact_count == Indicator.ImpactCount.NEW for i in indicators):
        previous = (
            Snapshot.objects.filter(
                instance=instance,
                impact__isnull=False,
                polled_at__lt=datetime.datetime.combine(
                    day.replace(day=1), datetime.time.min, tzinfo=snapshot.polled_at.tzinfo
                ),
            )
            .order_by("-polled_at")
            .values_list("impact", flat=True)
            .first()
        )
    existing = {
        m.indicator_id: m
        for m in Measurement.objects.select_for_update().filter(
            indicator__in=indicators, period_end=period_end
        )
    }
    source_label = (gettext("CHT impact figures (%(host)s)") % {"host": instance.host})[:200]
    new, changed = [], []
    for indicator in indicators:
        value = impact_value(
            snapshot.impact, source=indicator.impact_source, key=indicator.impact_key
        )
        if value is not None and indicator.impact_count == Indicator.ImpactCount.NEW:
            before = (
                impact_value(previous, source=indicator.impact_source, key=indicator.impact_key)
                if previous is not None
                else None
            )
            # Without a total from before this month there is nothing to count from.
            value = None if before is None else max(value - before, 0)
        if value is None:
            continue
        if indicator.baseline_date and period_end < indicator.baseline_date:
            continue
        measurement = existing.get(indicator.pk)
        if measurement is None:
            new.append(
                Measurement(
                    indicator=indicator,
                    period_end=period_end,
                    value=Decimal(value),
                    source=source_label,
                    imported_from=instance.base_url,
                )
            )
        elif measurement.imported_from and measurement.value != value:
            # (A value typed in by a person has no `imported_from`: it stays theirs.)
            measurement.value = Decimal(value)
            measurement.source = source_label
            measurement.imported_from = instance.base_url
            changed.append(measurement)
    # A person saving the same month meanwhile wins: their row makes ours a no-op.
    bulk_create_with_history(new, Measurement, ignore_conflicts=True, default_change_reason=CHT)
    bulk_update_with_history(
        changed,
        Measurement,
        ["value", "source", "imported_from"],
        default_change_reason=CHT,
    )
    # The indicators' stored statuses (the portfolio's summary), as every measurement write.
    indicator_statuses_rebuild(indicator_ids=[indicator.pk for indicator in indicators])
    return len(new) + len(changed)
