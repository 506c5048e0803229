"""The Content-Security-Policy in a real browser: Chromium refuses nothing on the pages people use,
and the language menu (once an inline handler) still switches the language."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.factories import (
    BudgetLineFactory,
    CloseoutReportFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    IndicatorFactory,
    MeasurementFactory,
    ProgramFactory,
    UserFactory,
)
from tests.translations import compile_messages, english_afterwards  # noqa: F401 (autouse)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/programs/",
    "/programs/siaya-chv/",
    "/programs/siaya-chv/lifecycle/",
    "/programs/siaya-chv/considerations/",
    "/programs/siaya-chv/budget/",
    "/programs/siaya-chv/indicators/",
    "/programs/siaya-chv/reports/",
    "/programs/siaya-chv/instances/",
    "/portfolio/",
    "/profile/",
    "/api/v1/docs/",  # Swagger UI: inline styles allowed on this page only (api/urls.py)
    "/admin/",
    "/admin/chtprograms/program/",
]


def watch_policy(page) -> list[str]:
    """Every refusal the browser reports: console errors and `securitypolicyviolation` events."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.expose_function("reportViolation", lambda text: refused.append(f"{page.url}: {text}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => window.reportViolation("
        "e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || '')));"
    )
    return refused


def test_no_page_breaks_the_policy_and_the_language_menu_works(
    live_server, browser, screenshot_dir
):
    compile_messages()
    head = UserFactory(
        username="amina", first_name="Amina", last_name="Otieno", is_staff=True, is_superuser=True
    )
    program = ProgramFactory(head=head, name="Siaya CHV maternal health", slug="siaya-chv")
    ExchangeRateFactory(currency="KES", effective_date=datetime.date(2025, 1, 1))
    line = BudgetLineFactory(program=program, forecast_amount="1000.00")
    ExpenditureFactory(line=line, amount="1200.00")  # over the forecast: the red bar
    indicator = IndicatorFactory(program=program)
    MeasurementFactory(indicator=indicator, value="50")
    CloseoutReportFactory(program=program, status="rendering", file=None)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    refused = watch_policy(page)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()

    # The admin's change form too (its date widgets and their JavaScript).
    for path in [*PAGES, f"/admin/chtprograms/program/{program.pk}/change/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    page.goto(f"{live_server.url}/programs/siaya-chv/budget/")
    page.screenshot(path=screenshot_dir / "csp-budget.png", full_page=True)
    page.goto(f"{live_server.url}/programs/siaya-chv/lifecycle/")
    page.screenshot(path=screenshot_dir / "csp-lifecycle.png", full_page=True)

    # The stage pill and the rail take their colours from classes, not from style attributes.
    pill = page.locator(".stage-pill").first
    assert pill.evaluate("node => getComputedStyle(node).backgroundColor") == "rgb(230, 159, 0)"

    # The language menu submits itself from static/js/submit-on-change.js.
    page.get_by_role("button", name="Amina Otieno").click()
    page.get_by_label("Language").select_option("fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Mes programmes")).to_be_visible()

    assert refused == []
