"""Indicators: the on-track rule at its edges, validation and progress."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from plan.indicators import selectors, services
from plan.indicators.models import Indicator
from tests.factories import IndicatorFactory, MeasurementFactory, ProgramFactory
from tests.queries import exact_queries

pytestmark = pytest.mark.django_db

D = Decimal
START = datetime.date(2027, 1, 1)
TARGET = START + datetime.timedelta(days=100)
MIDWAY = START + datetime.timedelta(days=50)


def rising(**overrides):
    """40 → 80 over 100 days: the line expects 60 at day 50; 15% of 60 is 9."""
    fields = {
        "name": "Households visited",
        "unit": "%",
        "direction": "increase",
        "baseline_value": D("40"),
        "baseline_date": START,
        "target_value": D("80"),
        "target_date": TARGET,
    }
    return Indicator(**{**fields, **overrides})


def falling():
    """20 → 10 over 100 days: the line expects 15 at day 50; 15% of 15 is 2.25."""
    return rising(direction="decrease", baseline_value=D("20"), target_value=D("10"))


def test_the_straight_line_from_baseline_to_target():
    indicator = rising()
    assert indicator.expected_on(MIDWAY) == D("60")
    assert indicator.expected_on(START + datetime.timedelta(days=25)) == D("50")
    assert indicator.expected_on(START - datetime.timedelta(days=30)) == D("40")  # before: baseline
    assert indicator.expected_on(TARGET + datetime.timedelta(days=30)) == D("80")  # after: target


@pytest.mark.parametrize(
    ("value", "on_track"),
    [
        (D("60"), True),  # on the line
        (D("51"), True),  # exactly 15% behind: still on track
        (D("50.9999"), False),  # just past 15% behind
        (D("95"), True),  # ahead of the line counts as on track
        (D("40"), False),  # still at the baseline halfway through
    ],
)
def test_on_track_rule_for_an_indicator_that_should_increase(value, on_track):
    indicator = rising()
    assert indicator.on_track_limit(MIDWAY) == D("51")
    assert indicator.is_on_track(value, MIDWAY) is on_track


@pytest.mark.parametrize(
    ("value", "on_track"),
    [(D("15"), True), (D("17.25"), True), (D("17.2501"), False), (D("5"), True), (D("20"), False)],
)
def test_on_track_rule_for_an_indicator_that_should_decrease(value, on_track):
    indicator = falling()
    assert indicator.on_track_limit(MIDWAY) == D("17.25")
    assert indicator.is_on_track(value, MIDWAY) is on_track


def test_after_the_target_date_the_target_itself_is_the_line():
    indicator = rising()
    later = TARGET + datetime.timedelta(days=200)
    assert indicator.is_on_track(D("68"), later) is True  # 80 − 12
    assert indicator.is_on_track(D("67.99"), later) is False


def test_without_a_baseline_there_is_no_line():
    indicator = rising(baseline_value=None, baseline_date=None)
    assert indicator.expected_on(MIDWAY) is None
    assert indicator.is_on_track(D("60"), MIDWAY) is None


# --- validation -------------------------------------------------------------------------------


@pytest.fixture
def program():
    return ProgramFactory()


def create(program, **overrides):
    fields = {
        "name": "Households visited",
        "unit": "%",
        "direction": "increase",
        "baseline_value": D("40"),
        "baseline_date": START,
        "target_value": D("80"),
        "target_date": TARGET,
        "frequency": "quarterly",
    }
    return services.indicator_create(program=program, **{**fields, **overrides})


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_value": D("40")}, "target_value"),  # the target must differ from the baseline
        ({"target_value": D("30")}, "target_value"),  # an increase needs a higher target
        ({"direction": "decrease"}, "target_value"),  # a decrease needs a lower target
        ({"target_date": START}, "target_date"),
        ({"baseline_date": None}, "baseline_date"),  # a value needs its date
        ({"baseline_value": None}, "baseline_value"),  # and a date its value
        ({"target_value": D("1.23456")}, "target_value"),  # four decimals at most
        ({"unit": ""}, "unit"),
    ],
)
def test_indicator_validation(program, overrides, field):
    with pytest.raises(ValidationError) as error:
        create(program, **overrides)
    assert field in error.value.message_dict
    assert not Indicator.objects.exists()


def test_a_baseline_can_come_later(program):
    indicator = create(program, baseline_value=None, baseline_date=None)
    status = selectors.indicator_baselines(program_ids=[program.pk])[program.pk]
    assert status.missing == (indicator.name,)
    services.indicator_update(indicator=indicator, baseline_value=D("35"), baseline_date=START)
    assert selectors.indicator_baselines(program_ids=[program.pk])[program.pk].missing == ()


def test_indicator_names_are_unique_per_program_whatever_the_case(program):
    create(program)
    with pytest.raises(ValidationError) as error:
        create(program, name="HOUSEHOLDS VISITED")
    assert "name" in error.value.message_dict
    create(ProgramFactory(), name="Households visited")  # another program may use it


def test_measurements_validation(program):
    indicator = create(program)
    services.measurement_create(
        indicator=indicator, period_end=START, value=D("41"), source="DHIS2", note=""
    )
    with pytest.raises(ValidationError) as error:
        services.measurement_create(
            indicator=indicator, period_end=START, value=D("42"), source="x"
        )
    assert "period_end" in error.value.message_dict  # one value per period
    with pytest.raises(ValidationError) as error:
        services.measurement_create(
            indicator=indicator, period_end=START - datetime.timedelta(days=1), value=1, source="x"
        )
    assert "before the baseline" in error.value.message_dict["period_end"][0]
    with pytest.raises(ValidationError) as error:
        services.indicator_update(indicator=indicator, baseline_date=MIDWAY)
    assert "baseline_date" in error.value.message_dict  # it would leave a value before it


# --- progress ---------------------------------------------------------------------------------


def test_progress_statuses_and_summary(program):
    on = IndicatorFactory(program=program, name="A on track", **dates())
    MeasurementFactory(indicator=on, period_end=START + datetime.timedelta(days=10), value="10")
    MeasurementFactory(indicator=on, period_end=MIDWAY, value="55")  # latest counts
    off = IndicatorFactory(program=program, name="B off track", **dates())
    MeasurementFactory(indicator=off, period_end=MIDWAY, value="50")
    IndicatorFactory(program=program, name="C no measurement", **dates())
    IndicatorFactory(program=program, name="D no baseline", baseline_value=None, baseline_date=None)
    with exact_queries(2):
        progress = selectors.indicator_progress_list(program=program, today=MIDWAY)
    assert [item.status for item in progress] == [
        "on_track",
        "off_track",
        "no_measurement",
        "no_baseline",
    ]
    first = progress[0]
    assert first.latest.value == D("55") and first.expected == D("60")
    assert [ok for _m, ok in first.points] == [False, True]  # day 10 expects 44: 10 is far behind
    assert selectors.indicators_on_track(program=program) == (1, 4)
    assert selectors.indicator_baselines(program_ids=[program.pk])[program.pk].indicators == 4


def dates():
    return {
        "baseline_value": "40",
        "baseline_date": START,
        "target_value": "80",
        "target_date": TARGET,
    }


def test_next_value_due_from_the_frequency(program):
    indicator = IndicatorFactory(program=program, frequency="quarterly", **dates())
    MeasurementFactory(indicator=indicator, period_end=datetime.date(2027, 3, 31), value="50")
    item = selectors.indicator_progress_list(program=program, today=datetime.date(2027, 6, 30))[0]
    assert item.next_due == datetime.date(2027, 6, 30)
    assert not item.overdue
    later = selectors.indicator_progress_list(program=program, today=datetime.date(2027, 7, 1))
    assert later[0].overdue
