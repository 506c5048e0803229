"""Writing sheets as XLSX (openpyxl) or CSV, every text cell formula-safe (`files.safe_text`)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
from django.http import HttpResponse
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from .files import safe_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, Decimal):
        return float(value) if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, datetime.date | int | float) or value is None:
        return value
    return safe_text(str(value))


def workbook(sheets) -> openpyxl.Workbook:
    """`sheets`: (title, header, rows, validations) where validations maps a column index to
    its allowed values (a drop-down in the sheet)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, header, rows, validations in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append([safe_text(str(name)) for name in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(value) for value in row])
        for index, name in enumerate(header, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, min(60, len(str(name)) + 4))
        for index, allowed in (validations or {}).items():
            letter = openpyxl.utils.get_column_letter(index + 1)
            text = ",".join(str(value).replace(",", " ") for value in allowed)
            if len(text) > 255:  # a spreadsheet's limit for a list: the Help sheet lists them
                continue
            rule = DataValidation(type="list", formula1=f'"{text}"', allow_blank=True)
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}1000")
        sheet.freeze_panes = "A2"
    return book


def xlsx_response(sheets, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook(sheets).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(header, rows, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow([safe_text(str(name)) for name in header])
    for row in rows:
        writer.writerow(["" if value is None else _cell(value) for value in row])
    return response
