"""Two people edit one budget line at once, in two real browsers: the second save is refused
with both values on the page, and saving again keeps both changes."""

import pytest
from playwright.sync_api import expect

from personas.models import PersonaRole
from personas.services import membership_add
from plan.budget.models import BudgetLine
from tests.factories import BudgetLineFactory, ProgramFactory, UserFactory

from .test_program_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_head_and_an_administrator_edit_one_budget_line(live_server, browser, screenshot_dir):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    admin = UserFactory(username="grace", first_name="Grace", last_name="Achieng")
    program = ProgramFactory(head=head, slug="kisumu", name="Kisumu CHV")
    membership_add(program=program, user=admin, role=PersonaRole.PROGRAM_ADMIN)
    line = BudgetLineFactory(
        program=program, name="Phones", forecast_amount="100000.00", note="Quote from March"
    )
    url = f"{live_server.url}/programs/kisumu/budget/lines/{line.pk}/edit/"
    pages = {}
    for user in (head, admin):
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        log_in(page, live_server.url, user.username)
        page.goto(url)
        pages[user.username] = page

    pages["amina"].get_by_label("Forecast amount (KES)").fill("120000")
    pages["amina"].get_by_role("button", name="Save").click()
    expect(pages["amina"].get_by_text("Budget line saved.")).to_be_visible()

    grace = pages["grace"]
    grace.get_by_label("Note").fill("Quote from May")
    grace.get_by_role("button", name="Save").click()
    expect(
        grace.get_by_text("Someone else changed this record since you opened it")
    ).to_be_visible()
    expect(grace.locator("#id_forecast_amount_error")).to_contain_text(
        "Changed by someone else since you opened it: it is now “120000.00”"
    )
    expect(grace.get_by_label("Forecast amount (KES)")).to_have_value("120000.00")
    expect(grace.get_by_label("Note")).to_have_value("Quote from May")
    grace.screenshot(path=screenshot_dir / "edit-conflict-1-refused.png", full_page=True)
    line.refresh_from_db()
    assert (str(line.forecast_amount), line.note) == ("120000.00", "Quote from March")

    grace.get_by_role("button", name="Save").click()
    expect(grace.get_by_text("Budget line saved.")).to_be_visible()
    line = BudgetLine.objects.get(pk=line.pk)
    assert (str(line.forecast_amount), line.note) == ("120000.00", "Quote from May")
