"""Risk, lesson and scaling-decision reads."""

from django.db.models import QuerySet

from chtprograms.models import Program
from core.selectors import get_or_404
from plan.risks.models import Lesson, Risk, ScalingDecision

RISK_STATUS_ORDER = {Risk.Status.OPEN: 0, Risk.Status.MITIGATING: 1, Risk.Status.CLOSED: 2}


def risk_list(*, program: Program) -> list[Risk]:
    """Open risks first, then the most likely and damaging."""
    risks = Risk.objects.filter(program=program).select_related("owner")
    return sorted(
        risks, key=lambda risk: (RISK_STATUS_ORDER.get(risk.status, 3), -risk.score, -risk.pk)
    )


def risk_queryset(*, program: Program) -> QuerySet[Risk]:
    """The program's risks as a query, newest first (for the API's filters and pages)."""
    return (
        Risk.objects.filter(program=program).select_related("owner").order_by("-created_at", "-id")
    )


def risk_get(*, program: Program, pk: int) -> Risk:
    return get_or_404(Risk.objects.all(), "No such risk.", program=program, pk=pk)


def lesson_list(*, program: Program) -> QuerySet[Lesson]:
    return Lesson.objects.filter(program=program).select_related("recorded_by")


def lesson_get(*, program: Program, pk: int) -> Lesson:
    return get_or_404(Lesson.objects.all(), "No such lesson.", program=program, pk=pk)


def scaling_decision_get(*, program: Program) -> ScalingDecision | None:
    """Gate criterion: the scaling decision of closeout, or None when none is recorded."""
    return ScalingDecision.objects.filter(program=program).select_related("decided_by").first()


def scaling_decisions_by_program(*, program_ids) -> dict[int, ScalingDecision]:
    """The scaling decisions of many programs at once (one query): program id → decision."""
    return {
        decision.program_id: decision
        for decision in ScalingDecision.objects.filter(program_id__in=list(program_ids))
    }
