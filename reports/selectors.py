"""Closeout report reads."""

from collections import defaultdict

from chtprograms.models import Program
from core.selectors import get_or_404
from reports.models import CloseoutReport


def report_list(*, program: Program) -> list:
    """Every version of the program's closeout report, newest first, each with the number of
    e-mails sent (`sent_count`) — one query, whatever the number of versions."""
    from django.db.models import Count, Q

    return list(
        CloseoutReport.objects.filter(program=program)
        .select_related("requested_by")
        .annotate(sent_count=Count("deliveries", filter=Q(deliveries__sent_at__isnull=False)))
        .order_by("-version")
    )


def report_get(*, program: Program, version: int):
    reports = CloseoutReport.objects.select_related("program")
    return get_or_404(reports, "No such report.", program=program, version=version)


def report_versions(*, program: Program) -> list[tuple[int, str]]:
    """(version, status) of every version, newest first: what the closeout gate reads."""
    return list(
        CloseoutReport.objects.filter(program=program)
        .order_by("-version")
        .values_list("version", "status")
    )


def report_versions_by_program(*, program_ids) -> dict[int, list[tuple[int, str]]]:
    """`report_versions` of many programs at once (one query)."""
    versions: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for program_id, version, status in (
        CloseoutReport.objects.filter(program_id__in=list(program_ids))
        .order_by("program_id", "-version")
        .values_list("program_id", "version", "status")
    ):
        versions[program_id].append((version, status))
    return dict(versions)
