"""Each indicator's stored status (the portfolio's summary) equals the status worked out from
scratch from all its measurements (as on the program's pages) after any sequence of writes
through the services; and the rebuild command stores the same."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chtprograms.models import Program
from plan.indicators.models import Indicator
from plan.indicators.selectors import indicator_progress_list, indicator_statuses
from plan.indicators.services import (
    indicator_create,
    indicator_update,
    measurement_create,
    measurement_delete,
    measurement_update,
)
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

DAYS = st.integers(min_value=0, max_value=700).map(
    lambda n: datetime.date(2027, 1, 1) + datetime.timedelta(days=n)
)
VALUES = st.integers(min_value=0, max_value=120).map(Decimal)
WRITES = st.lists(
    st.one_of(
        st.tuples(st.just("add"), DAYS, VALUES),
        st.tuples(st.just("change"), st.integers(0, 9), VALUES),
        st.tuples(st.just("delete"), st.integers(0, 9), st.none()),
        st.tuples(st.just("target"), st.sampled_from(["increase", "decrease"]), VALUES),
        st.tuples(st.just("no baseline"), st.none(), st.none()),
    ),
    max_size=12,
)


def write(indicator: Indicator, kind: str, first, second) -> None:
    measurements = list(indicator.measurements.order_by("id"))
    try:
        if kind == "add":
            measurement_create(indicator=indicator, period_end=first, value=second, source="x")
        elif kind == "change" and measurements:
            measurement_update(measurement=measurements[first % len(measurements)], value=second)
        elif kind == "delete" and measurements:
            measurement_delete(measurement=measurements[first % len(measurements)])
        elif kind == "target":
            indicator_update(
                indicator=indicator,
                direction=first,
                baseline_value=Decimal(50),
                baseline_date=datetime.date(2027, 1, 1),
                target_value=second,
            )
        elif kind == "no baseline":
            indicator_update(indicator=indicator, baseline_value=None, baseline_date=None)
    except ValidationError:
        pass  # refused (e.g. a measurement before the baseline): nothing changed


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=WRITES)
def test_the_stored_status_equals_the_status_from_scratch(writes):
    program = ProgramFactory()
    indicator = indicator_create(
        program=program,
        name="Households visited",
        unit="%",
        direction="increase",
        baseline_value=Decimal(40),
        baseline_date=datetime.date(2027, 1, 1),
        target_value=Decimal(80),
        target_date=datetime.date(2028, 12, 31),
        frequency="quarterly",
    )
    for kind, first, second in writes:
        indicator.refresh_from_db()
        write(indicator, kind, first, second)
    [progress] = indicator_progress_list(program=program)
    stored = Indicator.objects.get(pk=indicator.pk).status
    assert stored == progress.status
    counts = indicator_statuses(programs=Program.objects.filter(pk=program.pk))
    assert counts == {program.program_type: {progress.status: 1}}
    Indicator.objects.filter(pk=indicator.pk).update(status="")
    call_command("rebuild_portfolio_summary", stdout=StringIO())
    assert Indicator.objects.get(pk=indicator.pk).status == progress.status
