"""Reads for the program record. Selectors that take a user enforce visibility."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from personas.models import Membership
from personas.selectors import programs_visible_to

from .models import Consideration, ConsiderationItem, Program


@dataclass(frozen=True)
class ProgramFilters:
    q: str = ""
    program_type: str = ""
    country: str = ""
    health: str = ""
    include_archived: bool = False
    sort: str = "name"


SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "country": ("country", "name"),
    "-country": ("-country", "name"),
    "start": ("planned_start", "name"),
    "-start": ("-planned_start", "name"),
    "health": ("health", "name"),
    "-health": ("-health", "name"),
}


def program_list(*, user, filters: ProgramFilters | None = None) -> QuerySet[Program]:
    filters = filters or ProgramFilters()
    programs = programs_visible_to(user).select_related("lead_organization", "lifecycle")
    if not filters.include_archived:
        programs = programs.filter(archived_at__isnull=True)
    if filters.q:
        programs = programs.filter(
            Q(name__icontains=filters.q)
            | Q(slug__icontains=filters.q)
            | Q(summary__icontains=filters.q)
            | Q(lead_organization__name__icontains=filters.q)
        )
    if filters.program_type:
        programs = programs.filter(program_type=filters.program_type)
    if filters.country:
        programs = programs.filter(country=filters.country)
    if filters.health:
        programs = programs.filter(health=filters.health)
    return programs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def my_programs(*, user) -> QuerySet[Program]:
    """The programs the user is on the team of, each with `my_memberships` prefetched."""
    mine = Membership.objects.current().filter(user=user)
    return (
        Program.objects.filter(pk__in=mine.values("program_id"), archived_at__isnull=True)
        .select_related("lead_organization")
        .prefetch_related(Prefetch("memberships", queryset=mine, to_attr="my_memberships"))
        .order_by("name")
    )


def program_get(*, user, slug: str) -> Program:
    """The program if the user may see it; 404 otherwise, so outsiders cannot tell it exists."""
    try:
        return (
            programs_visible_to(user)
            .select_related("lead_organization", "lifecycle")
            .get(slug=slug)
        )
    except Program.DoesNotExist:
        raise Http404("No such program.") from None


def program_partners(*, program: Program):
    return program.partner_links.select_related("organization")


def consideration_list(*, program: Program) -> QuerySet[Consideration]:
    return (
        Consideration.objects.filter(program=program)
        .select_related("owner")
        .prefetch_related(
            Prefetch("items", queryset=ConsiderationItem.objects.order_by("position", "id"))
        )
        .order_by("id")
    )


def consideration_get(*, program: Program, area: str) -> Consideration:
    try:
        return consideration_list(program=program).get(area=area)
    except Consideration.DoesNotExist:
        raise Http404("No such consideration.") from None


def consideration_item_get(*, program: Program, pk: int) -> ConsiderationItem:
    try:
        return ConsiderationItem.objects.select_related("consideration").get(
            pk=pk, consideration__program=program
        )
    except ConsiderationItem.DoesNotExist:
        raise Http404("No such checklist item.") from None


def health_history(*, program: Program, limit: int = 10):
    return program.health_notes.select_related("recorded_by")[:limit]


def program_countries(*, user) -> list[tuple[str, str]]:
    """(code, name) of the countries the user's visible programs run in, for the filter."""
    from django_countries import countries

    codes = set(programs_visible_to(user).values_list("country", flat=True).distinct())
    return [(code, name) for code, name in countries if code in codes]


def consideration_summary(*, program: Program) -> list[Consideration]:
    """The six considerations (area, status, risk), without their checklists."""
    return list(
        Consideration.objects.filter(program=program)
        .only("area", "status", "risk", "program_id")
        .order_by("id")
    )
