"""The plan and evidence pages, for the view, form and query tests: their URLs and checks."""

import datetime

from django.urls import reverse

from plan.budget.models import BudgetLine, Expenditure
from plan.chw_support.models import CHWSupport
from plan.devices.models import Device
from plan.hosting.models import HostingEstimate
from plan.indicators.models import Indicator, Measurement
from plan.risks.models import Lesson, Risk, ScalingDecision
from plan.training.models import TrainingEvent

START = datetime.date(2027, 1, 1)


READ_PAGES = [
    "budget",
    "hosting-estimate",
    "indicators",
    "chw-support",
    "risks",
    "training",
    "devices",
]
#: (url name, the object whose pk the url takes, or None)
CHANGE_PAGES = [
    ("budget-line-create", None),
    ("budget-line-edit", "line"),
    ("budget-line-delete", "line"),
    ("expenditure-create", None),
    ("expenditure-edit", "expenditure"),
    ("expenditure-delete", "expenditure"),
    ("indicator-create", None),
    ("indicator-edit", "indicator"),
    ("indicator-delete", "indicator"),
    ("measurement-create", "indicator"),
    ("measurement-edit", "measurement"),
    ("measurement-delete", "measurement"),
    ("chw-support-edit", None),
    ("risk-create", None),
    ("risk-edit", "risk"),
    ("risk-delete", "risk"),
    ("lesson-create", None),
    ("lesson-edit", "lesson"),
    ("lesson-delete", "lesson"),
    ("scaling-decision", None),
    ("training-event-create", None),
    ("training-event-edit", "training_event"),
    ("training-event-delete", "training_event"),
    ("device-create", None),
    ("device-edit", "device"),
    ("device-delete", "device"),
]
CHANGE_POSTS = [*CHANGE_PAGES, ("hosting-estimate-add-to-budget", "estimate")]


def url(world, name, key=None):
    args = [world["program"].slug] + ([world[key].pk] if key else [])
    return reverse(f"plan:{name}", args=args)


def counts():
    models = [BudgetLine, Expenditure, Indicator, Measurement, Risk, Lesson, CHWSupport]
    models += [TrainingEvent, Device]
    return [model.objects.count() for model in [*models, ScalingDecision, HostingEstimate]]


def assert_form_error(response, field_id, text):
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please correct the errors below" in page  # the summary at the top
    assert f'href="#{field_id}"' in page  # which links to the field
    assert f'id="{field_id}_error"' in page  # and the error beside it
    assert text in page


def imei(n: int) -> str:
    """A valid IMEI (Luhn check digit) for each n."""
    body = f"35{n:012d}"
    total = 0
    for index, char in enumerate(body):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)
