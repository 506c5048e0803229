"""Reads for the program record. Selectors that take a user enforce visibility."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from chtprograms.models import (
    Consideration,
    ConsiderationItem,
    DataSharingAgreement,
    HealthNote,
    Organization,
    Program,
    ProgramPartner,
)
from core.search import contains_unaccented
from core.selectors import get_or_404
from personas.models import Membership
from personas.selectors import programs_visible_to


@dataclass(frozen=True)
class ProgramFilters:
    q: str = ""
    program_type: str = ""
    country: str = ""
    health: str = ""
    stage: str = ""  # the lifecycle's state (a working stage, on hold, cancelled or closed)
    include_archived: bool = False
    sort: str = "name"
    partner: int | None = None  # an organization leading the program or partnering in it
    started_from: datetime.date | None = None  # planned start on or after
    started_to: datetime.date | None = None  # planned start on or before


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
    if filters.q:  # accents and case ignored: "Ministere" finds "Ministère"
        programs = programs.filter(
            contains_unaccented("name", filters.q)
            | Q(slug__icontains=filters.q)
            | contains_unaccented("summary", filters.q)
            | contains_unaccented("lead_organization__name", filters.q)
        )
    if filters.program_type:
        programs = programs.filter(program_type=filters.program_type)
    if filters.country:
        programs = programs.filter(country=filters.country)
    if filters.health:
        programs = programs.filter(health=filters.health)
    if filters.stage:
        programs = programs.filter(lifecycle__stage=filters.stage)
    if filters.partner:
        programs = programs.filter(
            Q(lead_organization_id=filters.partner)
            | Exists(
                ProgramPartner.objects.filter(program=OuterRef("pk"), organization=filters.partner)
            )
        )
    if filters.started_from:
        programs = programs.filter(planned_start__gte=filters.started_from)
    if filters.started_to:
        programs = programs.filter(planned_start__lte=filters.started_to)
    return programs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def my_programs(*, user) -> QuerySet[Program]:
    """The programs the user is on the team of, each with `my_memberships` prefetched."""
    mine = Membership.objects.current().filter(user=user)
    return (
        Program.objects.filter(pk__in=mine.values("program_id"), archived_at__isnull=True)
        .select_related("lead_organization", "lifecycle")
        .prefetch_related(Prefetch("memberships", queryset=mine, to_attr="my_memberships"))
        .order_by("name", "pk")
    )


def program_get(*, user, slug: str) -> Program:
    """The program if the user may see it; 404 otherwise, so outsiders cannot tell it exists."""
    programs = (
        programs_visible_to(user)
        .select_related("lead_organization", "lifecycle")
        # No health note yet: the header says "not assessed", not the field's default.
        .annotate(health_assessed=Exists(HealthNote.objects.filter(program=OuterRef("pk"))))
    )
    return get_or_404(programs, "No such program.", slug=slug)


def free_slug(slug: str) -> str | None:
    """A short name like `slug` that no program uses yet ("slug-2", "slug-3"…), or None."""
    base = slug[: Program._meta.get_field("slug").max_length - 3]
    candidates = [f"{base}-{number}" for number in range(2, 20)]
    taken = set(Program.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    return next((candidate for candidate in candidates if candidate not in taken), None)


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
    return get_or_404(consideration_list(program=program), "No such consideration.", area=area)


def consideration_item_get(*, program: Program, pk: int) -> ConsiderationItem:
    items = ConsiderationItem.objects.select_related("consideration")
    return get_or_404(items, "No such checklist item.", pk=pk, consideration__program=program)


def health_history(*, program: Program, limit: int = 10):
    return program.health_notes.select_related("recorded_by")[:limit]


def program_countries(*, user) -> list[tuple[str, str]]:
    """(code, name) of the countries the user's visible programs run in, for the filter."""
    from django_countries import countries

    codes = set(programs_visible_to(user).order_by().values_list("country", flat=True).distinct())
    return [(code, name) for code, name in countries if code in codes]


def consideration_summary(*, program: Program) -> list[Consideration]:
    """The six considerations (area, status, risk), without their checklists."""
    return list(
        Consideration.objects.filter(program=program)
        .only("area", "status", "risk", "program_id")
        .order_by("id")
    )


def program_organizations(*, user) -> list[tuple[int, str]]:
    """(id, name) of the organizations leading or partnering in the user's visible programs."""
    visible = programs_visible_to(user)
    return list(
        Organization.objects.filter(
            Exists(visible.filter(lead_organization=OuterRef("pk")))
            | Exists(
                ProgramPartner.objects.filter(organization=OuterRef("pk"), program__in=visible)
            )
        )
        .order_by("name")
        .values_list("pk", "name")
    )


def data_sharing_agreement_get(*, program: Program) -> DataSharingAgreement | None:
    return DataSharingAgreement.objects.filter(program=program).first()


def consideration_statuses(*, program_ids) -> dict[int, dict[str, str]]:
    """program id → {area: status}."""
    statuses: dict[int, dict[str, str]] = {}
    rows = Consideration.objects.filter(program_id__in=list(program_ids)).values_list(
        "program_id", "area", "status"
    )
    for program_id, area, status in rows:
        statuses.setdefault(program_id, {})[area] = status
    return statuses


def data_sharing_agreements_expiring(*, program_ids, until: datetime.date):
    """The agreements of these programs that expire on or before `until` (or have expired)."""
    return DataSharingAgreement.objects.filter(
        program_id__in=list(program_ids), expires_on__isnull=False, expires_on__lte=until
    ).only("program_id", "expires_on")
