"""A program head switches to French from the user menu and reads the program in French, at
1280 and 360 px (Playwright on Debian's Chromium; screenshots under var/screenshots/)."""

import pytest
from playwright.sync_api import expect

from tests.factories import ProgramFactory, UserFactory
from tests.translations import compile_messages, english_afterwards  # noqa: F401 (autouse)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switch_to_french_and_read_the_program(live_server, browser, screenshot_dir):
    compile_messages()
    head = UserFactory(username="awa", first_name="Awa", last_name="Traoré")
    program = ProgramFactory(head=head, name="Mali ASC", slug="mali-asc", country="ML")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("awa")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()

    # The menu names each language in itself; choosing Français submits the form.
    page.get_by_role("button", name="Awa Traoré").click()
    menu = page.get_by_label("Language")
    expect(menu.locator("option[value=fr]")).to_have_text("Français")
    expect(menu.locator("option[value=en]")).to_have_text("English")
    menu.select_option("fr")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()

    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    expect(page.get_by_role("heading", name="À propos du programme")).to_be_visible()
    expect(page.get_by_text("Examiner le jalon")).to_be_visible()
    body = page.locator("body").inner_text()
    for english in ("About the program", "Record health", "Review the gate", "Gate of"):
        assert english not in body
    page.screenshot(path=screenshot_dir / "french-1-overview-1280.png", full_page=True)

    page.goto(f"{live_server.url}/programs/mali-asc/lifecycle/")
    expect(
        page.locator(".fw-semibold", has_text="Réunion d'introduction avec le partenaire")
    ).to_be_visible()
    page.screenshot(path=screenshot_dir / "french-2-lifecycle-1280.png", full_page=True)

    phone = browser.new_page(viewport={"width": 360, "height": 780})
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{live_server.url}{program.get_absolute_url()}")
    expect(phone.get_by_role("heading", name="À propos du programme")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    phone.screenshot(path=screenshot_dir / "french-3-overview-360.png", full_page=True)
    assert width <= 360, f"the French overview overflows at 360 px ({width} px)"
