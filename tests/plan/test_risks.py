"""Risks, lessons, the scaling decision and saved hosting estimates."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from plan.budget.models import BudgetLine
from plan.hosting import selectors as hosting_selectors
from plan.hosting import services as hosting_services
from plan.risks import selectors as risks_selectors
from plan.risks import services as risks_services
from plan.risks.models import Risk, ScalingDecision
from tests.factories import (
    ExchangeRateFactory,
    LessonFactory,
    ProgramFactory,
    RiskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory()


def test_open_and_serious_risks_come_first(program):
    low = RiskFactory(program=program, likelihood="low", impact="low")
    closed = RiskFactory(program=program, likelihood="high", impact="high", status="closed")
    serious = RiskFactory(program=program, likelihood="high", impact="medium")
    mitigating = RiskFactory(program=program, likelihood="high", impact="high", status="mitigating")
    assert (low.score, serious.score, closed.score) == (1, 6, 9)
    assert risks_selectors.risk_list(program=program) == [serious, low, mitigating, closed]


def test_risk_services_validate(program):
    owner = UserFactory()
    risk = risks_services.risk_create(
        program=program,
        description="Phones arrive late",
        likelihood="high",
        impact="medium",
        mitigation="Order early",
        owner=owner,
        status="open",
    )
    risks_services.risk_update(risk=risk, status="closed")
    assert Risk.objects.get(pk=risk.pk).status == "closed"
    with pytest.raises(ValidationError) as error:
        risks_services.risk_create(program=program, description="", likelihood="huge", impact="low")
    assert {"description", "likelihood"} <= set(error.value.message_dict)
    risks_services.risk_delete(risk=risk)
    assert not Risk.objects.exists()


def test_a_lesson_remembers_who_recorded_it(program):
    author = UserFactory()
    lesson = risks_services.lesson_create(
        program=program,
        by=author,
        stage="implementation",
        what_happened="Classes of 40 were too big.",
        what_we_learned="Keep classes at 30.",
        recorded_on=datetime.date(2027, 5, 1),
    )
    assert lesson.recorded_by == author
    older = LessonFactory(program=program, recorded_on=datetime.date(2027, 2, 1))
    assert list(risks_selectors.lesson_list(program=program)) == [lesson, older]
    with pytest.raises(ValidationError) as error:
        risks_services.lesson_create(
            program=program, by=author, stage="later", what_happened="", what_we_learned="x"
        )
    assert {"stage", "what_happened", "recorded_on"} <= set(error.value.message_dict)


def test_the_scaling_decision_is_one_per_program_and_can_change(program):
    head = UserFactory()
    assert risks_selectors.scaling_decision_get(program=program) is None
    fields = {
        "rationale": "Good results.",
        "decided_by": head,
        "decided_on": datetime.date(2028, 12, 1),
    }
    risks_services.scaling_decision_record(program=program, decision="scale_up", **fields)
    risks_services.scaling_decision_record(program=program, decision="hand_over", **fields)
    assert ScalingDecision.objects.filter(program=program).count() == 1
    decision = risks_selectors.scaling_decision_get(program=program)
    assert decision.decision == "hand_over" and decision.decided_by == head
    with pytest.raises(ValidationError):
        risks_services.scaling_decision_record(program=program, decision="maybe", **fields)


# --- saved hosting estimates ------------------------------------------------------------------


def save_estimate(program):
    return hosting_services.hosting_estimate_save(
        program=program,
        by=UserFactory(),
        users=100,
        population=10_000,
        workflows=3,
        years=2,
        overprovisioning=5,
    )


def test_a_saved_estimate_keeps_its_inputs_and_results(program):
    estimate = save_estimate(program)
    # The June 2026 calculator, worked by hand in tests/plan/test_hosting.py::test_a_small_program
    assert (estimate.documents, estimate.disk_gb, estimate.cpus, estimate.ram_gb) == (
        73_700,
        Decimal("56"),
        1,
        2,
    )
    assert estimate.monthly_usd == Decimal("25.33")
    assert estimate.total_usd == Decimal("607.92")  # 2 years × 303.96
    assert hosting_selectors.hosting_estimate_latest(program=program) == estimate


def test_adding_an_estimate_to_the_budget_converts_it_at_todays_rate(program):
    ExchangeRateFactory(
        currency="KES", effective_date=datetime.date(2026, 1, 1), units_per_usd="100"
    )
    ExchangeRateFactory(
        currency="KES", effective_date=datetime.date(2027, 1, 1), units_per_usd="130"
    )
    estimate = save_estimate(program)
    line = hosting_services.hosting_estimate_add_to_budget(
        estimate=estimate, on=datetime.date(2027, 6, 1)
    )
    assert (line.category, line.stage) == ("hosting", "hosting")
    assert line.forecast_amount == Decimal("79030")  # 607.92 × 130 = 79,029.60
    assert "USD 607.92 over 2 year(s)" in line.note
    assert "USD 25.33 per month in the final year" in line.note
    estimate.refresh_from_db()
    assert estimate.budget_line == line
    with pytest.raises(ValidationError, match="already in the budget"):
        hosting_services.hosting_estimate_add_to_budget(estimate=estimate)
    assert BudgetLine.objects.count() == 1


def test_an_estimate_without_an_exchange_rate_is_not_added(program):
    estimate = save_estimate(program)
    with pytest.raises(ValidationError, match="no exchange rate for KES"):
        hosting_services.hosting_estimate_add_to_budget(
            estimate=estimate, on=datetime.date(2027, 6, 1)
        )
    assert not BudgetLine.objects.exists()


def test_a_dollar_program_needs_no_rate():
    program = ProgramFactory(currency="USD")
    line = hosting_services.hosting_estimate_add_to_budget(estimate=save_estimate(program))
    assert line.forecast_amount == Decimal("608")  # 607.92, in whole dollars
