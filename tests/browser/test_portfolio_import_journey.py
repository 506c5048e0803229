"""An organization moving in, in a real browser: from the program list to the portfolio import,
the template, a workbook with errors on each sheet, the corrected workbook, the confirmation,
and the programs in the list — on a laptop and on a phone."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from chtprograms.models import Program
from personas.services import program_creator_set
from plan.budget.models import BudgetLine
from tests.factories import OrganizationFactory, UserFactory

from .test_plan_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRAMS = ["Short name", "Name", "Program type", "Country", "Lead organization"]
PROGRAMS += ["Kind of a new lead organization", "Planned start", "Planned end", "Currency"]
TEAM = ["Program short name", "E-mail", "Role"]
BUDGET = ["Program short name", "Category", "Stage", "Description", "Forecast amount", "Note"]


def workbook(tmp_path, name, programs, team, budget):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, header, rows in (
        ("Programs", PROGRAMS, programs),
        ("Team", TEAM, team),
        ("Budget lines", BUDGET, budget),
    ):
        sheet = book.create_sheet(title)
        for row in [header, *rows]:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def shoot(page, screenshot_dir, step: str, width: int) -> None:
    page.screenshot(path=screenshot_dir / f"portfolio-import-{step}-{width}.png", full_page=True)


def rows(*, errors: bool):
    programs = [
        ["siaya-chv", "Siaya CHV maternal health", "Accompanied", "Kenya"]
        + ["Ministry of Health Kenya", "", "2027-01-01", "2028-12-31", "KES"],
        ["kisumu-chv", "Kisumu CHV family planning", "Community-led", "KE"]
        + ["Living Goods", "" if errors else "NGO", "2027-03-01", "2029-02-28", "KES"],
    ]
    team = [
        ["siaya-chv", "wanjiru@example.org", "Software developer"],
        ["kisumu-chv", "nobody@example.org" if errors else "wanjiru@example.org", "Researcher"],
    ]
    budget = [
        ["siaya-chv", "Devices", "Implementation", "Smartphones for 200 CHVs", 2000000, ""],
        ["kisumu-chv", "Gadgets" if errors else "Training", "", "CHV training", 500000, ""],
    ]
    return programs, team, budget


@pytest.mark.parametrize("width", [1280, 360])
def test_move_in_with_errors_then_corrected_and_confirmed(
    live_server, browser, screenshot_dir, tmp_path, width
):
    amina = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    program_creator_set(user=amina)
    UserFactory(username="wanjiru")
    OrganizationFactory(name="Ministry of Health Kenya")
    page = browser.new_page(viewport={"width": width, "height": 900})
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/programs/")
    page.get_by_role("link", name="Import programs").click()
    expect(page.get_by_role("heading", name="Import programs")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template").click()
    assert download.value.suggested_filename == "portfolio-import-template.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book.sheetnames == ["Programs", "Team", "Budget lines", "Help"]

    # Errors on every sheet: each beside its row, nothing saved, nothing to confirm.
    bad = workbook(tmp_path, "portfolio.xlsx", *rows(errors=True))
    page.get_by_label("Workbook (.xlsx)").set_input_files(bad)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#preview-programs-counts")).to_have_text(
        "1 to add, 0 to change, 0 left as they are, 1 with errors."
    )
    expect(page.locator("#preview-programs")).to_contain_text("“Living Goods” is not known yet")
    expect(page.locator("#preview-team")).to_contain_text(
        "No one can be added with the address “nobody@example.org”"
    )
    expect(page.locator("#preview-budget-lines")).to_contain_text(
        "“Gadgets” is not an allowed category"
    )
    expect(page.locator("#nothing-saved")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    shoot(page, screenshot_dir, "1-errors", width)
    assert not Program.objects.exists()

    # The corrected workbook: every row to add, the new organization said, then confirmed.
    good = workbook(tmp_path, "portfolio-corrected.xlsx", *rows(errors=False))
    page.get_by_label("Workbook (.xlsx)").set_input_files(good)
    page.get_by_role("button", name="Upload and preview").click()
    for sheet in ("programs", "team", "budget-lines"):
        expect(page.locator(f"#preview-{sheet}-counts")).to_have_text(
            "2 to add, 0 to change, 0 left as they are, 0 with errors."
        )
    expect(page.locator("#preview-programs")).to_contain_text(
        "The organization “Living Goods” will be added (NGO)."
    )
    shoot(page, screenshot_dir, "2-preview", width)
    assert not Program.objects.exists()
    page.get_by_role("button", name="Confirm the import").click()

    expect(page.get_by_text("Portfolio imported: 6 row(s) added, 0 changed")).to_be_visible()
    expect(page.get_by_role("heading", name="All programs")).to_be_visible()
    expect(page.get_by_role("link", name="Siaya CHV maternal health")).to_be_visible()
    expect(page.get_by_role("link", name="Kisumu CHV family planning")).to_be_visible()
    shoot(page, screenshot_dir, "3-programs", width)
    assert set(Program.objects.values_list("slug", flat=True)) == {"siaya-chv", "kisumu-chv"}
    assert BudgetLine.objects.count() == 2
