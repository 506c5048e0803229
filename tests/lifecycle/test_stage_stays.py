"""The portfolio's summary of stage durations (`StageStay`) stays equal to a computation from
scratch (the lifecycle page's plan rows, from the whole history) after any sequence of
decisions through the services, days apart; and the rebuild command writes the same rows."""

import contextlib
import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chtprograms.models import Program
from lifecycle import gates
from lifecycle.models import Lifecycle, StageStay
from lifecycle.portfolio_selectors import stage_durations
from lifecycle.selectors import plan_rows, stage_plans
from lifecycle.services import (
    lifecycle_advance,
    lifecycle_cancel,
    lifecycle_close,
    lifecycle_hold,
    lifecycle_resume,
    lifecycle_send_back,
)
from lifecycle.stages import earlier_stages
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
MOVES = st.lists(
    st.tuples(
        st.sampled_from(["advance", "advance", "send_back", "hold", "resume", "cancel", "close"]),
        st.integers(min_value=0, max_value=40),  # days before the move
        st.integers(min_value=0, max_value=23),  # hours more (crosses local midnights)
        st.integers(min_value=0, max_value=7),  # which earlier stage a send-back picks
    ),
    max_size=14,
)


def decide(lifecycle: Lifecycle, head, move: str, pick: int) -> None:
    """One decision through the services; refused ones (no such transition from here, an
    unwaivable criterion) change nothing, as for a person."""
    waive = [result.id for result in gates.unmet(gates.evaluate(lifecycle))]
    with contextlib.suppress(ValidationError, PermissionDenied):
        if move == "advance":
            lifecycle_advance(lifecycle=lifecycle, by=head, note="Waived for the test", waive=waive)
        elif move == "close":
            lifecycle_close(lifecycle=lifecycle, by=head, note="Waived for the test", waive=waive)
        elif move == "send_back":
            earlier = earlier_stages(lifecycle.stage)
            to = earlier[pick % len(earlier)] if earlier else "initiation"
            lifecycle_send_back(lifecycle=lifecycle, by=head, to=to, note="Rework")
        elif move == "hold":
            lifecycle_hold(lifecycle=lifecycle, by=head, note="Funding gap")
        elif move == "resume":
            lifecycle_resume(lifecycle=lifecycle, by=head)
        else:
            lifecycle_cancel(lifecycle=lifecycle, by=head, note="Stopped")


def from_scratch(lifecycle: Lifecycle, today: datetime.date) -> dict[str, int]:
    """Days in each stage left, as the lifecycle page works them out from the history."""
    history = list(lifecycle.history.order_by("at", "id"))
    rows = plan_rows(
        lifecycle=lifecycle, plans=stage_plans(lifecycle=lifecycle), history=history, today=today
    )
    return {row.stage: row.days for row in rows if row.days is not None and not row.is_current}


def summary(lifecycle: Lifecycle) -> dict[str, int]:
    return dict(StageStay.objects.filter(lifecycle=lifecycle).values_list("stage", "days"))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(moves=MOVES)
def test_the_summary_equals_the_history_after_any_decisions(head, moves):
    clock = [START]
    with mock.patch.object(timezone, "now", lambda: clock[0]):
        program = ProgramFactory(head=head)
        lifecycle = Lifecycle.objects.get(program=program)
        for move, days, hours, pick in moves:
            clock[0] += datetime.timedelta(days=days, hours=hours)
            decide(lifecycle, head, move, pick)
        lifecycle.refresh_from_db()
        expected = from_scratch(lifecycle, today=timezone.localtime(clock[0]).date())
        assert summary(lifecycle) == expected
        # The portfolio's medians over this one program are its own days.
        durations = stage_durations(programs=Program.objects.filter(pk=program.pk))
        assert {d.stage: d.actual_median for d in durations if d.actual_count} == expected
        # The rebuild from the history writes the same rows.
        StageStay.objects.filter(lifecycle=lifecycle).delete()
        call_command("rebuild_portfolio_summary", stdout=mock.Mock())
        assert summary(lifecycle) == expected


def test_a_program_that_left_stages_has_their_days(head):
    clock = [START]
    with mock.patch.object(timezone, "now", lambda: clock[0]):
        lifecycle = Lifecycle.objects.get(program=ProgramFactory(head=head))
        clock[0] += datetime.timedelta(days=10)
        decide(lifecycle, head, "advance", 0)
        clock[0] += datetime.timedelta(days=5)
        decide(lifecycle, head, "send_back", 0)
        clock[0] += datetime.timedelta(days=3)
        decide(lifecycle, head, "advance", 0)
    assert lifecycle.stage == "planning"
    # Initiation: 10 days, then 3 more after the send-back; planning is current.
    assert summary(lifecycle) == {"initiation": 13}
