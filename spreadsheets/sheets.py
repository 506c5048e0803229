"""One record tab as a spreadsheet: its columns, its export, its template and its import.

A `Sheet` names the model, the fields a row carries (the ones its services write) and how a
row finds the record it stands for: the exported record number (the “No.” column), or else
the sheet's natural key (e.g. a risk's text). Columns are worked out from the model's fields:
a field with choices takes its labels (or codes), a number field a number, a date field a date
cell or a `YYYY-MM-DD` text, a person an e-mail address of the team.

Importing is two steps. `plan_import` reads every row without writing and says what would
happen to each: created, changed (which fields), left as it is, or its errors — with a fixed
number of queries whatever the number of rows. `import_apply` plans again (the tab may have
changed since the preview) and, only when every row is valid, writes them through the tab's
services in one transaction, with the trail's channel "import"; a service that still refuses
a row rolls the whole file back and the row shows why. Its parts — `read_table` (the header
and the rows), `plan_rows` (each row against records read once), `write_row` — also serve the
portfolio import (`portfolio_import`), whose sheets hold the rows of many programs."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.trail import IMPORT, made_through

from .files import Formula, unquote

CREATE, CHANGE, SAME, ERROR = "create", "change", "same", "error"
ACTIONS = (CREATE, CHANGE, SAME, ERROR)
NUMBER = "id"  # the column holding the record's number in an export


# --- reading cells --------------------------------------------------------------------------


def text(value) -> str:
    """A cell as text: whole numbers without “.0”, dates as ISO, a formula-safe quote undone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return unquote(str(value).strip())


def number(value) -> Decimal | None:
    if isinstance(value, bool):
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    raw = text(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not raw:
        return None
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")  # a decimal comma
    raw = raw.replace(",", "")
    try:
        result = Decimal(raw)
    except InvalidOperation as error:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from error
    if not result.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value})
    return result


def whole_number(value) -> int | None:
    result = number(value)
    if result is None:
        return None
    if result != result.to_integral_value():
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": text(value)})
    return int(result)


def date(value) -> datetime.date | None:
    """A date cell, or a text written year-month-day; any other text is refused rather than
    guessed (is 03/04/2026 the 3rd of April or the 4th of March?)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw[:10] if len(raw) > 10 and "T" in raw else raw)
    except ValueError as error:
        raise ValidationError(
            _(
                "“%(value)s” is not a date: write it as 2026-03-31 (year-month-day) or use a "
                "date cell."
            )
            % {"value": raw}
        ) from error


def choice(value, choices, label: str):
    raw = text(value)
    if not raw:
        return ""
    wanted = raw.casefold()
    for code, name in choices:
        if wanted in (str(code).casefold(), str(name).casefold()):
            return code
    raise ValidationError(
        _("“%(value)s” is not an allowed %(column)s: %(allowed)s.")
        % {
            "value": raw,
            "column": str(label).lower(),
            "allowed": "; ".join(str(name) for _code, name in choices),
        }
    )


# --- columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a sheet. `read(cell, lookups)` turns a cell into the field's value (raising
    ValidationError with a message for the person); `write(record)` is the exported cell;
    `writable` False for a column shown for reading only (it may still identify the row)."""

    key: str
    label: str
    help: str = ""
    required: bool = False
    choices: tuple = ()
    read: Callable | None = None
    write: Callable | None = None
    writable: bool = True
    # not written to the record but read by the sheet's own checks (a new organization's kind)
    optional_input: bool = False

    def requirement(self) -> str:
        """What the template's Help sheet says of the column."""
        if self.writable:
            return _("required") if self.required else _("optional")
        return _("optional") if self.optional_input else _("for reading")

    def allowed(self) -> str:
        return "; ".join(str(label) for _value, label in self.choices)


def field_column(model, name: str, *, help: str = "", label=None) -> Column:
    """A column for the model field `name`, its kind worked out from the field."""
    model_field = model._meta.get_field(name)
    title = str(label or model_field.verbose_name)
    title = title[:1].upper() + title[1:]
    help = help or str(model_field.help_text or "")
    required = not model_field.blank and not model_field.has_default()
    if model_field.choices:
        choices = tuple((code, str(name_)) for code, name_ in model_field.flatchoices)
        labels = dict(choices)

        def read_choice(value, _lookups, choices=choices, title=title):
            code = choice(value, choices, title)
            if code == "" and isinstance(model_field, models.IntegerField):
                return None
            return code

        return Column(
            name,
            title,
            help or _("One of the allowed values."),
            required,
            choices,
            read=read_choice,
            write=lambda record: labels.get(getattr(record, name), getattr(record, name) or ""),
        )
    if isinstance(model_field, models.DecimalField):
        reader = number
        default_help = _("A number, without a currency symbol.")
    elif isinstance(model_field, models.IntegerField):
        reader = whole_number
        default_help = _("A whole number.")
    elif isinstance(model_field, models.DateField):
        reader = date
        default_help = _("A date: a date cell, or year-month-day as 2026-03-31.")
    else:

        def reader(value):
            return text(value)

        default_help = ""
    return Column(
        name,
        title,
        help or default_help or (_("Required.") if required else _("Optional.")),
        required,
        read=lambda value, _lookups: reader(value),
        write=lambda record: getattr(record, name),
    )


def number_column(help: str) -> Column:
    return Column(
        NUMBER,
        str(gettext_lazy("No.")),
        help,
        read=lambda value, _lookups: whole_number(value),
        write=lambda record: record.pk,
    )


def person_column(
    name: str, label, *, help: str = "", lookup: str = "team", unknown: str = "", required=False
) -> Column:
    """A person by e-mail address, found in `lookups[lookup]` (by default the program's team);
    `unknown` is the message for an address found there by no one (with %(email)s)."""

    def read(value, lookups):
        email = text(value)
        if not email:
            return None
        person = lookups[lookup].get(email.casefold())
        if person is None:
            message = unknown or _("No one on the program's team has the address “%(email)s”.")
            raise ValidationError(message % {"email": email})
        return person

    return Column(
        name,
        str(label),
        help or _("The e-mail address of someone on the program's team."),
        required,
        read=read,
        write=lambda record: getattr(getattr(record, name), "email", "") or "",
    )


# --- the sheet ------------------------------------------------------------------------------


class Sheet:
    """One record tab. Subclasses set the class attributes and the write methods."""

    key: str  # in the URLs: /programs/<slug>/sheets/<key>/…
    model: type[models.Model]
    fields: tuple[str, ...]  # what a row writes (the services' fields)
    natural_key: tuple[str, ...] = ()  # how a row without a number finds its record
    tab: str = ""  # the URL name of the tab's page
    permission = "chtprograms.change_program"
    creates = True  # False: rows only change records that exist (activities)
    one_per_program = False  # True: the sheet is one row (CHW support)

    label = ""  # the sheet's name (lazily translated)
    ordering: tuple[str, ...] = ("id",)
    #: The tab's services, called as create_service(program=…, **values) and
    #: update_service(**{update_argument: record}, **values); or override create / update.
    create_service: Callable | None = None
    update_service: Callable | None = None
    update_argument = ""

    def title(self) -> str:
        return str(self.label)

    def english_title(self) -> str:
        with translation.override("en"):
            return str(self.title())

    def columns(self) -> list[Column]:
        return [number_column(self.number_help()), *self.field_columns()]

    def number_help(self) -> str:
        return _("Leave empty for a new row; keep the number of an exported row to change it.")

    def field_columns(self) -> list[Column]:
        return [field_column(self.model, name) for name in self.fields]

    def records(self, program) -> models.QuerySet:
        return self.records_of([program])

    def records_of(self, programs) -> models.QuerySet:
        """The records of several programs in one query (the portfolio import reads its sheets'
        so). A sheet whose records are found another way overrides `records` instead."""
        return self.model.objects.filter(program__in=programs).order_by(*self.ordering)

    def lookups(self, program, rows: list[dict]) -> dict:
        """What the columns' readers look up, read once for the whole file."""
        return {}

    def candidate(self, program, record, values: dict, lookups: dict) -> models.Model:
        """An unsaved model instance carrying the row's values, for the model's validation."""
        instance = self.model(
            **({name: getattr(record, name) for name in self.fields} if record else {})
        )
        self.attach(instance, program, lookups)
        if record is not None:
            instance.pk = record.pk
        for name, value in values.items():
            setattr(instance, name, value)
        return instance

    def attach(self, instance, program, lookups) -> None:
        instance.program = program

    def identity(self, values: dict):
        return tuple(
            value.casefold() if isinstance(value, str) else getattr(value, "pk", value)
            for value in (values.get(name) for name in self.natural_key)
        )

    def complete(self, row: Row, record, values: dict, lookups: dict) -> None:
        """A row's checks beyond its cells and the model's own (errors and notes added to
        `row`), once its record is found and its values validated. None by default."""

    def create(self, *, program, by, values: dict) -> None:
        type(self).create_service(program=program, **values)

    def update(self, *, record, by, values: dict) -> None:
        type(self).update_service(**{self.update_argument: record}, **values)

    # --- export ---

    def export_rows(self, program) -> list[list]:
        columns = self.columns()
        return [[column.write(record) for column in columns] for record in self.records(program)]

    def may_import(self, user, program) -> bool:
        return user.has_perm(self.permission, program)


# --- the import -----------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # the row in the file (the header is row 1)
    values: dict = field(default_factory=dict)  # field → value, ready for the services
    action: str = CREATE
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # the labels of the changed columns
    record: models.Model | None = None
    shown: list[str] = field(default_factory=list)  # the row's cells as the preview shows them
    notes: list[str] = field(default_factory=list)  # what else the row does, for the preview


@dataclass
class Plan:
    sheet: Sheet
    rows: list[Row]
    file_errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.file_errors and all(row.action != ERROR for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        return {action: sum(1 for row in self.rows if row.action == action) for action in ACTIONS}

    @property
    def columns(self) -> list[Column]:
        return self.sheet.columns()


def _header_map(header: list, columns: list[Column]) -> tuple[dict[str, int], list[str]]:
    names: dict[str, str] = {}
    for column in columns:
        for name in (column.label, column.key, column.key.replace("_", " ")):
            names.setdefault(str(name).casefold(), column.key)
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(text(cell).casefold())
        if key and key not in found:
            found[key] = index
    missing = [
        column.label
        for column in columns
        if column.required and column.writable and column.key not in found
    ]
    if missing:
        return found, [
            _("Missing columns: %(columns)s. Start from the template.")
            % {"columns": ", ".join(missing)}
        ]
    return found, []


def _english_labels(sheet: Sheet) -> dict[str, str]:
    with translation.override("en"):
        return {str(column.label).casefold(): column.key for column in sheet.columns()}


def plan_import(*, sheet: Sheet, program, rows: list[list]) -> Plan:
    """What importing `rows` (header first) would do to the program's records of `sheet`, row
    by row, without writing. A fixed number of queries whatever the number of rows."""
    if not rows:
        return Plan(sheet, [], [_("The file is empty.")])
    positions, raw_rows, file_errors = read_table(sheet=sheet, rows=rows)
    if file_errors:
        return Plan(sheet, [], file_errors)
    if sheet.one_per_program and len(raw_rows) > 1:
        return Plan(
            sheet,
            [],
            [
                _("This sheet holds one row for the program; the file has %(count)s.")
                % {"count": len(raw_rows)}
            ],
        )
    existing = {record.pk: record for record in sheet.records(program)}
    lookups = sheet.lookups(program, [raw for _number, raw in raw_rows])
    rows_planned = plan_rows(
        sheet=sheet,
        program=program,
        positions=positions,
        raw_rows=raw_rows,
        existing=existing,
        lookups=lookups,
    )
    return Plan(sheet, rows_planned)


def read_table(*, sheet: Sheet, rows: list[list]) -> tuple[dict[str, int], list, list[str]]:
    """The header of `rows` matched to the sheet's columns (key → position, the labels in the
    reader's language or in English) and the rows that are not empty, as (row number,
    key → cell); or the file's errors (a required column missing)."""
    columns = sheet.columns()
    english = _english_labels(sheet)
    header = [english.get(text(cell).casefold(), cell) for cell in rows[0]] if rows else []
    positions, file_errors = _header_map(header, columns)
    if file_errors:
        return positions, [], file_errors
    raw_rows = []
    for number_, cells in enumerate(rows[1:], start=2):
        raw = {
            key: cells[index] if index < len(cells) else None for key, index in positions.items()
        }
        if all(value in (None, "") for value in raw.values()):
            continue  # an empty row
        raw_rows.append((number_, raw))
    return positions, raw_rows, []


def plan_rows(*, sheet: Sheet, program, positions, raw_rows, existing: dict, lookups) -> list[Row]:
    """Each row of `raw_rows` (from `read_table`) planned against the `existing` records (pk →
    record, read once by the caller): no query per row."""
    columns = sheet.columns()
    labels = {column.key: column.label for column in columns}
    by_key = {sheet.identity(_record_values(sheet, record)): record for record in existing.values()}
    planned: list[Row] = []
    seen: dict = {}
    for number_, raw in raw_rows:
        row = Row(number=number_)
        planned.append(row)
        row.shown = [
            raw[column.key].text
            if isinstance(raw.get(column.key), Formula)
            else text(raw.get(column.key))
            for column in columns
        ]
        formulas = [labels[key] for key, value in raw.items() if isinstance(value, Formula)]
        if formulas:
            row.errors.append(
                _("%(columns)s: formulas are not imported; type the value itself.")
                % {"columns": ", ".join(formulas)}
            )
            row.action = ERROR
            continue
        values, failed, record_number = {}, set(), None
        for column in columns:
            if column.key not in positions:
                continue
            try:
                value = column.read(raw.get(column.key), lookups)
            except ValidationError as error:
                failed.add(column.key)
                row.errors.extend(f"{column.label}: {message}" for message in error.messages)
                continue
            if column.key == NUMBER:
                record_number = value
            else:
                values[column.key] = value
        reading_errors = len(row.errors)
        record = _find(sheet, row, values, failed, record_number, existing, by_key, labels)
        writable = {column.key for column in columns if column.writable and column.key in positions}
        values_written = {key: value for key, value in values.items() if key in writable}
        if record is None and not sheet.one_per_program:
            # an empty cell of a new row takes the field's default, as the page's form does
            values_written = {
                key: value
                for key, value in values_written.items()
                if value not in (None, "") or not _has_default(sheet.model, key)
            }
        if record is None and not row.errors and not sheet.creates:
            row.errors.append(
                _("No such row in this program: only rows exported from it can be imported here.")
            )
        if sheet.one_per_program and record is None:
            record = next(iter(existing.values()), None)
        if len(row.errors) == reading_errors:  # the row's record is known (or it is new)
            _validate(sheet, program, record, values_written, lookups, failed, labels, row)
            sheet.complete(row, record, values, lookups)
        identity = record.pk if record else sheet.identity(values)
        if identity in seen:
            row.errors.append(_("The same row as row %(row)s.") % {"row": seen[identity]})
        seen[identity] = number_
        if row.errors:
            row.action = ERROR
            continue
        row.values = values_written
        row.record = record
        if record is None:
            row.action = CREATE
            continue
        row.changes = [
            labels[name]
            for name, value in values_written.items()
            if _comparable(getattr(record, name)) != _comparable(value)
        ]
        row.action = CHANGE if row.changes else SAME
    return planned


def _has_default(model, name: str) -> bool:
    try:
        return model._meta.get_field(name).has_default()
    except LookupError:
        return False


def _record_values(sheet: Sheet, record) -> dict:
    return {name: getattr(record, name) for name in sheet.natural_key}


def _comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    if value is None:
        return ""
    return value


def _find(sheet, row, values, failed, record_number, existing, by_key, labels):
    if record_number is not None:
        record = existing.get(record_number)
        if record is None:
            row.errors.append(
                _("%(column)s: no row %(number)s in this program.")
                % {"column": labels[NUMBER], "number": record_number}
            )
        return record
    if NUMBER in failed or not sheet.natural_key or failed & set(sheet.natural_key):
        return None
    return by_key.get(sheet.identity(values))


def _validate(sheet, program, record, values, lookups, failed, labels, row) -> None:
    candidate = sheet.candidate(program, record, values, lookups)
    exclude = [
        model_field.name
        for model_field in sheet.model._meta.fields
        if model_field.name not in sheet.fields
        or model_field.name in failed
        or model_field.is_relation  # read from the file's lookups, so known to exist
    ]
    try:
        # uniqueness and constraints are checked by the services when writing: no query here
        candidate.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = labels.get(name, "")
            row.errors.extend(f"{label}: {message}" if label else message for message in messages)


class RowRefused(Exception):
    """A service refused a planned row: the import rolls back and the row shows why."""

    def __init__(self, row: Row, messages: list[str]):
        super().__init__(messages)
        self.row, self.messages = row, messages

    def mark(self) -> None:
        self.row.action = ERROR
        self.row.errors.extend(self.messages)


def write_row(row: Row, write: Callable, **arguments):
    """`write(**arguments)` for `row`; a service's refusal becomes `RowRefused` for the row."""
    try:
        return write(**arguments)
    except ValidationError as error:
        raise RowRefused(row, error.messages) from error
    except PermissionDenied as error:
        raise RowRefused(row, [str(error) or _("You may not make this change.")]) from error


def import_apply(*, sheet: Sheet, program, rows: list[list], by) -> Plan:
    """Plan `rows` again and, when every row is valid, write them through the sheet's services
    in one transaction; otherwise, or when a service refuses a row, write nothing."""
    try:
        with transaction.atomic():
            planned = plan_import(sheet=sheet, program=program, rows=rows)
            if not planned.valid:
                return planned
            with made_through(IMPORT):  # the trail says these changes came from a spreadsheet
                for row in planned.rows:
                    if row.action == CREATE:
                        write_row(row, sheet.create, program=program, by=by, values=row.values)
                    elif row.action == CHANGE:
                        write_row(row, sheet.update, record=row.record, by=by, values=row.values)
    except RowRefused as refused:
        refused.mark()
        return planned
    return planned
