"""The History tab in a real browser, after changes made on a page, through the API and by an
import: each entry says who, through which channel and what changed; the filters narrow it."""

import datetime

import httpx
import pytest
from playwright.sync_api import expect

from plan.budget.services import budget_line_create
from tests.api.conftest import make_token
from tests.factories import IndicatorFactory, ProgramFactory, UserFactory

from .test_plan_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_history_after_a_page_an_api_call_and_an_import(
    live_server, browser, screenshot_dir, tmp_path, width
):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    program = ProgramFactory(head=head, name="Siaya CHV", slug="siaya-chv", currency="KES")
    line = budget_line_create(
        program=program, category="devices", name="Phones", forecast_amount=900
    )
    indicator = IndicatorFactory(
        program=program, name="Households visited", baseline_date=datetime.date(2026, 1, 1)
    )
    page = browser.new_page(viewport={"width": width, "height": 900})
    log_in(page, live_server.url, "amina")

    # On a page: the line's amount.
    page.goto(f"{live_server.url}/programs/siaya-chv/budget/lines/{line.pk}/edit/")
    page.get_by_label("Forecast amount").fill("1200")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_be_visible()

    # Through the API: a ministry's system pushes a measurement.
    response = httpx.post(
        f"{live_server.url}/api/v1/programs/siaya-chv/indicators/{indicator.pk}/measurements/",
        json={"period_end": "2026-03-31", "value": "41", "source": "DHIS2"},
        headers={"Authorization": f"Bearer {make_token(head)}"},
    )
    assert response.status_code == 201, response.text

    # By an import: a CSV with a new line.
    csv = tmp_path / "budget.csv"
    csv.write_text(
        "No.,Category,Stage,Description,Forecast amount,Note\n,Training,,CHV training,5000,\n"
    )
    page.goto(f"{live_server.url}/programs/siaya-chv/sheets/budget-lines/import/")
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(csv)
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Confirm the import").click()

    page.goto(f"{live_server.url}/programs/siaya-chv/history/")
    trail = page.locator("#trail")
    expect(trail).to_contain_text("on a page")
    expect(trail).to_contain_text("through the API")
    expect(trail).to_contain_text("by an import")
    expect(trail).to_contain_text("CHV training")
    expect(trail).to_contain_text("Amina Otieno")
    expect(trail.locator("li").filter(has_text="Phones").first).to_contain_text("1200")
    page.screenshot(path=screenshot_dir / f"history-{width}-all.png", full_page=True)

    page.get_by_label("What").select_option("measurement")
    page.get_by_role("button", name="Show").click()
    expect(trail).to_contain_text("through the API")
    expect(trail).not_to_contain_text("by an import")
    page.screenshot(path=screenshot_dir / f"history-{width}-measurements.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
