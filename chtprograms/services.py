"""Writes for the program record. Views, commands and tests call these, never `.save()`."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from chtprograms.considerations import DEFAULT_CHECKLISTS, Area
from chtprograms.models import (
    Consideration,
    ConsiderationItem,
    DataSharingAgreement,
    HealthNote,
    Organization,
    Program,
    ProgramPartner,
)
from core.concurrency import ensure_unchanged
from core.services import checked_fields, create_or_update_validated
from lifecycle.services import lifecycle_create
from personas.models import PersonaRole
from personas.services import membership_add

PROGRAM_EDITABLE_FIELDS = (
    "name",
    "slug",
    "program_type",
    "country",
    "regions",
    "lead_organization",
    "planned_start",
    "planned_end",
    "currency",
    "goals",
    "summary",
)


def _considerations_create(*, program: Program) -> None:
    considerations = Consideration.objects.bulk_create(
        Consideration(program=program, area=area) for area in Area.values
    )
    ConsiderationItem.objects.bulk_create(
        ConsiderationItem(consideration=consideration, label=str(label), position=position)
        for consideration in considerations
        for position, label in enumerate(DEFAULT_CHECKLISTS[consideration.area])
    )


def _partners_set(*, program: Program, partners: Iterable[tuple[Organization, str]]) -> None:
    wanted = {organization.pk: (organization, role) for organization, role in partners}
    ProgramPartner.objects.filter(program=program).exclude(organization_id__in=wanted).delete()
    existing = {link.organization_id: link for link in program.partner_links.all()}
    for organization_id, (organization, role) in wanted.items():
        link = existing.get(organization_id)
        if link is None:
            link = ProgramPartner(program=program, organization=organization, role=role)
            link.full_clean()
            link.save()
        elif link.role != role:
            link.role = role
            link.full_clean()
            link.save(update_fields=["role"])


@transaction.atomic
def program_create(
    *,
    head,
    partners: Iterable[tuple[Organization, str]] = (),
    at: datetime.datetime | None = None,
    **fields,
) -> Program:
    """Create a program with its six considerations, its checklists and its first program head.

    `fields` are the program's own fields (see PROGRAM_EDITABLE_FIELDS); `at`, for a program
    imported with its past (or the demo's), is when its lifecycle started."""
    program = Program(**checked_fields(fields, PROGRAM_EDITABLE_FIELDS))
    program.full_clean()
    program.save()
    _partners_set(program=program, partners=partners)
    _considerations_create(program=program)
    membership_add(
        program=program,
        user=head,
        role=PersonaRole.PROGRAM_HEAD,
        since=timezone.localdate(at) if at else None,
    )
    lifecycle_create(program=program, at=at)
    return program


@transaction.atomic
def program_update(
    *,
    program: Program,
    partners: Iterable[tuple[Organization, str]] | None = None,
    version: str | None = None,
    **fields,
) -> Program:
    ensure_unchanged(program, version, fields)
    changed = [name for name in fields if name in PROGRAM_EDITABLE_FIELDS]
    for name in changed:
        setattr(program, name, fields[name])
    program.full_clean()
    program.save(update_fields=[*changed, "updated_at"])
    if partners is not None:
        _partners_set(program=program, partners=partners)
    return program


@transaction.atomic
def program_health_record(*, program: Program, by, status: str, note: str) -> HealthNote:
    health_note = HealthNote(program=program, status=status, note=note, recorded_by=by)
    health_note.full_clean()
    health_note.save()
    program.health = status
    program.save(update_fields=["health", "updated_at"])
    return health_note


def program_archive(*, program: Program) -> Program:
    if program.archived_at is None:
        program.archived_at = timezone.now()
        program.save(update_fields=["archived_at", "updated_at"])
    return program


def program_unarchive(*, program: Program) -> Program:
    if program.archived_at is not None:
        program.archived_at = None
        program.save(update_fields=["archived_at", "updated_at"])
    return program


@transaction.atomic
def consideration_update(
    *,
    consideration: Consideration,
    status: str,
    risk: str,
    owner,
    notes: str,
    version: str | None = None,
) -> Consideration:
    ensure_unchanged(
        consideration, version, {"status": status, "risk": risk, "owner": owner, "notes": notes}
    )
    consideration.status = status
    consideration.risk = risk
    consideration.owner = owner
    consideration.notes = notes
    consideration.full_clean()
    consideration.save(update_fields=["status", "risk", "owner", "notes", "updated_at"])
    return consideration


def consideration_item_add(*, consideration: Consideration, label: str) -> ConsiderationItem:
    last = consideration.items.order_by("-position").values_list("position", flat=True).first()
    item = ConsiderationItem(consideration=consideration, label=label, position=(last or 0) + 1)
    item.full_clean()
    item.save()
    return item


def consideration_item_update(
    *, item: ConsiderationItem, done: bool, note: str, label: str | None = None
) -> ConsiderationItem:
    item.done = done
    item.note = note
    if label is not None:
        item.label = label
    item.full_clean()
    item.save(update_fields=["done", "note", "label"])
    return item


def consideration_item_delete(*, item: ConsiderationItem) -> None:
    item.delete()


def default_planned_dates(
    today: datetime.date | None = None,
) -> tuple[datetime.date, datetime.date]:
    """Suggested planned start and end for a new program's form: next month, for two years."""
    today = today or timezone.localdate()
    start = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return start, start.replace(year=start.year + 2)


DATA_SHARING_AGREEMENT_FIELDS = ("reference", "data_controller", "signed_on", "expires_on")


def data_sharing_agreement_record(
    *, program: Program, version: str | None = None, **fields
) -> DataSharingAgreement:
    """Record (or correct) the program's data-sharing agreement."""
    return create_or_update_validated(
        DataSharingAgreement,
        {"program": program},
        DATA_SHARING_AGREEMENT_FIELDS,
        fields,
        version=version,
    )
