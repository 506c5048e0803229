import itertools

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from chtprograms.models import Consideration, Program
from personas.models import Membership, PersonaRole
from personas.rules import is_portfolio_reviewer

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        Program.objects.values_list(
            "slug", "name", "country", "program_type", "currency", "planned_start", "health"
        )
    ), sorted(Consideration.objects.values_list("program__slug", "area", "status", "risk"))


def test_seed_demo_is_deterministic_and_safe_to_run_twice(capsys):
    call_command("seed_demo", programs=8, seed=7)
    first = snapshot()
    assert len(first[0]) == 8
    call_command("seed_demo", programs=8, seed=7)
    assert snapshot() == first  # nothing duplicated, nothing changed
    output = capsys.readouterr().out
    assert "0 program(s) created, 8 in all" in output
    assert "password for all" in output


def test_seed_demo_varies_with_the_seed():
    with transaction.atomic():  # history is kept forever: roll back instead of deleting
        call_command("seed_demo", programs=6, seed=1)
        one = snapshot()
        transaction.set_rollback(True)
    call_command("seed_demo", programs=6, seed=2)
    assert snapshot() != one


def test_demo_programs_are_spread_over_the_lifecycle():
    from lifecycle.models import Lifecycle, StageTransition

    call_command("seed_demo", programs=20, seed=5)
    stages = set(Lifecycle.objects.values_list("stage", flat=True))
    assert len(stages) >= 4
    assert "closed" not in stages
    # they got there through the services: one history row per step, waivers recorded
    assert StageTransition.objects.count() >= Lifecycle.objects.exclude(stage="initiation").count()


def test_demo_users_cover_every_persona_a_reviewer_and_an_admin():
    call_command("seed_demo", programs=4, seed=3)
    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    assert is_portfolio_reviewer(users.get(username="reviewer"))
    roles = set(Membership.objects.values_list("role", flat=True))
    assert PersonaRole.PROGRAM_HEAD in roles
    for username in ["head", "progadmin", "designer", "ux", "developer", "sysadmin", "support"]:
        assert users.get(username=username).check_password("cht-demo-2026")
    countries = set(Program.objects.values_list("country", flat=True))
    assert len(countries) >= 2
    statuses = set(Consideration.objects.values_list("status", flat=True))
    assert len(statuses) >= 2  # considerations in varied states


def test_the_demo_portfolio_tells_the_truth():
    """Each program's past happened over months: days in stage spread out, most programs within
    their stage's plan, activities of past stages finished, stage durations measurable,
    checklists that agree with their area's status and leads from the program's country."""
    from lifecycle.models import Lifecycle, StageActivity, StageTransition
    from lifecycle.portfolio_selectors import (
        programs_active,
        programs_past_planned_end,
        programs_with_overdue_activities,
        stage_durations,
    )
    from lifecycle.stages import FINISHED_STATUSES, WORK_STAGES

    call_command("seed_demo", programs=60, seed=42)
    today = timezone.localdate()
    programs = Program.objects.all()
    active = programs_active(programs)
    days = [
        (today - timezone.localdate(entered)).days
        for entered in Lifecycle.objects.filter(stage__in=WORK_STAGES).values_list(
            "stage_entered_at", flat=True
        )
    ]
    assert min(days) >= 1
    assert max(days) >= 60
    assert len(set(days)) >= len(days) // 2  # a spread, not everyone on the same day
    assert programs_past_planned_end(active).count() < active.count() / 3
    assert programs_with_overdue_activities(programs).count() < active.count() / 3
    measured = [row for row in stage_durations(programs=programs) if row.actual_count]
    assert len(measured) >= 5
    assert all(row.actual_median >= 5 for row in measured)
    # activities of the stages a program has left are done or not applicable, before it left
    for lifecycle in Lifecycle.objects.select_related("program"):
        history = list(StageTransition.objects.filter(lifecycle=lifecycle).order_by("at"))
        assert lifecycle.created_at < timezone.now()
        assert all(earlier.at < later.at for earlier, later in itertools.pairwise(history))
        for step in history:
            if step.transition != "advance":
                continue
            left = StageActivity.objects.filter(program=lifecycle.program, stage=step.source)
            assert not left.exclude(status__in=FINISHED_STATUSES).exists()
            assert not left.filter(completed_at__gt=step.at).exists()
    # checklists agree with their area's status
    for consideration in Consideration.objects.prefetch_related("items"):
        ticked = [item.done for item in consideration.items.all()]
        if consideration.status == Consideration.Status.ADDRESSED:
            assert all(ticked), consideration
        elif consideration.status == Consideration.Status.NOT_STARTED:
            assert not any(ticked), consideration
        elif len(ticked) > 1:
            assert any(ticked) and not all(ticked), consideration
    # the lead organization works in the program's country
    for program in programs.select_related("lead_organization"):
        assert program.lead_organization.country in ("", program.country)
