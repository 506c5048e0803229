"""A budget import in a real browser: the template, a file with errors, its correction, the
confirmation, and the same file again changing nothing."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plan.budget.models import BudgetLine
from tests.factories import ProgramFactory, UserFactory

from .test_plan_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["No.", "Category", "Stage", "Description", "Forecast amount", "Note"]


def workbook(tmp_path, name, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Budget lines"
    for row in [HEADER, *rows]:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_import_with_errors_then_corrected_and_confirmed(
    live_server, browser, screenshot_dir, tmp_path
):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    ProgramFactory(
        head=head,
        name="Siaya CHV maternal health",
        slug="siaya-chv",
        planned_start=datetime.date(2026, 1, 1),
        planned_end=datetime.date(2027, 12, 31),
        currency="KES",
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/programs/siaya-chv/budget/")
    page.get_by_role("link", name="Import — Budget lines").click()
    expect(page.get_by_role("heading", name="Import: Budget lines")).to_be_visible()

    # The template downloads, with its Help sheet.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template").click()
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book.sheetnames == ["Budget lines", "Help"]

    # A file with errors: each row's error beside it, nothing saved.
    bad = workbook(
        tmp_path,
        "budget.xlsx",
        [
            [None, "Devices", "Implementation", "Smartphones for 200 CHVs", 2000000, None],
            [None, "Gadgets", None, "Tablets", 10, None],
            [None, "Training", None, "CHV training", "=2*250000", None],
        ],
    )
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(bad)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#preview-counts")).to_have_text(
        "1 to add, 0 to change, 0 left as they are, 2 with errors."
    )
    expect(page.locator("#preview")).to_contain_text("“Gadgets” is not an allowed category")
    expect(page.locator("#preview")).to_contain_text("formulas are not imported")
    expect(page.locator("#preview")).to_contain_text("=2*250000")
    expect(page.locator("#nothing-saved")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "sheets-1-import-errors.png", full_page=True)
    assert not BudgetLine.objects.exists()

    # The corrected file: a preview, then the confirmation saves it.
    good = workbook(
        tmp_path,
        "budget-corrected.xlsx",
        [
            [None, "Devices", "Implementation", "Smartphones for 200 CHVs", 2000000, None],
            [None, "Devices", None, "Tablets", 10, None],
            [None, "Training", None, "CHV training", 500000, "Two days"],
        ],
    )
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(good)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#preview-counts")).to_have_text(
        "3 to add, 0 to change, 0 left as they are, 0 with errors."
    )
    page.screenshot(path=screenshot_dir / "sheets-2-import-preview.png", full_page=True)
    assert not BudgetLine.objects.exists()
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.get_by_text("Budget lines imported: 3 row(s) added, 0 changed")).to_be_visible()
    expect(page.locator("#budget-forecast")).to_contain_text("KES 2,500,010")
    page.screenshot(path=screenshot_dir / "sheets-3-imported.png", full_page=True)
    assert BudgetLine.objects.count() == 3

    # The same file again changes nothing.
    page.goto(live_server.url + reverse("spreadsheets:import", args=["siaya-chv", "budget-lines"]))
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(good)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#preview-counts")).to_have_text(
        "0 to add, 0 to change, 3 left as they are, 0 with errors."
    )
