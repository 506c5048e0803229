"""Writes for the lifecycle. Views, commands and tests call these; never `.save()` themselves.

Every transition service runs in one database transaction: it checks the transition against
`get_available_user_stage_transitions(user)`, calls the transition method (in memory), saves the
stage, writes the history row (and the gate review for `advance` / `close`) and schedules the
"entered stage" follow-ups with `transaction.on_commit`."""

import datetime
import smtplib
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from chtprograms.models import Program
from personas.models import DigestFrequency, Profile
from personas.selectors import muted_program_ids, team_list
from personas.services import profile_get, profiles_ensure

from . import gates, hooks, reminders
from .digest import digest_message
from .models import (
    TRANSITION_METHODS,
    ActivityTemplate,
    DigestDispatch,
    DispatchStatus,
    EthicsApproval,
    GateReview,
    Lifecycle,
    Notification,
    StageActivity,
    StagePlan,
    StageTransition,
)
from .stages import (
    WORK_STAGES,
    Decision,
    Stage,
    TransitionName,
    earlier_stages,
)

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

#: Digests go out from this local hour on (about 08:00 where the person is).
DIGEST_HOUR = 8
#: People per batch of the reminder scan (its queries do not grow with the batch).
DIGEST_BATCH_SIZE = 200

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


# --- creation ---------------------------------------------------------------------------------


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


@transaction.atomic
def lifecycle_create(*, program: Program) -> Lifecycle:
    """Start a new program at initiation: its lifecycle, stage plan and activities.

    Activities come from the active templates for the program's type; each is due at the
    planned end of its stage and assigned to the team member holding its suggested role, if any.
    """
    lifecycle = Lifecycle(program=program)
    # The stage is protected (set only by transitions): clean_fields() would reassign it.
    lifecycle.full_clean(exclude=["stage"])
    lifecycle.save()
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


# --- transitions ------------------------------------------------------------------------------


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
) -> StageTransition:
    note = (note or "").strip()
    waive = frozenset(waive)
    with transaction.atomic():
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
            TRANSITION_METHODS[name](lifecycle, **kwargs)
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
            at=timezone.now(),
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
) -> StageTransition:
    """Go to the next stage: the gate is met, or its unmet criteria are waived with a reason."""
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.ADVANCE,
        expected_stage=expected_stage,
        note=note,
        waive=waive,
    )


def lifecycle_close(
    *,
    lifecycle: Lifecycle,
    by,
    note: str = "",
    waive: Iterable[str] = (),
    expected_stage: str | None = None,
) -> StageTransition:
    """Closeout → closed, through the closeout gate."""
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.CLOSE,
        expected_stage=expected_stage,
        note=note,
        waive=waive,
    )


def lifecycle_send_back(
    *, lifecycle: Lifecycle, by, to: str, note: str, expected_stage: str | None = None
) -> StageTransition:
    """Return to an earlier stage, with a reason (e.g. support → building for enhancements)."""
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.SEND_BACK,
        expected_stage=expected_stage,
        note=note,
        to=to,
    )


def lifecycle_hold(
    *, lifecycle: Lifecycle, by, note: str, expected_stage: str | None = None
) -> StageTransition:
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.HOLD,
        expected_stage=expected_stage,
        note=note,
    )


def lifecycle_resume(
    *, lifecycle: Lifecycle, by, note: str = "", expected_stage: str | None = None
) -> StageTransition:
    """Back to the stage the program was put on hold from."""
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.RESUME,
        expected_stage=expected_stage,
        note=note,
    )


def lifecycle_cancel(
    *, lifecycle: Lifecycle, by, note: str, expected_stage: str | None = None
) -> StageTransition:
    """Stop the program for good, with a reason. Allowed from any state but closed."""
    return _transition(
        lifecycle=lifecycle,
        by=by,
        name=TransitionName.CANCEL,
        expected_stage=expected_stage,
        note=note,
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


# --- activities -------------------------------------------------------------------------------


def activity_update(
    *,
    activity: StageActivity,
    by,
    status: str,
    evidence_note: str = "",
    evidence_url: str = "",
) -> StageActivity:
    """Record progress on an activity; done needs evidence, not applicable needs a reason."""
    previous = activity.status
    activity.status = status
    activity.evidence_note = (evidence_note or "").strip()
    activity.evidence_url = evidence_url or ""
    if activity.is_finished:
        if status != previous or activity.completed_at is None:
            activity.completed_by = by
            activity.completed_at = timezone.now()
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


# --- stage plan and ethics approval -----------------------------------------------------------


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


# === reminders: claim digests, store their items, send them, read them ========================


class DigestNotSent(Exception):
    """The SMTP server did not take the digest (the task retries)."""


@dataclass
class DigestRun:
    """What one run of `digests_send_due` did."""

    due: int = 0  # people whose digest time had come and who had none yet for the period
    claimed: int = 0  # digests claimed by this run, to be sent
    skipped: int = 0  # claimed with nothing to send (nothing due, or no e-mail address)
    dispatch_ids: list[int] = field(default_factory=list)


def digest_period(*, frequency: str, local_now: datetime.datetime) -> datetime.date | None:
    """The period whose digest is due at `local_now` (the person's local time), or None.

    Daily: today, from DIGEST_HOUR on (a run missed at 08:00 is caught up later that day).
    Weekly: Monday, from DIGEST_HOUR on. Off: never."""
    if local_now.hour < DIGEST_HOUR or frequency == DigestFrequency.OFF:
        return None
    today = local_now.date()
    if frequency == DigestFrequency.WEEKLY and today.weekday() != 0:
        return None
    return today


def _chunks(rows: list, size: int):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def digests_send_due(
    *, now: datetime.datetime | None = None, batch_size: int = DIGEST_BATCH_SIZE
) -> DigestRun:
    """Claim and prepare the digests that are due now, in batches of people; each claimed
    digest with something to say and an address is sent by `send_digest` after commit.

    Idempotent: a digest already claimed for a (person, period) is never claimed again, by this
    run, a second beat or another worker. The database, not the broker, holds what is due."""
    now = now or timezone.now()
    run = DigestRun()
    for batch in _chunks(list(reminders.digest_candidates()), batch_size):
        _digest_batch(batch, now=now, run=run)
    return run


@transaction.atomic
def _digest_batch(batch, *, now: datetime.datetime, run: DigestRun) -> None:
    emails = {user_id: email for user_id, email, _staff in batch}
    staff = {user_id for user_id, _email, is_staff in batch if is_staff}
    profiles = profiles_ensure(user_ids=list(emails))
    due: dict[int, tuple[datetime.date, Profile]] = {}
    for user_id, profile in profiles.items():
        local_now = now.astimezone(zoneinfo.ZoneInfo(profile.time_zone))
        period = digest_period(frequency=profile.digest_frequency, local_now=local_now)
        if period is not None:
            due[user_id] = (period, profile)
    if not due:
        return
    taken = set(
        DigestDispatch.objects.filter(
            person_id__in=list(due), period__in={period for period, _p in due.values()}
        ).values_list("person_id", "period")
    )
    due = {uid: value for uid, value in due.items() if (uid, value[0]) not in taken}
    if not due:
        return
    run.due += len(due)
    muted = muted_program_ids(profile_ids=[profile.pk for _period, profile in due.values()])
    items = reminders.scan(
        [
            reminders.Recipient(
                user_id=uid,
                today=period,
                days_ahead=profile.days_ahead,
                is_staff=uid in staff,
                muted=frozenset(muted.get(profile.pk, ())),
            )
            for uid, (period, profile) in due.items()
        ]
    )
    # Claim: insert one row per (person, period); a row someone else inserted first is left
    # alone (ON CONFLICT DO NOTHING), and the token tells which rows are this run's.
    token = uuid.uuid4()
    rows = []
    for uid, (period, profile) in sorted(due.items()):  # one order: no deadlock between runs
        found = items.get(uid, [])
        reason = "" if found else _("Nothing to remind.")
        if found and not emails[uid]:
            reason = _("No e-mail address: the reminders are under the bell only.")
        rows.append(
            DigestDispatch(
                person_id=uid,
                period=period,
                frequency=profile.digest_frequency,
                status=DispatchStatus.SKIPPED if reason else DispatchStatus.CLAIMED,
                error=reason,
                item_count=len(found),
                claim_token=token,
                claimed_at=now,
            )
        )
    DigestDispatch.objects.bulk_create(rows, ignore_conflicts=True)
    claimed = list(
        DigestDispatch.objects.filter(claim_token=token).only("pk", "person_id", "status")
    )
    Notification.objects.bulk_create(
        Notification(
            person_id=dispatch.person_id,
            program_id=item.program_id,
            dispatch_id=dispatch.pk,
            kind=item.kind,
            subject=item.subject[:300],
            due_on=item.due_on,
            url=item.url,
            position=position,
            created_at=now,
        )
        for dispatch in claimed
        for position, item in enumerate(items.get(dispatch.person_id, []))
    )
    to_send = [d.pk for d in claimed if d.status == DispatchStatus.CLAIMED]
    run.claimed += len(to_send)
    run.skipped += len(claimed) - len(to_send)
    run.dispatch_ids += to_send
    for dispatch_id in to_send:
        transaction.on_commit(partial(_enqueue_digest, dispatch_id))


def _enqueue_digest(dispatch_id: int) -> None:
    from .tasks import send_digest

    send_digest.delay(dispatch_id)


def digest_deliver(*, dispatch_id: int, final_attempt: bool = False) -> str:
    """Send one claimed digest. Returns "sent", or why nothing was sent ("not_claimed": already
    sent, being sent by another worker, or failed). Raises DigestNotSent when the SMTP server
    refuses or cannot be reached: the digest is claimed again for the retry, or marked failed
    when this was the last attempt.

    Exactly once: the row is locked (`select_for_update(skip_locked=True)`) and moved from
    claimed to sending before the SMTP conversation, so no second worker can pick it up; a
    worker killed after that leaves it "sending" (visible in the admin) rather than risk a
    second e-mail."""
    with transaction.atomic():
        dispatch = (
            DigestDispatch.objects.select_for_update(skip_locked=True)
            .filter(pk=dispatch_id, status=DispatchStatus.CLAIMED)
            .select_related("person")
            .first()
        )
        if dispatch is None:
            return "not_claimed"
        dispatch.status = DispatchStatus.SENDING
        dispatch.attempts += 1
        dispatch.save(update_fields=["status", "attempts", "updated_at"])
    person = dispatch.person
    notifications = dispatch.notifications.select_related("program").order_by("position", "id")
    try:
        message = digest_message(
            dispatch=dispatch,
            notifications=notifications,
            profile=profile_get(user=person),
            user=person,
        )
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        dispatch.status = DispatchStatus.FAILED if final_attempt else DispatchStatus.CLAIMED
        dispatch.error = f"{type(error).__name__}: {error}"[:2000]
        dispatch.save(update_fields=["status", "error", "updated_at"])
        raise DigestNotSent(dispatch.error) from error
    except Exception as error:  # a bug, not the network: no retry, visible in the admin
        dispatch.status = DispatchStatus.FAILED
        dispatch.error = f"{type(error).__name__}: {error}"[:2000]
        dispatch.save(update_fields=["status", "error", "updated_at"])
        raise
    dispatch.status = DispatchStatus.SENT
    dispatch.sent_at = timezone.now()
    dispatch.error = ""
    dispatch.save(update_fields=["status", "sent_at", "error", "updated_at"])
    return "sent"


def digest_resend(*, dispatch: DigestDispatch) -> DigestDispatch:
    """Admin: send a failed (or stuck) digest again."""
    if dispatch.status not in (DispatchStatus.FAILED, DispatchStatus.SENDING):
        raise ValidationError(_("Only a failed or stuck digest can be sent again."))
    dispatch.status = DispatchStatus.CLAIMED
    dispatch.save(update_fields=["status", "updated_at"])
    transaction.on_commit(partial(_enqueue_digest, dispatch.pk))
    return dispatch


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, person) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.filter(person=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )
