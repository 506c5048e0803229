"""A calendar address made from the profile page, read without signing in, parsed back."""

import datetime

import icalendar
import pytest
from playwright.sync_api import expect

from tests.factories import ProgramFactory, UserFactory

from .test_plan_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_make_a_calendar_address_and_subscribe(live_server, browser, screenshot_dir):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    ProgramFactory(
        head=head,
        name="Siaya CHV maternal health",
        slug="siaya-chv",
        planned_start=datetime.date(2026, 1, 1),
        planned_end=datetime.date(2027, 12, 31),
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/profile/")
    expect(page.get_by_text("You have no calendar address yet.")).to_be_visible()
    page.get_by_role("button", name="Make my calendar addresses").click()
    expect(page.get_by_role("heading", name="Your calendar addresses")).to_be_visible()
    page.screenshot(path=screenshot_dir / "calendar-1-addresses.png", full_page=True)
    person = page.locator("#calendar-person").input_value()
    team = page.get_by_label("Siaya CHV maternal health").input_value()

    # Read without the session, as a calendar program would.
    reader = browser.new_context()
    for address, name in [(person, "CHT Programs: Amina Otieno"), (team, None)]:
        response = reader.request.get(address)
        assert response.status == 200
        calendar = icalendar.Calendar.from_ical(response.body())
        if name:
            assert str(calendar["x-wr-calname"]) == name
        stages = [e for e in calendar.walk("VEVENT") if str(e["summary"]).endswith(" stage")]
        assert len(stages) == 8

    # New addresses stop the old ones.
    page.goto(f"{live_server.url}/profile/")
    page.get_by_role("button", name="Make new calendar addresses").click()
    expect(page.get_by_role("heading", name="Your calendar addresses")).to_be_visible()
    assert reader.request.get(person).status == 404
    assert page.locator("#calendar-person").input_value() != person
    reader.close()
