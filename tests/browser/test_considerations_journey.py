"""Typing on the considerations page is never lost: a tick, an added item or a saved area swaps
only what it changed, at 1280 and 360 px (Playwright on Debian's Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from chtprograms.models import Consideration
from tests.factories import ProgramFactory, UserFactory

from .test_program_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = "County data office agreed to review the data-sharing agreement in July."
NEW_ITEM = "Consent form translated into Dholuo"


def _answer_to(page, path_part):
    return page.expect_response(lambda response: path_part in response.url)


@pytest.mark.parametrize("width", [1280, 360])
def test_ticking_keeps_the_notes_and_the_new_item_being_typed(
    live_server, browser, screenshot_dir, width
):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    program = ProgramFactory(head=head, slug="siaya", name="Siaya CHV")
    page = browser.new_page(viewport={"width": width, "height": 900})
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/programs/siaya/considerations/")
    card = page.locator("#ethics")

    # Open the area's notes and type, type a new checklist item: save neither yet.
    card.get_by_role("link", name="Edit Ethics and regulations").click()
    notes = card.get_by_label("Notes", exact=True)
    notes.fill(NOTES)
    new_item = card.get_by_label("New checklist item")
    new_item.fill(NEW_ITEM)
    # A note typed on one item, then a tick on another: both saved, nothing typed replaced.
    first, second = Consideration.objects.get(program=program, area="ethics").items.all()[:2]
    card.locator(f"#item-note-{first.pk}").fill("Signed by the county")
    with _answer_to(page, f"/checklist/{second.pk}/") as answer:
        card.get_by_role("checkbox", name=second.label).check()
    assert answer.value.status == 200
    page.wait_for_load_state("networkidle")
    expect(notes).to_have_value(NOTES)
    expect(new_item).to_have_value(NEW_ITEM)
    expect(card.locator(f"#item-note-{first.pk}")).to_have_value("Signed by the county")
    expect(card.get_by_role("checkbox", name=second.label)).to_be_checked()
    card.screenshot(path=screenshot_dir / f"considerations-typing-kept-{width}.png")

    # Add the typed item: it joins the list, the add box empties, the notes are still there.
    with _answer_to(page, "/considerations/ethics/items/") as answer:
        card.get_by_role("button", name="Add").click()
    assert answer.value.status == 200
    expect(card.get_by_role("checkbox", name=NEW_ITEM)).not_to_be_checked()
    expect(card.get_by_label("New checklist item")).to_have_value("")
    expect(notes).to_have_value(NOTES)

    # Tick the new item right away, then save the notes: each answer swaps only its own part.
    with _answer_to(page, "/checklist/"):
        card.get_by_role("checkbox", name=NEW_ITEM).check()
    card.get_by_label(re.compile(r"^Status\b")).select_option(label="In progress")
    card.get_by_label("New checklist item").fill("Ethics board date")
    with _answer_to(page, "/considerations/ethics/edit/"):
        card.get_by_role("button", name="Save").click()
    expect(card.get_by_text(NOTES)).to_be_visible()
    expect(card.locator("#ethics-status")).to_have_text("In progress")
    expect(card.get_by_label("New checklist item")).to_have_value("Ethics board date")

    # An empty item is refused beside the field (this used to race a card being replaced).
    card.get_by_label("New checklist item").fill("")
    card.get_by_role("button", name="Add").click()
    expect(card.get_by_text("This field is required.")).to_be_visible()
    page.wait_for_load_state("networkidle")
    card.screenshot(path=screenshot_dir / f"considerations-saved-{width}.png")

    ethics = Consideration.objects.get(program=program, area="ethics")
    assert (ethics.status, ethics.notes) == ("in_progress", NOTES)
    items = {item.label: item for item in ethics.items.all()}
    assert items[NEW_ITEM].done and items[second.label].done
    assert items[first.label].note == "Signed by the county"
    assert "Ethics board date" not in items
