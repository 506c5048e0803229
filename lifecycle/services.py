"""Writes for the lifecycle: creating it, and the decisions that move a program between stages.
Views, commands and tests call these; never `.save()` themselves. The work recorded inside a
stage (activities, the stage plan, the ethics approval) is written by `lifecycle.activity_services`.

Every transition service runs in one database transaction: it checks the transition against
`get_available_user_stage_transitions(user)`, calls the transition method (in memory), saves the
stage, writes the history row (and the gate review for `advance` / `close`) and schedules the
"entered stage" follow-ups with `transaction.on_commit`.

An import (or the demo) that writes a program's past passes `at`, the time a step happened:
not in the future and not before the step it follows. People's decisions never pass it, so the
history users write is stamped when they write it."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from chtprograms.models import Program
from lifecycle import gates, hooks
from lifecycle.models import (
    TRANSITION_METHODS,
    ActivityTemplate,
    GateReview,
    Lifecycle,
    StageActivity,
    StagePlan,
    StageTransition,
)
from lifecycle.stages import WORK_STAGES, Decision, Stage, TransitionName, earlier_stages
from personas.selectors import team_list

#: Share of the program's planned duration given to each stage in a new stage plan.
STAGE_WEIGHTS = {
    Stage.INITIATION: 1,
    Stage.PLANNING: 2,
    Stage.DESIGN: 2,
    Stage.BUILDING: 3,
    Stage.HOSTING: 1,
    Stage.IMPLEMENTATION: 2,
    Stage.SUPPORT: 8,
    Stage.CLOSEOUT: 1,
}


#: The lifecycle fields the transition methods change.
STATE_FIELDS = ("stage", "held_from", "held_since", "last_stage", "stage_entered_at")


#: Transitions that leave a stage through its gate (and so record a gate review).
GATED = frozenset({TransitionName.ADVANCE, TransitionName.CLOSE})


#: Transitions that need a written reason.
NEEDS_REASON = frozenset({TransitionName.SEND_BACK, TransitionName.HOLD, TransitionName.CANCEL})


class TransitionRefused(ValidationError):
    """The transition does not exist from the program's current stage."""


class GateNotMet(TransitionRefused):
    """The gate has unmet criteria that are not waived (or cannot be)."""

    def __init__(self, message, *, blocking: list[gates.Result]):
        super().__init__(message, code="gate_not_met")
        self.blocking = blocking


def stage_plan_dates(
    start: datetime.date, end: datetime.date
) -> list[tuple[str, datetime.date, datetime.date]]:
    """Split the program's planned span over the eight stages, in proportion to STAGE_WEIGHTS.

    Consecutive stages do not overlap; a span shorter than eight days gives one-day stages."""
    total_days = max((end - start).days + 1, 1)
    total_weight = sum(STAGE_WEIGHTS.values())
    plans = []
    cumulative = 0
    stage_start = start
    for stage in WORK_STAGES:
        cumulative += STAGE_WEIGHTS[stage]
        boundary = start + datetime.timedelta(days=round(total_days * cumulative / total_weight))
        stage_end = max(boundary - datetime.timedelta(days=1), stage_start)
        if stage == WORK_STAGES[-1]:
            stage_end = max(end, stage_start)
        plans.append((stage, stage_start, stage_end))
        stage_start = stage_end + datetime.timedelta(days=1)
    return plans


def _checked_past(at: datetime.datetime | None, *, after: datetime.datetime | None = None):
    """`at`, the time a past event happened (imports and the demo pass it; people never do):
    not in the future, and not before the event it follows, so that the history stays in order."""
    if at is None:
        return None
    if timezone.is_naive(at):
        raise ValueError("Give the time of a past event with its time zone.")
    if at > timezone.now():
        raise ValueError("A past event cannot happen in the future.")
    if after is not None and at < after:
        raise ValueError("A past event cannot come before the one it follows.")
    return at


@transaction.atomic
def lifecycle_create(*, program: Program, at: datetime.datetime | None = None) -> Lifecycle:
    """Start a new program at initiation: its lifecycle, stage plan and activities.

    Activities come from the active templates for the program's type; each is due at the
    planned end of its stage and assigned to the team member holding its suggested role, if any.
    `at`, for a program imported with its past (or the demo's), is when it started.
    """
    at = _checked_past(at)
    lifecycle = Lifecycle(program=program)
    if at is not None:
        lifecycle.stage_entered_at = at
    # The stage is protected (set only by transitions): clean_fields() would reassign it.
    lifecycle.full_clean(exclude=["stage"])
    lifecycle.save()
    if at is not None:  # `created_at` is set on insert; a past start is written after it
        Lifecycle.objects.filter(pk=lifecycle.pk).update(created_at=at)
        lifecycle.created_at = at
    plans = StagePlan.objects.bulk_create(
        StagePlan(lifecycle=lifecycle, stage=stage, planned_start=start, planned_end=end)
        for stage, start, end in stage_plan_dates(program.planned_start, program.planned_end)
    )
    due = {plan.stage: plan.planned_end for plan in plans}
    holders: dict[str, object] = {}
    for membership in team_list(program=program):
        holders.setdefault(membership.role, membership.user)
    templates = [
        template
        for template in ActivityTemplate.objects.filter(active=True).order_by("position", "id")
        if template.applies_to(program.program_type)
    ]
    StageActivity.objects.bulk_create(
        StageActivity(
            program=program,
            template=template,
            stage=template.stage,
            title=template.title,
            description=template.description,
            required=template.required,
            role=template.role,
            assignee=holders.get(template.role),
            due_on=due[template.stage],
            position=position,
        )
        for position, template in enumerate(templates, start=1)
    )
    return lifecycle


def _criteria_list(results: Iterable[gates.Result]) -> list[dict[str, str]]:
    return [{"id": result.id, "label": result.label, "detail": result.detail} for result in results]


def _gate_not_met(lifecycle: Lifecycle, blocking: list[gates.Result]) -> GateNotMet:
    names = "; ".join(
        result.label + ("" if result.waivable else " " + _("(cannot be waived)"))
        for result in blocking
    )
    return GateNotMet(
        _(
            "The %(stage)s gate is not met: %(criteria)s. "
            "Complete them, or waive them with a reason."
        )
        % {"stage": Stage(lifecycle.stage).label, "criteria": names},
        blocking=blocking,
    )


def _refuse(lifecycle: Lifecycle, by, name: str) -> None:
    """Say why `name` is not among the user's available transitions (and raise)."""
    from_here = {
        transition.name: transition
        for transition in lifecycle.get_all_stage_transitions()
        if transition.source == lifecycle.stage
    }
    transition = from_here.get(name)
    if transition is None:
        raise TransitionRefused(
            _("A program in the “%(stage)s” state cannot do “%(transition)s”.")
            % {"stage": Stage(lifecycle.stage).label, "transition": TransitionName(name).label},
            code="not_from_here",
        )
    if not transition.has_perm(lifecycle, by):
        raise PermissionDenied(_("Only the program head can make this decision."))
    if name in GATED:
        results = gates.evaluate(lifecycle, lifecycle.stage, context=lifecycle.gate_context)
        raise _gate_not_met(lifecycle, gates.blocking(results, lifecycle.waived_criteria))
    raise TransitionRefused(
        _("“%(transition)s” is not possible now.") % {"transition": TransitionName(name).label},
        code="condition",
    )


def _run_transition(
    *,
    lifecycle: Lifecycle,
    by,
    name: str,
    expected_stage: str | None,
    note: str = "",
    waive: Iterable[str] = (),
    to: str | None = None,
    at: datetime.datetime | None = None,
) -> StageTransition:
    note = (note or "").strip()
    waive = frozenset(waive)
    with transaction.atomic():
        if at is not None:
            last = lifecycle.history.order_by("-at", "-id").values_list("at", flat=True).first()
            at = _checked_past(at, after=last or lifecycle.created_at)
        if expected_stage is not None and lifecycle.stage != expected_stage:
            raise ConcurrentTransition("The stage changed since the page was loaded.")
        lifecycle.waived_criteria = waive
        lifecycle.gate_context = gates.GateContext(lifecycle)
        try:
            available = {t.name for t in lifecycle.get_available_user_stage_transitions(by)}
            if name not in available:
                _refuse(lifecycle, by, name)
            results = (
                gates.evaluate(lifecycle, context=lifecycle.gate_context) if name in GATED else []
            )
            unmet = gates.unmet(results)
            waived = [result for result in unmet if result.id in waive]
            if name in NEEDS_REASON and not note:
                raise ValidationError({"note": _("Give the reason for this decision.")})
            if waived and not note:
                raise ValidationError(
                    {"note": _("Give the reason for waiving the unmet criteria.")},
                    code="no_reason",
                )
            if name == TransitionName.SEND_BACK and to not in earlier_stages(lifecycle.stage):
                raise ValidationError({"to": _("Choose a stage before the current one.")})
            source = lifecycle.stage
            kwargs = {"to": to} if name == TransitionName.SEND_BACK else {}
            # The method re-checks the conditions (with the same waiver and facts) and changes
            # the fields in memory; save() refuses if the stored stage moved meanwhile.
            entered_at = lifecycle.stage_entered_at
            TRANSITION_METHODS[name](lifecycle, **kwargs)
            if at is not None:  # the methods stamp the time they run: a past event's instead
                if lifecycle.stage_entered_at != entered_at:
                    lifecycle.stage_entered_at = at
                if lifecycle.held_since is not None and name == TransitionName.HOLD:
                    lifecycle.held_since = at
        finally:
            lifecycle.waived_criteria = frozenset()
            lifecycle.gate_context = None
        lifecycle.save(update_fields=list(STATE_FIELDS))
        row = StageTransition(
            lifecycle=lifecycle,
            transition=name,
            source=source,
            target=lifecycle.stage,
            by=by,
            at=at or timezone.now(),
            note=note,
            waived_criteria=[{"id": result.id, "label": result.label} for result in waived],
        )
        row.full_clean()
        row.save()
        if name in GATED:
            review = GateReview(
                lifecycle=lifecycle,
                stage=source,
                decision=Decision.WAIVE if waived else Decision.GO,
                reviewer=by,
                decided_at=row.at,
                note=note,
                unmet_criteria=_criteria_list(unmet),
                waived_criteria=_criteria_list(waived),
                transition=row,
            )
            review.full_clean()
            review.save()
        hooks.stage_entered(
            program_id=lifecycle.program_id,
            stage=lifecycle.stage,
            transition_id=row.pk,
            transition=name,
        )
    return row


def _transition(**kwargs) -> StageTransition:
    """Run a transition. When it fails after touching the lifecycle in memory (or because
    someone else changed it), reload the lifecycle so that it shows what the database holds."""
    lifecycle = kwargs["lifecycle"]
    before = [getattr(lifecycle, field) for field in STATE_FIELDS]
    try:
        return _run_transition(**kwargs)
    except Exception as error:
        changed = before != [getattr(lifecycle, field) for field in STATE_FIELDS]
        if changed or isinstance(error, ConcurrentTransition):
            program = lifecycle.program
            lifecycle.refresh_from_db()
            lifecycle.program = program
        raise


def lifecycle_advance(
    *,
    lifecycle: Lifecycle,
    by,
    note: str = "",
    waive: Iterable[str] = (),
    expected_stage: str | None = None,
    at: datetime.datetime | None = None,
) -> StageTransition:
    """Go to the next stage: the gate is met, or its unmet criteria are waived with a reason."""
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.ADVANCE,
        expected_stage=expected_stage,
        note=note,
        waive=waive,
        at=at,
    )


def lifecycle_close(
    *,
    lifecycle: Lifecycle,
    by,
    note: str = "",
    waive: Iterable[str] = (),
    expected_stage: str | None = None,
    at: datetime.datetime | None = None,
) -> StageTransition:
    """Closeout → closed, through the closeout gate."""
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.CLOSE,
        expected_stage=expected_stage,
        note=note,
        waive=waive,
        at=at,
    )


def lifecycle_send_back(
    *,
    lifecycle: Lifecycle,
    by,
    to: str,
    note: str,
    expected_stage: str | None = None,
    at: datetime.datetime | None = None,
) -> StageTransition:
    """Return to an earlier stage, with a reason (e.g. support → building for enhancements)."""
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.SEND_BACK,
        expected_stage=expected_stage,
        note=note,
        to=to,
        at=at,
    )


def lifecycle_hold(
    *,
    lifecycle: Lifecycle,
    by,
    note: str,
    expected_stage: str | None = None,
    at: datetime.datetime | None = None,
) -> StageTransition:
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.HOLD,
        expected_stage=expected_stage,
        note=note,
        at=at,
    )


def lifecycle_resume(
    *,
    lifecycle: Lifecycle,
    by,
    note: str = "",
    expected_stage: str | None = None,
    at: datetime.datetime | None = None,
) -> StageTransition:
    """Back to the stage the program was put on hold from."""
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.RESUME,
        expected_stage=expected_stage,
        note=note,
        at=at,
    )


def lifecycle_cancel(
    *,
    lifecycle: Lifecycle,
    by,
    note: str,
    expected_stage: str | None = None,
    at: datetime.datetime | None = None,
) -> StageTransition:
    """Stop the program for good, with a reason. Allowed from any state but closed."""
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.CANCEL,
        expected_stage=expected_stage,
        note=note,
        at=at,
    )


@transaction.atomic
def gate_review_stay(
    *, lifecycle: Lifecycle, by, note: str = "", expected_stage: str | None = None
) -> GateReview:
    """The head reviews the gate and decides the program stays in its stage (no-go)."""
    if expected_stage is not None and lifecycle.stage != expected_stage:
        raise ConcurrentTransition("The stage changed since the page was loaded.")
    if not by.has_perm("lifecycle.decide_gate", lifecycle.program):
        raise PermissionDenied(_("Only the program head can make this decision."))
    if lifecycle.stage not in WORK_STAGES:
        raise TransitionRefused(
            _("There is no gate to review while the program is “%(stage)s”.")
            % {"stage": Stage(lifecycle.stage).label},
            code="no_gate",
        )
    results = gates.evaluate(lifecycle)
    review = GateReview(
        lifecycle=lifecycle,
        stage=lifecycle.stage,
        decision=Decision.NO_GO,
        reviewer=by,
        decided_at=timezone.now(),
        note=(note or "").strip(),
        unmet_criteria=_criteria_list(gates.unmet(results)),
    )
    review.full_clean()
    review.save()
    return review
