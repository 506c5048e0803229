"""The plan and evidence pages make the same number of queries whatever the amount of data."""

import datetime
import itertools

import pytest

from personas.models import PersonaRole
from personas.services import membership_add
from plan.chw_support import services as chw_support_services
from plan.devices import services as devices_services
from plan.hosting import services as hosting_services
from plan.training import services as training_services
from tests.factories import (
    BudgetLineFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    IndicatorFactory,
    LessonFactory,
    MeasurementFactory,
    RiskFactory,
    UserFactory,
)
from tests.queries import assert_same_count, exact_queries, get_counted, pinned

from .conftest import DEVICE, TRAINING
from .pages import READ_PAGES, imei, url

pytestmark = pytest.mark.django_db

SERIAL = itertools.count(100)  # a new IMEI for each device any test here adds


def fill(program, size, owner):
    """`size` of everything: lines with expenditures, indicators with measurements, risks…"""
    for n in range(size):
        line = BudgetLineFactory(program=program, category=["devices", "travel"][n % 2])
        for day in (1, 2, 3):
            ExpenditureFactory(line=line, date=datetime.date(2027, 1 + n % 12, day))
        indicator = IndicatorFactory(program=program)
        for month in (3, 6, 9):
            MeasurementFactory(indicator=indicator, period_end=datetime.date(2027, month, 28))
        RiskFactory(program=program, owner=owner)
        LessonFactory(program=program, recorded_by=owner)
        training_services.training_event_create(
            program=program, **{**TRAINING, "kind": ["direct", "refresher"][n % 2]}
        )
        devices_services.device_create(program=program, **{**DEVICE, "imei": imei(next(SERIAL))})
        hosting_services.hosting_estimate_save(
            program=program, by=owner, users=10, population=10, workflows=1, years=1,
            overprovisioning=5,
        )  # fmt: skip


#: Every page starts with 5: session, user, reviewer group, program, the user's roles; and
#: ends with 1: the notification bell's unread count. Between them:
FIGURES = {
    "budget": "budget page",  # lines with their spending, spending by date, rates, count + page
    "hosting-estimate": "hosting estimate page",  # CHW support (users), rates, saved estimates,
    # production instance
    "indicators": "indicators page",  # indicators, their measurements
    "chw-support": "CHW support page",  # the record
    "risks": "risks and lessons page",  # risks with owners, lessons with authors, the decision
    "training": "training page",  # the events
    "devices": "devices page",  # the devices, CHW support (the number of CHWs)
}


@pytest.mark.parametrize("name", READ_PAGES)
def test_page_query_counts_do_not_grow_with_the_data(client, world, name):
    program, head = world["program"], world["head"]
    chw_support_services.chw_support_save(
        program=program, chw_count=50, supervisor_count=5, compensation_model="unpaid",
        supply_status="adequate",
    )  # fmt: skip
    ExchangeRateFactory(currency="KES", effective_date=datetime.date(2020, 1, 1))
    client.force_login(head)
    fill(program, 2, head)
    with exact_queries(pinned(FIGURES[name])):
        assert client.get(url(world, name)).status_code == 200
    fill(program, 30, head)
    with exact_queries(pinned(FIGURES[name])):
        assert client.get(url(world, name)).status_code == 200


@pytest.mark.parametrize(
    ("name", "key"),
    [("expenditure-create", None), ("risk-create", None), ("scaling-decision", None)],
)
def test_form_query_counts_do_not_grow_with_the_data(client, world, name, key):
    client.force_login(world["head"])
    fill(world["program"], 2, world["head"])
    small, _ = get_counted(client, url(world, name, key))
    fill(world["program"], 20, world["head"])
    for _ in range(10):
        membership_add(program=world["program"], user=UserFactory(), role=PersonaRole.RESEARCHER)
    large, _ = get_counted(client, url(world, name, key))
    assert_same_count(small, large)


def test_overview_query_count_does_not_grow_with_the_plan(client, world):
    client.force_login(world["head"])
    fill(world["program"], 2, world["head"])
    small, _ = get_counted(client, world["program"].get_absolute_url())
    fill(world["program"], 30, world["head"])
    large, _ = get_counted(client, world["program"].get_absolute_url())
    assert_same_count(small, large)
