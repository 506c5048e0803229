"""The trail of a program: its lifecycle decisions and every change to its records, newest
first. One query per kind of record (and the lifecycle's own), whatever the program's size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chtprograms.models import (
    Consideration,
    ConsiderationItem,
    DataSharingAgreement,
    Program,
    ProgramPartner,
)
from instances.golive.models import GoLiveReadiness
from instances.models import Instance
from lifecycle.models import EthicsApproval, StageActivity, StagePlan
from lifecycle.selectors import history_page
from personas.models import Membership
from plan.budget.models import BudgetLine, Expenditure
from plan.chw_support.models import CHWSupport
from plan.devices.models import Device
from plan.indicators.models import Indicator, Measurement
from plan.risks.models import Lesson, Risk, ScalingDecision
from plan.training.models import TrainingEvent

#: Fields that change with every save and say nothing to a reader.
UNSHOWN_FIELDS = {"id", "updated_at", "created_at", "version", "program", "lifecycle"}

DECISIONS = "decisions"

#: The records a program's trail follows: (kind, model, how the program's rows are found).
#: A string is the field holding the program's id; a pair is (field, parent kind) for records
#: under another record (found through the parent's trail, so deleted parents count too).
TRACKED: list[tuple[str, type[Model], str | tuple[str, str]]] = [
    ("program", Program, "id"),
    ("partner", ProgramPartner, "program_id"),
    ("consideration", Consideration, "program_id"),
    ("checklist", ConsiderationItem, ("consideration_id", "consideration")),
    ("agreement", DataSharingAgreement, "program_id"),
    ("team", Membership, "program_id"),
    ("activity", StageActivity, "program_id"),
    ("stage_plan", StagePlan, "lifecycle_id"),
    ("ethics", EthicsApproval, "program_id"),
    ("budget_line", BudgetLine, "program_id"),
    ("expenditure", Expenditure, ("line_id", "budget_line")),
    ("indicator", Indicator, "program_id"),
    ("measurement", Measurement, ("indicator_id", "indicator")),
    ("chw_support", CHWSupport, "program_id"),
    ("training", TrainingEvent, "program_id"),
    ("device", Device, "program_id"),
    ("risk", Risk, "program_id"),
    ("lesson", Lesson, "program_id"),
    ("scaling_decision", ScalingDecision, "program_id"),
    ("instance", Instance, "program_id"),
    ("go_live", GoLiveReadiness, "program_id"),
]

CHANNELS = {
    "page": _("on a page"),
    "api": _("through the API"),
    "import": _("by an import"),
    "admin": _("in the admin"),
    "cht": _("from the CHT"),
    "system": _("by the system"),
}

ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class Change:
    field: str
    old: object
    new: object
    related: type[Model] | None = None  # old and new are ids of this model until named


class _Related:
    """The records a trail's changes point at (a person, an indicator…), named with one query
    per kind of record once every change is known."""

    def __init__(self):
        self.ids: dict[type[Model], set] = {}

    def note(self, change: Change) -> None:
        if change.related is not None:
            ids = self.ids.setdefault(change.related, set())
            ids |= {value for value in (change.old, change.new) if isinstance(value, int)}

    def name(self, changes: list[Change]) -> None:
        found = {model: model._default_manager.in_bulk(ids) for model, ids in self.ids.items()}

        def label(model, value):
            if not isinstance(value, int):
                return value
            record = found[model].get(value)
            if record is None:
                return f"#{value}"
            if hasattr(record, "get_full_name"):
                return record.get_full_name() or record.get_username()
            return str(record)

        for change in changes:
            if change.related is not None:
                change.old = label(change.related, change.old)
                change.new = label(change.related, change.new)


@dataclass
class Entry:
    at: datetime.datetime
    kind: str
    kind_label: str
    by_id: int | None
    by: object = None
    action: str = ""
    record: str = ""
    channel: str = ""
    changes: list[Change] = field(default_factory=list)
    decision: object = None  # a lifecycle timeline entry

    @property
    def channel_label(self) -> str:
        return str(CHANNELS.get(self.channel, self.channel))


def kind_choices() -> list[tuple[str, str]]:
    return [(DECISIONS, _("Stage changes and gate decisions"))] + [
        (kind, model._meta.verbose_name_plural.capitalize()) for kind, model, _how in TRACKED
    ]


#: The field that names a record in the trail (its __str__ may read related rows: a query each).
LABEL_FIELDS = (
    "name",
    "title",
    "label",
    "description",
    "what_happened",
    "reference",
    "base_url",
    "text",
    "area",
    "period_end",
    "date",
    "decision",
    "role",
    "stage",
)


def _label(model: type[Model], row) -> str:
    for name in LABEL_FIELDS:
        try:
            field_obj = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        value = getattr(row, field_obj.attname, None)
        if value not in (None, ""):
            return str(_display(field_obj, value))[:120]
    return f"#{row.id}"


def _display(field_obj, value):
    if value is None or value == "":
        return "—"
    if field_obj.choices:
        return dict(field_obj.flatchoices).get(value, value)
    return value


def _field_label(field_obj) -> str:
    """The field's name in the reader's language. A relation named without a translatable
    verbose name (Django's default, the attribute's name) is called after its model."""
    if field_obj.is_relation and not isinstance(field_obj.verbose_name, Promise):
        return str(field_obj.related_model._meta.verbose_name)
    return str(field_obj.verbose_name)


def _changes(model: type[Model], before, after) -> list[Change]:
    changes = []
    for field_obj in model._meta.concrete_fields:
        name = field_obj.attname
        if field_obj.name in UNSHOWN_FIELDS or not hasattr(after, name):
            continue
        old = getattr(before, name, None) if before is not None else None
        new = getattr(after, name)
        if before is not None and old == new:
            continue
        if before is None and new in (None, "", False):
            continue
        related = field_obj.related_model if field_obj.is_relation else None
        changes.append(
            Change(
                _field_label(field_obj),
                (old if related else _display(field_obj, old)) if before is not None else "—",
                new if related else _display(field_obj, new),
                related,
            )
        )
    return changes


def _rows(history: QuerySet, how, ids: dict[str, set[int]], program: Program, lifecycle_id):
    if isinstance(how, tuple):
        parent_field, parent_kind = how
        return history.filter(**{f"{parent_field}__in": ids.get(parent_kind, set())})
    if how == "lifecycle_id":
        return history.filter(lifecycle_id=lifecycle_id)
    return history.filter(**{how: program.pk})


def program_trail(*, program: Program) -> dict:
    """The program's trail, newest first, and the people in it."""
    decisions = history_page(program=program)
    lifecycle_id = decisions["lifecycle"].pk
    entries: list[Entry] = []
    ids: dict[str, set[int]] = {}
    people: set[int] = set()
    for record_kind, model, how in TRACKED:
        rows = list(
            _rows(model.history.all(), how, ids, program, lifecycle_id).order_by(
                "id", "history_date", "history_id"
            )
        )
        ids[record_kind] = {row.id for row in rows}
        people |= {row.history_user_id for row in rows if row.history_user_id}
        previous = None
        for row in rows:
            before = previous if previous is not None and previous.id == row.id else None
            previous = row
            entries.append(
                Entry(
                    at=row.history_date,
                    kind=record_kind,
                    kind_label=str(model._meta.verbose_name).capitalize(),
                    by_id=row.history_user_id,
                    action=str(ACTIONS.get(row.history_type, row.history_type)),
                    record=_label(model, row),
                    channel=row.history_change_reason or "",
                    changes=_changes(model, before, row) if row.history_type != "-" else [],
                )
            )
    for decision in decisions["timeline"]:
        by = getattr(decision, "by", None)
        if by is not None:
            people.add(by.pk)
        entries.append(
            Entry(
                at=decision.at,
                kind=DECISIONS,
                kind_label=str(_("Lifecycle")),
                by_id=by.pk if by is not None else None,
                by=by,
                decision=decision,
            )
        )
    related = _Related()
    all_changes = [change for entry in entries for change in entry.changes]
    for change in all_changes:
        related.note(change)
    related.name(all_changes)
    users = get_user_model().objects.in_bulk(people)
    for entry in entries:
        if entry.by is None and entry.by_id:
            entry.by = users.get(entry.by_id)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return {
        "entries": entries,
        "people": sorted(users.values(), key=lambda user: user.get_full_name() or user.username),
        "created_at": decisions["created_at"],
    }


def trail_filter(entries: list[Entry], *, kind: str = "", person: int | None = None) -> list[Entry]:
    """Only one kind of record, or one person's changes (or both)."""
    return [
        entry
        for entry in entries
        if (not kind or entry.kind == kind) and (person is None or entry.by_id == person)
    ]
