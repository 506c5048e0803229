"""Imports (and the demo) write a program's past with the time each step happened: the
lifecycle services take it as `at`, keep the history in order and refuse a time to come."""

import datetime

import pytest
from django.utils import timezone

from chtprograms.services import program_create
from lifecycle.activity_services import activity_update
from lifecycle.models import Lifecycle, StageTransition
from lifecycle.services import lifecycle_advance, lifecycle_hold
from lifecycle.stages import ActivityStatus, Stage
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _program(head, at):
    return program_create(
        head=head,
        at=at,
        name="Imported program",
        slug="imported-program",
        program_type="accompanied",
        country="KE",
        lead_organization=OrganizationFactory(),
        planned_start=at.date(),
        planned_end=at.date() + datetime.timedelta(days=365),
        currency="KES",
    )


def test_a_past_history_keeps_the_times_it_happened(head):
    started = timezone.now() - datetime.timedelta(days=200)
    program = _program(head, started)
    lifecycle = Lifecycle.objects.get(program=program)
    assert lifecycle.created_at == started == lifecycle.stage_entered_at
    assert program.memberships.get().since == timezone.localdate(started)
    activity = program.stage_activities.filter(stage=Stage.INITIATION).first()
    done = started + datetime.timedelta(days=10)
    activity_update(
        activity=activity, by=head, status=ActivityStatus.DONE, evidence_note="Minutes", at=done
    )
    assert activity.completed_at == done
    left = started + datetime.timedelta(days=30)
    lifecycle_advance(
        lifecycle=lifecycle,
        by=head,
        waive=["initiation.required_activities", "initiation.scope_addressed"],
        note="Imported",
        at=left,
    )
    held = started + datetime.timedelta(days=90)
    lifecycle_hold(lifecycle=lifecycle, by=head, note="Imported", at=held)
    lifecycle.refresh_from_db()
    assert (lifecycle.stage_entered_at, lifecycle.held_since) == (left, held)
    history = list(
        StageTransition.objects.filter(lifecycle=lifecycle).values_list("at", "transition")
    )
    assert history == [(left, "advance"), (held, "hold")]
    assert lifecycle.gate_reviews.get().decided_at == left


def test_a_past_time_cannot_be_to_come_nor_before_the_last_step(head):
    started = timezone.now() - datetime.timedelta(days=100)
    lifecycle = Lifecycle.objects.get(program=_program(head, started))
    with pytest.raises(ValueError, match="future"):
        lifecycle_hold(
            lifecycle=lifecycle, by=head, note="x", at=timezone.now() + datetime.timedelta(hours=1)
        )
    with pytest.raises(ValueError, match="before"):
        lifecycle_hold(
            lifecycle=lifecycle, by=head, note="x", at=started - datetime.timedelta(days=1)
        )
    with pytest.raises(ValueError, match="time zone"):
        (lifecycle_hold(lifecycle=lifecycle, by=head, note="x", at=datetime.datetime(2026, 1, 1)),)  # noqa: DTZ001 — naive on purpose
    assert not StageTransition.objects.exists()
    lifecycle.refresh_from_db()
    assert lifecycle.stage == Stage.INITIATION
