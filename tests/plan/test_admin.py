"""The admin shows plan records but writes none around the services."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from plan.budget.models import BudgetLine, ExchangeRate, Expenditure
from tests.factories import (
    BudgetLineFactory,
    ExpenditureFactory,
    IndicatorFactory,
    MeasurementFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_cannot_delete_a_budget_line_with_the_money_spent_against_it(superuser_client):
    line = BudgetLineFactory(program=ProgramFactory())
    ExpenditureFactory(line=line)
    delete = reverse("admin:plan_budgetline_delete", args=[line.pk])
    assert superuser_client.get(delete).status_code == 403
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:plan_budgetline_changelist")
    response = superuser_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [line.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert BudgetLine.objects.filter(pk=line.pk).exists()
    assert Expenditure.objects.filter(line=line).count() == 1


@pytest.mark.parametrize(
    "model",
    [
        "budgetline",
        "expenditure",
        "indicator",
        "chwsupport",
        "risk",
        "lesson",
        "scalingdecision",
        "hostingestimate",
    ],
)
def test_plan_records_are_read_in_the_admin_and_changed_on_the_program_pages(
    superuser_client, model
):
    program = ProgramFactory()
    MeasurementFactory(indicator=IndicatorFactory(program=program))
    assert superuser_client.get(reverse(f"admin:plan_{model}_changelist")).status_code == 200
    assert superuser_client.get(reverse(f"admin:plan_{model}_add")).status_code == 403


def test_exchange_rates_are_saved_through_the_service(superuser_client):
    add = reverse("admin:plan_exchangerate_add")
    response = superuser_client.post(
        add, {"currency": "KES", "effective_date": "2027-01-01", "units_per_usd": "129.5"}
    )
    assert response.status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.effective_date, rate.units_per_usd) == (
        "KES",
        datetime.date(2027, 1, 1),
        Decimal("129.5"),
    )
