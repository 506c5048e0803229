"""The plan and evidence forms: validation beside the field, and what a save changes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from plan.budget.models import BudgetLine, Expenditure
from plan.chw_support.models import CHWSupport
from plan.hosting.models import HostingEstimate
from plan.indicators.models import Indicator, Measurement
from plan.risks.models import Lesson, Risk
from tests.factories import (
    BudgetLineFactory,
    ExchangeRateFactory,
    ProgramFactory,
)

from .pages import assert_form_error, counts, url

pytestmark = pytest.mark.django_db


# --- forms: validation and saving -------------------------------------------------------------


def line_post(**overrides):
    data = {"category": "devices", "stage": "", "name": "Phones", "forecast_amount": "250000"}
    return {**data, **overrides}


def test_add_a_budget_line(head_client, world):
    response = head_client.post(url(world, "budget-line-create"), line_post())
    assert response.status_code == 302 and response["Location"] == url(world, "budget")
    line = BudgetLine.objects.get(name="Phones")
    assert line.program == world["program"] and line.forecast_amount == Decimal("250000")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-100", "A forecast cannot be negative."),
        ("12.345", "Ensure that there are no more than 2 decimal places."),
        ("lots", "Enter a number."),
        ("", "This field is required."),
    ],
)
def test_budget_line_amount_errors(head_client, world, amount, message):
    response = head_client.post(url(world, "budget-line-create"), line_post(forecast_amount=amount))
    assert_form_error(response, "id_forecast_amount", message)
    assert 'value="Phones"' in response.content.decode()  # the input is kept
    assert not BudgetLine.objects.filter(name="Phones").exists()


def test_edit_and_delete_a_budget_line(head_client, world):
    line = BudgetLineFactory(program=world["program"], name="Old")
    response = head_client.post(
        reverse("plan:budget-line-edit", args=["kisumu", line.pk]),
        line_post(name="Renamed"),
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.name == "Renamed"
    head_client.post(reverse("plan:budget-line-delete", args=["kisumu", line.pk]))
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_a_line_with_expenditures_is_kept_with_a_message(head_client, world):
    response = head_client.post(url(world, "budget-line-delete", "line"), follow=True)
    assert BudgetLine.objects.filter(pk=world["line"].pk).exists()
    assert "1 expenditure(s)" in response.content.decode()


def expenditure_post(world, **overrides):
    data = {
        "line": world["line"].pk,
        "date": "2027-02-01",
        "amount": "1500.50",
        "description": "Covers",
        "reference": "INV-1",
    }
    return {**data, **overrides}


def test_record_an_expenditure(head_client, world):
    response = head_client.post(url(world, "expenditure-create"), expenditure_post(world))
    assert response.status_code == 302
    assert Expenditure.objects.get(description="Covers").amount == Decimal("1500.50")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "An amount spent must be more than zero."),
        ({"amount": "0"}, "amount", "An amount spent must be more than zero."),
        ({"date": "2026-12-31"}, "date", "The date must be within the program"),
        ({"date": "2029-01-01"}, "date", "The date must be within the program"),
        ({"line": "999999"}, "line", "Select a valid choice."),
        ({"description": ""}, "description", "This field is required."),
    ],
)
def test_expenditure_errors(head_client, world, overrides, field, message):
    response = head_client.post(
        url(world, "expenditure-create"), expenditure_post(world, **overrides)
    )
    assert_form_error(response, f"id_{field}", message)
    assert Expenditure.objects.count() == 1


def test_an_expenditure_cannot_use_another_programs_line(head_client, world):
    other_line = BudgetLineFactory(program=ProgramFactory())
    response = head_client.post(
        url(world, "expenditure-create"), expenditure_post(world, line=other_line.pk)
    )
    assert_form_error(response, "id_line", "Select a valid choice.")


def test_without_budget_lines_the_expenditure_form_asks_for_one_first(head_client, world):
    program = ProgramFactory(head=world["head"])
    page = head_client.get(reverse("plan:expenditure-create", args=[program.slug]))
    assert "There is no budget line yet" in page.content.decode()


def indicator_post(**overrides):
    data = {
        "name": "Pregnant women with 4+ ANC visits",
        "unit": "%",
        "direction": "increase",
        "baseline_value": "35",
        "baseline_date": "2027-01-01",
        "target_value": "60",
        "target_date": "2028-12-31",
        "frequency": "quarterly",
    }
    return {**data, **overrides}


def test_add_an_indicator_and_a_measurement(head_client, world):
    response = head_client.post(url(world, "indicator-create"), indicator_post())
    assert response.status_code == 302
    indicator = Indicator.objects.get(name__startswith="Pregnant")
    response = head_client.post(
        reverse("plan:measurement-create", args=["kisumu", indicator.pk]),
        {"period_end": "2027-06-30", "value": "41.5", "source": "DHIS2", "note": ""},
    )
    assert response.status_code == 302
    assert indicator.measurements.get().value == Decimal("41.5")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"target_value": "35"}, "target_value", "The target must differ from the baseline."),
        ({"target_value": "20"}, "target_value", "the target must be above the baseline"),
        ({"target_date": "2026-12-01"}, "target_date", "must be after the baseline date"),
        ({"baseline_date": ""}, "baseline_date", "Give the date the baseline was measured."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_indicator_errors(head_client, world, overrides, field, message):
    response = head_client.post(url(world, "indicator-create"), indicator_post(**overrides))
    assert_form_error(response, f"id_{field}", message)
    assert Indicator.objects.count() == 1


def test_a_duplicate_indicator_name_is_shown_beside_the_name(head_client, world):
    response = head_client.post(
        url(world, "indicator-create"), indicator_post(name=world["indicator"].name.upper())
    )
    assert_form_error(response, "id_name", "already has an indicator with this name")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period_end": "2026-12-01"}, "period_end", "cannot be before the baseline"),
        ({"value": "1.23456"}, "value", "no more than 4 decimal places"),
        ({"source": ""}, "source", "This field is required."),
    ],
)
def test_measurement_errors(head_client, world, data, field, message):
    post = {"period_end": "2027-06-30", "value": "50", "source": "DHIS2", **data}
    response = head_client.post(url(world, "measurement-create", "indicator"), post)
    assert_form_error(response, f"id_{field}", message)
    assert Measurement.objects.count() == 1


def chw_post(**overrides):
    data = {
        "chw_count": "120",
        "last_refresher": "2026-11-01",
        "next_refresher": "2027-05-01",
        "supervisor_count": "10",
        "compensation_model": "stipend",
        "compensation_amount": "3000",
        "compensation_currency": "KES",
        "compensation_frequency": "monthly",
        "payer": "County",
        "supply_status": "stock_outs",
        "last_restock": "",
        "notes": "",
    }
    return {**data, **overrides}


def test_record_chw_support_and_see_the_gaps(head_client, world):
    response = head_client.post(url(world, "chw-support-edit"), chw_post())
    assert response.status_code == 302
    page = head_client.get(url(world, "chw-support")).content.decode()
    assert 'data-gap="supervised"' in page  # 12 per supervisor
    assert 'data-gap="supplied"' in page
    assert "More than 10 CHWs per supervisor (12.0)" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"compensation_model": "unpaid"}, "compensation_amount", "Unpaid CHWs have no amount"),
        ({"compensation_amount": "-10"}, "compensation_amount", "An amount cannot be negative."),
        ({"compensation_currency": "ZZZ"}, "compensation_currency", "Select a valid choice."),
        ({"next_refresher": "2026-10-01"}, "next_refresher", "must be after the last one"),
        ({"chw_count": "-3"}, "chw_count", "greater than or equal to 0"),
    ],
)
def test_chw_support_errors(head_client, world, overrides, field, message):
    response = head_client.post(url(world, "chw-support-edit"), chw_post(**overrides))
    assert_form_error(response, f"id_{field}", message)
    assert not CHWSupport.objects.exists()


def test_risks_lessons_and_the_scaling_decision(head_client, world):
    response = head_client.post(
        url(world, "risk-create"),
        {
            "description": "Phones late",
            "likelihood": "high",
            "impact": "high",
            "mitigation": "Order early",
            "owner": world["admin"].pk,
            "status": "open",
        },
    )
    assert response.status_code == 302
    assert Risk.objects.get(description="Phones late").owner == world["admin"]
    response = head_client.post(
        url(world, "lesson-create"),
        {
            "stage": "design",
            "what_happened": "Forms too long",
            "what_we_learned": "Test early",
            "recorded_on": "2027-03-01",
        },
    )
    assert Lesson.objects.get(what_happened="Forms too long").recorded_by == world["head"]
    response = head_client.post(
        url(world, "scaling-decision"),
        {
            "decision": "hand_over",
            "rationale": "The ministry runs it.",
            "decided_by": world["head"].pk,
            "decided_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    page = head_client.get(url(world, "risks")).content.decode()
    assert "Phones late" in page and "Forms too long" in page and "Hand over" in page
    assert "1 serious risk open" in page


@pytest.mark.parametrize(
    ("name", "data", "field", "message"),
    [
        ("risk-create", {"likelihood": "huge"}, "likelihood", "Select a valid choice."),
        ("risk-create", {"description": ""}, "description", "This field is required."),
        ("risk-create", {"owner": "outsider"}, "owner", "Select a valid choice."),
        ("lesson-create", {"stage": "someday"}, "stage", "Select a valid choice."),
        ("lesson-create", {"what_we_learned": ""}, "what_we_learned", "This field is required."),
        ("scaling-decision", {"decided_on": "2099-01-01"}, "decided_on", "in the future"),
        ("scaling-decision", {"decision": "maybe"}, "decision", "Select a valid choice."),
    ],
)
def test_risk_lesson_and_decision_errors(head_client, world, name, data, field, message):
    defaults = {
        "description": "Risk",
        "likelihood": "low",
        "impact": "low",
        "status": "open",
        "stage": "design",
        "what_happened": "x",
        "what_we_learned": "y",
        "recorded_on": "2027-01-01",
        "decision": "end",
        "rationale": "z",
        "decided_by": world["head"].pk,
        "decided_on": "2026-01-01",
    }
    if data.get("owner") == "outsider":
        data = {"owner": world["outsider"].pk}  # not on the team
    before = counts()
    response = head_client.post(url(world, name), {**defaults, **data})
    assert_form_error(response, f"id_{field}", message)
    assert counts() == before


# --- hosting estimate -------------------------------------------------------------------------


def test_try_inputs_then_save_and_add_to_the_budget(head_client, world):
    ExchangeRateFactory(
        currency="KES", effective_date=datetime.date(2020, 1, 1), units_per_usd="130"
    )
    inputs = {"users": 100, "population": 10000, "workflows": 3, "years": 2, "overprovisioning": 5}
    page = head_client.get(url(world, "hosting-estimate"), inputs).content.decode()
    assert 'data-figure="documents">73,700<' in page
    assert 'data-figure="disk">56 GB<' in page
    assert 'data-figure="monthly">USD 25.33<' in page
    # 1 CPU, 2 GB and 56 GB are below the documented Docker minimum: the page says so.
    assert 'data-warning="floor"' in page and "4 CPUs, 8 GB RAM, 100 GB SSD" in page
    assert "June 2026" in page  # the calculator's version it follows
    assert "Mobile device management" in page  # what it leaves out
    fragment = head_client.get(url(world, "hosting-estimate"), inputs, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert 'data-figure="monthly">USD 25.33<' in fragment.content.decode()
    response = head_client.post(url(world, "hosting-estimate"), inputs)
    assert response.status_code == 302
    saved = HostingEstimate.objects.latest("id")
    assert saved.monthly_usd == Decimal("25.33")
    response = head_client.post(
        reverse("plan:hosting-estimate-add-to-budget", args=["kisumu", saved.pk])
    )
    assert response["Location"] == url(world, "budget")
    line = BudgetLine.objects.get(category="hosting")
    assert line.forecast_amount == Decimal("79030")  # USD 607.92 at 130, in whole shillings


def test_hosting_estimate_errors(head_client, world):
    bad = {"users": 0, "population": -1, "workflows": 3, "years": 2, "overprovisioning": 5}
    response = head_client.get(url(world, "hosting-estimate"), bad)
    assert_form_error(response, "id_users", "greater than or equal to 1")
    assert 'id="id_population_error"' in response.content.decode()
    response = head_client.post(url(world, "hosting-estimate"), bad)
    assert response.status_code == 400
    assert HostingEstimate.objects.count() == 1


def test_an_estimate_without_a_rate_says_so(head_client, world):
    response = head_client.post(
        url(world, "hosting-estimate-add-to-budget", "estimate"), follow=True
    )
    assert "no exchange rate for KES" in response.content.decode()
    assert not BudgetLine.objects.filter(category="hosting").exists()
