"""Fixtures for the lifecycle tests: a program with its head, team members and outsiders."""

import pytest

from chtprograms.models import Consideration, ProgramType
from chtprograms.services import consideration_update
from lifecycle.activity_services import activity_update
from lifecycle.services import lifecycle_advance
from lifecycle.stages import ActivityStatus
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, UserFactory


@pytest.fixture
def head():
    return UserFactory(username="head", first_name="Amina", last_name="Otieno")


@pytest.fixture
def program(head):
    return ProgramFactory(head=head, slug="kenya-chv", name="Kenya CHV")


@pytest.fixture
def research_program(head):
    return ProgramFactory(
        head=head, slug="nepal-study", name="Nepal study", program_type=ProgramType.RESEARCH
    )


@pytest.fixture
def developer(program):
    user = UserFactory(username="developer")
    membership_add(program=program, user=user, role=PersonaRole.SOFTWARE_DEVELOPER)
    return user


@pytest.fixture
def program_admin(program):
    user = UserFactory(username="progadmin")
    membership_add(program=program, user=user, role=PersonaRole.PROGRAM_ADMIN)
    return user


@pytest.fixture
def outsider():
    return UserFactory(username="outsider")


@pytest.fixture
def staff():
    return UserFactory(username="staff", is_staff=True)


def finish_activities(program, stage, by, status=ActivityStatus.DONE):
    """Mark every activity of `stage` done (with evidence) or not applicable (with a reason)."""
    for activity in program.stage_activities.filter(stage=stage):
        activity_update(
            activity=activity,
            by=by,
            status=status,
            evidence_note="Minutes of the meeting" if status == ActivityStatus.DONE else "N/A",
        )


def set_consideration(program, area, status):
    consideration = program.considerations.get(area=area)
    consideration_update(
        consideration=consideration,
        status=status,
        risk=consideration.risk,
        owner=consideration.owner,
        notes=consideration.notes,
    )


def meet_gate(program, stage, by):
    """Make the gate of `stage` pass (accompanied programs; research ones need ethics too)."""
    finish_activities(program, stage, by)
    if stage == "initiation":
        set_consideration(program, "scope", Consideration.Status.ADDRESSED)
    if stage == "planning":
        set_consideration(program, "technical", Consideration.Status.IN_PROGRESS)
        set_consideration(program, "human_resources", Consideration.Status.IN_PROGRESS)
        meet_plan(program)
    if stage == "hosting":
        meet_golive(program)
    if stage == "closeout":
        meet_closeout(program, by)


def meet_golive(program):
    """The hosting gate's go-live readiness criteria: training and production instances with a
    cut-over date and renewal dates, and a readiness record that meets every criterion."""
    import datetime

    from instances.golive.services import readiness_save
    from instances.models import CHTRelease
    from instances.services import instance_create

    today = datetime.date.today()  # noqa: DTZ011 — dates in the past, whatever the zone
    CHTRelease.objects.get_or_create(
        major=5, minor=2, defaults={"released_on": datetime.date(2026, 6, 26)}
    )
    if not program.cht_instances.exists():
        for kind in ("training", "production"):
            instance_create(
                program=program,
                kind=kind,
                base_url=f"https://{kind}.{program.slug}.example.org",
                polling_enabled=False,
                cutover_on=today,
                tls_expires_on=today + datetime.timedelta(days=90),
                domain_renews_on=today + datetime.timedelta(days=300),
            )
    readiness_save(
        program=program,
        training_app_removed_on=today,
        credential_delivery="magic_link",
        backups_3_2_1=True,
        last_restore_tested_on=today,
        monitoring_separate_server=True,
        monitoring_alerts=True,
        app_languages="English, Swahili",
        privacy_policy_languages="Swahili, English",
        support_shared_on=today,
        cht_version="5.2.0",
    )


def meet_plan(program):
    """The planning gate's plan-and-evidence criteria: a budget line, every baseline."""
    from tests.factories import BudgetLineFactory, IndicatorFactory

    if not program.budget_lines.exists():
        BudgetLineFactory(program=program)
    if not program.indicators.exists():
        IndicatorFactory(program=program)


def meet_closeout(program, by):
    """The closeout gate's own criteria: a scaling decision and a ready closeout report."""
    import datetime

    from plan.risks.services import scaling_decision_record
    from reports.models import CloseoutReport
    from tests.factories import CloseoutReportFactory

    scaling_decision_record(
        program=program,
        decision="hand_over",
        rationale="The ministry takes it over.",
        decided_by=by,
        decided_on=datetime.date(2026, 1, 1),
    )
    if not CloseoutReport.objects.filter(program=program, status="ready").exists():
        CloseoutReportFactory(program=program, requested_by=by, file=None)  # no file written


def walk_to(program, stage, head):
    """Advance a program (meeting each gate) until it is in `stage`."""
    lifecycle = program.lifecycle
    while lifecycle.stage != stage:
        meet_gate(program, lifecycle.stage, head)
        lifecycle_advance(lifecycle=lifecycle, by=head)
    return lifecycle
