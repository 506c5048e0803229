"""The portfolio import: an organization moving in brings its programs, their teams and their
budget lines in one workbook of three sheets (Programs, Team, Budget lines).

A program is found by its short name (its slug). The Team and Budget lines sheets are the tabs'
own sheets (`tabs.Team`, `tabs.BudgetLines`) with the program's short name in front; every
sheet is planned by `sheets.plan_rows`, so each row is created, changed, left as it is or has
its errors, as in a tab's import. The preview reads a fixed number of queries whatever the
number of programs. Nothing is written unless every row of every sheet is valid; then, in one
transaction and with the trail's channel "import", programs go through `program_create` /
`program_update` (a lead organization not known yet through `organization_create` first), then
the team and the budget lines through the tabs' services.

A program the importer may not change is never named as existing: its rows say that no
program they can change has this short name."""

from __future__ import annotations

from dataclasses import dataclass, field

import django_countries
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chtprograms import services as program_services
from chtprograms.models import SLUG_RULE, Organization, Program
from chtprograms.services import PROGRAM_EDITABLE_FIELDS
from core.trail import IMPORT, made_through
from personas.models import PersonaRole
from personas.rules import remember_program_roles

from .sheets import (
    ACTIONS,
    CHANGE,
    CREATE,
    ERROR,
    Column,
    Plan,
    Row,
    RowRefused,
    Sheet,
    choice,
    field_column,
    plan_rows,
    read_table,
    text,
    write_row,
)
from .tabs import BudgetLines, Team

#: May import: who may create programs (the new-program page's own check).
PERMISSION = "chtprograms.add_program"


_CONSTRAINTS = {constraint.name: constraint for constraint in Program._meta.constraints}
#: The database's own words when a program's name is taken in its country (they name no program)
#: and when its planned end comes before its start.
_NAME_TAKEN = _CONSTRAINTS["program_name_unique_per_country"].violation_error_message
_END_BEFORE_START = _CONSTRAINTS["program_end_not_before_start"].violation_error_message


def _no_program(slug: str) -> str:
    return _("No program you can change has the short name “%(slug)s”.") % {"slug": slug}


# --- the Programs sheet ---------------------------------------------------------------------

#: The Programs sheet's columns: what finds and describes a program first, what may wait last.
_ORDER = (
    "slug",
    "name",
    "program_type",
    "country",
    "lead_organization",
    "lead_organization_kind",
    "planned_start",
    "planned_end",
    "currency",
    "regions",
    "goals",
    "summary",
)


class Programs(Sheet):
    """One row per program, found by its short name. Its lookups come from `plan_portfolio`
    (they depend on who imports)."""

    key = "programs"
    model = Program
    fields = PROGRAM_EDITABLE_FIELDS
    natural_key = ("slug",)
    permission = PERMISSION
    label = gettext_lazy("Programs")

    def columns(self):
        return self.field_columns()  # no “No.” column: the short name finds the program

    def field_columns(self):
        columns = {name: field_column(Program, name) for name in PROGRAM_EDITABLE_FIELDS}
        columns["slug"] = field_column(
            Program,
            "slug",
            help=_(
                "Finds the program: a short name no program has adds one, the short name of a "
                "program you can change changes it. %(rule)s"
            )
            % {"rule": SLUG_RULE},
        )
        columns["country"] = _country_column()
        columns["currency"] = Column(
            "currency",
            _("Currency"),
            str(Program._meta.get_field("currency").help_text),
            True,
            read=lambda value, _lookups: text(value).upper(),
            write=lambda record: record.currency,
        )
        columns["lead_organization"], kind = _organization_columns()
        columns["lead_organization_kind"] = kind
        return [columns[name] for name in _ORDER]

    def records(self, program):
        return Program.objects.none()

    def attach(self, instance, program, lookups):
        """A program belongs to no other record."""

    def complete(self, row, record, values, lookups):
        slug = values.get("slug") or ""
        if record is None and slug.casefold() in lookups["taken"]:
            # exists, but not for this person: say no more than the new-program page would
            row.errors.append(
                _("%(message)s Choose another short name for a new program.")
                % {"message": _no_program(slug)}
            )
        start, end = values.get("planned_start"), values.get("planned_end")
        if start and end and end < start:
            # the database's check, which the preview does not ask the database for
            row.errors.append(_("Planned end: %(message)s") % {"message": _END_BEFORE_START})
        organization = values.get("lead_organization")
        if organization is not None and organization.pk is None:
            self._new_organization(row, organization, values)
        name = (values.get("name") or "").casefold()
        country = str(values.get("country") or "")
        if name and country:
            other = lookups["names"].get((name, country))
            if other is not None and other != getattr(record, "pk", None):
                row.errors.append(_("Name: %(message)s") % {"message": _NAME_TAKEN})
            first = lookups["names_in_file"].setdefault((name, country), row.number)
            if first != row.number:
                row.errors.append(
                    _("Name: the same name and country as row %(row)s.") % {"row": first}
                )

    def _new_organization(self, row: Row, organization: Organization, values: dict) -> None:
        kind = values.get("lead_organization_kind") or organization.kind
        if not kind:
            row.errors.append(
                _(
                    "Lead organization: “%(name)s” is not known yet; say what kind of "
                    "organization it is in the next column to add it."
                )
                % {"name": organization.name}
            )
            return
        organization.kind = organization.kind or kind
        organization.country = organization.country or str(values.get("country") or "")
        try:
            organization.full_clean(validate_unique=False)
        except ValidationError as error:
            row.errors.extend(
                _("Lead organization: %(message)s") % {"message": message}
                for message in error.messages
            )
            return
        row.notes.append(
            _("The organization “%(name)s” will be added (%(kind)s).")
            % {"name": organization.name, "kind": organization.get_kind_display()}
        )

    def create(self, *, program, by, values):
        fields = dict(values)
        return program_services.program_create(head=fields.pop("head"), **fields)

    def update(self, *, record, by, values):
        return program_services.program_update(program=record, **values)


def _country_column() -> Column:
    countries = tuple((code, str(name)) for code, name in django_countries.countries)

    def read(value, _lookups):
        raw = text(value)
        if not raw:
            return ""
        try:
            return choice(raw, countries, _("Country"))
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not a country: write its name or its two-letter code (KE).")
                % {"value": raw}
            ) from None

    return Column(
        "country",
        _("Country"),
        _("The country's name or its two-letter code, e.g. Kenya or KE."),
        True,
        read=read,
        write=lambda record: record.country.name,
    )


def _organization_columns() -> tuple[Column, Column]:
    def read(value, lookups):
        name = text(value)
        if not name:
            return None
        known = lookups["organizations"].get(name.casefold())
        if known is not None:
            return known
        # the same new organization on several rows is one organization, added once
        return lookups["new_organizations"].setdefault(name.casefold(), Organization(name=name))

    kinds = tuple((code, str(label)) for code, label in Organization.Kind.choices)
    organization = Column(
        "lead_organization",
        _("Lead organization"),
        _("The organization's name. One not known yet is added with the program."),
        True,
        read=read,
        write=lambda record: record.lead_organization.name,
    )
    kind = Column(
        "lead_organization_kind",
        _("Kind of a new lead organization"),
        _("Only for a lead organization not known yet: what kind of organization it is."),
        choices=kinds,
        read=lambda value, _lookups: choice(value, kinds, _("Kind")),
        write=lambda record: record.lead_organization.get_kind_display(),
        writable=False,
        optional_input=True,
    )
    return organization, kind


# --- the Team and Budget lines sheets: a tab's sheet, row by row for any program ------------


def _program_column() -> Column:
    def read(value, lookups):
        slug = text(value)
        program = lookups["programs"].get(slug.casefold())
        if program is not None:
            return program
        broken = lookups["broken"].get(slug.casefold())
        if broken is not None:
            raise ValidationError(
                _("the program's row on the Programs sheet (row %(row)s) has errors.")
                % {"row": broken}
            )
        raise ValidationError(
            _("%(message)s Add it on the Programs sheet, or check the short name.")
            % {"message": _no_program(slug)}
        )

    return Column(
        "program",
        _("Program short name"),
        _("The short name of the program, as on the Programs sheet or of a program you manage."),
        True,
        read=read,
        write=lambda record: record.program.slug,
    )


class _OfAProgram:
    """A tab's sheet in the portfolio workbook: each row starts with its program's short name,
    and the same row of two programs is two rows."""

    columns_kept: tuple[str, ...] = ()  # the tab's columns the portfolio sheet keeps

    def columns(self):
        return [
            _program_column(),
            *(column for column in self.field_columns() if column.key in self.columns_kept),
        ]

    def identity(self, values):
        program = values.get("program")
        return (getattr(program, "slug", None), *super().identity({**values, "program": None}))


class ProgramTeam(_OfAProgram, Team):
    natural_key = ("program", *Team.natural_key)
    columns_kept = ("user", "role")


class ProgramBudgetLines(_OfAProgram, BudgetLines):
    natural_key = ("program", *BudgetLines.natural_key)
    columns_kept = BudgetLines.fields


PROGRAMS, TEAM, BUDGET = Programs(), ProgramTeam(), ProgramBudgetLines()
SHEETS: tuple[Sheet, ...] = (PROGRAMS, TEAM, BUDGET)


# --- planning -------------------------------------------------------------------------------


@dataclass
class PortfolioPlan:
    plans: list[Plan]  # the Programs, Team and Budget lines sheets, in this order
    heads: dict[str, Row] = field(default_factory=dict)  # new program's slug → its head's row

    @property
    def valid(self) -> bool:
        return all(plan.valid for plan in self.plans)

    @property
    def counts(self) -> dict[str, int]:
        return {action: sum(plan.counts[action] for plan in self.plans) for action in ACTIONS}


def _slug(raw: dict, key: str) -> str:
    return text(raw.get(key)).casefold()


def plan_portfolio(*, user, workbook: dict[str, list[list]]) -> PortfolioPlan:
    """What importing `workbook` (sheet key → rows, header first) would do, sheet by sheet and
    row by row, without writing. A fixed number of queries whatever the number of rows."""
    tables = {}
    for sheet in SHEETS:
        rows = workbook.get(sheet.key) or []
        tables[sheet.key] = read_table(sheet=sheet, rows=rows) if rows else ({}, [], [])
    slugs = {
        _slug(raw, "slug" if sheet is PROGRAMS else "program")
        for sheet in SHEETS
        for _number, raw in tables[sheet.key][1]
    } - {""}
    found = list(Program.objects.filter(slug__in=slugs).select_related("lead_organization"))
    remember_program_roles(user, [program.pk for program in found])
    changeable = {
        program.slug: program
        for program in found
        if user.has_perm("chtprograms.change_program", program)
    }

    positions, raw_rows, file_errors = tables[PROGRAMS.key]
    programs = Plan(PROGRAMS, [], file_errors)
    if not file_errors:
        programs.rows = plan_rows(
            sheet=PROGRAMS,
            program=None,
            positions=positions,
            raw_rows=raw_rows,
            existing={program.pk: program for program in changeable.values()},
            lookups=_program_lookups(raw_rows, taken={p.slug for p in found} - set(changeable)),
        )
    targets = dict(changeable)
    broken = {}
    for row, (_number, raw) in zip(programs.rows, raw_rows, strict=True):
        slug = _slug(raw, "slug")
        if row.action == CREATE:
            targets[slug] = Program(**row.values)  # to be created: what its rows belong to
        elif row.action == ERROR and slug not in changeable:
            broken.setdefault(slug, row.number)

    planned = PortfolioPlan([programs])
    for sheet in (TEAM, BUDGET):
        positions, raw_rows, file_errors = tables[sheet.key]
        plan = Plan(sheet, [], file_errors)
        planned.plans.append(plan)
        if file_errors:
            continue
        lookups = {
            **sheet.lookups(None, [raw for _number, raw in raw_rows]),
            "programs": targets,
            "broken": broken,
        }
        records = sheet.records_of(list(changeable.values())).select_related("program")
        plan.rows = plan_rows(
            sheet=sheet,
            program=None,
            positions=positions,
            raw_rows=raw_rows,
            existing={record.pk: record for record in records},
            lookups=lookups,
        )
    _heads(planned, user)
    return planned


def _program_lookups(raw_rows, *, taken: set[str]) -> dict:
    names = {text(raw.get("lead_organization")).casefold() for _number, raw in raw_rows}
    organizations = Organization.objects.annotate(folded=Lower("name")).filter(
        folded__in=names - {""}
    )
    program_names = {text(raw.get("name")).casefold() for _number, raw in raw_rows} - {""}
    same_names = (
        Program.objects.annotate(folded=Lower("name"))
        .filter(folded__in=program_names)
        .values_list("folded", "country", "pk")
    )
    return {
        "organizations": {organization.folded: organization for organization in organizations},
        "new_organizations": {},
        "names": {(name, str(country)): pk for name, country, pk in same_names},
        "names_in_file": {},
        "taken": taken,
    }


def _heads(planned: PortfolioPlan, user) -> None:
    """A new program's head is the first person the Team sheet names as its head, else the
    importer; on a program that exists, only its head or site staff appoint a head."""
    programs, team = planned.plans[0], planned.plans[1]
    for row in team.rows:
        if row.action != CREATE or row.values.get("role") != PersonaRole.PROGRAM_HEAD:
            continue
        program = row.values["program"]
        if program.pk is None:
            planned.heads.setdefault(program.slug, row)
        elif not user.has_perm("personas.manage_heads", program):
            row.action = ERROR
            row.errors.append(_("Only a program head or site staff can appoint or remove a head."))
    for row in programs.rows:
        if row.action != CREATE:
            continue
        head = planned.heads.get(row.values["slug"])
        if head is None:
            row.notes.append(_("You will be its program head."))
        else:
            row.notes.append(
                _("Its program head: %(email)s (Team sheet, row %(row)s).")
                % {"email": head.values["user"].email, "row": head.number}
            )


# --- writing --------------------------------------------------------------------------------


def portfolio_import_apply(*, user, workbook: dict[str, list[list]]) -> PortfolioPlan:
    """Plan `workbook` again and, when every row of every sheet is valid, write it through the
    services in one transaction; otherwise, or when a service refuses a row, write nothing."""
    try:
        with transaction.atomic():
            planned = plan_portfolio(user=user, workbook=workbook)
            if planned.valid:
                with made_through(IMPORT):  # the trail says these changes came from a file
                    _write(planned, user)
    except RowRefused as refused:
        refused.mark()
    return planned


def _write(planned: PortfolioPlan, user) -> None:
    programs, *others = planned.plans
    organizations: dict[str, Organization] = {}
    created: dict[str, Program] = {}
    for row in programs.rows:
        if row.action not in (CREATE, CHANGE):
            continue
        values = dict(row.values)
        organization = values.get("lead_organization")
        if organization is not None and organization.pk is None:
            key = organization.name.casefold()
            if key not in organizations:
                organizations[key] = write_row(
                    row,
                    program_services.organization_create,
                    name=organization.name,
                    kind=organization.kind,
                    country=organization.country,
                )
            values["lead_organization"] = organizations[key]
        if row.action == CREATE:
            head = planned.heads.get(values["slug"])
            values["head"] = head.values["user"] if head else user
            created[values["slug"]] = write_row(
                row, PROGRAMS.create, program=None, by=user, values=values
            )
        else:
            write_row(row, PROGRAMS.update, record=row.record, by=user, values=values)
    heads = set(map(id, planned.heads.values()))  # added by program_create with the program
    for plan in others:
        for row in plan.rows:
            if row.action not in (CREATE, CHANGE) or id(row) in heads:
                continue
            values = dict(row.values)
            program = values.pop("program")
            new = program.pk is None
            # a program being created is the application's own doing: its team needs no head
            # to appoint its heads
            by = None if new else user
            if row.action == CREATE:
                program = created[program.slug] if new else program
                write_row(row, plan.sheet.create, program=program, by=by, values=values)
            else:
                write_row(row, plan.sheet.update, record=row.record, by=by, values=values)
