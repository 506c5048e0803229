"""The lifecycle's decisions: creating it, every transition (allowed, refused by its gate, refused
by permission), the "stay" review and concurrent changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import ConcurrentTransition

from chtprograms.models import Consideration, ProgramType
from lifecycle.activity_services import (
    activity_update,
    ethics_approval_record,
)
from lifecycle.models import GateReview, Lifecycle, StageActivity, StageTransition
from lifecycle.services import (
    GateNotMet,
    TransitionRefused,
    gate_review_stay,
    lifecycle_advance,
    lifecycle_cancel,
    lifecycle_close,
    lifecycle_hold,
    lifecycle_resume,
    lifecycle_send_back,
    stage_plan_dates,
)
from lifecycle.stages import WORK_STAGES, ActivityStatus, Decision, Stage
from personas.models import PersonaRole
from tests.factories import ProgramFactory

from .conftest import (
    finish_activities,
    meet_gate,
    meet_golive,
    meet_plan,
    set_consideration,
    walk_to,
)

pytestmark = pytest.mark.django_db


# --- creation ---------------------------------------------------------------------------------


def test_a_new_program_starts_at_initiation_with_plan_and_activities(program, head):
    lifecycle = program.lifecycle
    assert lifecycle.stage == Stage.INITIATION
    assert lifecycle.last_stage == Stage.INITIATION
    plans = {plan.stage: plan for plan in lifecycle.plans.all()}
    assert list(plans) == list(WORK_STAGES) or set(plans) == set(WORK_STAGES)
    assert plans[Stage.INITIATION].planned_start == program.planned_start
    assert plans[Stage.CLOSEOUT].planned_end == program.planned_end
    activities = StageActivity.objects.filter(program=program)
    assert {activity.stage for activity in activities} == set(WORK_STAGES)
    # Every activity is due at the planned end of its stage.
    for activity in activities:
        assert activity.due_on == plans[activity.stage].planned_end
    # The head holds the program-head role: the head's activities are theirs already.
    head_activities = activities.filter(role=PersonaRole.PROGRAM_HEAD)
    assert head_activities.exists()
    assert all(activity.assignee == head for activity in head_activities)
    assert not activities.filter(role=PersonaRole.SOFTWARE_DEVELOPER, assignee__isnull=False)
    assert not StageTransition.objects.filter(lifecycle=lifecycle).exists()


def test_activities_are_filtered_by_program_type(head):
    accompanied = ProgramFactory(head=head, program_type=ProgramType.ACCOMPANIED)
    research = ProgramFactory(head=head, program_type=ProgramType.RESEARCH)
    tech = ProgramFactory(head=head, program_type=ProgramType.TECHNICAL_ORG_LED)
    research_only = "Human-centred design sessions with participants"
    assert research.stage_activities.filter(title=research_only).exists()
    assert not accompanied.stage_activities.filter(title=research_only).exists()
    presented = "CHT capabilities presented to the partner"
    assert accompanied.stage_activities.filter(title=presented).exists()
    assert not tech.stage_activities.filter(title=presented).exists()


def test_stage_plan_dates_cover_the_program_without_overlap():
    start, end = datetime.date(2027, 1, 1), datetime.date(2028, 12, 31)
    plans = stage_plan_dates(start, end)
    assert [stage for stage, _s, _e in plans] == list(WORK_STAGES)
    assert plans[0][1] == start
    assert plans[-1][2] == end
    for (_a, _s1, end1), (_b, start2, _e2) in zip(plans, plans[1:], strict=False):
        assert start2 == end1 + datetime.timedelta(days=1)
    assert all(s <= e for _stage, s, e in plans)


def test_stage_plan_dates_survive_a_very_short_program():
    day = datetime.date(2027, 1, 1)
    plans = stage_plan_dates(day, day)
    assert all(s <= e for _stage, s, e in plans)


# --- advance ----------------------------------------------------------------------------------


def test_advance_allowed_when_the_gate_is_met(program, head):
    meet_gate(program, Stage.INITIATION, head)
    lifecycle = program.lifecycle
    row = lifecycle_advance(lifecycle=lifecycle, by=head, note="Kick-off done")
    lifecycle = Lifecycle.objects.get(pk=lifecycle.pk)
    assert lifecycle.stage == Stage.PLANNING
    assert (row.transition, row.source, row.target, row.by) == (
        "advance",
        Stage.INITIATION,
        Stage.PLANNING,
        head,
    )
    assert row.note == "Kick-off done"
    assert row.waived_criteria == []
    review = GateReview.objects.get(transition=row)
    assert review.decision == Decision.GO
    assert review.stage == Stage.INITIATION
    assert review.unmet_criteria == []


def test_advance_refused_by_its_gate_names_the_unmet_criteria(program, head):
    lifecycle = program.lifecycle
    with pytest.raises(GateNotMet) as refused:
        lifecycle_advance(lifecycle=lifecycle, by=head)
    message = " ".join(refused.value.messages)
    assert "Required activities done or not applicable" in message
    assert "Scope consideration addressed" in message
    assert Lifecycle.objects.get(pk=lifecycle.pk).stage == Stage.INITIATION
    assert lifecycle.stage == Stage.INITIATION
    assert not StageTransition.objects.exists()


def test_advance_gate_names_only_what_is_still_unmet(program, head):
    finish_activities(program, Stage.INITIATION, head)
    with pytest.raises(GateNotMet) as refused:
        lifecycle_advance(lifecycle=program.lifecycle, by=head)
    message = " ".join(refused.value.messages)
    assert "Scope consideration addressed" in message
    assert "Required activities" not in message
    assert [result.id for result in refused.value.blocking] == ["initiation.scope_addressed"]


def test_advance_refused_by_permission(program, developer, program_admin, outsider):
    meet_gate(program, Stage.INITIATION, developer)
    for user in (developer, program_admin, outsider):
        with pytest.raises(PermissionDenied):
            lifecycle_advance(lifecycle=program.lifecycle, by=user)
    assert program.lifecycle.stage == Stage.INITIATION


def test_site_staff_may_advance(program, head, staff):
    meet_gate(program, Stage.INITIATION, head)
    lifecycle_advance(lifecycle=program.lifecycle, by=staff)
    assert program.lifecycle.stage == Stage.PLANNING


def test_a_waive_stores_its_reason_and_the_waived_criteria(program, head):
    finish_activities(program, Stage.INITIATION, head)
    lifecycle = program.lifecycle
    row = lifecycle_advance(
        lifecycle=lifecycle,
        by=head,
        waive=["initiation.scope_addressed"],
        note="Scope is agreed verbally; the document follows next month.",
    )
    assert lifecycle.stage == Stage.PLANNING
    assert row.waived_criteria == [
        {"id": "initiation.scope_addressed", "label": "Scope consideration addressed"}
    ]
    assert row.note == "Scope is agreed verbally; the document follows next month."
    review = GateReview.objects.get(transition=row)
    assert review.decision == Decision.WAIVE
    assert review.note == row.note
    assert [c["id"] for c in review.waived_criteria] == ["initiation.scope_addressed"]
    assert [c["id"] for c in review.unmet_criteria] == ["initiation.scope_addressed"]
    assert review.reviewer == head


def test_a_waive_needs_a_reason(program, head):
    finish_activities(program, Stage.INITIATION, head)
    with pytest.raises(ValidationError) as refused:
        lifecycle_advance(
            lifecycle=program.lifecycle, by=head, waive=["initiation.scope_addressed"], note=" "
        )
    assert "note" in refused.value.message_dict
    assert program.lifecycle.stage == Stage.INITIATION
    assert not StageTransition.objects.exists()


def test_a_partial_waive_is_refused_by_the_gate(program, head):
    with pytest.raises(GateNotMet) as refused:
        lifecycle_advance(
            lifecycle=program.lifecycle,
            by=head,
            waive=["initiation.scope_addressed"],
            note="Later",
        )
    assert "Required activities" in " ".join(refused.value.messages)


def test_waiving_a_met_criterion_records_nothing_extra(program, head):
    meet_gate(program, Stage.INITIATION, head)
    row = lifecycle_advance(
        lifecycle=program.lifecycle, by=head, waive=["initiation.scope_addressed"], note="x"
    )
    assert row.waived_criteria == []
    assert GateReview.objects.get(transition=row).decision == Decision.GO


def test_planning_needs_technical_and_human_resources_in_progress(program, head):
    lifecycle = walk_to(program, Stage.PLANNING, head)
    finish_activities(program, Stage.PLANNING, head)
    meet_plan(program)
    with pytest.raises(GateNotMet) as refused:
        lifecycle_advance(lifecycle=lifecycle, by=head)
    assert {result.id for result in refused.value.blocking} == {
        "planning.technical_in_progress",
        "planning.human_resources_in_progress",
    }
    set_consideration(program, "technical", Consideration.Status.ADDRESSED)
    set_consideration(program, "human_resources", Consideration.Status.IN_PROGRESS)
    lifecycle_advance(lifecycle=lifecycle, by=head)
    assert lifecycle.stage == Stage.DESIGN


def test_not_applicable_activities_pass_the_gate(program, head):
    lifecycle = program.lifecycle
    finish_activities(program, Stage.INITIATION, head, status=ActivityStatus.NOT_APPLICABLE)
    set_consideration(program, "scope", Consideration.Status.ADDRESSED)
    lifecycle_advance(lifecycle=lifecycle, by=head)
    assert lifecycle.stage == Stage.PLANNING


def test_optional_activities_do_not_hold_the_gate(program, head):
    for activity in program.stage_activities.filter(stage=Stage.INITIATION, required=True):
        activity_update(activity=activity, by=head, status="done", evidence_note="ok")
    set_consideration(program, "scope", Consideration.Status.ADDRESSED)
    assert program.stage_activities.filter(stage=Stage.INITIATION, required=False).exists()
    lifecycle_advance(lifecycle=program.lifecycle, by=head)
    assert program.lifecycle.stage == Stage.PLANNING


# --- research programs: ethics before implementation ------------------------------------------


def test_a_research_program_cannot_enter_implementation_without_ethics(research_program, head):
    lifecycle = walk_to(research_program, Stage.HOSTING, head)
    finish_activities(research_program, Stage.HOSTING, head)
    meet_golive(research_program)  # the go-live criteria: only ethics stays in the way
    with pytest.raises(GateNotMet) as refused:
        lifecycle_advance(
            lifecycle=lifecycle,
            by=head,
            waive=["hosting.research_ethics_addressed", "hosting.research_ethics_approval"],
            note="Trying to skip ethics",
        )
    message = " ".join(refused.value.messages)
    assert "Ethics and regulations addressed" in message
    assert "ethics approval recorded" in message
    assert "cannot be waived" in message
    set_consideration(research_program, "ethics", Consideration.Status.ADDRESSED)
    with pytest.raises(GateNotMet):
        lifecycle_advance(lifecycle=lifecycle, by=head)
    ethics_approval_record(
        program=research_program,
        by=head,
        approved_on=datetime.date(2026, 3, 1),
        reference="NHRC 123/2026",
    )
    lifecycle_advance(lifecycle=lifecycle, by=head)
    assert lifecycle.stage == Stage.IMPLEMENTATION


def test_an_expired_ethics_approval_does_not_count(research_program, head):
    lifecycle = walk_to(research_program, Stage.HOSTING, head)
    finish_activities(research_program, Stage.HOSTING, head)
    meet_golive(research_program)  # the go-live criteria: only ethics stays in the way
    set_consideration(research_program, "ethics", Consideration.Status.ADDRESSED)
    ethics_approval_record(
        program=research_program,
        by=head,
        approved_on=datetime.date(2024, 3, 1),
        expires_on=datetime.date(2025, 3, 1),
        reference="NHRC 1/2024",
    )
    with pytest.raises(GateNotMet) as refused:
        lifecycle_advance(lifecycle=lifecycle, by=head)
    assert [r.id for r in refused.value.blocking] == ["hosting.research_ethics_approval"]


def test_the_ethics_criteria_do_not_apply_to_other_programs(program, head):
    lifecycle = walk_to(program, Stage.IMPLEMENTATION, head)
    assert lifecycle.stage == Stage.IMPLEMENTATION


# --- send back --------------------------------------------------------------------------------


def test_send_back_allowed_to_an_earlier_stage_with_a_reason(program, head):
    lifecycle = walk_to(program, Stage.SUPPORT, head)
    row = lifecycle_send_back(
        lifecycle=lifecycle, by=head, to=Stage.BUILDING, note="Enhancements requested"
    )
    assert lifecycle.stage == Stage.BUILDING
    assert lifecycle.last_stage == Stage.BUILDING
    assert (row.transition, row.source, row.target, row.note) == (
        "send_back",
        Stage.SUPPORT,
        Stage.BUILDING,
        "Enhancements requested",
    )
    assert not GateReview.objects.filter(transition=row).exists()


def test_send_back_refused_without_a_reason_or_to_a_later_stage(program, head):
    lifecycle = walk_to(program, Stage.DESIGN, head)
    with pytest.raises(ValidationError) as refused:
        lifecycle_send_back(lifecycle=lifecycle, by=head, to=Stage.PLANNING, note="")
    assert "note" in refused.value.message_dict
    for target in (Stage.DESIGN, Stage.HOSTING, "nowhere"):
        with pytest.raises(ValidationError) as refused:
            lifecycle_send_back(lifecycle=lifecycle, by=head, to=target, note="why")
        assert "to" in refused.value.message_dict
    assert Lifecycle.objects.get(pk=lifecycle.pk).stage == Stage.DESIGN


def test_send_back_refused_from_initiation(program, head):
    with pytest.raises(TransitionRefused) as refused:
        lifecycle_send_back(lifecycle=program.lifecycle, by=head, to=Stage.INITIATION, note="x")
    assert "cannot" in " ".join(refused.value.messages)


def test_send_back_refused_by_permission(program, head, developer):
    lifecycle = walk_to(program, Stage.DESIGN, head)
    with pytest.raises(PermissionDenied):
        lifecycle_send_back(lifecycle=lifecycle, by=developer, to=Stage.PLANNING, note="x")
    assert lifecycle.stage == Stage.DESIGN


# --- hold and resume --------------------------------------------------------------------------


def test_hold_and_resume_return_to_the_stage_left(program, head):
    lifecycle = walk_to(program, Stage.DESIGN, head)
    hold = lifecycle_hold(lifecycle=lifecycle, by=head, note="Funding paused")
    assert lifecycle.stage == Stage.ON_HOLD
    assert lifecycle.held_from == Stage.DESIGN
    assert lifecycle.held_since is not None
    assert (hold.source, hold.target, hold.note) == (Stage.DESIGN, Stage.ON_HOLD, "Funding paused")
    resume = lifecycle_resume(lifecycle=lifecycle, by=head)
    lifecycle = Lifecycle.objects.get(pk=lifecycle.pk)
    assert lifecycle.stage == Stage.DESIGN
    assert lifecycle.held_from == ""
    assert lifecycle.held_since is None
    assert (resume.source, resume.target) == (Stage.ON_HOLD, Stage.DESIGN)


def test_hold_needs_a_reason(program, head):
    with pytest.raises(ValidationError) as refused:
        lifecycle_hold(lifecycle=program.lifecycle, by=head, note="")
    assert "note" in refused.value.message_dict
    assert program.lifecycle.stage == Stage.INITIATION


def test_hold_and_resume_refused_by_permission(program, head, developer):
    lifecycle = program.lifecycle
    with pytest.raises(PermissionDenied):
        lifecycle_hold(lifecycle=lifecycle, by=developer, note="x")
    lifecycle_hold(lifecycle=lifecycle, by=head, note="x")
    with pytest.raises(PermissionDenied):
        lifecycle_resume(lifecycle=lifecycle, by=developer)
    assert lifecycle.stage == Stage.ON_HOLD


def test_resume_refused_when_not_on_hold(program, head):
    with pytest.raises(TransitionRefused):
        lifecycle_resume(lifecycle=program.lifecycle, by=head)


def test_no_gate_decision_while_on_hold(program, head):
    lifecycle = program.lifecycle
    meet_gate(program, Stage.INITIATION, head)
    lifecycle_hold(lifecycle=lifecycle, by=head, note="x")
    with pytest.raises(TransitionRefused):
        lifecycle_advance(lifecycle=lifecycle, by=head)
    with pytest.raises(TransitionRefused):
        lifecycle_hold(lifecycle=lifecycle, by=head, note="again")


# --- cancel and close -------------------------------------------------------------------------


def test_cancel_allowed_from_a_stage_and_from_on_hold(program, head):
    lifecycle = program.lifecycle
    row = lifecycle_cancel(lifecycle=lifecycle, by=head, note="Funding withdrawn")
    assert lifecycle.stage == Stage.CANCELLED
    assert row.note == "Funding withdrawn"
    other = ProgramFactory(head=head).lifecycle
    lifecycle_hold(lifecycle=other, by=head, note="x")
    lifecycle_cancel(lifecycle=other, by=head, note="y")
    assert other.stage == Stage.CANCELLED


def test_cancel_needs_a_reason_and_the_head(program, head, program_admin):
    with pytest.raises(ValidationError):
        lifecycle_cancel(lifecycle=program.lifecycle, by=head, note="")
    with pytest.raises(PermissionDenied):
        lifecycle_cancel(lifecycle=program.lifecycle, by=program_admin, note="x")
    assert program.lifecycle.stage == Stage.INITIATION


def test_close_allowed_through_the_closeout_gate(program, head):
    lifecycle = walk_to(program, Stage.CLOSEOUT, head)
    meet_gate(program, Stage.CLOSEOUT, head)
    row = lifecycle_close(lifecycle=lifecycle, by=head, note="Handed over to the ministry")
    assert lifecycle.stage == Stage.CLOSED
    assert (row.transition, row.source, row.target) == ("close", Stage.CLOSEOUT, Stage.CLOSED)
    assert GateReview.objects.get(transition=row).decision == Decision.GO


def test_close_refused_by_the_closeout_gate(program, head):
    lifecycle = walk_to(program, Stage.CLOSEOUT, head)
    with pytest.raises(GateNotMet) as refused:
        lifecycle_close(lifecycle=lifecycle, by=head)
    assert "Required activities" in " ".join(refused.value.messages)
    assert lifecycle.stage == Stage.CLOSEOUT


def test_close_refused_by_permission(program, head, developer):
    lifecycle = walk_to(program, Stage.CLOSEOUT, head)
    meet_gate(program, Stage.CLOSEOUT, head)
    with pytest.raises(PermissionDenied):
        lifecycle_close(lifecycle=lifecycle, by=developer)
    assert lifecycle.stage == Stage.CLOSEOUT


def test_close_only_from_closeout_and_advance_not_from_closeout(program, head):
    with pytest.raises(TransitionRefused):
        lifecycle_close(lifecycle=program.lifecycle, by=head)
    lifecycle = walk_to(program, Stage.CLOSEOUT, head)
    meet_gate(program, Stage.CLOSEOUT, head)
    with pytest.raises(TransitionRefused):
        lifecycle_advance(lifecycle=lifecycle, by=head)


def test_closed_and_cancelled_have_no_way_out(program, head, staff):
    lifecycle = walk_to(program, Stage.CLOSEOUT, head)
    meet_gate(program, Stage.CLOSEOUT, head)
    lifecycle_close(lifecycle=lifecycle, by=head)
    cancelled = ProgramFactory(head=head).lifecycle
    lifecycle_cancel(lifecycle=cancelled, by=head, note="x")
    for stopped in (lifecycle, cancelled):
        assert list(stopped.get_available_stage_transitions()) == []
        assert list(stopped.get_available_user_stage_transitions(staff)) == []
        for attempt in (
            lambda lc: lifecycle_advance(lifecycle=lc, by=staff),
            lambda lc: lifecycle_cancel(lifecycle=lc, by=staff, note="x"),
            lambda lc: lifecycle_hold(lifecycle=lc, by=staff, note="x"),
            lambda lc: lifecycle_resume(lifecycle=lc, by=staff),
            lambda lc: lifecycle_send_back(lifecycle=lc, by=staff, to="initiation", note="x"),
            lambda lc: lifecycle_close(lifecycle=lc, by=staff),
        ):
            with pytest.raises(TransitionRefused):
                attempt(stopped)


# --- stay (no-go) -----------------------------------------------------------------------------


def test_stay_records_a_no_go_review_without_a_transition(program, head, developer):
    review = gate_review_stay(lifecycle=program.lifecycle, by=head, note="MoU not signed yet")
    assert review.decision == Decision.NO_GO
    assert review.note == "MoU not signed yet"
    assert {c["id"] for c in review.unmet_criteria} == {
        "initiation.required_activities",
        "initiation.scope_addressed",
    }
    assert not StageTransition.objects.exists()
    assert program.lifecycle.stage == Stage.INITIATION
    with pytest.raises(PermissionDenied):
        gate_review_stay(lifecycle=program.lifecycle, by=developer)


# --- concurrency ------------------------------------------------------------------------------


def test_a_stale_page_gets_a_conflict(program, head):
    meet_gate(program, Stage.INITIATION, head)
    lifecycle = program.lifecycle
    lifecycle_advance(lifecycle=lifecycle, by=head)
    with pytest.raises(ConcurrentTransition):
        lifecycle_advance(lifecycle=lifecycle, by=head, expected_stage=Stage.INITIATION)
    assert StageTransition.objects.count() == 1


def test_a_change_behind_the_objects_back_gets_a_conflict_and_no_history(program, head):
    meet_gate(program, Stage.INITIATION, head)
    mine = Lifecycle.objects.select_related("program").get(pk=program.lifecycle.pk)
    theirs = Lifecycle.objects.select_related("program").get(pk=program.lifecycle.pk)
    lifecycle_advance(lifecycle=theirs, by=head)
    with pytest.raises(ConcurrentTransition):
        lifecycle_advance(lifecycle=mine, by=head)
    assert StageTransition.objects.count() == 1
    # The refused object shows what the database holds, not the stage it tried to reach.
    assert mine.stage == Stage.PLANNING
