"""Creating a program without friction, and the pages on a 360 px phone, in a real browser
(Playwright on Debian's Chromium) at 1280 and 360 px. Screenshots in var/screenshots/."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from chtprograms.models import Organization, Program
from demo.people import DEMO_PASSWORD
from personas.services import program_creator_set
from reminders.models import Notification, NotificationKind
from tests.factories import OrganizationFactory, UserFactory
from tests.portfolio.seeding import seed_portfolio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 360]


def log_in(page, base_url, username, password="correct-horse-battery"):  # noqa: S107
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_new_program_without_friction(live_server, browser, screenshot_dir, width):
    program_creator_set(user=UserFactory(username="joseph"))
    OrganizationFactory(name="Living Goods")
    OrganizationFactory(name="Medic")
    page = browser.new_page(viewport={"width": width, "height": 900})
    log_in(page, live_server.url, "joseph")
    page.goto(f"{live_server.url}/programs/new/")

    # The short name follows the name, accents and spaces made web-address safe.
    page.get_by_label(re.compile(r"^Name\b")).fill("Santé communautaire Mopti 2027")
    slug = page.get_by_label("Short name")
    expect(slug).to_have_value("sante-communautaire-mopti-2027")
    # Edited by hand, it stays as typed when the name changes.
    slug.fill("mopti-chw")
    page.get_by_label(re.compile(r"^Name\b")).fill("Santé communautaire Mopti")
    expect(slug).to_have_value("mopti-chw")

    # A long name is not cut: it is said to be too long while typing, and by the server.
    long_name = "Programme " * 25
    page.get_by_label(re.compile(r"^Name\b")).fill(long_name)
    expect(page.locator("#id_name_length")).to_contain_text(f"{len(long_name)} characters")
    expect(page.get_by_label(re.compile(r"^Name\b"))).to_have_value(long_name)
    page.get_by_label(re.compile(r"^Name\b")).fill("Santé communautaire Mopti")
    expect(page.locator("#id_name_length")).to_have_text("")

    page.get_by_label("Program type").select_option(label="Accompanied")
    page.get_by_label(re.compile(r"^Country\b")).select_option(label="Mali")
    page.get_by_label("Currency").select_option("XOF")
    # The lead organization is new: typed in the form, with its kind.
    page.get_by_label("Or a new organization").fill("Direction régionale de la santé de Mopti")
    page.get_by_label("Kind of the new organization").select_option(label="Ministry of health")
    # Three partners, without saving first: "Add a partner" adds a row in place.
    page.locator("#id_partners-0-organization").select_option(label="Living Goods")
    page.locator("#id_partners-0-role").fill("funder")
    page.locator("#id_partners-1-organization").select_option(label="Medic")
    page.locator("#id_partners-1-role").fill("technical partner")
    page.get_by_role("button", name="Add a partner").click()
    expect(page.locator("#id_partners-2-organization")).to_be_focused()
    expect(page.locator("#id_partners-TOTAL_FORMS")).to_have_value("3")
    assert Program.objects.count() == 0  # nothing was sent
    page.screenshot(path=screenshot_dir / f"new-program-form-{width}.png", full_page=True)

    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_role("heading", name="Santé communautaire Mopti")).to_be_visible()
    program = Program.objects.get(slug="mopti-chw")
    assert program.lead_organization.name == "Direction régionale de la santé de Mopti"
    assert program.lead_organization.kind == Organization.Kind.MINISTRY
    assert {link.role for link in program.partner_links.all()} == {"funder", "technical partner"}
    # No health note yet: not "On track".
    expect(page.locator("header ~ main, main").locator(".health-pill").first).to_have_text(
        re.compile("Not assessed")
    )
    page.screenshot(path=screenshot_dir / f"new-program-created-{width}.png", full_page=True)

    # The short name's error says its help text's words.
    page.goto(f"{live_server.url}/programs/new/")
    page.get_by_label("Short name").fill("Mopti CHW")
    page.get_by_role("button", name="Create program").click()
    rule = "Use lowercase letters, digits and single hyphens"
    expect(page.locator("#id_slug_error")).to_contain_text(rule)
    expect(page.locator("#id_slug_helptext")).to_contain_text(rule)


OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The smallest chart text as drawn: its font size times the chart's scale on screen.
SMALLEST_CHART_TEXT = """() => {
  let smallest = Infinity;
  for (const svg of document.querySelectorAll('svg.chart')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);
    }
  }
  return smallest;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen(live_server, browser, screenshot_dir, width):
    seed_portfolio(count=12)
    program = Program.objects.filter(archived_at=None, lifecycle__stage="implementation").first()
    program = program or Program.objects.filter(archived_at=None).last()
    head = get_user_model().objects.get(username="head")
    for index in range(3):  # test factory data: notifications are written by the reminder scan
        Notification.objects.create(
            person=head,
            program=program,
            kind=NotificationKind.ACTIVITY_DUE,
            subject=f"Activity {index}",
            url=f"{program.get_absolute_url()}lifecycle/",
        )
    page = browser.new_page(viewport={"width": width, "height": 800})
    log_in(page, live_server.url, "head", DEMO_PASSWORD)

    # The bell and its unread count, without opening the menu.
    bell = page.locator("#notification-bell")
    expect(bell).to_be_visible()
    expect(bell.locator(".notification-count")).to_be_visible()
    expect(bell.locator(".notification-count")).to_have_text("3")

    base = program.get_absolute_url()
    pages = {
        "overview": base,
        "team": f"{base}team/",
        "lifecycle": f"{base}lifecycle/",
        "budget": f"{base}budget/",
        "indicators": f"{base}indicators/",
        "chw": f"{base}chw-support/",
        "considerations": f"{base}considerations/",
        "portfolio": "/portfolio/",
        "programs": "/programs/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=screenshot_dir / f"fit-{name}-{width}.png", full_page=True)
        assert page.evaluate(OVERFLOW) <= 0, f"{name} overflows at {width} px"
        assert page.evaluate(SMALLEST_CHART_TEXT) >= 11 - 0.01, f"{name}: chart text under 11 px"

    # The tab bar scrolls on a phone and shows it (a shadow on the side with more tabs).
    page.goto(f"{live_server.url}{base}")
    tabs = page.locator(".program-tabs")
    overflowing = tabs.evaluate("el => el.scrollWidth > el.clientWidth")
    assert overflowing or width > 360
    assert "radial-gradient" in tabs.evaluate("el => getComputedStyle(el).backgroundImage")
