"""Drafted demo programs written in bulk: the same rows the services write for them
(`demo.programs.demo_program_create`), with a few `bulk_create` calls per table for a chunk of
programs instead of a few queries per row. A test compares the two row by row.

The gate facts are the real ones: each passed gate is evaluated with `lifecycle.gates` on the
program's rows as they stood when it was left (its stage's activities were finished before,
everything else the gates read was written at the start), and unmet criteria are waived with a
note, as the service path does. A program whose history enters a stage with follow-ups (closeout
queues a report) is written through the services instead."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from chtprograms.considerations import DEFAULT_CHECKLISTS, Area
from chtprograms.models import (
    Consideration,
    ConsiderationItem,
    Health,
    HealthNote,
    Program,
    ProgramPartner,
)
from lifecycle import gates, hooks
from lifecycle.models import (
    ActivityTemplate,
    EthicsApproval,
    GateReview,
    Lifecycle,
    StageActivity,
    StagePlan,
    StageTransition,
)
from lifecycle.services import stage_plan_dates
from lifecycle.stages import (
    FINISHED_STATUSES,
    Decision,
    Stage,
    TransitionName,
    next_stage,
)
from personas.models import Membership, PersonaRole
from personas.rules import forget_site_roles
from plan.budget.models import BudgetLine, Expenditure
from plan.chw_support.models import CHWSupport
from plan.indicators.models import Indicator, Measurement
from plan.risks.models import Lesson, Risk

from .history import WAIVE_NOTE, activity_outcomes
from .programs import ProgramDraft, demo_program_create

#: Programs written per transaction (and per set of bulk inserts).
BULK_CHUNK = 500
BATCH = 2000


def _needs_services(draft: ProgramDraft) -> bool:
    """True when the program enters a stage whose follow-ups only the services schedule."""
    if draft.history is None:
        return False
    return any(
        hooks.receivers_for(next_stage(stage) or "")
        for stage, (_entered, left) in draft.history.windows.items()
        if left is not None and stage != draft.history.target
    )


def _create(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH) if rows else rows


def demo_programs_bulk_create(drafts: list[ProgramDraft], *, users: dict, organizations: dict):
    """Write the drafted programs (none of them may exist yet). Run inside a transaction."""
    by_services = [draft for draft in drafts if _needs_services(draft)]
    for draft in by_services:
        demo_program_create(draft, users=users, organizations=organizations)
    drafts = [draft for draft in drafts if draft not in by_services]
    if not drafts:
        return
    head = users[PersonaRole.PROGRAM_HEAD]
    admin = users[PersonaRole.PROGRAM_ADMIN]
    now = timezone.now()
    programs = _create(
        Program,
        [
            Program(
                **draft.fields,
                lead_organization=organizations[draft.lead],
                health=draft.health,
            )
            for draft in drafts
        ],
    )
    pairs = list(zip(drafts, programs, strict=True))
    _create(
        ProgramPartner,
        [
            ProgramPartner(program=program, organization=organizations[name], role=role)
            for draft, program in pairs
            for name, role in draft.partners
        ],
    )
    considerations = _create(
        Consideration,
        [
            Consideration(
                program=program, area=area, status=status, risk=risk, owner=admin, notes=notes
            )
            for draft, program in pairs
            for area, (status, risk, notes, _ticks) in zip(
                Area.values, draft.considerations, strict=True
            )
        ],
    )
    ticks = [ticks for draft in drafts for (_status, _risk, _notes, ticks) in draft.considerations]
    _create(
        ConsiderationItem,
        [
            ConsiderationItem(
                consideration=consideration, label=str(label), position=position, done=done
            )
            for consideration, done_list in zip(considerations, ticks, strict=True)
            for position, (label, done) in enumerate(
                zip(DEFAULT_CHECKLISTS[consideration.area], done_list, strict=True)
            )
        ],
    )
    memberships = []
    for draft, program in pairs:
        history = draft.history
        memberships.append(
            Membership(
                program=program,
                user=head,
                role=PersonaRole.PROGRAM_HEAD,
                since=timezone.localdate(history.created_at) if history else timezone.localdate(),
            )
        )
        memberships += [
            Membership(
                program=program,
                user=users[role],
                role=role,
                since=history.start if history else timezone.localdate(),
            )
            for role in draft.team_roles
            if role in users
        ]
    _create(Membership, memberships)
    _create(
        HealthNote,
        [
            HealthNote(
                program=program, status=draft.health, note=draft.health_note, recorded_by=head
            )
            for draft, program in pairs
            if draft.health != Health.ON_TRACK
        ],
    )
    _plan_create(pairs, users)
    approvals = {
        program.pk: EthicsApproval(program=program, recorded_by=head, **draft.ethics)
        for draft, program in pairs
        if draft.ethics
    }
    _create(EthicsApproval, list(approvals.values()))

    # The lifecycles, their plans and activities, as `lifecycle_create` makes them, with each
    # activity's outcome and each stage's transition.
    lifecycles = []
    for draft, program in pairs:
        lifecycle = Lifecycle(program=program, **_final_state(draft, now))
        lifecycles.append(lifecycle)
    _create(Lifecycle, lifecycles)
    for lifecycle, (draft, _program) in zip(lifecycles, pairs, strict=True):
        lifecycle.created_at = draft.history.created_at if draft.history else now
    Lifecycle.objects.bulk_update(lifecycles, ["created_at"], batch_size=BATCH)
    plans = []
    for lifecycle, (draft, _program) in zip(lifecycles, pairs, strict=True):
        plans += [
            StagePlan(lifecycle=lifecycle, stage=stage, planned_start=start, planned_end=end)
            for stage, start, end in stage_plan_dates(
                draft.fields["planned_start"], draft.fields["planned_end"]
            )
        ]
    _create(StagePlan, plans)
    due = {(plan.lifecycle_id, plan.stage): plan.planned_end for plan in plans}
    templates = [
        template
        for template in ActivityTemplate.objects.filter(active=True).order_by("position", "id")
    ]
    activities_of = {}
    for lifecycle, (draft, program) in zip(lifecycles, pairs, strict=True):
        activities = [
            StageActivity(
                program=program,
                template=template,
                stage=template.stage,
                title=template.title,
                description=template.description,
                required=template.required,
                role=template.role,
                # only the head is on the team when the lifecycle is made
                assignee=head if template.role == PersonaRole.PROGRAM_HEAD else None,
                due_on=due[(lifecycle.pk, template.stage)],
                position=position,
            )
            for position, template in enumerate(
                [t for t in templates if t.applies_to(program.program_type)], start=1
            )
        ]
        if draft.history:
            outcomes = activity_outcomes(draft.history, activities, now=now)
            for activity, outcome in zip(activities, outcomes, strict=True):
                activity.status = outcome.status
                activity.evidence_note = outcome.evidence_note
                if outcome.status in FINISHED_STATUSES:
                    activity.completed_by = head
                    activity.completed_at = outcome.completed_at or now
        activities_of[program.pk] = activities
    _create(StageActivity, [row for rows in activities_of.values() for row in rows])
    _history_create(pairs, lifecycles, activities_of, approvals, head)
    for user in users.values():
        forget_site_roles(user)


def _final_state(draft: ProgramDraft, now: datetime.datetime) -> dict:
    """The lifecycle's fields after its history (what the transition methods leave)."""
    history = draft.history
    if history is None:
        return {"stage_entered_at": now}
    entered, _stopped = history.windows[history.target]
    state = {
        "stage": history.target,
        "last_stage": history.target,
        "stage_entered_at": entered,
    }
    for step in history.steps:
        if step.transition == TransitionName.HOLD:
            state.update(stage=Stage.ON_HOLD, held_from=history.target, held_since=step.at)
        elif step.transition == TransitionName.CANCEL:
            state.update(stage=Stage.CANCELLED, stage_entered_at=step.at)
    return state


def _history_create(pairs, lifecycles, activities_of, approvals, head) -> None:
    """The history rows and gate reviews: each passed gate evaluated on the program's facts."""
    contexts = []
    for lifecycle, (draft, program) in zip(lifecycles, pairs, strict=True):
        if draft.history is None:
            continue
        considerations = {
            area: status
            for area, (status, _risk, _notes, _ticks) in zip(
                Area.values, draft.considerations, strict=True
            )
        }
        for step in draft.history.steps:
            if step.transition != TransitionName.ADVANCE:
                continue
            source = _source_of(draft, step)
            at_gate = SimpleNamespace(program=program, stage=source, held_from="")
            context = gates.GateContext(
                at_gate,
                activities={source: [a for a in activities_of[program.pk] if a.stage == source]},
            )
            context._facts["considerations"] = considerations
            context._facts["ethics_approval"] = approvals.get(program.pk)
            contexts.append((lifecycle, step, source, context))
    gates.preload_facts(context for _lifecycle, _step, _source, context in contexts)
    gate_results = {
        (lifecycle.pk, step.at): gates.evaluate(
            at_gate_context.lifecycle, source, context=at_gate_context
        )
        for lifecycle, step, source, at_gate_context in contexts
    }
    rows, reviews = [], []
    for lifecycle, (draft, _program) in zip(lifecycles, pairs, strict=True):
        if draft.history is None:
            continue
        for step in draft.history.steps:
            source = _source_of(draft, step)
            if step.transition == TransitionName.ADVANCE:
                unmet = gates.unmet(gate_results[(lifecycle.pk, step.at)])
                target, note = next_stage(source), WAIVE_NOTE if unmet else ""
            else:
                unmet = []
                target = (
                    Stage.ON_HOLD if step.transition == TransitionName.HOLD else Stage.CANCELLED
                )
                note = step.note
            row = StageTransition(
                lifecycle=lifecycle,
                transition=step.transition,
                source=source,
                target=target,
                by=head,
                at=step.at,
                note=note,
                waived_criteria=[{"id": result.id, "label": result.label} for result in unmet],
            )
            rows.append(row)
            if step.transition == TransitionName.ADVANCE:
                criteria = [
                    {"id": result.id, "label": result.label, "detail": result.detail}
                    for result in unmet
                ]
                reviews.append(
                    GateReview(
                        lifecycle=lifecycle,
                        stage=source,
                        decision=Decision.WAIVE if unmet else Decision.GO,
                        reviewer=head,
                        decided_at=step.at,
                        note=note,
                        unmet_criteria=criteria,
                        waived_criteria=criteria,
                        transition=row,
                    )
                )
    _create(StageTransition, rows)
    _create(GateReview, reviews)  # each review's transition has its id now


def _source_of(draft: ProgramDraft, step) -> str:
    """The stage a step left: the stage whose window ends at the step."""
    for stage, (_entered, left) in draft.history.windows.items():
        if left == step.at:
            return stage
    raise ValueError(f"No stage of {draft.slug} ends at {step.at}")


def _plan_create(pairs, users) -> None:
    """`demo.plan_evidence.plan_create`'s rows."""
    admin = users[PersonaRole.PROGRAM_ADMIN]
    lines_of = {}
    lines = []
    for draft, program in pairs:
        lines_of[program.pk] = [
            BudgetLine(
                program=program, category=category, stage=stage, name=name, forecast_amount=amount
            )
            for category, stage, name, amount in draft.plan["lines"]
        ]
        lines += lines_of[program.pk]
    _create(BudgetLine, lines)
    expenditures, indicators, values_of = [], [], []
    supports, risks, lessons = [], [], []
    for draft, program in pairs:
        plan = draft.plan
        for number, (index, day, amount) in enumerate(plan["spending"], start=1):
            if amount > 0:
                line = lines_of[program.pk][index]
                expenditures.append(
                    Expenditure(
                        line=line,
                        date=day,
                        amount=amount,
                        description=f"{line.name} — payment {number}",
                        reference=f"PV-{program.pk:03d}-{number:03d}",
                    )
                )
        for name, unit, direction, baseline, target, values in plan["indicators"]:
            indicators.append(
                Indicator(
                    program=program,
                    name=name,
                    unit=unit,
                    direction=direction,
                    baseline_value=Decimal(baseline),
                    baseline_date=program.planned_start,
                    target_value=Decimal(target),
                    target_date=program.planned_end,
                    frequency=Indicator.Frequency.QUARTERLY,
                )
            )
            values_of.append(values)
        support = dict(plan["support"])
        if support["last_refresher"] and support["last_refresher"] > plan["last"]:
            support["last_refresher"] = None
        if support["last_restock"] > plan["last"]:
            support["last_restock"] = None
        supports.append(CHWSupport(program=program, **support))
        risks += [
            Risk(
                program=program,
                description=text,
                likelihood=likelihood,
                impact=impact,
                mitigation=mitigation,
                owner=admin,
                status=Risk.Status.OPEN,
            )
            for text, mitigation, likelihood, impact in plan["risks"]
        ]
        lessons += [
            Lesson(
                program=program,
                recorded_by=admin,
                stage=stage,
                what_happened=happened,
                what_we_learned=learned,
                recorded_on=day,
            )
            for (stage, happened, learned), day in plan["lessons"]
            if day <= plan["last"]
        ]
    _create(Expenditure, expenditures)
    _create(Indicator, indicators)
    _create(
        Measurement,
        [
            Measurement(indicator=indicator, period_end=day, value=value, source="CHT dashboard")
            for indicator, values in zip(indicators, values_of, strict=True)
            for day, value in values
        ],
    )
    _create(CHWSupport, supports)
    _create(Risk, risks)
    _create(Lesson, lessons)
