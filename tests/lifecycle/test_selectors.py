import datetime

import pytest
from django.utils import timezone

from lifecycle.models import StageTransition
from lifecycle.selectors import (
    decisions_for,
    lifecycle_page,
    overdue_activities,
    plan_rows,
    stage_plans,
    stage_rail,
    timeline,
)
from lifecycle.services import lifecycle_cancel, lifecycle_hold
from lifecycle.stages import Stage

pytestmark = pytest.mark.django_db


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + "T10:00"))


def row(transition, source, target, day):
    return StageTransition(transition=transition, source=source, target=target, at=at(day))


def test_plan_rows_take_actual_dates_from_the_history(program):
    lifecycle = program.lifecycle
    lifecycle.created_at = at("2027-01-01")
    plans = stage_plans(lifecycle=lifecycle)  # initiation ends 6 Feb 2027, planning 20 Apr
    history = [
        row("advance", "initiation", "planning", "2027-02-16"),  # 10 days late
        row("hold", "planning", "on_hold", "2027-03-01"),
        row("resume", "on_hold", "planning", "2027-03-11"),  # a hold does not leave the stage
        row("advance", "planning", "design", "2027-04-10"),  # 10 days early
        row("send_back", "design", "planning", "2027-05-01"),
        row("advance", "planning", "design", "2027-05-11"),
    ]
    rows = {
        r.stage: r
        for r in plan_rows(
            lifecycle=lifecycle, plans=plans, history=history, today=datetime.date(2027, 5, 21)
        )
    }
    initiation, planning, design = rows["initiation"], rows["planning"], rows["design"]
    assert (initiation.actual_start, initiation.actual_end) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 2, 16),
    )
    assert initiation.slippage == 10
    assert initiation.days == 46
    # Planning twice: 16 Feb → 10 Apr, then 1 → 11 May.
    assert planning.actual_start == datetime.date(2027, 2, 16)
    assert planning.actual_end == datetime.date(2027, 5, 11)
    assert planning.days == 53 + 10
    assert planning.slippage == (datetime.date(2027, 5, 11) - plans["planning"].planned_end).days
    # Design is current: open-ended, days so far.
    assert design.is_current
    assert design.actual_end is None
    assert design.days == 21 + 10
    assert design.slippage is None  # its planned end is still ahead
    assert rows["building"].actual_start is None
    assert rows["building"].days is None


def test_a_current_stage_past_its_planned_end_shows_the_slippage(program):
    lifecycle = program.lifecycle
    plans = stage_plans(lifecycle=lifecycle)
    lifecycle.created_at = at("2027-01-01")
    rows = plan_rows(lifecycle=lifecycle, plans=plans, history=[], today=datetime.date(2027, 2, 16))
    assert rows[0].is_current
    assert rows[0].slippage == 10


def test_the_rail(program, head):
    lifecycle = program.lifecycle
    rail = stage_rail(lifecycle=lifecycle)
    assert [step.state for step in rail.steps] == ["current"] + ["upcoming"] * 7
    assert rail.days_in_stage == 0
    lifecycle_hold(lifecycle=lifecycle, by=head, note="x")
    rail = stage_rail(lifecycle=lifecycle)
    assert rail.is_on_hold
    assert rail.working_stage == Stage.INITIATION
    assert rail.steps[0].state == "current"
    lifecycle_cancel(lifecycle=lifecycle, by=head, note="x")
    rail = stage_rail(lifecycle=lifecycle)
    assert rail.is_cancelled
    assert rail.days_in_stage is None


def test_decisions_for_each_person(program, head, developer, staff):
    lifecycle = program.lifecycle
    assert decisions_for(lifecycle=lifecycle, user=head) == {"advance", "hold", "cancel", "stay"}
    assert decisions_for(lifecycle=lifecycle, user=staff) == {"advance", "hold", "cancel", "stay"}
    assert decisions_for(lifecycle=lifecycle, user=developer) == set()
    lifecycle_hold(lifecycle=lifecycle, by=head, note="x")
    assert decisions_for(lifecycle=lifecycle, user=head) == {"resume", "cancel"}
    lifecycle_cancel(lifecycle=lifecycle, by=head, note="x")
    assert decisions_for(lifecycle=lifecycle, user=head) == set()


def test_the_page_marks_which_activities_the_user_may_update(program, head, developer):
    from lifecycle.activity_services import activity_plan

    activity = program.stage_activities.filter(stage="initiation").last()
    activity_plan(activity=activity, assignee=developer, due_on=None)
    page = lifecycle_page(program=program, user=developer)
    mine = [a.pk for a in page.activities if a.can_update]
    assert mine == [activity.pk]
    assert page.team == []  # only managers plan
    page = lifecycle_page(program=program, user=head)
    assert all(a.can_update for a in page.activities)
    assert {user.pk for user in page.team} == {head.pk, developer.pk}


def test_the_timeline_is_newest_first(program):
    history = [
        row("advance", "initiation", "planning", "2027-02-16"),
        row("hold", "planning", "on_hold", "2027-03-01"),
    ]
    entries = timeline(history=history, reviews=[])
    assert [entry.kind for entry in entries] == ["hold", "advance"]
    assert entries[1].source == "Initiation"
    assert entries[1].target == "Planning"


def test_overdue_activities_are_the_current_stage_s_only(program, head):
    """The one rule of the portfolio's tile and the reminders: not finished, due before today,
    in the stage the program is in now, and only while it is in a working stage."""
    today = datetime.date(2027, 6, 1)
    activities = program.stage_activities
    activities.filter(stage=Stage.INITIATION).update(due_on=today - datetime.timedelta(days=1))
    activities.filter(stage=Stage.PLANNING).update(due_on=today - datetime.timedelta(days=3))
    current = set(activities.filter(stage=Stage.INITIATION).values_list("pk", flat=True))
    assert current and activities.filter(stage=Stage.PLANNING).exists()
    assert set(overdue_activities(today=today).values_list("pk", flat=True)) == current
    # Due today is not overdue yet; a finished one is not overdue.
    assert not overdue_activities(today=today - datetime.timedelta(days=1)).exists()
    done = activities.filter(stage=Stage.INITIATION).first()
    activities.filter(pk=done.pk).update(status="done")
    assert set(overdue_activities(today=today).values_list("pk", flat=True)) == current - {done.pk}
    # On hold (or stopped), nothing is overdue.
    lifecycle_hold(lifecycle=program.lifecycle, by=head, note="Funding gap")
    assert not overdue_activities(today=today).exists()
