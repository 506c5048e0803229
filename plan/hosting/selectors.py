"""Hosting reads: saved estimates and the production instance."""

from chtprograms.models import (
    Program,
)
from core.selectors import get_or_404
from plan.hosting.models import HostingEstimate


def hosting_estimate_list(*, program: Program, limit: int = 10) -> list[HostingEstimate]:
    return list(
        HostingEstimate.objects.filter(program=program)
        .select_related("created_by", "budget_line")
        .order_by("-created_at", "-id")[:limit]
    )


def hosting_estimate_latest(*, program: Program) -> HostingEstimate | None:
    """Gate criterion: a hosting cost estimate was saved (planning)."""
    return HostingEstimate.objects.filter(program=program).order_by("-created_at", "-id").first()


def hosting_estimate_get(*, program: Program, pk: int) -> HostingEstimate:
    return get_or_404(
        HostingEstimate.objects.select_related("program"),
        "No such estimate.",
        program=program,
        pk=pk,
    )
