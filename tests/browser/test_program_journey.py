"""A program administrator's first day, in a real browser (Playwright on Debian's Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from chtprograms.models import Consideration, Program
from personas.models import Membership, PersonaRole
from personas.services import program_creator_set
from tests.factories import OrganizationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()


def test_create_program_fill_consideration_add_team_member(live_server, browser, screenshot_dir):
    program_creator_set(
        user=UserFactory(username="joseph", first_name="Joseph", last_name="Mwangi")
    )
    UserFactory(username="sita", first_name="Sita", last_name="Gurung")
    OrganizationFactory(name="Ministry of Health, Kenya")
    OrganizationFactory(name="Living Goods")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "joseph")
    page.screenshot(path=screenshot_dir / "foundation-1-home.png", full_page=True)

    # Create a program with its end before its start: the error is shown, nothing is saved.
    page.get_by_role("link", name="New program").first.click()
    page.get_by_label(re.compile(r"^Name\b")).fill("Siaya CHV maternal health")
    page.get_by_label("Short name").fill("siaya-chv")
    page.get_by_label("Program type").select_option(label="Accompanied")
    page.get_by_label(re.compile(r"^Country\b")).select_option(label="Kenya")
    page.get_by_label("Regions").fill("Siaya\nKisumu")
    page.get_by_label("Planned start").fill("2027-06-01")
    page.get_by_label("Planned end").fill("2027-01-31")
    page.get_by_label("Currency").select_option("KES")
    page.get_by_label("Lead organization").select_option(label="Ministry of Health, Kenya")
    page.locator("#id_partners-0-organization").select_option(label="Living Goods")
    page.locator("#id_partners-0-role").fill("implementing partner")
    page.get_by_role("button", name="Create program").click()
    error = page.locator("#id_planned_end_error")
    expect(error).to_have_text("The planned end cannot be before the planned start.")
    expect(page.get_by_label(re.compile(r"^Name\b"))).to_have_value("Siaya CHV maternal health")
    page.screenshot(path=screenshot_dir / "foundation-2-end-before-start.png", full_page=True)
    assert Program.objects.count() == 0

    # Correct it.
    page.get_by_label("Planned end").fill("2029-05-31")
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_role("heading", name="Siaya CHV maternal health")).to_be_visible()
    expect(page.get_by_text("Living Goods")).to_be_visible()
    page.screenshot(path=screenshot_dir / "foundation-3-overview.png", full_page=True)
    program = Program.objects.get(slug="siaya-chv")

    # Fill in a consideration in place (htmx) and tick a checklist item.
    tabs = page.get_by_role("navigation", name="Program sections")
    tabs.get_by_role("link", name="Considerations").click()
    page.get_by_role("link", name="Edit Ethics and regulations").click()
    card = page.locator("#ethics")
    card.get_by_label(re.compile(r"^Status\b")).select_option(label="In progress")
    card.get_by_label(re.compile(r"^Risk\b")).select_option(label="High")
    card.get_by_label("Notes", exact=True).fill("Data-sharing agreement with the county in review.")
    card.get_by_role("button", name="Save").click()
    expect(card.get_by_text("Data-sharing agreement with the county in review.")).to_be_visible()
    # The tick's answer swaps only that row's message (it used to replace the whole card, and
    # an "Add" clicked meanwhile had its answer land in the replaced card now and then).
    card.get_by_role("checkbox", name="Governance structure agreed").check()
    expect(card.get_by_role("checkbox", name="Governance structure agreed")).to_be_checked()
    # An empty checklist item is refused in place, with the message beside the field.
    card.get_by_role("button", name="Add").click()
    expect(card.get_by_text("This field is required.")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=screenshot_dir / "foundation-4-considerations.png", full_page=True)
    ethics = Consideration.objects.get(program=program, area="ethics")
    assert (ethics.status, ethics.risk) == ("in_progress", "high")
    assert ethics.items.get(label="Governance structure agreed").done

    # Add a team member.
    tabs.get_by_role("link", name="Team").click()
    page.get_by_label("Or their e-mail address").fill("sita@example.org")
    page.get_by_label(re.compile(r"^Role\b")).select_option(label="Service designer")
    page.get_by_role("button", name="Add to team").click()
    expect(page.get_by_text("Sita Gurung (sita) added as Service designer.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Sita Gurung"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "foundation-5-team.png", full_page=True)
    assert Membership.objects.filter(
        program=program, user__username="sita", role=PersonaRole.SERVICE_DESIGNER
    ).exists()

    # The same overview on a phone.
    phone = browser.new_page(viewport={"width": 360, "height": 780})
    log_in(phone, live_server.url, "joseph")
    phone.goto(f"{live_server.url}{program.get_absolute_url()}")
    expect(phone.get_by_role("heading", name="Siaya CHV maternal health")).to_be_visible()
    phone.screenshot(path=screenshot_dir / "foundation-6-phone.png", full_page=True)
