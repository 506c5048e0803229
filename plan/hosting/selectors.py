"""Hosting reads: saved estimates and the production instance."""

import datetime

from django.db.models import Q

from chtprograms.models import (
    Program,
)
from core.selectors import get_or_404
from plan.hosting.models import HostingEstimate, HostingInstance


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


def hosting_instance_get(*, program: Program) -> HostingInstance | None:
    return HostingInstance.objects.filter(program=program).first()


def hosting_instances_expiring(*, program_ids, until: datetime.date):
    """The production instances whose domain or (manually renewed) certificate lapses by
    `until` (or has lapsed)."""
    return HostingInstance.objects.filter(
        Q(domain_renews_on__lte=until) | Q(tls_expires_on__lte=until, tls_auto_renews=False),
        program_id__in=list(program_ids),
    ).only("program_id", "domain_renews_on", "tls_expires_on", "tls_auto_renews")
