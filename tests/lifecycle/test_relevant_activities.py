"""The one rule of which activities count: the program's current stage (and, for reminders, the
next stage's when they fall due within the horizon). Reminders, the bell and the portfolio read
it from `lifecycle.selectors`."""

import datetime

import pytest

from lifecycle.models import Lifecycle, StageActivity
from lifecycle.selectors import current_stage_activities, overdue_activities, relevant_activities
from lifecycle.stages import ActivityStatus, Stage
from tests.factories import ProgramFactory, StageActivityFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)
HORIZON = TODAY + datetime.timedelta(days=7)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def planning_program():
    """A program in planning whose template activities are undated (only ours count)."""
    program = ProgramFactory()
    program.stage_activities.update(due_on=None)
    Lifecycle.objects.filter(program=program).update(stage=Stage.PLANNING)
    return program


def add(program, stage, due, status=ActivityStatus.TODO) -> StageActivity:
    return StageActivityFactory(program=program, stage=stage, due_on=due, status=status)


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_only_the_current_stage_is_overdue(planning_program):
    late = add(planning_program, Stage.PLANNING, days(-3))
    add(planning_program, Stage.PLANNING, days(-3), ActivityStatus.DONE)
    add(planning_program, Stage.PLANNING, days(-3), ActivityStatus.NOT_APPLICABLE)
    add(planning_program, Stage.PLANNING, TODAY)  # due today: not yet late
    add(planning_program, Stage.INITIATION, days(-30))  # a stage left behind
    add(planning_program, Stage.DESIGN, days(-1))  # the next stage: not there yet
    add(planning_program, Stage.CLOSEOUT, days(-100))
    assert titles(overdue_activities(today=TODAY)) == {late.title}
    assert titles(current_stage_activities()) == titles(
        StageActivity.objects.filter(program=planning_program, stage=Stage.PLANNING).exclude(
            status__in=[ActivityStatus.DONE, ActivityStatus.NOT_APPLICABLE]
        )
    )


def test_relevant_activities_are_the_current_stage_and_the_next_within_the_horizon(
    planning_program,
):
    wanted = {
        add(planning_program, Stage.PLANNING, days(-10)).title,  # overdue
        add(planning_program, Stage.PLANNING, HORIZON).title,  # due at the horizon
        add(planning_program, Stage.DESIGN, TODAY).title,  # next stage, due today
        add(planning_program, Stage.DESIGN, HORIZON).title,  # next stage, at the horizon
    }
    add(planning_program, Stage.PLANNING, days(8))  # beyond the horizon
    add(planning_program, Stage.PLANNING, None)  # undated
    add(planning_program, Stage.PLANNING, days(-1), ActivityStatus.DONE)
    add(planning_program, Stage.DESIGN, days(-1))  # next stage, but already past: not yet
    add(planning_program, Stage.DESIGN, days(8))
    add(planning_program, Stage.BUILDING, days(1))  # two stages ahead
    add(planning_program, Stage.CLOSEOUT, days(1))  # closeout of a program in planning
    add(planning_program, Stage.INITIATION, days(1))  # a stage it has left
    assert titles(relevant_activities(today=TODAY, horizon=HORIZON)) == wanted


def test_a_program_on_hold_or_closed_has_no_current_activities(planning_program):
    add(planning_program, Stage.PLANNING, days(-3))
    Lifecycle.objects.filter(program=planning_program).update(
        stage=Stage.ON_HOLD, held_from=Stage.PLANNING
    )
    assert not overdue_activities(today=TODAY).exists()
    assert not relevant_activities(today=TODAY, horizon=HORIZON).exists()


def test_the_rule_narrows_a_given_queryset(planning_program):
    other = ProgramFactory()
    other.stage_activities.update(due_on=None)
    add(planning_program, Stage.PLANNING, days(-3))
    theirs = add(other, Stage.INITIATION, days(-3))
    mine = StageActivity.objects.filter(program=other)
    assert titles(overdue_activities(mine, today=TODAY)) == {theirs.title}
