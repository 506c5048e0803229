"""Reading an uploaded spreadsheet safely, and writing cells that no spreadsheet runs.

Every refusal is a `FileRefused` with a message for the person who uploaded the file: too big
(checked before anything is parsed), not a workbook although named .xlsx (a renamed CSV), a
zip bomb (the entries' uncompressed sizes are read from the zip directory before openpyxl opens
anything), merged cells, a missing sheet, not UTF-8 text. Formulas are not refused here: the
cell is reported by the import as an error on its row."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import openpyxl
from django.utils.translation import gettext as _

MAX_BYTES = 50 * 1024 * 1024  # the upload
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # all the entries of an .xlsx, uncompressed
MAX_RATIO = 100  # uncompressed / compressed, per entry
MAX_ROWS = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileRefused(Exception):
    """The file cannot be read at all; `message` says why, for the person who sent it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Formula:
    """A cell that held a formula (its text), which the import never evaluates."""

    text: str


def safe_text(value):
    """A value for an exported cell: text that a spreadsheet would run as a formula gets a
    leading quote (OWASP's advice for CSV injection); other values are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unquote(value: str) -> str:
    """Undo `safe_text` on a value read back, so that re-importing an export changes nothing."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def read_rows(upload, *, sheet_names: tuple[str, ...]) -> list[list]:
    """The rows (header first) of `upload` — an .xlsx (its sheet named one of `sheet_names`,
    or its only sheet) or a .csv — as lists of str / int / float / datetime / Formula / None."""
    if _is_workbook(upload):
        workbook = _open_workbook(upload)
        return _sheet_rows(_find_sheet(workbook, sheet_names))
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith((".csv", ".txt")) or not name:
        return _csv_rows(upload)
    raise FileRefused(_("Upload an .xlsx workbook or a .csv file."))


def read_sheets(upload, *, sheets: dict[str, tuple[str, ...]]) -> dict[str, list[list]]:
    """The rows of several sheets of one .xlsx workbook: `sheets` maps a key to the names its
    sheet may have (e.g. its title in the reader's language and in English); every one must be
    there. The checks are `read_rows`' own."""
    if not _is_workbook(upload):
        raise FileRefused(
            _("Upload the .xlsx workbook: a CSV file holds one sheet, this import needs several.")
        )
    workbook = _open_workbook(upload)
    return {key: _sheet_rows(_find_sheet(workbook, names)) for key, names in sheets.items()}


def _is_workbook(upload) -> bool:
    """True for an .xlsx (checked for size and for being a zip), False for a text file."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise FileRefused(_("The file is larger than 50 MB: split it, or remove what is unused."))
    name = (getattr(upload, "name", "") or "").lower()
    head = upload.read(4)
    upload.seek(0)
    is_zip = head.startswith(b"PK\x03\x04")
    if name.endswith((".xlsx", ".xlsm")) and not is_zip:
        raise FileRefused(
            _(
                "This file is named .xlsx but is not an Excel workbook (is it a CSV file "
                "renamed?). Save it as .xlsx from your spreadsheet program, or name it .csv."
            )
        )
    return is_zip


def _check_zip(upload) -> None:
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile as error:
        raise FileRefused(_("This workbook is damaged and cannot be opened.")) from error
    total = 0
    with archive:
        entries = archive.infolist()
        if len(entries) > 1000:
            raise FileRefused(_("This workbook has too many parts to be a spreadsheet."))
        for entry in entries:
            total += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if total > MAX_UNCOMPRESSED or (entry.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                raise FileRefused(
                    _(
                        "This workbook unpacks to far more than its size (a “zip bomb”): it "
                        "was not opened."
                    )
                )
    upload.seek(0)


def _open_workbook(upload):
    _check_zip(upload)
    try:
        return openpyxl.load_workbook(upload, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a bad workbook
        raise FileRefused(
            _("This workbook cannot be read: %(error)s") % {"error": error}
        ) from error


def _find_sheet(workbook, sheet_names):
    wanted = {name.casefold() for name in sheet_names}
    sheets = [sheet for sheet in workbook.worksheets if sheet.title.casefold() in wanted]
    if not sheets:
        raise FileRefused(
            _("The workbook has no sheet named “%(expected)s” (it has: %(found)s).")
            % {
                "expected": sheet_names[0],
                "found": ", ".join(f"“{sheet.title}”" for sheet in workbook.worksheets),
            }
        )
    return sheets[0]


def _sheet_rows(sheet) -> list[list]:
    if sheet.merged_cells.ranges:
        raise FileRefused(
            _("The sheet “%(sheet)s” has merged cells (%(cells)s): unmerge them and upload again.")
            % {
                "sheet": sheet.title,
                "cells": ", ".join(str(cells) for cells in list(sheet.merged_cells.ranges)[:5]),
            }
        )
    if sheet.max_row > MAX_ROWS + 1:
        raise FileRefused(
            _("At most %(count)s rows can be imported at once.") % {"count": MAX_ROWS}
        )
    rows = []
    for row in sheet.iter_rows():
        values = []
        for cell in row:
            if cell.data_type == "f":
                values.append(Formula(str(cell.value)))
            else:
                values.append(cell.value)
        rows.append(values)
    return rows


def _csv_rows(upload) -> list[list]:
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _("This CSV file is not UTF-8 text: save it as “CSV UTF-8” and upload again.")
        ) from error
    if "\x00" in text:
        raise FileRefused(_("This file is not a CSV text file."))
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    rows = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        if len(rows) > MAX_ROWS:
            raise FileRefused(
                _("At most %(count)s rows can be imported at once.") % {"count": MAX_ROWS}
            )
        rows.append([Formula(value) if value.startswith("=") else value for value in row])
    return rows
