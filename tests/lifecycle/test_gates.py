import pytest

from chtprograms.models import Consideration
from lifecycle import gates
from lifecycle.services import GateNotMet, lifecycle_advance, lifecycle_close
from lifecycle.stages import WORK_STAGES, Stage
from tests.queries import exact_queries

from .conftest import finish_activities, meet_gate, set_consideration, walk_to

pytestmark = pytest.mark.django_db


def ids(results):
    return [result.id for result in results]


def test_each_stage_has_its_required_activities_criterion(program):
    for stage in WORK_STAGES:
        criteria = gates.criteria_for(stage, program)
        assert criteria[0].id == f"{stage}.required_activities"


def test_built_in_criteria(program, research_program):
    assert [c.id for c in gates.criteria_for(Stage.INITIATION, program)] == [
        "initiation.required_activities",
        "initiation.scope_addressed",
    ]
    assert [c.id for c in gates.criteria_for(Stage.PLANNING, program)] == [
        "planning.required_activities",
        "planning.technical_in_progress",
        "planning.human_resources_in_progress",
        "planning.budget_forecast",
        "planning.indicator_baselines",
    ]
    golive = [
        f"hosting.golive_{suffix}"
        for suffix in (
            "instances", "training_app_removed", "credentials", "tls_domain", "backups",
            "monitoring", "privacy_policy", "support_structure", "cht_version",
        )
    ]  # fmt: skip
    assert [c.id for c in gates.criteria_for(Stage.HOSTING, program)] == [
        "hosting.required_activities",
        *golive,
    ]
    research = [c for c in gates.criteria_for(Stage.HOSTING, research_program)]
    assert [c.id for c in research] == [
        "hosting.required_activities",
        "hosting.research_ethics_addressed",
        "hosting.research_ethics_approval",
        *golive,
    ]
    assert [c.waivable for c in research] == [True, False, False, *[True] * len(golive)]
    assert [c.id for c in gates.criteria_for(Stage.CLOSEOUT, program)] == [
        "closeout.required_activities",
        "closeout.scaling_decision",
        "closeout.report_generated",
    ]


def test_evaluate_gives_met_detail_and_fix_link(program, head):
    results = gates.evaluate(program.lifecycle)
    assert ids(results) == ["initiation.required_activities", "initiation.scope_addressed"]
    activities, scope = results
    assert not activities.met
    assert activities.detail.startswith("0 of ")
    assert activities.url.endswith("/lifecycle/?stage=initiation#activities")
    assert not scope.met
    assert scope.detail == "Not started"
    assert scope.url == f"/programs/{program.slug}/considerations/scope/edit/"
    meet_gate(program, Stage.INITIATION, head)
    assert all(result.met for result in gates.evaluate(program.lifecycle))


def test_in_progress_is_enough_for_planning_but_not_for_scope(program, head):
    set_consideration(program, "scope", Consideration.Status.IN_PROGRESS)
    finish_activities(program, Stage.INITIATION, head)
    assert ids(gates.unmet(gates.evaluate(program.lifecycle))) == ["initiation.scope_addressed"]


def test_the_gate_reads_the_facts_once_per_evaluation(program):
    lifecycle = program.lifecycle
    context = gates.GateContext(lifecycle)
    with exact_queries(2):  # the stage's activities, the considerations
        gates.evaluate(lifecycle, context=context)
    with exact_queries(0):
        gates.evaluate(lifecycle, context=context)


def test_later_features_add_criteria_without_editing_the_core(program, head):
    """A later issue registers its criterion (e.g. the closeout report) from its own module."""
    state = {"report": False}
    criterion = gates.register_criterion(
        stage=Stage.CLOSEOUT,
        id="closeout.test_report_generated",
        label="Closeout report generated",
        check=lambda context: (state["report"], "" if state["report"] else "No report yet"),
        fix_url=lambda program: f"/programs/{program.slug}/reports/",
    )
    try:
        lifecycle = walk_to(program, Stage.CLOSEOUT, head)
        meet_gate(program, Stage.CLOSEOUT, head)
        with pytest.raises(GateNotMet) as refused:
            lifecycle_close(lifecycle=lifecycle, by=head)
        assert "Closeout report generated" in " ".join(refused.value.messages)
        state["report"] = True
        lifecycle_close(lifecycle=lifecycle, by=head)
        assert lifecycle.stage == Stage.CLOSED
    finally:
        gates.unregister_criterion(criterion.id)
    assert "closeout.test_report_generated" not in gates.criterion_labels()


def test_a_criterion_may_use_its_own_facts_and_apply_to_some_programs(program, head):
    calls = []

    def loader():
        calls.append(1)
        return 3

    criterion = gates.register_criterion(
        stage=Stage.INITIATION,
        id="initiation.test_fact",
        label="Enough partners",
        check=lambda context: context.fact("partners", loader) >= 3,
        fix_url=lambda program: "/",
        applies=lambda program: program.slug == "kenya-chv",
    )
    try:
        results = gates.evaluate(program.lifecycle)
        assert "initiation.test_fact" in ids(results)
        assert calls == [1]
        meet_gate(program, Stage.INITIATION, head)
        lifecycle_advance(lifecycle=program.lifecycle, by=head)
    finally:
        gates.unregister_criterion(criterion.id)


def test_registering_twice_or_on_an_unknown_stage_fails():
    with pytest.raises(ValueError, match="already registered"):
        gates.register_criterion(
            stage=Stage.INITIATION,
            id="initiation.scope_addressed",
            label="x",
            check=lambda context: True,
            fix_url=lambda program: "/",
        )
    with pytest.raises(ValueError, match="not a working stage"):
        gates.register_criterion(
            stage=Stage.CLOSED,
            id="closed.x",
            label="x",
            check=lambda context: True,
            fix_url=lambda program: "/",
        )


def test_on_hold_reviews_the_gate_of_the_stage_left(program, head):
    from lifecycle.services import lifecycle_hold

    lifecycle_hold(lifecycle=program.lifecycle, by=head, note="x")
    assert gates.gate_stage(program.lifecycle) == Stage.INITIATION
