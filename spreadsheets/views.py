"""Spreadsheet pages of the budget tab: exports, the template, and the import with its preview."""

import datetime
import secrets
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chtprograms.access import program_for
from plan.views import CHANGE, can_change

from . import budget
from .files import MAX_BYTES, FileRefused, read_rows
from .writers import csv_response, xlsx_response

SESSION_KEY = "spreadsheets:budget-import"


def _line_sheet(program, rows):
    columns = budget.line_columns()
    validations = {
        index: [label for _value, label in column.choices]
        for index, column in enumerate(columns)
        if column.choices
    }
    return (budget.sheet_names()[0], [column.label for column in columns], rows, validations)


def _expenditure_sheet(program):
    columns = budget.expenditure_columns()
    return (
        _("Expenditures"),
        [column.label for column in columns],
        budget.expenditure_rows(program=program),
        {},
    )


@login_required
@require_GET
def budget_export(request, slug, fmt):
    program = program_for(request, slug)
    stem = f"{program.slug}-budget"
    if fmt == "xlsx":
        sheets = [
            _line_sheet(program, budget.line_rows(program=program)),
            _expenditure_sheet(program),
        ]
        return xlsx_response(sheets, f"{stem}.xlsx")
    if fmt == "expenditures.csv":
        _title, header, rows, _v = _expenditure_sheet(program)
        return csv_response(header, rows, f"{program.slug}-expenditures.csv")
    _title, header, rows, _v = _line_sheet(program, budget.line_rows(program=program))
    return csv_response(header, rows, f"{stem}-lines.csv")


@login_required
@require_GET
def budget_template(request, slug):
    program = program_for(request, slug, CHANGE)
    columns = budget.line_columns()
    help_rows = [
        [
            column.label,
            _("required") if column.required else _("optional"),
            column.help,
            column.allowed(),
        ]
        for column in columns
    ]
    sheets = [
        _line_sheet(program, []),
        (
            _("Help"),
            [_("Column"), _("Required"), _("What to write"), _("Allowed values")],
            help_rows,
            {},
        ),
    ]
    return xlsx_response(sheets, f"{program.slug}-budget-template.xlsx")


def _storable(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@login_required
def budget_import(request, slug):
    """Upload → preview (nothing written) → confirm (all rows through the services, or none)."""
    program = program_for(request, slug, CHANGE)
    context = {"program": program, "can_change": can_change(request, program), "plan": None}
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(SESSION_KEY) or {}
        if stored.get("token") != request.POST.get("token") or stored.get("program") != program.pk:
            messages.error(request, _("This preview has expired: upload the file again."))
            return redirect("spreadsheets:budget-import", slug=program.slug)
        planned = budget.import_apply(program=program, rows=stored["rows"])
        if planned.valid:
            del request.session[SESSION_KEY]
            counts = planned.counts
            messages.success(
                request,
                _(
                    "Budget imported: %(create)s line(s) added, %(change)s changed, "
                    "%(same)s left as they were."
                )
                % counts,
            )
            return redirect("plan:budget", slug=program.slug)
        context["plan"] = planned
        status = 400
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = _("Choose a file to upload.")
            status = 400
        else:
            try:
                rows = read_rows(upload, sheet_names=budget.sheet_names())
            except FileRefused as refused:
                context["file_error"] = refused.message
                status = 400
            else:
                planned = budget.plan_import(program=program, rows=rows)
                context["plan"] = planned
                context["filename"] = upload.name
                if planned.valid:
                    token = secrets.token_urlsafe(16)
                    request.session[SESSION_KEY] = {
                        "token": token,
                        "program": program.pk,
                        "rows": [[_storable(value) for value in row] for row in rows],
                    }
                    context["token"] = token
                else:
                    status = 400
    context["max_megabytes"] = MAX_BYTES // (1024 * 1024)
    return render(request, "spreadsheets/budget_import.html", context, status=status)
