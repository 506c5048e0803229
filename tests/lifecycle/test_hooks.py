import pytest

from lifecycle import hooks
from lifecycle.services import (
    GateNotMet,
    lifecycle_advance,
    lifecycle_hold,
    lifecycle_resume,
)
from lifecycle.stages import Stage

from .conftest import meet_gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(**kwargs):
        calls.append(kwargs)

    hooks.on_stage_entered(Stage.PLANNING, Stage.ON_HOLD, Stage.INITIATION)(receiver)
    yield calls
    hooks.disconnect(receiver)


def test_entering_a_stage_runs_the_hook_on_commit(
    program, head, received, django_capture_on_commit_callbacks
):
    meet_gate(program, Stage.INITIATION, head)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = lifecycle_advance(lifecycle=program.lifecycle, by=head)
    # Nothing ran inside the transaction: the hook waits for the commit.
    assert received == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert received == [
        {"program_id": program.pk, "stage": Stage.PLANNING, "transition_id": row.pk}
    ]


def test_a_refused_transition_schedules_nothing(
    program, head, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(GateNotMet):
            lifecycle_advance(lifecycle=program.lifecycle, by=head)
    assert callbacks == []
    assert received == []


def test_resume_does_not_enter_a_stage_again(
    program, head, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_hold(lifecycle=program.lifecycle, by=head, note="x")
        lifecycle_resume(lifecycle=program.lifecycle, by=head)
    assert [call["stage"] for call in received] == [Stage.ON_HOLD]


def test_only_the_registered_stages_run(program, head, django_capture_on_commit_callbacks):
    calls = []

    def closeout_only(**kwargs):
        calls.append(kwargs)

    hooks.on_stage_entered(Stage.CLOSEOUT)(closeout_only)
    try:
        meet_gate(program, Stage.INITIATION, head)
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle_advance(lifecycle=program.lifecycle, by=head)
        assert calls == []
    finally:
        hooks.disconnect(closeout_only)


def test_unknown_stages_are_refused():
    with pytest.raises(ValueError):
        hooks.on_stage_entered("nowhere")


def test_a_failing_hook_does_not_break_the_others(
    program, head, received, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("mail server down")

    hooks.on_stage_entered(Stage.PLANNING)(broken)
    hooks._receivers[Stage.PLANNING].reverse()  # the broken one first
    try:
        meet_gate(program, Stage.INITIATION, head)
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle_advance(lifecycle=program.lifecycle, by=head)
    finally:
        hooks.disconnect(broken)
    assert [call["stage"] for call in received] == [Stage.PLANNING]
