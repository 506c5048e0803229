"""Leaving planning needs a budget forecast and a baseline for every indicator (issue 4)."""

import pytest

from chtprograms.models import Consideration
from lifecycle.services import GateNotMet, lifecycle_advance
from lifecycle.stages import Stage
from plan.budget.services import budget_line_delete
from plan.indicators.services import indicator_update
from tests.factories import BudgetLineFactory, IndicatorFactory

from .conftest import finish_activities, meet_gate, set_consideration

pytestmark = pytest.mark.django_db


def at_planning_with_everything_but_the_plan(program, head):
    meet_gate(program, Stage.INITIATION, head)
    lifecycle_advance(lifecycle=program.lifecycle, by=head)
    finish_activities(program, Stage.PLANNING, head)
    set_consideration(program, "technical", Consideration.Status.IN_PROGRESS)
    set_consideration(program, "human_resources", Consideration.Status.IN_PROGRESS)
    return program.lifecycle


def unmet_labels(error):
    return " ".join(error.value.messages)


def test_planning_gate_refuses_then_allows_as_the_plan_arrives(program, head):
    lifecycle = at_planning_with_everything_but_the_plan(program, head)
    with pytest.raises(GateNotMet) as refused:
        lifecycle_advance(lifecycle=lifecycle, by=head)
    assert "Budget forecast recorded" in unmet_labels(refused)
    assert "A baseline recorded for every indicator" in unmet_labels(refused)

    BudgetLineFactory(program=program)
    with pytest.raises(GateNotMet) as refused:
        lifecycle_advance(lifecycle=lifecycle, by=head)
    assert "Budget forecast recorded" not in unmet_labels(refused)
    assert "A baseline recorded for every indicator" in unmet_labels(refused)

    indicator = IndicatorFactory(
        program=program, name="Home visits", baseline_value=None, baseline_date=None
    )
    with pytest.raises(GateNotMet) as refused:
        lifecycle_advance(lifecycle=lifecycle, by=head)
    assert "A baseline recorded for every indicator" in unmet_labels(refused)

    indicator_update(
        indicator=indicator,
        baseline_value=20,
        baseline_date=program.planned_start,
    )
    lifecycle_advance(lifecycle=lifecycle, by=head)
    assert lifecycle.stage == Stage.DESIGN


def test_the_detail_names_what_is_missing(program, head):
    from lifecycle import gates

    lifecycle = at_planning_with_everything_but_the_plan(program, head)
    line = BudgetLineFactory(program=program)
    IndicatorFactory(program=program, name="ANC visits", baseline_value=None, baseline_date=None)
    results = {result.id: result for result in gates.evaluate(lifecycle)}
    assert results["planning.budget_forecast"].met
    assert results["planning.budget_forecast"].url.endswith(f"/programs/{program.slug}/budget/")
    baselines = results["planning.indicator_baselines"]
    assert not baselines.met and "ANC visits" in baselines.detail
    budget_line_delete(line=line)
    assert not {r.id: r for r in gates.evaluate(lifecycle)}["planning.budget_forecast"].met


def test_the_plan_criteria_can_be_waived_with_a_reason(program, head):
    lifecycle = at_planning_with_everything_but_the_plan(program, head)
    lifecycle_advance(
        lifecycle=lifecycle,
        by=head,
        waive=["planning.budget_forecast", "planning.indicator_baselines"],
        note="Donor budget arrives next month; baseline survey scheduled.",
    )
    assert lifecycle.stage == Stage.DESIGN
