"""The budget tab in spreadsheets: budget lines (export, template, import) and expenditures
(export). Imports plan every row first without writing (`plan_import`), then write through
`plan.budget.services` (`import_apply`), all rows or none."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.trail import IMPORT, made_through
from lifecycle.stages import WORK_STAGE_CHOICES
from plan.budget import services
from plan.budget.models import BudgetCategory, BudgetLine, Expenditure

from .files import Formula, unquote

CREATE, CHANGE, SAME, ERROR = "create", "change", "same", "error"


def sheet_names() -> tuple[str, ...]:
    """The budget lines' sheet: its name in the reader's language, and in English."""
    return (_("Budget lines"), "Budget lines")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    help: str
    required: bool = False
    choices: tuple = ()  # (value, label)

    def allowed(self) -> str:
        return "; ".join(str(label) for _value, label in self.choices)


def line_columns() -> list[Column]:
    return [
        Column(
            "id",
            _("Line number"),
            _("Leave empty for a new line; keep the number of an exported line to change it."),
        ),
        Column(
            "category",
            _("Category"),
            _("One of the allowed values."),
            True,
            tuple(BudgetCategory.choices),
        ),
        Column(
            "stage",
            _("Stage"),
            _("Optional: the stage this money is for."),
            False,
            tuple(WORK_STAGE_CHOICES),
        ),
        Column("name", _("Description"), _("e.g. “Smartphones for 200 CHVs”."), True),
        Column(
            "forecast_amount",
            _("Forecast amount"),
            _("A number in the program's currency, without its symbol."),
            True,
        ),
        Column("note", _("Note"), _("Optional.")),
    ]


def expenditure_columns() -> list[Column]:
    return [
        Column("line", _("Line number"), ""),
        Column("line_name", _("Budget line"), ""),
        Column("date", _("Date"), ""),
        Column("amount", _("Amount"), ""),
        Column("description", _("Description"), ""),
        Column("reference", _("Reference"), ""),
    ]


def line_rows(*, program) -> list[list]:
    lines = BudgetLine.objects.filter(program=program).order_by("category", "name", "id")
    labels = {value: str(label) for value, label in BudgetCategory.choices}
    stages = {value: str(label) for value, label in WORK_STAGE_CHOICES}
    return [
        [
            line.pk,
            labels.get(line.category, line.category),
            stages.get(line.stage, ""),
            line.name,
            line.forecast_amount,
            line.note,
        ]
        for line in lines
    ]


def expenditure_rows(*, program) -> list[list]:
    spent = (
        Expenditure.objects.filter(line__program=program)
        .select_related("line")
        .order_by("date", "id")
    )
    return [
        [item.line_id, item.line.name, item.date, item.amount, item.description, item.reference]
        for item in spent
    ]


# --- import -----------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # the row in the file (the header is row 1)
    values: dict = field(default_factory=dict)
    action: str = CREATE
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    line_id: int | None = None
    shown: dict = field(default_factory=dict)  # what the preview shows: labels, or the raw text


@dataclass
class Plan:
    rows: list[Row]
    file_errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.file_errors and all(row.action != ERROR for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in (CREATE, CHANGE, SAME, ERROR)}


def _choice(value: str, choices, label: str) -> str:
    wanted = value.strip().casefold()
    for code, name in choices:
        if wanted in (str(code).casefold(), str(name).casefold()):
            return code
    raise ValidationError(
        _("“%(value)s” is not an allowed %(column)s: %(allowed)s.")
        % {
            "value": value,
            "column": label.lower(),
            "allowed": "; ".join(str(name) for _code, name in choices),
        }
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return unquote(str(value).strip())


def _amount(value) -> Decimal:
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = _text(value).replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma
    text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from error


def _header_map(header: list, columns: list[Column]) -> tuple[dict[str, int], list[str]]:
    names = {}
    for column in columns:
        for name in (column.label, column.key, column.key.replace("_", " ")):
            names[str(name).casefold()] = column.key
    found, errors = {}, []
    for index, cell in enumerate(header):
        key = names.get(_text(cell).casefold())
        if key:
            found[key] = index
    missing = [column.label for column in columns if column.required and column.key not in found]
    if missing:
        errors.append(
            _("Missing columns: %(columns)s. Start from the template.")
            % {"columns": ", ".join(missing)}
        )
    return found, errors


def plan_import(*, program, rows: list[list]) -> Plan:
    """What importing `rows` (header first) would do to `program`'s budget lines, row by row,
    without writing: create, change (which fields), leave alone, or the row's errors. Two
    queries whatever the number of rows (the program's lines; nothing per row)."""
    columns = line_columns()
    if not rows:
        return Plan(rows=[], file_errors=[_("The file is empty.")])
    positions, file_errors = _header_map(rows[0], columns)
    if file_errors:
        return Plan(rows=[], file_errors=file_errors)
    existing = {line.pk: line for line in BudgetLine.objects.filter(program=program)}
    by_key = {(line.category, line.stage, line.name.casefold()): line for line in existing.values()}
    labels = {column.key: column.label for column in columns}
    planned: list[Row] = []
    seen: dict = {}
    for number, cells in enumerate(rows[1:], start=2):
        raw = {
            key: cells[index] if index < len(cells) else None for key, index in positions.items()
        }
        if all(value in (None, "") for value in raw.values()):
            continue  # an empty row
        row = Row(number=number)
        planned.append(row)
        row.shown = {
            key: value.text if isinstance(value, Formula) else _text(value)
            for key, value in raw.items()
        }
        formulas = [labels[key] for key, value in raw.items() if isinstance(value, Formula)]
        if formulas:
            row.errors.append(
                _("%(columns)s: formulas are not imported; type the value itself.")
                % {"columns": ", ".join(formulas)}
            )
            row.action = ERROR
            continue
        values, failed = {}, set()
        for key, convert in (
            ("category", lambda v: _choice(_text(v), BudgetCategory.choices, labels["category"])),
            (
                "stage",
                lambda v: (
                    _choice(_text(v), WORK_STAGE_CHOICES, labels["stage"]) if _text(v) else ""
                ),
            ),
            ("name", _text),
            ("forecast_amount", lambda v: _amount(v) if _text(v) else None),
            ("note", _text),
        ):
            try:
                values[key] = convert(raw.get(key))
            except ValidationError as error:
                failed.add(key)
                row.errors.extend(f"{labels[key]}: {message}" for message in error.messages)
        row.values = {key: str(value) if value is not None else "" for key, value in values.items()}
        names = {**dict(BudgetCategory.choices), **dict(WORK_STAGE_CHOICES)}
        row.shown = {
            key: str(names.get(values[key], values[key])) if key in values else _text(raw.get(key))
            for key in ("category", "stage", "name", "forecast_amount")
        }
        line, unknown = None, False
        line_id = _text(raw.get("id"))
        if line_id:
            try:
                line = existing.get(int(Decimal(line_id)))
            except (InvalidOperation, ValueError):
                line = None
            if line is None:
                unknown = True
                row.errors.append(
                    _("%(column)s: no line %(number)s in this program's budget.")
                    % {"column": labels["id"], "number": line_id}
                )
        elif not failed & {"category", "stage", "name"}:
            line = by_key.get((values["category"], values["stage"], values["name"].casefold()))
        if not unknown:
            candidate = BudgetLine(
                program=program,
                **(
                    {name: getattr(line, name) for name in services.BUDGET_LINE_FIELDS}
                    if line
                    else {}
                ),
            )
            if line is not None:
                candidate.pk = line.pk
            for name, value in values.items():
                setattr(candidate, name, value)
            try:
                # no unique field but the id; the constraints repeat the validators: no query
                candidate.full_clean(
                    exclude=["program", *failed], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    label = labels.get(name, name)
                    row.errors.extend(f"{label}: {message}" for message in messages)
        identity = (
            line.pk
            if line
            else (values.get("category"), values.get("stage"), values.get("name", "").casefold())
        )
        if identity in seen:
            row.errors.append(_("The same line as row %(row)s.") % {"row": seen[identity]})
        seen[identity] = number
        if row.errors:
            row.action = ERROR
            continue
        if line is None:
            row.action = CREATE
            continue
        row.line_id = line.pk
        changed = [
            labels[name]
            for name in services.BUDGET_LINE_FIELDS
            if getattr(line, name) != getattr(candidate, name)
        ]
        row.action = CHANGE if changed else SAME
        row.changes = changed
    return Plan(rows=planned)


@transaction.atomic
def import_apply(*, program, rows: list[list]) -> Plan:
    """Plan `rows` again (the budget may have changed since the preview) and, when every row is
    valid, write them through the budget services; otherwise write nothing."""
    planned = plan_import(program=program, rows=rows)
    if not planned.valid:
        return planned
    lines = {line.pk: line for line in BudgetLine.objects.filter(program=program)}
    with made_through(IMPORT):  # the trail says these changes came from a spreadsheet
        for row in planned.rows:
            data = dict(row.values)
            data["forecast_amount"] = Decimal(data["forecast_amount"])
            if row.action == CREATE:
                services.budget_line_create(program=program, **data)
            elif row.action == CHANGE:
                services.budget_line_update(line=lines[row.line_id], **data)
    return planned
