"""Portfolios for the reminder scan's cost tests: made through the services, or in bulk.

`portfolio` makes each program as the app does (`program_create`, `membership_add`,
`activity_plan`, the gate met through `activity_update`, `lifecycle_advance`): about a hundred
queries a program. `bulk_portfolio` writes the same rows in a fixed number of queries whatever
the size, so that a test can compare a small portfolio with a large one in seconds.
`test_a_bulk_portfolio_is_scanned_like_one_made_by_the_services` keeps the two the same."""

import datetime
import itertools
from collections.abc import Callable

from django.utils import timezone

from chtprograms.services import data_sharing_agreement_record
from instances.services import instance_create
from lifecycle.services import lifecycle_advance
from lifecycle.stages import Stage
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory
from tests.lifecycle.conftest import finish_activities, meet_gate

from .helpers import TODAY, assign

#: The roles of `people[1:]` on every program (`people[0]` is the head).
ROLES = [PersonaRole.SOFTWARE_DEVELOPER, PersonaRole.SYSTEM_ADMIN, PersonaRole.RESEARCHER]
COUNTRIES = ["KE", "NP", "ML", "TG"]
EVIDENCE = "Minutes of the meeting"  # what `finish_activities` writes


def never(index: int) -> bool:
    return False


def gate_met(index: int) -> bool:
    """Every third program has its initiation gate met (its activities are done)."""
    return index % 3 == 0


def portfolio(
    size: int, people: list, today=TODAY, *, to_planning: Callable[[int], bool] = never
) -> list:
    """`size` programs; everyone in `people` on each, with an activity due and dates expiring.
    The programs whose index passes `to_planning` are advanced to planning, where their
    activities are done (so that the scan evaluates the planning gate)."""
    head = people[0]
    programs = []
    for index in range(size):
        program = ProgramFactory(head=head, country=COUNTRIES[index % 4])
        for person, role in zip(people[1:], ROLES, strict=False):
            membership_add(program=program, user=person, role=role)
            assign(program, person, today + datetime.timedelta(days=index % 5), title="Task")
        data_sharing_agreement_record(program=program, reference="MoU", expires_on=today)
        instance_create(
            program=program,
            base_url=f"https://p{program.pk}.example.org",
            domain_renews_on=today,
            tls_expires_on=today,
            tls_auto_renews=False,
        )
        if gate_met(index) or to_planning(index):
            meet_gate(program, Stage.INITIATION, head)
        if to_planning(index):
            lifecycle_advance(lifecycle=program.lifecycle, by=head, note="go")
            finish_activities(program, Stage.PLANNING, head)
        programs.append(program)
    return programs


_serial = itertools.count()


def bulk_portfolio(
    size: int, people: list, today=TODAY, *, to_planning: Callable[[int], bool] = never
) -> list:
    """What `portfolio(size, people, today, to_planning=...)` makes, in bulk: the programs, their
    considerations and checklists, team, lifecycle, stage plan, activities (from the templates,
    as `lifecycle_create` makes them, and one "Task" per person), agreement, instance, and for
    the programs taken to planning their history row and gate review."""
    from chtprograms.considerations import DEFAULT_CHECKLISTS, Area
    from chtprograms.models import (
        Consideration,
        ConsiderationItem,
        DataSharingAgreement,
        Program,
        ProgramType,
    )
    from instances.models import Instance
    from lifecycle.models import (
        ActivityTemplate,
        GateReview,
        Lifecycle,
        StageActivity,
        StagePlan,
        StageTransition,
    )
    from lifecycle.services import stage_plan_dates
    from lifecycle.stages import ActivityStatus, Decision, TransitionName
    from personas.models import Membership
    from tests.factories import OrganizationFactory

    head, team = people[0], list(zip(people[1:], ROLES, strict=False))
    now, since = timezone.now(), timezone.localdate()
    start, end = datetime.date(2027, 1, 1), datetime.date(2028, 12, 31)  # as ProgramFactory
    plan_dates = stage_plan_dates(start, end)
    due = {stage: stage_end for stage, _start, stage_end in plan_dates}
    templates = [
        template
        for template in ActivityTemplate.objects.filter(active=True).order_by("position", "id")
        if template.applies_to(ProgramType.ACCOMPANIED)
    ]
    lead = OrganizationFactory(name="Bulk portfolio ministry")
    serials = [next(_serial) for _ in range(size)]
    programs = Program.objects.bulk_create(
        Program(
            name=f"Bulk program {serial}",
            slug=f"bulk-program-{serial}",
            program_type=ProgramType.ACCOMPANIED,
            country=COUNTRIES[index % 4],
            regions="Siaya\nKisumu",
            lead_organization=lead,
            planned_start=start,
            planned_end=end,
            currency="KES",
            goals="Give CHVs a CHT app.",
            summary="A demo program.",
        )
        for index, serial in enumerate(serials)
    )
    met = {index for index in range(size) if gate_met(index) or to_planning(index)}
    planning = {index for index in range(size) if to_planning(index)}
    addressed = {"status": Consideration.Status.ADDRESSED}  # meet_gate: the scope
    considerations = Consideration.objects.bulk_create(
        Consideration(
            program=program, area=area, **(addressed if area == Area.SCOPE and index in met else {})
        )
        for index, program in enumerate(programs)
        for area in Area.values
    )
    ConsiderationItem.objects.bulk_create(
        ConsiderationItem(consideration=consideration, label=str(label), position=position)
        for consideration in considerations
        for position, label in enumerate(DEFAULT_CHECKLISTS[consideration.area])
    )
    Membership.objects.bulk_create(
        Membership(program=program, user=user, role=role, since=since)
        for program in programs
        for user, role in [(head, PersonaRole.PROGRAM_HEAD), *team]
    )
    lifecycles = Lifecycle.objects.bulk_create(
        Lifecycle(
            program=program,
            stage=Stage.PLANNING if index in planning else Stage.INITIATION,
            last_stage=Stage.PLANNING if index in planning else Stage.INITIATION,
        )
        for index, program in enumerate(programs)
    )
    StagePlan.objects.bulk_create(
        StagePlan(lifecycle=lifecycle, stage=stage, planned_start=stage_start, planned_end=stop)
        for lifecycle in lifecycles
        for stage, stage_start, stop in plan_dates
    )

    def done(index: int, stage: str) -> dict:
        finished = (stage == Stage.INITIATION and index in met) or (
            stage == Stage.PLANNING and index in planning
        )
        if not finished:
            return {}
        return {
            "status": ActivityStatus.DONE,
            "evidence_note": EVIDENCE,
            "completed_by": head,
            "completed_at": now,
        }

    StageActivity.objects.bulk_create(
        [
            StageActivity(
                program=program,
                template=template,
                stage=template.stage,
                title=template.title,
                description=template.description,
                required=template.required,
                role=template.role,
                assignee=head if template.role == PersonaRole.PROGRAM_HEAD else None,
                due_on=due[template.stage],
                position=position,
                **done(index, template.stage),
            )
            for index, program in enumerate(programs)
            for position, template in enumerate(templates, start=1)
        ]
        + [
            StageActivity(
                program=program,
                stage=Stage.INITIATION,
                title="Task",
                required=False,
                assignee=person,
                due_on=today + datetime.timedelta(days=index % 5),
                position=1000 + number,
                **done(index, Stage.INITIATION),
            )
            for index, program in enumerate(programs)
            for number, (person, _role) in enumerate(team)
        ]
    )
    DataSharingAgreement.objects.bulk_create(
        DataSharingAgreement(program=program, reference="MoU", expires_on=today)
        for program in programs
    )
    Instance.objects.bulk_create(
        Instance(
            program=program,
            base_url=f"https://p{program.pk}.example.org",
            domain_renews_on=today,
            tls_expires_on=today,
            tls_auto_renews=False,
        )
        for index, program in enumerate(programs)
    )
    advanced = [lifecycles[index] for index in sorted(planning)]
    rows = StageTransition.objects.bulk_create(
        StageTransition(
            lifecycle=lifecycle,
            transition=TransitionName.ADVANCE,
            source=Stage.INITIATION,
            target=Stage.PLANNING,
            by=head,
            at=now,
            note="go",
        )
        for lifecycle in advanced
    )
    GateReview.objects.bulk_create(
        GateReview(
            lifecycle=lifecycle,
            stage=Stage.INITIATION,
            decision=Decision.GO,
            reviewer=head,
            decided_at=now,
            note="go",
            transition=row,
        )
        for lifecycle, row in zip(advanced, rows, strict=True)
    )
    return programs
