"""Random sequences of decisions (Hypothesis): the stage stays valid, the history has one row per
successful transition, and closed / cancelled programs have no way out."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from lifecycle import gates
from lifecycle.models import Lifecycle, StageTransition
from lifecycle.services import (
    gate_review_stay,
    lifecycle_advance,
    lifecycle_cancel,
    lifecycle_close,
    lifecycle_hold,
    lifecycle_resume,
    lifecycle_send_back,
)
from lifecycle.stages import TERMINAL_STAGES, WORK_STAGES, Stage, earlier_stages, next_stage
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, UserFactory

from .conftest import finish_activities, meet_gate

pytestmark = pytest.mark.django_db

ACTORS = st.sampled_from(["head", "staff", "member"])
REASONS = st.sampled_from(["", "A written reason"])
#: Stopping decisions mostly lack their reason, so that runs get past the first stages.
RARE_REASONS = st.sampled_from(["", "", "", "A written reason"])


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.users = {
            "head": UserFactory(),
            "staff": UserFactory(is_staff=True),
            "member": UserFactory(),
        }
        self.program = ProgramFactory(head=self.users["head"])
        membership_add(
            program=self.program, user=self.users["member"], role=PersonaRole.SOFTWARE_DEVELOPER
        )
        self.lifecycle = Lifecycle.objects.select_related("program").get(program=self.program)
        self.expected = Stage.INITIATION  # the model of the state machine
        self.held_from = None
        self.successes = 0

    # --- helpers ------------------------------------------------------------------------------

    def attempt(self, who: str, action, *, allowed: bool | None) -> bool:
        """Run a decision. `allowed`: what docs/lifecycle.md says (None: up to the gate)."""
        before = self.lifecycle.stage
        try:
            action(self.users[who])
        except PermissionDenied:
            assert who == "member", "a head or staff member was refused by permission"
            assert self.lifecycle.stage == before
            return False
        except ValidationError:  # refused: not from this stage, gate unmet, reason missing
            assert allowed is not True or who == "member"
            assert self.lifecycle.stage == before
            return False
        assert who != "member", "a team member made a gate decision"
        assert allowed is not False, f"{before}: a refused decision went through"
        self.successes += 1
        return True

    def unmet_waivable(self):
        return [r.id for r in gates.unmet(gates.evaluate(self.lifecycle)) if r.waivable]

    # --- the work -------------------------------------------------------------------------

    @rule(stage=st.sampled_from(WORK_STAGES))
    def finish_a_stages_work(self, stage):
        meet_gate(self.program, stage, self.users["head"])

    @rule(waive=st.booleans())
    def the_head_finishes_the_work_and_advances(self, waive):
        stage = self.lifecycle.stage
        if stage in WORK_STAGES and not waive:
            meet_gate(self.program, stage, self.users["head"])
        if stage == Stage.CLOSEOUT:
            self.close("head", waive, "Done")
        else:
            self.advance("head", waive, "Done")

    @rule(stage=st.sampled_from(WORK_STAGES))
    def mark_a_stage_not_applicable(self, stage):
        finish_activities(self.program, stage, self.users["head"], status="not_applicable")

    # --- the decisions ------------------------------------------------------------------------

    @rule(who=ACTORS, waive=st.booleans(), reason=REASONS)
    def advance(self, who, waive, reason):
        waived = self.unmet_waivable() if waive and self.expected in WORK_STAGES else []
        possible = self.expected in WORK_STAGES[:-1]
        if self.attempt(
            who,
            lambda user: lifecycle_advance(
                lifecycle=self.lifecycle, by=user, waive=waived, note=reason
            ),
            allowed=None if possible else False,
        ):
            self.expected = next_stage(self.expected)

    @rule(who=ACTORS, waive=st.booleans(), reason=REASONS)
    def close(self, who, waive, reason):
        waived = self.unmet_waivable() if waive and self.expected == Stage.CLOSEOUT else []
        if self.attempt(
            who,
            lambda user: lifecycle_close(
                lifecycle=self.lifecycle, by=user, waive=waived, note=reason
            ),
            allowed=None if self.expected == Stage.CLOSEOUT else False,
        ):
            self.expected = Stage.CLOSED

    @rule(who=ACTORS, to=st.sampled_from(WORK_STAGES), reason=REASONS)
    def send_back(self, who, to, reason):
        allowed = to in earlier_stages(self.expected) and bool(reason)
        if self.attempt(
            who,
            lambda user: lifecycle_send_back(lifecycle=self.lifecycle, by=user, to=to, note=reason),
            allowed=allowed,
        ):
            self.expected = to

    @rule(who=ACTORS, reason=RARE_REASONS)
    def hold(self, who, reason):
        allowed = self.expected in WORK_STAGES and bool(reason)
        if self.attempt(
            who,
            lambda user: lifecycle_hold(lifecycle=self.lifecycle, by=user, note=reason),
            allowed=allowed,
        ):
            self.held_from, self.expected = self.expected, Stage.ON_HOLD

    @rule(who=ACTORS)
    def resume(self, who):
        if self.attempt(
            who,
            lambda user: lifecycle_resume(lifecycle=self.lifecycle, by=user),
            allowed=self.expected == Stage.ON_HOLD,
        ):
            self.expected, self.held_from = self.held_from, None

    @rule(who=ACTORS, reason=RARE_REASONS)
    def cancel(self, who, reason):
        allowed = self.expected not in TERMINAL_STAGES and bool(reason)
        if self.attempt(
            who,
            lambda user: lifecycle_cancel(lifecycle=self.lifecycle, by=user, note=reason),
            allowed=allowed,
        ):
            self.expected = Stage.CANCELLED

    @rule(who=ACTORS)
    def stay(self, who):
        try:
            gate_review_stay(lifecycle=self.lifecycle, by=self.users[who], note="not yet")
        except PermissionDenied:
            assert who == "member"
        except ValidationError:
            assert self.expected not in WORK_STAGES

    # --- what must always hold ----------------------------------------------------------------

    @invariant()
    def the_stage_is_valid_and_as_expected(self):
        stored = Lifecycle.objects.get(pk=self.lifecycle.pk)
        assert stored.stage in Stage.values
        assert stored.stage == self.expected == self.lifecycle.stage
        if stored.stage == Stage.ON_HOLD:
            assert stored.held_from == self.held_from
        else:
            assert stored.held_from == ""
        if stored.stage in WORK_STAGES:
            assert stored.last_stage == stored.stage

    @invariant()
    def one_history_row_per_successful_transition(self):
        history = list(StageTransition.objects.filter(lifecycle=self.lifecycle).order_by("id"))
        assert len(history) == self.successes
        for previous, current in zip(history, history[1:], strict=False):
            assert current.source == previous.target
        if history:
            assert history[-1].target == self.expected

    @invariant()
    def closed_and_cancelled_have_no_way_out(self):
        if self.expected in TERMINAL_STAGES:
            assert list(self.lifecycle.get_available_stage_transitions()) == []
            for user in self.users.values():
                assert list(self.lifecycle.get_available_user_stage_transitions(user)) == []
            assert not [
                t for t in self.lifecycle.get_all_stage_transitions() if t.source == self.expected
            ]


def test_random_decisions_keep_the_lifecycle_consistent():
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(
            max_examples=50,
            stateful_step_count=40,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
