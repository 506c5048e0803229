"""Pages that lead somewhere and a home for each person, in a real browser at 1280 and 360 px
(Playwright on Debian's Chromium): a reviewer sees what is unmet without a link into a form and
gets the site's 403 page if they try anyway; the head's "fix this" and Save come back to the
gate with a message; reviewers land on the portfolio; the program list shows stages and what
needs the viewer, filters by stage and finds "Ministère" typed without its accent."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from lifecycle.models import Lifecycle
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory, reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [1280, 360])
def test_fix_this_leads_back_to_the_gate_and_a_reviewer_gets_no_link(
    live_server, browser, screenshot_dir, width
):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    reviewer(username="rose", first_name="Rose", last_name="Njeri")
    ProgramFactory(head=head, slug="siaya", name="Siaya CHV")
    gate_url = f"{live_server.url}/programs/siaya/lifecycle/"

    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in(page, live_server.url, "rose")
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    page.goto(gate_url)
    gate = page.locator("#gate")
    expect(gate.get_by_text("Scope consideration addressed")).to_be_visible()
    expect(gate.locator('a[href*="/considerations/scope/edit/"]')).to_have_count(0)
    page.goto(f"{live_server.url}/programs/siaya/considerations/scope/edit/")
    expect(page.get_by_role("heading", name="You may not open this page")).to_be_visible()
    expect(page.get_by_role("link", name="See all programs")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"everyday-403-{width}.png", full_page=True)
    page.goto(f"{live_server.url}/programs/no-such-program/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"everyday-404-{width}.png", full_page=True)
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0  # the error pages fit a phone too

    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in(page, live_server.url, "amina")
    page.goto(gate_url)
    fix = page.locator("#gate").locator('a[href*="/considerations/scope/edit/"]')
    expect(fix).to_have_text("Fix this: Scope consideration addressed")
    fix.click()
    page.get_by_label(re.compile(r"^Status\b")).select_option(label="Addressed")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/programs/siaya/lifecycle/#gate$"))
    # The message is in the gate itself, where the link led back (announced: role=status).
    gate = page.locator("#gate")
    expect(gate.get_by_role("status")).to_contain_text("Scope saved.")
    gate.scroll_into_view_if_needed()
    gate.screenshot(path=screenshot_dir / f"everyday-fix-this-saved-{width}.png")


@pytest.mark.parametrize("width", [1280, 360])
def test_program_list_shows_what_needs_you_and_finds_without_accents(
    live_server, browser, screenshot_dir, width
):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    ministry = OrganizationFactory(name="Ministère de la Santé, Mali")
    kayes = ProgramFactory(head=head, slug="kayes", name="Kayes ASC", lead_organization=ministry)
    # The stage's planned end has passed: the gate waits for the head's decision. (Activities
    # come from templates a data migration seeds, which a transactional test may have flushed.)
    Lifecycle.objects.get(program=kayes).plans.filter(stage="initiation").update(
        planned_start=datetime.date(2020, 1, 1), planned_end=datetime.date(2020, 2, 1)
    )
    siaya = ProgramFactory(head=head, slug="siaya", name="Siaya CHV")
    Lifecycle.objects.filter(program=siaya).update(stage="planning")

    page = browser.new_page(viewport={"width": width, "height": 900})
    sign_in(page, live_server.url, "amina")
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()
    kayes_card = page.locator("article", has_text="Kayes ASC")
    expect(kayes_card.get_by_role("link", name="Gate waiting for your decision")).to_be_visible()
    expect(page.locator("article", has_text="Siaya CHV").get_by_text("Planning")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"everyday-home-{width}.png", full_page=True)

    page.goto(f"{live_server.url}/programs/")
    page.get_by_label("Search").fill("ministere de la sante")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Kayes ASC")).to_be_visible()
    expect(page.get_by_role("link", name="Siaya CHV")).to_have_count(0)
    page.screenshot(path=screenshot_dir / f"everyday-search-{width}.png", full_page=True)

    page.get_by_label("Search").fill("")
    page.get_by_label("Stage", exact=True).select_option(label="Planning")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Siaya CHV")).to_be_visible()
    expect(page.get_by_role("link", name="Kayes ASC")).to_have_count(0)
    assert "stage=planning" in page.url
