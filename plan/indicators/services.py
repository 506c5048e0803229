"""Indicator writes: indicators and their measurements."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chtprograms.models import (
    Program,
)
from core.services import checked_fields, create_validated, update_validated
from plan.indicators.models import Indicator, Measurement
from plan.indicators.selectors import indicator_status_rows

INDICATOR_FIELDS = (
    "name",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "frequency",
    "impact_source",
    "impact_key",
    "impact_count",
)


MEASUREMENT_FIELDS = ("period_end", "value", "source", "note")


def indicator_statuses_rebuild(*, indicator_ids=None) -> int:
    """Store each indicator's status (`Indicator.status`) anew from its figures and latest
    measurement: every write below calls it for its indicator, in its transaction;
    `rebuild_portfolio_summary` for all. Returns the statuses that changed."""
    indicators = Indicator.objects.all()
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=list(indicator_ids))
    stored = dict(indicators.values_list("pk", "status"))
    changed = [
        Indicator(pk=pk, status=status)
        for pk, status in indicator_status_rows(indicators)
        if stored.get(pk) != status
    ]
    Indicator.objects.bulk_update(changed, ["status"], batch_size=2000)
    return len(changed)


def _refreshed(indicator: Indicator) -> None:
    """The indicator's stored status, worked out anew after a write (2 queries)."""
    [(_pk, status)] = indicator_status_rows(Indicator.objects.filter(pk=indicator.pk))
    Indicator.objects.filter(pk=indicator.pk).update(status=status)
    indicator.status = status


@transaction.atomic
def indicator_create(*, program: Program, **fields) -> Indicator:
    indicator = create_validated(
        Indicator(program=program, **checked_fields(fields, INDICATOR_FIELDS))
    )
    _refreshed(indicator)
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, version: str | None = None, **fields) -> Indicator:
    baseline_date = fields.get("baseline_date", indicator.baseline_date)
    if baseline_date and indicator.measurements.filter(period_end__lt=baseline_date).exists():
        raise ValidationError(
            {"baseline_date": _("Some measurements are before this date: move them first.")}
        )
    update_validated(indicator, INDICATOR_FIELDS, fields, version=version)
    _refreshed(indicator)
    return indicator


def indicator_delete(*, indicator: Indicator) -> None:
    indicator.delete()


@transaction.atomic
def measurement_create(*, indicator: Indicator, **fields) -> Measurement:
    measurement = create_validated(
        Measurement(indicator=indicator, **checked_fields(fields, MEASUREMENT_FIELDS))
    )
    _refreshed(indicator)
    return measurement


@transaction.atomic
def measurement_update(
    *, measurement: Measurement, version: str | None = None, **fields
) -> Measurement:
    checked_fields(fields, MEASUREMENT_FIELDS)
    # A person's edit makes an imported value theirs: the next import leaves it alone.
    update_validated(
        measurement,
        (*MEASUREMENT_FIELDS, "imported_from"),
        {**fields, "imported_from": ""},
        version=version,
    )
    _refreshed(measurement.indicator)
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement) -> None:
    indicator = measurement.indicator
    measurement.delete()
    _refreshed(indicator)
