"""The API's fixtures: a program with something in every section, and a person of each kind,
each with a token."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import token_create
from api.throttling import throttle_cache
from instances.services import instance_create
from lifecycle.activity_services import activity_plan
from lifecycle.models import StageActivity
from personas.models import PersonaRole
from personas.services import membership_add
from plan.chw_support.services import chw_support_save
from tests.factories import (
    BudgetLineFactory,
    CloseoutReportFactory,
    ExpenditureFactory,
    IndicatorFactory,
    LessonFactory,
    MeasurementFactory,
    ProgramFactory,
    RiskFactory,
    UserFactory,
    reviewer,
)
from tests.instances.helpers import poll_at


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    throttle_cache().clear()
    yield
    throttle_cache().clear()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_token(user, name="test"):
    return token_create(
        user=user, name=name, expires_at=timezone.now() + datetime.timedelta(days=30)
    )[1]


def client_for(user=None):
    """An API client signed in with a token of `user` (anonymous without one)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(user)}")
    return client


def fill_program(program, *, assignee=None, polled_at=None):
    """Something in every section of `program`; returns the ids the API tests address."""
    line = BudgetLineFactory(program=program, forecast_amount="250000.00")
    expenditure = ExpenditureFactory(line=line, amount="1200.50")
    indicator = IndicatorFactory(program=program, name="Households visited")
    MeasurementFactory(indicator=indicator, period_end=datetime.date(2027, 3, 31), value="48")
    chw_support_save(
        program=program,
        chw_count=120,
        supervisor_count=10,
        compensation_model="stipend",
        compensation_amount="3000",
        compensation_currency="KES",
        compensation_frequency="monthly",
        supply_status="adequate",
    )
    risk = RiskFactory(program=program)
    lesson = LessonFactory(program=program)
    CloseoutReportFactory(program=program, version=1)
    instance = instance_create(
        program=program, base_url=f"https://{program.slug}.cht.example", polling_enabled=False
    )
    poll_at(instance, polled_at or timezone.now() - datetime.timedelta(hours=1))
    activity = StageActivity.objects.filter(program=program, stage="initiation").first()
    if assignee is not None:
        activity_plan(activity=activity, assignee=assignee, due_on=None)
    return {
        "line": line.pk,
        "expenditure": expenditure.pk,
        "indicator": indicator.pk,
        "risk": risk.pk,
        "lesson": lesson.pk,
        "instance": instance.pk,
        "activity": activity.pk,
    }


@pytest.fixture
def world(media_root):
    head = UserFactory(username="head", first_name="Amina", last_name="Otieno")
    program = ProgramFactory(head=head, slug="kenya-chv", name="Kenya CHV")
    member = UserFactory(username="developer")
    membership_add(program=program, user=member, role=PersonaRole.SOFTWARE_DEVELOPER)
    ids = fill_program(program, assignee=member)
    other = StageActivity.objects.filter(program=program).exclude(pk=ids["activity"]).first()
    return {
        "program": program,
        "head": head,
        "member": member,
        "reviewer": reviewer(username="reviewer"),
        "outsider": UserFactory(username="outsider"),
        "ids": {**ids, "unassigned_activity": other.pk},
    }
