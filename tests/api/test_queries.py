"""Every list answers in a fixed number of queries, whatever the number of rows: the counts are
pinned exactly, at two sizes of data. (Signed in with a token that was already used this
minute: one query finds the token and its person; the rest is the endpoint's own.)"""

import datetime

import pytest
from django.utils import timezone

from instances.services import instance_create
from lifecycle.models import StageTransition
from tests.api.conftest import client_for
from tests.factories import (
    BudgetLineFactory,
    CloseoutReportFactory,
    ExpenditureFactory,
    IndicatorFactory,
    LessonFactory,
    MeasurementFactory,
    RiskFactory,
    StageActivityFactory,
    bulk_programs,
)
from tests.instances.helpers import poll_at

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programs/kenya-chv"


def _history(world, n):
    lifecycle = world["program"].lifecycle
    for _ in range(n):
        StageTransition.objects.create(
            lifecycle=lifecycle,
            transition="hold",
            source="initiation",
            target="on_hold",
            by=world["head"],
            waived_criteria=[{"id": "x", "label": "X"}],
        )


def _activities(world, n):
    for _ in range(n):
        StageActivityFactory(program=world["program"], assignee=world["member"])


def _lines(world, n):
    for _ in range(n):
        ExpenditureFactory(line=BudgetLineFactory(program=world["program"]))


def _expenditures(world, n):
    line = BudgetLineFactory(program=world["program"])
    for _ in range(n):
        ExpenditureFactory(line=line)


def _indicators(world, n):
    for _ in range(n):
        indicator = IndicatorFactory(program=world["program"])
        MeasurementFactory(indicator=indicator)
        MeasurementFactory(indicator=indicator)


def _measurements(world, n):
    from plan.indicators.models import Indicator

    indicator = Indicator.objects.get(pk=world["ids"]["indicator"])
    for _ in range(n):
        MeasurementFactory(indicator=indicator)


def _risks(world, n):
    for _ in range(n):
        RiskFactory(program=world["program"], owner=world["head"])


def _lessons(world, n):
    for _ in range(n):
        LessonFactory(program=world["program"], recorded_by=world["head"])


def _reports(world, n):
    from reports.models import CloseoutReport

    start = CloseoutReport.objects.filter(program=world["program"]).count() + 1
    for version in range(start, start + n):
        CloseoutReportFactory(program=world["program"], version=version, requested_by=world["head"])


def _instances(world, n):
    for _ in range(n):
        count = world["program"].cht_instances.count()
        instance = instance_create(
            program=world["program"], base_url=f"https://i{count}.cht.example"
        )
        poll_at(instance, timezone.now() - datetime.timedelta(hours=2), outcome="down")
        poll_at(instance, timezone.now() - datetime.timedelta(hours=1))


def _snapshots(world, n):
    from instances.models import Instance

    instance = Instance.objects.get(pk=world["ids"]["instance"])
    for hours in range(n):
        poll_at(instance, timezone.now() - datetime.timedelta(days=2, hours=hours))


def _programs(world, n):
    bulk_programs(n, head=world["head"], prefix=f"more{n}")


# name → (path from the ids, how to add n rows, the pinned count)
LISTS = {
    "programs": (lambda ids: "/api/v1/programs/", _programs, 4),
    "history": (lambda ids: f"{BASE}/lifecycle/history/", _history, 5),
    "activities": (lambda ids: f"{BASE}/activities/", _activities, 5),
    "budget lines": (lambda ids: f"{BASE}/budget-lines/", _lines, 5),
    "expenditures": (lambda ids: f"{BASE}/expenditures/", _expenditures, 5),
    "indicators": (lambda ids: f"{BASE}/indicators/", _indicators, 6),
    "measurements": (
        lambda ids: f"{BASE}/indicators/{ids['indicator']}/measurements/",
        _measurements,
        6,
    ),
    "risks": (lambda ids: f"{BASE}/risks/", _risks, 5),
    "lessons": (lambda ids: f"{BASE}/lessons/", _lessons, 5),
    "reports": (lambda ids: f"{BASE}/reports/", _reports, 4),
    "instances": (lambda ids: f"{BASE}/instances/", _instances, 6),
    "snapshots": (lambda ids: f"{BASE}/instances/{ids['instance']}/snapshots/", _snapshots, 7),
}


@pytest.mark.parametrize("name", list(LISTS))
def test_a_list_costs_the_same_queries_at_any_size(world, django_assert_num_queries, name):
    path, grow, expected = LISTS[name]
    client = client_for(world["head"])
    url = path(world["ids"])
    assert client.get(url).status_code == 200  # the token's first use is written down once
    grow(world, 2)
    with django_assert_num_queries(expected):
        small = client.get(url)
    grow(world, 20)
    with django_assert_num_queries(expected):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert large.json()["count"] >= small.json()["count"] + 20
