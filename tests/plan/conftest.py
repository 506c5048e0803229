"""The plan and evidence pages' fixtures: a program with one of everything, its people."""

import datetime
from decimal import Decimal

import pytest

from personas.models import PersonaRole
from personas.services import membership_add
from plan.devices import services as devices_services
from plan.hosting import services as hosting_services
from plan.training import services as training_services
from tests.factories import (
    BudgetLineFactory,
    ExpenditureFactory,
    IndicatorFactory,
    LessonFactory,
    MeasurementFactory,
    ProgramFactory,
    RiskFactory,
    UserFactory,
    reviewer,
)

from .pages import START

#: A valid training event and device (tests override what they look at).
TRAINING = {
    "kind": "direct",
    "starts_on": datetime.date(2027, 2, 1),
    "ends_on": datetime.date(2027, 2, 3),
    "place": "Kisumu",
    "participants": 20,
    "facilitators": 2,
}
DEVICE = {
    "user_name": "Achieng",
    "phone_model": "Tecno Spark 10",
    "imei": "490154203237518",
    "android_version": "13",
    "ram_gb": Decimal("4"),
    "storage_gb": 64,
}


@pytest.fixture
def world():
    """A program with its head, an administrator, a developer, and one of everything."""
    head = UserFactory(username="head")
    program = ProgramFactory(head=head, slug="kisumu", planned_start=START)
    admin = UserFactory(username="progadmin")
    developer = UserFactory(username="developer")
    membership_add(program=program, user=admin, role=PersonaRole.PROGRAM_ADMIN)
    membership_add(program=program, user=developer, role=PersonaRole.SOFTWARE_DEVELOPER)
    line = BudgetLineFactory(program=program)
    indicator = IndicatorFactory(program=program)
    estimate = hosting_services.hosting_estimate_save(
        program=program, by=head, users=100, population=10_000, workflows=3, years=2,
        overprovisioning=5,
    )  # fmt: skip
    return {
        "program": program,
        "head": head,
        "admin": admin,
        "developer": developer,
        "outsider": UserFactory(username="outsider"),
        "reviewer": reviewer(username="reviewer"),
        "staff": UserFactory(username="staff", is_staff=True),
        "line": line,
        "expenditure": ExpenditureFactory(line=line),
        "indicator": indicator,
        "measurement": MeasurementFactory(indicator=indicator),
        "risk": RiskFactory(program=program),
        "lesson": LessonFactory(program=program),
        "estimate": estimate,
        "training_event": training_services.training_event_create(program=program, **TRAINING),
        "device": devices_services.device_create(program=program, **DEVICE),
    }


@pytest.fixture
def head_client(client, world):
    client.force_login(world["head"])
    return client
