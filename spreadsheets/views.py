"""The spreadsheet pages of every record tab: export (XLSX, CSV), the template, and the import
with its preview. Which tab is the URL's `sheet` (`tabs.SHEETS`)."""

import datetime
import secrets
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
from .files import MAX_BYTES, FileRefused, read_rows, read_sheets
from .tabs import SHEETS
from .writers import csv_response, xlsx_response

SESSION_KEY = "spreadsheets:import"
PORTFOLIO_SESSION_KEY = "spreadsheets:portfolio-import"


def _sheet(key: str) -> sheets.Sheet:
    try:
        return SHEETS[key]
    except KeyError:
        raise Http404 from None


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
    tab = _sheet(sheet)
    program = program_for(request, slug)
    if not tab.may_import(request.user, program):
        raise PermissionDenied
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


def _storable(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@login_required
def import_(request, slug, sheet):
    """Upload → preview (nothing written) → confirm (every row through the services, or none)."""
    tab = _sheet(sheet)
    program = program_for(request, slug)
    if not tab.may_import(request.user, program):
        raise PermissionDenied
    context = {
        "program": program,
        "sheet": tab,
        "tab_url": _tab_url(tab, program),
        "plan": None,
        "max_megabytes": MAX_BYTES // (1024 * 1024),
    }
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(SESSION_KEY) or {}
        if (
            stored.get("token") != request.POST.get("token")
            or stored.get("program") != program.pk
            or stored.get("sheet") != tab.key
        ):
            messages.error(request, _("This preview has expired: upload the file again."))
            return redirect("spreadsheets:import", slug=program.slug, sheet=tab.key)
        planned = sheets.import_apply(
            sheet=tab, program=program, rows=stored["rows"], by=request.user
        )
        if planned.valid:
            del request.session[SESSION_KEY]
            messages.success(
                request,
                _(
                    "%(sheet)s imported: %(create)s row(s) added, %(change)s changed, "
                    "%(same)s left as they were."
                )
                % {"sheet": tab.title(), **planned.counts},
            )
            return redirect(context["tab_url"])
        context["plan"] = planned
        status = 400
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = _("Choose a file to upload.")
            status = 400
        else:
            try:
                rows = read_rows(upload, sheet_names=(tab.title(), tab.english_title()))
            except FileRefused as refused:
                context["file_error"] = refused.message
                status = 400
            else:
                planned = sheets.plan_import(sheet=tab, program=program, rows=rows)
                context["plan"] = planned
                context["filename"] = upload.name
                if planned.valid:
                    token = secrets.token_urlsafe(16)
                    request.session[SESSION_KEY] = {
                        "token": token,
                        "program": program.pk,
                        "sheet": tab.key,
                        "rows": [[_storable(value) for value in row] for row in rows],
                    }
                    context["token"] = token
                else:
                    status = 400
    return render(request, "spreadsheets/import.html", context, status=status)


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
    """Upload → preview of every sheet (nothing written) → confirm (all of it, or nothing)."""
    _may_import_portfolio(request)
    context = {
        "sheets": portfolio.SHEETS,
        "plan": None,
        "max_megabytes": MAX_BYTES // (1024 * 1024),
    }
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(PORTFOLIO_SESSION_KEY) or {}
        if stored.get("token") != request.POST.get("token"):
            messages.error(request, _("This preview has expired: upload the file again."))
            return redirect("spreadsheets:portfolio-import")
        planned = portfolio.portfolio_import_apply(user=request.user, workbook=stored["sheets"])
        if planned.valid:
            del request.session[PORTFOLIO_SESSION_KEY]
            messages.success(
                request,
                _(
                    "Portfolio imported: %(create)s row(s) added, %(change)s changed, "
                    "%(same)s left as they were."
                )
                % planned.counts,
            )
            return redirect("chtprograms:program-list")
        context["plan"] = planned
        status = 400
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = _("Choose a file to upload.")
            status = 400
        else:
            try:
                workbook = read_sheets(
                    upload,
                    sheets={
                        sheet.key: (sheet.title(), sheet.english_title())
                        for sheet in portfolio.SHEETS
                    },
                )
            except FileRefused as refused:
                context["file_error"] = refused.message
                status = 400
            else:
                planned = portfolio.plan_portfolio(user=request.user, workbook=workbook)
                context["plan"] = planned
                context["filename"] = upload.name
                if planned.valid:
                    token = secrets.token_urlsafe(16)
                    request.session[PORTFOLIO_SESSION_KEY] = {
                        "token": token,
                        "sheets": {
                            key: [[_storable(value) for value in row] for row in rows]
                            for key, rows in workbook.items()
                        },
                    }
                    context["token"] = token
                else:
                    status = 400
    return render(request, "spreadsheets/portfolio_import.html", context, status=status)
