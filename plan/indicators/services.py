"""Indicator writes: indicators and their measurements."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chtprograms.models import (
    Program,
)
from core.services import checked_fields, create_validated, update_validated
from plan.indicators.models import Indicator, Measurement

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


def indicator_create(*, program: Program, **fields) -> Indicator:
    return create_validated(Indicator(program=program, **checked_fields(fields, INDICATOR_FIELDS)))


def indicator_update(*, indicator: Indicator, version: str | None = None, **fields) -> Indicator:
    baseline_date = fields.get("baseline_date", indicator.baseline_date)
    if baseline_date and indicator.measurements.filter(period_end__lt=baseline_date).exists():
        raise ValidationError(
            {"baseline_date": _("Some measurements are before this date: move them first.")}
        )
    return update_validated(indicator, INDICATOR_FIELDS, fields, version=version)


def indicator_delete(*, indicator: Indicator) -> None:
    indicator.delete()


def measurement_create(*, indicator: Indicator, **fields) -> Measurement:
    return create_validated(
        Measurement(indicator=indicator, **checked_fields(fields, MEASUREMENT_FIELDS))
    )


def measurement_update(
    *, measurement: Measurement, version: str | None = None, **fields
) -> Measurement:
    checked_fields(fields, MEASUREMENT_FIELDS)
    # A person's edit makes an imported value theirs: the next import leaves it alone.
    return update_validated(
        measurement,
        (*MEASUREMENT_FIELDS, "imported_from"),
        {**fields, "imported_from": ""},
        version=version,
    )


def measurement_delete(*, measurement: Measurement) -> None:
    measurement.delete()
