"""Reads for one program's lifecycle: its page, stage rail, gate, plan and history. The program
passed in is one the user may see (`program_for`). Reads over many programs at once (the
portfolio's) are in `lifecycle.portfolio_selectors`."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from chtprograms.models import Program, ProgramType
from core.selectors import get_or_404
from lifecycle import gates
from lifecycle.models import (
    EthicsApproval,
    GateReview,
    Lifecycle,
    StageActivity,
    StagePlan,
    StageTransition,
)
from lifecycle.stages import (
    FINISHED_STATUSES,
    WORK_STAGES,
    Decision,
    Stage,
    TransitionName,
    earlier_stages,
    next_stage,
    stage_index,
)
from personas.models import PersonaRole
from personas.selectors import current_memberships, team_list

#: Transitions that take a program out of the working stage it is in.
LEAVES_STAGE = frozenset(
    {
        TransitionName.ADVANCE,
        TransitionName.SEND_BACK,
        TransitionName.CLOSE,
        TransitionName.CANCEL,
    }
)


def lifecycle_get(*, program: Program) -> Lifecycle:
    """The program's lifecycle (already loaded when the program came from `program_get`)."""
    try:
        return program.lifecycle
    except Lifecycle.DoesNotExist:
        raise Http404("This program has no lifecycle.") from None


def stage_activities(*, program: Program, stage: str) -> QuerySet[StageActivity]:
    return (
        program.stage_activities.filter(stage=stage)
        .select_related("assignee", "completed_by")
        .order_by("position", "id")
    )


def activity_list(*, program: Program) -> QuerySet[StageActivity]:
    """Every activity of the program, all stages (the API's list: it filters and sorts it)."""
    return program.stage_activities.select_related("assignee", "completed_by").order_by(
        "position", "id"
    )


# --- which activities are current: ONE rule for reminders, the bell and the portfolio -------
# An activity counts only in the stage the program is in: it is overdue when it belongs to the
# program's current stage, is not finished (done, or not applicable) and its due date is past.
# Activities of stages the program has left, or of stages still ahead, are never overdue; the
# next stage's are worth a reminder only when they fall due within the reader's horizon.


def current_stage_activities(
    queryset: QuerySet[StageActivity] | None = None,
) -> QuerySet[StageActivity]:
    """The unfinished activities of each program's current stage (a working stage: a program on
    hold, closed or cancelled has none)."""
    queryset = StageActivity.objects.all() if queryset is None else queryset
    return queryset.filter(stage=F("program__lifecycle__stage")).exclude(
        status__in=FINISHED_STATUSES
    )


def overdue_activities(
    queryset: QuerySet[StageActivity] | None = None, *, today: datetime.date
) -> QuerySet[StageActivity]:
    """Overdue: in the program's current stage, not finished, due before `today`."""
    return current_stage_activities(queryset).filter(due_on__lt=today)


def _next_stage_of_current() -> Q:
    """Activities of the stage after each program's current one (SQL: one OR per stage)."""
    condition = Q()
    for stage in WORK_STAGES:
        following = next_stage(stage)
        if following is not None:
            condition |= Q(program__lifecycle__stage=stage, stage=following)
    return condition


def relevant_activities(
    queryset: QuerySet[StageActivity] | None = None,
    *,
    today: datetime.date,
    horizon: datetime.date,
) -> QuerySet[StageActivity]:
    """The activities worth reminding of on `today`, looking ahead to `horizon`: unfinished,
    dated, and either in the program's current stage and due by `horizon` (overdue included), or
    in the next stage and due between `today` and `horizon`. Never a stage the program has left,
    never one further ahead (a program in planning hears nothing of its closeout)."""
    queryset = StageActivity.objects.all() if queryset is None else queryset
    current = Q(stage=F("program__lifecycle__stage"), due_on__lte=horizon)
    upcoming = _next_stage_of_current() & Q(due_on__gte=today, due_on__lte=horizon)
    return (
        queryset.exclude(status__in=FINISHED_STATUSES)
        .filter(due_on__isnull=False)
        .filter(current | upcoming)
    )


def activity_get(*, program: Program, pk: int) -> StageActivity:
    activities = program.stage_activities.select_related("assignee", "completed_by")
    return get_or_404(activities, "No such activity.", pk=pk)


def ethics_approval_get(*, program: Program) -> EthicsApproval | None:
    return EthicsApproval.objects.filter(program=program).first()


def team_users(*, program: Program) -> list:
    """The people on the team (each once), to assign activities to."""
    users = {}
    for membership in team_list(program=program):
        users.setdefault(membership.user_id, membership.user)
    return sorted(users.values(), key=lambda user: (user.first_name, user.username))


def history_list(*, lifecycle: Lifecycle) -> QuerySet[StageTransition]:
    """Every transition of the program, oldest first."""
    return lifecycle.history.select_related("by").order_by("at", "id")


def stage_plans(*, lifecycle: Lifecycle) -> dict[str, StagePlan]:
    return {plan.stage: plan for plan in lifecycle.plans.all()}


@dataclass(frozen=True)
class RailStep:
    stage: str
    label: str
    number: int
    state: str  # "done", "current" or "upcoming"


@dataclass(frozen=True)
class Rail:
    steps: list[RailStep]
    stage: str  # the lifecycle's state (may be on_hold, closed, cancelled)
    stage_label: str
    working_stage: str  # the working stage it is in, or was in when held or stopped
    days_in_stage: int | None
    held_since: datetime.datetime | None

    @property
    def working_stage_label(self) -> str:
        return str(Stage(self.working_stage).label)

    @property
    def is_on_hold(self) -> bool:
        return self.stage == Stage.ON_HOLD

    @property
    def is_cancelled(self) -> bool:
        return self.stage == Stage.CANCELLED

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED


def days_in_stage(
    *, lifecycle: Lifecycle, today: datetime.date | None = None, zone=None
) -> int | None:
    """Days since the program entered its working stage (on hold too); None once stopped.
    `zone` (the current time zone by default) lets a caller of many rows look it up once."""
    if lifecycle.stage not in (*WORK_STAGES, Stage.ON_HOLD):
        return None
    today = today or timezone.localdate()
    zone = zone or timezone.get_current_timezone()
    return (today - lifecycle.stage_entered_at.astimezone(zone).date()).days


def stage_rail(*, lifecycle: Lifecycle, today: datetime.date | None = None) -> Rail:
    today = today or timezone.localdate()
    current = stage_index(lifecycle.last_stage)
    steps = []
    for number, stage in enumerate(WORK_STAGES, start=1):
        index = number - 1
        if lifecycle.stage == Stage.CLOSED or index < current:
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "upcoming"
        steps.append(
            RailStep(stage=stage, label=str(Stage(stage).label), number=number, state=state)
        )
    return Rail(
        steps=steps,
        stage=lifecycle.stage,
        stage_label=str(Stage(lifecycle.stage).label),
        working_stage=lifecycle.last_stage,
        days_in_stage=days_in_stage(lifecycle=lifecycle, today=today),
        held_since=lifecycle.held_since,
    )


@dataclass(frozen=True)
class Gate:
    stage: str
    stage_label: str
    results: list[gates.Result]
    exit_transition: str  # advance or close
    next_stage_label: str

    @property
    def met_count(self) -> int:
        return sum(1 for result in self.results if result.met)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def is_met(self) -> bool:
        return self.met_count == self.total

    @property
    def unmet(self) -> list[gates.Result]:
        return gates.unmet(self.results)

    @property
    def waivable(self) -> list[gates.Result]:
        return [result for result in self.unmet if result.waivable]

    @property
    def blocking(self) -> list[gates.Result]:
        """Unmet criteria that cannot be waived: the gate cannot be passed until they are met."""
        return [result for result in self.unmet if not result.waivable]


def gate_get(*, lifecycle: Lifecycle, context: gates.GateContext | None = None) -> Gate | None:
    """The gate of the stage the program is in (or was put on hold from); None when stopped."""
    stage = gates.gate_stage(lifecycle)
    if stage is None:
        return None
    following = next_stage(stage)
    return Gate(
        stage=stage,
        stage_label=str(Stage(stage).label),
        results=gates.evaluate(lifecycle, stage, context=context),
        exit_transition=TransitionName.CLOSE if following is None else TransitionName.ADVANCE,
        next_stage_label=str(Stage(following or Stage.CLOSED).label),
    )


def decisions_for(*, lifecycle: Lifecycle, user) -> set[str]:
    """The decisions the user may take now (gate conditions aside: the gate panel shows them).

    Transition names, plus "stay" (a no-go review) while the program is in a working stage."""
    allowed = {
        transition.name
        for transition in lifecycle.get_all_stage_transitions()
        if transition.source == lifecycle.stage and transition.has_perm(lifecycle, user)
    }
    if lifecycle.stage in WORK_STAGES and user.has_perm("lifecycle.decide_gate", lifecycle.program):
        allowed.add("stay")
    return allowed


@dataclass
class PlanRow:
    stage: str
    label: str
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    actual_start: datetime.date | None = None
    actual_end: datetime.date | None = None
    days: int | None = None
    slippage: int | None = None  # days late (positive) or early (negative) against planned end
    is_current: bool = False
    intervals: list[tuple[datetime.date, datetime.date | None]] = field(default_factory=list)


def stage_intervals(lifecycle: Lifecycle, history: list[StageTransition]):
    """(stage → [(entered, left or None)]) from the history. A hold does not leave a stage."""
    intervals: dict[str, list[list]] = defaultdict(list)
    open_stage = Stage.INITIATION
    intervals[open_stage].append([lifecycle.created_at, None])
    for row in history:
        if row.transition not in LEAVES_STAGE:
            continue
        if open_stage is not None:
            intervals[open_stage][-1][1] = row.at
        open_stage = row.target if row.target in WORK_STAGES else None
        if open_stage is not None:
            intervals[open_stage].append([row.at, None])
    return intervals, open_stage


def left_stage_days(created_at: datetime.datetime, history, zone) -> dict[str, int]:
    """Days spent in each working stage the program has left, its visits added up (the days
    between the local dates of entering and leaving, as on the lifecycle page), from its
    history rows in order (each with `transition`, `target` and `at`). The stage it is in
    now is left out, even if it was visited before."""
    intervals, open_stage = stage_intervals(SimpleNamespace(created_at=created_at), history)
    return {
        stage: sum((end.astimezone(zone).date() - start.astimezone(zone).date()).days
                   for start, end in spans)
        for stage, spans in intervals.items()
        if stage != open_stage
    }  # fmt: skip


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def plan_rows(
    *,
    lifecycle: Lifecycle,
    plans: dict[str, StagePlan],
    history: list[StageTransition],
    today: datetime.date | None = None,
) -> list[PlanRow]:
    today = today or timezone.localdate()
    intervals, open_stage = stage_intervals(lifecycle, history)
    rows = []
    for stage in WORK_STAGES:
        plan = plans.get(stage)
        row = PlanRow(
            stage=stage,
            label=str(Stage(stage).label),
            planned_start=plan.planned_start if plan else None,
            planned_end=plan.planned_end if plan else None,
            is_current=stage == open_stage,
        )
        spans = [(_local_date(start), _local_date(end)) for start, end in intervals.get(stage, [])]
        row.intervals = spans
        if spans:
            row.actual_start = spans[0][0]
            row.actual_end = None if row.is_current else spans[-1][1]
            row.days = sum(((end or today) - start).days for start, end in spans)
            if row.planned_end:
                if row.actual_end:
                    row.slippage = (row.actual_end - row.planned_end).days
                elif row.is_current and today > row.planned_end:
                    row.slippage = (today - row.planned_end).days
        rows.append(row)
    return rows


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str  # a transition name, or "no_go"
    title: str
    by: object
    note: str
    waived: list[dict]
    source: str = ""
    target: str = ""


def timeline(
    *, history: list[StageTransition], reviews: list[GateReview], newest_first: bool = True
) -> list[TimelineEntry]:
    """Transitions and "stay" gate reviews, in time order."""
    entries = [
        TimelineEntry(
            at=row.at,
            kind=row.transition,
            title=str(TransitionName(row.transition).label),
            by=row.by,
            note=row.note,
            waived=row.waived_criteria,
            source=str(Stage(row.source).label),
            target=str(Stage(row.target).label),
        )
        for row in history
    ]
    entries += [
        TimelineEntry(
            at=review.decided_at,
            kind="no_go",
            title=str(Decision.NO_GO.label),
            by=review.reviewer,
            note=review.note,
            waived=[],
            source=str(Stage(review.stage).label),
        )
        for review in reviews
    ]
    entries.sort(key=lambda entry: entry.at, reverse=newest_first)
    return entries


def no_go_reviews(*, lifecycle: Lifecycle) -> QuerySet[GateReview]:
    return lifecycle.gate_reviews.filter(decision=Decision.NO_GO).select_related("reviewer")


@dataclass
class LifecyclePage:
    lifecycle: Lifecycle
    rail: Rail
    shown_stage: str
    activities: list[StageActivity]
    gate: Gate | None
    decisions: set[str]
    send_back_choices: list[tuple[str, str]]
    plan: list[PlanRow]
    timeline: list[TimelineEntry]
    ethics_approval: EthicsApproval | None
    show_ethics: bool
    can_plan: bool
    team: list

    @property
    def shown_label(self) -> str:
        return str(Stage(self.shown_stage).label)


def lifecycle_page(
    *, program: Program, user, stage: str | None = None, timeline_limit: int = 8
) -> LifecyclePage:
    """Everything the lifecycle page shows, in a fixed number of queries."""
    lifecycle = lifecycle_get(program=program)
    rail = stage_rail(lifecycle=lifecycle)
    shown = stage if stage in WORK_STAGES else rail.working_stage
    activities = list(stage_activities(program=program, stage=shown))
    for activity in activities:
        activity.can_update = user.has_perm("lifecycle.update_activity", activity)
    context = gates.GateContext(lifecycle, activities={shown: activities})
    ethics = ethics_approval_get(program=program)
    context.fact("ethics_approval", lambda: ethics)
    history = list(history_list(lifecycle=lifecycle))
    can_plan = user.has_perm("chtprograms.change_program", program)
    gate = gate_get(lifecycle=lifecycle, context=context)
    return LifecyclePage(
        lifecycle=lifecycle,
        rail=rail,
        shown_stage=shown,
        activities=activities,
        gate=gate and fix_links(gate, program=program, user=user, can_change=can_plan),
        decisions=decisions_for(lifecycle=lifecycle, user=user),
        send_back_choices=[
            (value, str(Stage(value).label)) for value in earlier_stages(lifecycle.stage)
        ],
        plan=plan_rows(
            lifecycle=lifecycle, plans=stage_plans(lifecycle=lifecycle), history=history
        ),
        timeline=timeline(history=history, reviews=list(no_go_reviews(lifecycle=lifecycle)))[
            :timeline_limit
        ],
        ethics_approval=ethics,
        show_ethics=program.program_type == ProgramType.RESEARCH or ethics is not None,
        can_plan=can_plan,
        team=team_users(program=program) if can_plan else [],
    )


def fix_links(gate: Gate, *, program: Program, user, can_change: bool) -> Gate:
    """The gate as `user` sees it: a criterion's "fix this" link only when they may follow it
    (a reviewer sees what is unmet, not a link into a form they cannot use), and a link to
    another page carries `next`, so that saving there leads back to the gate."""
    back = reverse("lifecycle:detail", args=[program.slug])
    results = []
    for result in gate.results:
        permission = result.criterion.fix_permission
        if permission is None:
            allowed = True
        elif permission == "chtprograms.change_program":
            allowed = can_change
        else:
            allowed = user.has_perm(permission, program)
        url = result.url if allowed else ""
        parts = urlsplit(url)
        if url and parts.path != back:
            query = "&".join(filter(None, [parts.query, urlencode({"next": f"{back}#gate"})]))
            url = urlunsplit(parts._replace(query=query))
        results.append(replace(result, url=url))
    return replace(gate, results=results)


@dataclass(frozen=True)
class LifecycleSummary:
    lifecycle: Lifecycle
    rail: Rail
    gate: Gate | None


def lifecycle_summary(*, program: Program) -> LifecycleSummary | None:
    """The stage rail and the gate count for the program overview."""
    try:
        lifecycle = program.lifecycle
    except Lifecycle.DoesNotExist:
        return None
    return LifecycleSummary(
        lifecycle=lifecycle,
        rail=stage_rail(lifecycle=lifecycle),
        gate=gate_get(lifecycle=lifecycle),
    )


def history_page(*, program: Program) -> dict:
    lifecycle = lifecycle_get(program=program)
    history = list(history_list(lifecycle=lifecycle))
    return {
        "lifecycle": lifecycle,
        "timeline": timeline(history=history, reviews=list(no_go_reviews(lifecycle=lifecycle))),
        "created_at": lifecycle.created_at,
    }


@dataclass(frozen=True)
class Attention:
    """What a program needs from the person looking at a list of programs."""

    stage: str = ""
    stage_label: str = ""
    overdue: int = 0  # the current stage's unfinished activities past their due date
    mine_overdue: int = 0  # of those, the ones assigned to the viewer
    #: The viewer decides the gate (its head, or site staff) and it waits for a decision: every
    #: required activity of the stage is finished, or the stage's planned end has passed.
    gate_waiting: bool = False

    @property
    def needs_viewer(self) -> bool:
        return bool(self.mine_overdue or self.gate_waiting)


def attention_for(*, programs, user, today: datetime.date | None = None) -> dict[int, Attention]:
    """program id → its stage and what it needs from `user`, for a page of programs, in three
    queries whatever their number: activities counted per program and stage, the stage plans
    whose end has passed, the programs `user` heads. Each program's lifecycle must be loaded
    (`select_related("lifecycle")`)."""
    programs = list(programs)
    if not programs:
        return {}
    today = today or timezone.localdate()
    ids = [program.pk for program in programs]
    open_ = ~Q(status__in=FINISHED_STATUSES)
    late = open_ & Q(due_on__lt=today)
    counts = {
        (row["program_id"], row["stage"]): row
        for row in StageActivity.objects.filter(program_id__in=ids)
        .values("program_id", "stage")
        .annotate(
            n_overdue=Count("pk", filter=late),
            n_mine=Count("pk", filter=late & Q(assignee=user)),
            n_required=Count("pk", filter=Q(required=True)),
            n_required_open=Count("pk", filter=Q(required=True) & open_),
        )
        .order_by()
    }
    ended = set(
        StagePlan.objects.filter(lifecycle__program_id__in=ids, planned_end__lt=today)
        .values_list("lifecycle__program_id", "stage")
        .order_by()
    )
    if user.is_staff or user.is_superuser:
        decides = set(ids)
    else:
        decides = set(
            current_memberships(user_ids=[user.pk])
            .filter(program_id__in=ids, role=PersonaRole.PROGRAM_HEAD)
            .values_list("program_id", flat=True)
            .order_by()
        )
    attention = {}
    for program in programs:
        lifecycle = getattr(program, "lifecycle", None)
        stage = lifecycle.stage if lifecycle else ""
        row = counts.get((program.pk, stage), {})
        waiting = stage in WORK_STAGES and (
            (program.pk, stage) in ended
            or (row.get("n_required", 0) > 0 and row.get("n_required_open", 0) == 0)
        )
        attention[program.pk] = Attention(
            stage=stage,
            stage_label=str(Stage(stage).label) if stage else "",
            overdue=row.get("n_overdue", 0) if stage in WORK_STAGES else 0,
            mine_overdue=row.get("n_mine", 0) if stage in WORK_STAGES else 0,
            gate_waiting=waiting and program.pk in decides,
        )
    return attention
