"""The spreadsheet pages of every record tab: export (XLSX, CSV), the template, and the import
with its preview. Which tab is the URL's `sheet` (`tabs.SHEETS`)."""

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chtprograms.access import program_for

from . import portfolio_import as portfolio
from . import sheets
from .files import MAX_BYTES, FileRefused, Formula, read_rows, read_sheets
from .tabs import SHEETS
from .writers import csv_response, xlsx_response

SESSION_KEY = "spreadsheets:import"
PORTFOLIO_SESSION_KEY = "spreadsheets:portfolio-import"


def _sheet(key: str) -> sheets.Sheet:
    try:
        return SHEETS[key]
    except KeyError:
        raise Http404 from None


def _importable(request, slug: str, key: str) -> tuple[sheets.Sheet, object]:
    """The tab and its program, for someone who may import into it (403 otherwise; 404 for a
    program they may not see)."""
    tab = _sheet(key)
    program = program_for(request, slug)
    if not tab.may_import(request.user, program):
        raise PermissionDenied
    return tab, program


def _tab_url(sheet: sheets.Sheet, program) -> str:
    return reverse(sheet.tab, args=[program.slug])


def _content(sheet: sheets.Sheet, rows) -> tuple:
    columns = sheet.columns()
    validations = {
        index: [label for _value, label in column.choices]
        for index, column in enumerate(columns)
        if column.choices
    }
    return (sheet.title(), [column.label for column in columns], rows, validations)


@login_required
@require_GET
def export(request, slug, sheet, fmt):
    tab = _sheet(sheet)
    program = program_for(request, slug)
    title, header, rows, validations = _content(tab, tab.export_rows(program))
    stem = f"{program.slug}-{tab.key}"
    if fmt == "xlsx":
        return xlsx_response([(title, header, rows, validations)], f"{stem}.xlsx")
    return csv_response(header, rows, f"{stem}.csv")


@login_required
@require_GET
def template(request, slug, sheet):
    tab, program = _importable(request, slug, sheet)
    content = [
        _content(tab, []),
        (_("Help"), _help_header(), _help_rows(tab), {}),
    ]
    return xlsx_response(content, f"{program.slug}-{tab.key}-template.xlsx")


def _help_header() -> list[str]:
    return [_("Column"), _("Required"), _("What to write"), _("Allowed values")]


def _help_rows(sheet: sheets.Sheet) -> list[list]:
    """The template's Help sheet: each column's meaning and allowed values."""
    return [
        [column.label, column.requirement(), column.help, column.allowed()]
        for column in sheet.columns()
    ]


def _storable(content):
    """The file's cells as the session can keep them (JSON): dates as ISO text, numbers as text."""
    if isinstance(content, dict):
        return {key: _storable(value) for key, value in content.items()}
    if isinstance(content, list | tuple):
        return [_storable(value) for value in content]
    if isinstance(content, datetime.datetime | datetime.date):
        return content.isoformat()
    if isinstance(content, Decimal):
        return str(content)
    if isinstance(content, Formula):  # only in a column the import does not read
        return content.text
    return content


@dataclass(frozen=True)
class ImportSteps:
    """What differs between the import pages; `import_page` runs the steps they share: upload →
    preview (nothing written, the file kept in the session under a token) → confirm (all of it
    through the services, or nothing)."""

    session_key: str
    scope: dict  # what a stored preview belongs to: confirming elsewhere finds it expired
    read: Callable  # upload → content (raises FileRefused)
    plan: Callable  # content → a plan (`.valid`, `.counts`), writing nothing
    apply: Callable  # stored content → the plan, written when valid
    done: Callable  # counts → the success message
    done_url: str
    again_url: str


def import_page(request, steps: ImportSteps, template_name: str, context: dict):
    context = {**context, "plan": None, "max_megabytes": MAX_BYTES // (1024 * 1024)}
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(steps.session_key) or {}
        if stored.get("token") != request.POST.get("token") or stored.get("scope") != steps.scope:
            messages.error(request, _("This preview has expired: upload the file again."))
            return redirect(steps.again_url)
        planned = steps.apply(stored["content"])
        if planned.valid:
            del request.session[steps.session_key]
            messages.success(request, steps.done(planned.counts))
            return redirect(steps.done_url)
        context["plan"] = planned
        status = 400
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = _("Choose a file to upload.")
            status = 400
        else:
            try:
                content = steps.read(upload)
            except FileRefused as refused:
                context["file_error"] = refused.message
                status = 400
            else:
                planned = steps.plan(content)
                context.update(plan=planned, filename=upload.name)
                if planned.valid:
                    token = secrets.token_urlsafe(16)
                    request.session[steps.session_key] = {
                        "token": token,
                        "scope": steps.scope,
                        "content": _storable(content),
                    }
                    context["token"] = token
                else:
                    status = 400
    return render(request, template_name, context, status=status)


@login_required
def import_(request, slug, sheet):
    """A record tab's import."""
    tab, program = _importable(request, slug, sheet)
    tab_url = _tab_url(tab, program)
    steps = ImportSteps(
        session_key=SESSION_KEY,
        scope={"program": program.pk, "sheet": tab.key},
        read=lambda upload: read_rows(upload, sheet_names=(tab.title(), tab.english_title())),
        plan=lambda rows: sheets.plan_import(sheet=tab, program=program, rows=rows),
        apply=lambda rows: sheets.import_apply(
            sheet=tab, program=program, rows=rows, by=request.user
        ),
        done=lambda counts: (
            _(
                "%(sheet)s imported: %(create)s row(s) added, %(change)s changed, "
                "%(same)s left as they were."
            )
            % {"sheet": tab.title(), **counts}
        ),
        done_url=tab_url,
        again_url=reverse("spreadsheets:import", args=[program.slug, tab.key]),
    )
    context = {"program": program, "sheet": tab, "tab_url": tab_url, "cancel_url": tab_url}
    return import_page(request, steps, "spreadsheets/import.html", context)


# --- the portfolio import: programs, their teams and budget lines in one workbook -------------


def _may_import_portfolio(request) -> None:
    if not request.user.has_perm(portfolio.PERMISSION):
        raise PermissionDenied


@login_required
@require_GET
def portfolio_template(request):
    _may_import_portfolio(request)
    help_rows = [[sheet.title(), *row] for sheet in portfolio.SHEETS for row in _help_rows(sheet)]
    content = [
        *(_content(sheet, []) for sheet in portfolio.SHEETS),
        (_("Help"), [_("Sheet"), *_help_header()], help_rows, {}),
    ]
    return xlsx_response(content, "portfolio-import-template.xlsx")


@login_required
def portfolio_import_page(request):
    """The portfolio import: every sheet of the workbook previewed, then all of it or nothing."""
    _may_import_portfolio(request)
    names = {sheet.key: (sheet.title(), sheet.english_title()) for sheet in portfolio.SHEETS}
    steps = ImportSteps(
        session_key=PORTFOLIO_SESSION_KEY,
        scope={"user": request.user.pk},
        read=lambda upload: read_sheets(upload, sheets=names),
        plan=lambda workbook: portfolio.plan_portfolio(user=request.user, workbook=workbook),
        apply=lambda workbook: portfolio.portfolio_import_apply(
            user=request.user, workbook=workbook
        ),
        done=lambda counts: (
            _(
                "Portfolio imported: %(create)s row(s) added, %(change)s changed, "
                "%(same)s left as they were."
            )
            % counts
        ),
        done_url=reverse("chtprograms:program-list"),
        again_url=reverse("spreadsheets:portfolio-import"),
    )
    context = {"sheets": portfolio.SHEETS, "cancel_url": reverse("chtprograms:program-list")}
    return import_page(request, steps, "spreadsheets/portfolio_import.html", context)
