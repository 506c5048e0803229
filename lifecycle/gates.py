"""Gates as data: the exit criteria of each stage, and the pure conditions of the transitions.

A gate is the list of criteria registered for a stage. Each criterion has an id, a label, a check
and a link to where the user fixes it. The built-in criteria are registered at the bottom of this
module; later features add theirs the same way, from their own module, without editing this one::

    from lifecycle.gates import register_criterion
    from lifecycle.stages import Stage

    register_criterion(
        stage=Stage.CLOSEOUT,
        id="closeout.scaling_decision",
        label=_("Scaling decision recorded"),
        check=lambda ctx: (ScalingDecision.exists_for(ctx.program), ""),
        fix_url=lambda program: reverse("lifecycle:scaling", args=[program.slug]),
    )

Checks read other facets through those apps' selectors (never raw queries into their tables),
through a `GateContext` that loads each fact once per evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chtprograms.considerations import Area
from chtprograms.models import Consideration, ProgramType

from .stages import WORK_STAGES, ActivityStatus, Stage

if TYPE_CHECKING:  # pragma: no cover
    from chtprograms.models import Program

    from .models import Lifecycle

Check = Callable[["GateContext"], "bool | tuple[bool, str]"]


@dataclass(frozen=True)
class Criterion:
    id: str
    stage: str
    label: Any  # a (lazy) translatable string
    check: Check
    fix_url: Callable[[Program], str]
    applies: Callable[[Program], bool] | None = None
    waivable: bool = True
    #: The permission (on the program) the fix page needs; None: anyone who sees the program.
    fix_permission: str | None = None

    def applies_to(self, program: Program) -> bool:
        return self.applies is None or bool(self.applies(program))


@dataclass(frozen=True)
class Result:
    criterion: Criterion
    met: bool
    detail: str
    url: str

    @property
    def id(self) -> str:
        return self.criterion.id

    @property
    def label(self) -> str:
        return str(self.criterion.label)

    @property
    def waivable(self) -> bool:
        return self.criterion.waivable


_REGISTRY: dict[str, list[Criterion]] = {stage: [] for stage in WORK_STAGES}


def register_criterion(
    *,
    stage: str,
    id: str,  # noqa: A002 — the criterion's id, as stored in gate reviews and history
    label,
    check: Check,
    fix_url: Callable[[Program], str],
    applies: Callable[[Program], bool] | None = None,
    waivable: bool = True,
    fix_permission: str | None = None,
) -> Criterion:
    """Add an exit criterion to the gate of `stage`. Ids are unique across all gates."""
    if stage not in _REGISTRY:
        raise ValueError(f"{stage!r} is not a working stage")
    if any(criterion.id == id for criteria in _REGISTRY.values() for criterion in criteria):
        raise ValueError(f"A gate criterion with id {id!r} is already registered")
    criterion = Criterion(
        id=id,
        stage=stage,
        label=label,
        check=check,
        fix_url=fix_url,
        applies=applies,
        waivable=waivable,
        fix_permission=fix_permission,
    )
    _REGISTRY[stage].append(criterion)
    return criterion


def unregister_criterion(criterion_id: str) -> None:
    """Remove a criterion (for tests of the registry itself)."""
    for criteria in _REGISTRY.values():
        criteria[:] = [criterion for criterion in criteria if criterion.id != criterion_id]


def criteria_for(stage: str, program: Program) -> list[Criterion]:
    return [criterion for criterion in _REGISTRY.get(stage, []) if criterion.applies_to(program)]


def criterion_labels() -> dict[str, str]:
    """Every registered criterion's label by id (to show stored ids by name)."""
    return {
        criterion.id: str(criterion.label)
        for criteria in _REGISTRY.values()
        for criterion in criteria
    }


class GateContext:
    """What the checks read, each fact loaded once (and only if a check asks for it)."""

    def __init__(self, lifecycle: Lifecycle, *, activities: dict[str, list] | None = None):
        self.lifecycle = lifecycle
        self.program = lifecycle.program
        self._facts: dict[Any, Any] = {}
        for stage, rows in (activities or {}).items():
            self._facts[("activities", stage)] = list(rows)

    def fact(self, key, loader: Callable[[], Any]):
        """A memoised fact: later criteria use this for their own data."""
        if key not in self._facts:
            self._facts[key] = loader()
        return self._facts[key]

    # The facts below are read through the program's relations, not through selectors: the
    # models import this module, so it must not import back up (docs/architecture.md).

    def activities(self, stage: str) -> list:
        return self.fact(
            ("activities", stage),
            lambda: list(
                self.program.stage_activities.filter(stage=stage)
                .select_related("assignee", "completed_by")
                .order_by("position", "id")
            ),
        )

    @property
    def considerations(self) -> dict[str, str]:
        return self.fact(
            "considerations",
            lambda: dict(self.program.considerations.values_list("area", "status")),
        )

    @property
    def ethics_approval(self):
        def load():
            # The reverse one-to-one raises when there is none; filter() does not.
            model = self.program._meta.get_field("ethics_approval").related_model
            return model.objects.filter(program=self.program).first()

        return self.fact("ethics_approval", load)


def gate_stage(lifecycle: Lifecycle) -> str | None:
    """The stage whose gate is under review: the current one, or the one left for a hold."""
    if lifecycle.stage in WORK_STAGES:
        return lifecycle.stage
    if lifecycle.stage == Stage.ON_HOLD and lifecycle.held_from in WORK_STAGES:
        return lifecycle.held_from
    return None


def evaluate(
    lifecycle: Lifecycle, stage: str | None = None, *, context: GateContext | None = None
) -> list[Result]:
    """Each criterion of the gate, met or not, with a detail and the link to fix it."""
    stage = stage or gate_stage(lifecycle)
    if stage is None:
        return []
    context = context or GateContext(lifecycle)
    results = []
    for criterion in criteria_for(stage, lifecycle.program):
        outcome = criterion.check(context)
        met, detail = outcome if isinstance(outcome, tuple) else (outcome, "")
        results.append(
            Result(
                criterion=criterion,
                met=bool(met),
                detail=str(detail),
                url=criterion.fix_url(lifecycle.program),
            )
        )
    return results


def unmet(results: list[Result]) -> list[Result]:
    return [result for result in results if not result.met]


def blocking(results: list[Result], waived: frozenset[str] | set[str]) -> list[Result]:
    """The unmet criteria that the waiver does not cover (or that cannot be waived)."""
    return [
        result
        for result in unmet(results)
        if not (result.criterion.waivable and result.id in waived)
    ]


# --- transition conditions: pure functions of the lifecycle (and its pending waiver) ----------


def exit_gate_clear(lifecycle: Lifecycle) -> bool:
    """`advance` and `close`: every criterion of the current stage's gate is met or waived.

    The service puts the head's waiver (`lifecycle.waived_criteria`) and a shared
    `lifecycle.gate_context` on the instance before it asks which transitions are available."""
    context = lifecycle.gate_context or GateContext(lifecycle)
    results = evaluate(lifecycle, lifecycle.stage, context=context)
    return not blocking(results, lifecycle.waived_criteria)


def has_stage_to_resume(lifecycle: Lifecycle) -> bool:
    """`resume`: the program remembers which stage it was put on hold from."""
    return lifecycle.held_from in WORK_STAGES


def has_earlier_stage(lifecycle: Lifecycle) -> bool:
    """`send_back`: there is a stage before the current one."""
    return lifecycle.stage in WORK_STAGES[1:]


# --- the built-in criteria --------------------------------------------------------------------


def _activities_url(stage: str) -> Callable[[Program], str]:
    def url(program: Program) -> str:
        return reverse("lifecycle:detail", args=[program.slug]) + f"?stage={stage}#activities"

    return url


def _consideration_url(area: str) -> Callable[[Program], str]:
    def url(program: Program) -> str:
        return reverse("chtprograms:consideration-edit", args=[program.slug, area])

    return url


def _ethics_url(program: Program) -> str:
    return reverse("lifecycle:detail", args=[program.slug]) + "#ethics"


def _required_activities_done(stage: str) -> Check:
    def check(context: GateContext) -> tuple[bool, str]:
        required = [activity for activity in context.activities(stage) if activity.required]
        finished = [
            activity
            for activity in required
            if activity.status == ActivityStatus.DONE
            or (activity.status == ActivityStatus.NOT_APPLICABLE and activity.evidence_note.strip())
        ]
        return len(finished) == len(required), _(
            "%(finished)d of %(total)d required activities done or not applicable"
        ) % {"finished": len(finished), "total": len(required)}

    return check


def _consideration_in(area: str, statuses: set[str]) -> Check:
    def check(context: GateContext) -> tuple[bool, str]:
        status = context.considerations.get(area, Consideration.Status.NOT_STARTED)
        return status in statuses, str(Consideration.Status(status).label)

    return check


def _ethics_approval_recorded(context: GateContext) -> tuple[bool, str]:
    approval = context.ethics_approval
    if approval is None:
        return False, _("No ethics approval recorded")
    if approval.expires_on and approval.expires_on < timezone.localdate():
        return False, _("The ethics approval expired on %(date)s") % {
            "date": approval.expires_on.isoformat()
        }
    return True, _("Approved on %(date)s, reference %(reference)s") % {
        "date": approval.approved_on.isoformat(),
        "reference": approval.reference,
    }


def _is_research(program: Program) -> bool:
    return program.program_type == ProgramType.RESEARCH


#: Editing a consideration or the ethics approval: the program's head and administrators.
CHANGE_PROGRAM = "chtprograms.change_program"
AT_LEAST_IN_PROGRESS = {Consideration.Status.IN_PROGRESS, Consideration.Status.ADDRESSED}

for _stage in WORK_STAGES:
    register_criterion(
        stage=_stage,
        id=f"{_stage}.required_activities",
        label=gettext_lazy("Required activities done or not applicable (with a reason)"),
        check=_required_activities_done(_stage),
        fix_url=_activities_url(_stage),
    )

register_criterion(
    stage=Stage.INITIATION,
    id="initiation.scope_addressed",
    label=gettext_lazy("Scope consideration addressed"),
    check=_consideration_in(Area.SCOPE, {Consideration.Status.ADDRESSED}),
    fix_url=_consideration_url(Area.SCOPE),
    fix_permission=CHANGE_PROGRAM,
)
register_criterion(
    stage=Stage.PLANNING,
    id="planning.technical_in_progress",
    label=gettext_lazy("Technical requirements at least in progress"),
    check=_consideration_in(Area.TECHNICAL, AT_LEAST_IN_PROGRESS),
    fix_url=_consideration_url(Area.TECHNICAL),
    fix_permission=CHANGE_PROGRAM,
)
register_criterion(
    stage=Stage.PLANNING,
    id="planning.human_resources_in_progress",
    label=gettext_lazy("Human resource requirements at least in progress"),
    check=_consideration_in(Area.HUMAN_RESOURCES, AT_LEAST_IN_PROGRESS),
    fix_url=_consideration_url(Area.HUMAN_RESOURCES),
    fix_permission=CHANGE_PROGRAM,
)
# A research program cannot enter implementation without these: they sit on the hosting gate
# (the way into implementation) and cannot be waived.
register_criterion(
    stage=Stage.HOSTING,
    id="hosting.research_ethics_addressed",
    label=gettext_lazy("Research programs: Ethics and regulations addressed"),
    check=_consideration_in(Area.ETHICS, {Consideration.Status.ADDRESSED}),
    fix_url=_consideration_url(Area.ETHICS),
    fix_permission=CHANGE_PROGRAM,
    applies=_is_research,
    waivable=False,
)
register_criterion(
    stage=Stage.HOSTING,
    id="hosting.research_ethics_approval",
    label=gettext_lazy("Research programs: ethics approval recorded (date and reference)"),
    check=_ethics_approval_recorded,
    fix_url=_ethics_url,
    fix_permission=CHANGE_PROGRAM,
    applies=_is_research,
    waivable=False,
)


# --- facts for many gates at once -------------------------------------------------------------
# Code that evaluates the gates of many programs (a scan, a dashboard) calls
# `preload_facts(contexts)`: each fact registered here is then loaded for all of them in one
# query instead of one per program. A criterion that reads a fact of its own registers its bulk
# loader next to it (see lifecycle/closeout.py).


@dataclass(frozen=True)
class BulkFact:
    key: str
    stages: tuple[str, ...]  # the gates whose criteria read it
    load: Callable[[list[int]], dict[int, Any]]  # program ids → {program id: value}
    default: Any = None  # for a program the loader returns nothing for


_BULK_FACTS: dict[str, BulkFact] = {}


def register_bulk_fact(
    key: str,
    *,
    stages: tuple[str, ...] | list[str],
    load: Callable[[list[int]], dict[int, Any]],
    default: Any = None,
) -> BulkFact:
    fact = BulkFact(key=key, stages=tuple(stages), load=load, default=default)
    _BULK_FACTS[key] = fact
    return fact


def preload_facts(contexts) -> None:
    """Load every registered fact, in one query each, into the contexts whose gate reads it."""
    contexts = list(contexts)
    for fact in _BULK_FACTS.values():
        wanting = [
            context
            for context in contexts
            if gate_stage(context.lifecycle) in fact.stages and fact.key not in context._facts
        ]
        if not wanting:
            continue
        values = fact.load([context.program.pk for context in wanting])
        for context in wanting:
            context._facts[fact.key] = values.get(context.program.pk, fact.default)
