"""The portfolio as an XLSX workbook: the same filtered, sorted rows as its CSV export.

The rows come from the portfolio's own selectors and export columns (`portfolio.views`), so the
two exports cannot drift apart; the workbook is written in openpyxl's write-only mode (rows go
to a temporary file as they come, not kept in memory)."""

import datetime
import io

import openpyxl
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portfolio import selectors
from portfolio.views import _export_rows, _filter_form, _sort

from .writers import XLSX, _cell


@login_required
@require_GET
def portfolio_xlsx(request):
    today = timezone.localdate()
    form = _filter_form(request)
    table = selectors.portfolio_table(
        user=request.user, filters=form.filters(), sort=_sort(request), today=today
    )
    rows = selectors.table_rows(table.iterator(chunk_size=500), today=today)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Portfolio"))
    sheet.freeze_panes = "A2"
    for number, line in enumerate(_export_rows(request, rows)):
        if number == 0:
            cells = []
            for name in line:
                cell = WriteOnlyCell(sheet, value=_cell(str(name)))
                cell.font = Font(bold=True)
                cells.append(cell)
            sheet.append(cells)
            continue
        sheet.append([_cell(_date(value)) for value in line])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = datetime.date.isoformat(today)
    response["Content-Disposition"] = f'attachment; filename="cht-portfolio-{stamp}.xlsx"'
    return response


def _date(value):
    """The CSV's ISO dates become real dates in the workbook."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value
