"""The work recorded inside a stage: activities, the stage plan, the ethics approval."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from lifecycle.activity_services import (
    activity_plan,
    activity_update,
    ethics_approval_record,
    stage_plan_update,
)
from lifecycle.stages import ActivityStatus, Stage
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- activities -------------------------------------------------------------------------------


def test_done_needs_evidence_and_not_applicable_a_reason(program, head):
    activity = program.stage_activities.first()
    with pytest.raises(ValidationError) as refused:
        activity_update(activity=activity, by=head, status=ActivityStatus.DONE)
    assert "evidence_note" in refused.value.message_dict
    with pytest.raises(ValidationError):
        activity_update(activity=activity, by=head, status=ActivityStatus.NOT_APPLICABLE)
    activity_update(
        activity=activity,
        by=head,
        status=ActivityStatus.DONE,
        evidence_url="https://example.org/minutes.pdf",
    )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE
    assert activity.completed_by == head
    assert activity.completed_at is not None


def test_reopening_an_activity_clears_its_completion(program, head):
    activity = program.stage_activities.first()
    activity_update(activity=activity, by=head, status="done", evidence_note="ok")
    activity_update(activity=activity, by=head, status="in_progress", evidence_note="ok")
    activity.refresh_from_db()
    assert activity.completed_by is None
    assert activity.completed_at is None


def test_activity_assignee_must_be_on_the_team(program, head, developer, outsider):
    activity = program.stage_activities.filter(role=PersonaRole.SOFTWARE_DEVELOPER).first()
    activity_plan(activity=activity, assignee=developer, due_on=datetime.date(2027, 9, 1))
    activity.refresh_from_db()
    assert activity.assignee == developer
    assert activity.due_on == datetime.date(2027, 9, 1)
    with pytest.raises(ValidationError) as refused:
        activity_plan(activity=activity, assignee=outsider, due_on=None)
    assert "assignee" in refused.value.message_dict


def test_who_may_update_an_activity(program, head, developer, program_admin, outsider, staff):
    activity = program.stage_activities.filter(role=PersonaRole.SOFTWARE_DEVELOPER).first()
    other = UserFactory()
    membership_add(program=program, user=other, role=PersonaRole.UX_DESIGNER)
    assert not developer.has_perm("lifecycle.update_activity", activity)
    activity_plan(activity=activity, assignee=developer, due_on=None)
    developer = type(developer).objects.get(pk=developer.pk)
    assert developer.has_perm("lifecycle.update_activity", activity)
    assert head.has_perm("lifecycle.update_activity", activity)
    assert program_admin.has_perm("lifecycle.update_activity", activity)
    assert staff.has_perm("lifecycle.update_activity", activity)
    assert not other.has_perm("lifecycle.update_activity", activity)
    assert not outsider.has_perm("lifecycle.update_activity", activity)


# --- stage plan -------------------------------------------------------------------------------


def test_stage_plan_update(program):
    lifecycle = program.lifecycle
    stage_plan_update(
        lifecycle=lifecycle,
        dates={Stage.DESIGN: (datetime.date(2027, 5, 1), datetime.date(2027, 8, 31))},
    )
    plan = lifecycle.plans.get(stage=Stage.DESIGN)
    assert (plan.planned_start, plan.planned_end) == (
        datetime.date(2027, 5, 1),
        datetime.date(2027, 8, 31),
    )
    with pytest.raises(ValidationError) as refused:
        stage_plan_update(
            lifecycle=lifecycle,
            dates={Stage.DESIGN: (datetime.date(2027, 9, 1), datetime.date(2027, 8, 31))},
        )
    assert Stage.DESIGN in refused.value.message_dict


# --- ethics approval --------------------------------------------------------------------------


def test_ethics_approval_needs_a_reference_and_a_past_date(research_program, head):
    with pytest.raises(ValidationError) as refused:
        ethics_approval_record(
            program=research_program,
            by=head,
            approved_on=datetime.date(2999, 1, 1),
            reference="",
        )
    assert {"approved_on", "reference"} <= set(refused.value.message_dict)
