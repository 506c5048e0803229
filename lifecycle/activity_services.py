"""Writes for the work a team records inside a stage: its activities (progress, assignee, due
date), the stages' planned dates and the ethics approval — the facts the gates read. The
decisions that move a program between stages are in `lifecycle.services`.

Views, commands and tests call these; never `.save()` themselves."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chtprograms.models import Program
from lifecycle.models import EthicsApproval, Lifecycle, StageActivity, StagePlan
from personas.selectors import team_list


def activity_update(
    *,
    activity: StageActivity,
    by,
    status: str,
    evidence_note: str = "",
    evidence_url: str = "",
    at: datetime.datetime | None = None,
) -> StageActivity:
    """Record progress on an activity; done needs evidence, not applicable needs a reason.

    `at` is when it was finished, for work imported with its past (or the demo's)."""
    previous = activity.status
    activity.status = status
    activity.evidence_note = (evidence_note or "").strip()
    activity.evidence_url = evidence_url or ""
    if activity.is_finished:
        if status != previous or activity.completed_at is None:
            activity.completed_by = by
            activity.completed_at = at or timezone.now()
    else:
        activity.completed_by = None
        activity.completed_at = None
    activity.full_clean()
    activity.save(
        update_fields=[
            "status",
            "evidence_note",
            "evidence_url",
            "completed_by",
            "completed_at",
            "updated_at",
        ]
    )
    return activity


def activity_plan(
    *, activity: StageActivity, assignee, due_on: datetime.date | None
) -> StageActivity:
    """Assign an activity to a team member and set its due date."""
    if assignee is not None and not any(
        membership.user_id == assignee.pk for membership in team_list(program=activity.program)
    ):
        raise ValidationError({"assignee": _("Choose someone on the program's team.")})
    activity.assignee = assignee
    activity.due_on = due_on
    activity.full_clean()
    activity.save(update_fields=["assignee", "due_on", "updated_at"])
    return activity


@transaction.atomic
def activity_record(
    *,
    activity: StageActivity,
    by,
    status: str,
    evidence_note: str = "",
    evidence_url: str = "",
    plan: dict | None = None,
) -> StageActivity:
    """One save from the activity form: progress, and (for managers) assignee and due date."""
    if plan is not None:
        activity_plan(activity=activity, assignee=plan.get("assignee"), due_on=plan.get("due_on"))
    return activity_update(
        activity=activity,
        by=by,
        status=status,
        evidence_note=evidence_note,
        evidence_url=evidence_url,
    )


@transaction.atomic
def stage_plan_update(
    *, lifecycle: Lifecycle, dates: dict[str, tuple[datetime.date, datetime.date]]
) -> list[StagePlan]:
    """Change the planned start and end of some stages: {stage: (start, end)}."""
    plans = {plan.stage: plan for plan in StagePlan.objects.filter(lifecycle=lifecycle)}
    errors: dict[str, list] = {}
    changed = []
    for stage, (start, end) in dates.items():
        plan = plans.get(stage)
        if plan is None:
            plan = StagePlan(lifecycle=lifecycle, stage=stage, planned_start=start, planned_end=end)
        if plan.pk and (plan.planned_start, plan.planned_end) == (start, end):
            continue
        plan.planned_start, plan.planned_end = start, end
        try:
            plan.full_clean()
        except ValidationError as error:
            errors[stage] = error.messages
            continue
        changed.append(plan)
    if errors:
        raise ValidationError(
            {
                stage: ValidationError(" ".join(messages), code="invalid")
                for stage, messages in errors.items()
            }
        )
    for plan in changed:
        if plan.pk:
            plan.save(update_fields=["planned_start", "planned_end"])
        else:
            plan.save()
    return changed


def ethics_approval_record(
    *,
    program: Program,
    by,
    approved_on: datetime.date,
    reference: str,
    approving_body: str = "",
    expires_on: datetime.date | None = None,
) -> EthicsApproval:
    """Record (or correct) the program's ethics approval."""
    approval = EthicsApproval.objects.filter(program=program).first() or EthicsApproval(
        program=program
    )
    approval.approved_on = approved_on
    approval.reference = reference.strip()
    approval.approving_body = approving_body.strip()
    approval.expires_on = expires_on
    approval.recorded_by = by
    approval.full_clean()
    if approval.pk:
        approval.save(
            update_fields=[
                "approved_on",
                "reference",
                "approving_body",
                "expires_on",
                "recorded_by",
                "recorded_at",
            ]
        )
    else:
        approval.save()
    return approval
