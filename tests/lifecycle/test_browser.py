"""A program head takes a program from initiation to closeout, in a real browser: one gate met by
completing its activities in place, the others waived with a written reason."""

import re

import pytest
from playwright.sync_api import expect

from lifecycle.models import Lifecycle, StageTransition
from lifecycle.stages import Stage
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()


def waive_and_advance(page, next_label, reason):
    gate = page.locator("#gate")
    for checkbox in gate.locator("input[type=checkbox]").all():
        checkbox.check()
    gate.get_by_label("Reason for waiving").fill(reason)
    gate.get_by_role("button", name=f"Waive and advance to {next_label}").click()
    expect(page.get_by_role("status").filter(has_text="The program moved to")).to_contain_text(
        next_label
    )


def test_a_head_takes_a_program_from_initiation_to_closeout(live_server, browser, screenshot_dir):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    program = ProgramFactory(head=head, name="Siaya CHV maternal health", slug="siaya-chv")
    designer = UserFactory(username="sita", first_name="Sita", last_name="Gurung")
    membership_add(program=program, user=designer, role=PersonaRole.SERVICE_DESIGNER)
    lifecycle_url = f"{live_server.url}/programs/siaya-chv/lifecycle/"

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    # Every gate decision asks first, saying what will happen; the head accepts.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/programs/siaya-chv/")
    expect(page.get_by_text("0 of 2 criteria met")).to_be_visible()
    page.screenshot(path=screenshot_dir / "lifecycle-0-overview.png", full_page=True)
    page.get_by_role("link", name="Review the gate").click()
    expect(page.get_by_role("heading", name="Gate: leaving Initiation")).to_be_visible()
    expect(page.locator(".stage-step-current")).to_contain_text("Initiation")
    page.screenshot(path=screenshot_dir / "lifecycle-1-initiation.png", full_page=True)

    # Initiation: the head tries to waive without a reason; the gate says what is missing.
    gate = page.locator("#gate")
    gate.get_by_label("Scope consideration addressed").check()
    gate.get_by_role("button", name="Waive and advance to Planning").click()
    expect(page.locator("#decision-error")).to_contain_text(
        "Required activities done or not applicable"
    )
    page.screenshot(path=screenshot_dir / "lifecycle-2-gate-refused.png", full_page=True)
    assert Lifecycle.objects.get(program=program).stage == Stage.INITIATION

    # Waive both unmet criteria, with the reason.
    waive_and_advance(page, "Planning", "Kick-off held; the MoU is signed next week.")
    waive_and_advance(page, "Design", "Workplan agreed in the steering committee.")

    # Design: meet the gate by completing the required activities in place (htmx).
    expect(page.get_by_role("heading", name="Gate: leaving Design")).to_be_visible()
    required = list(
        program.stage_activities.filter(stage=Stage.DESIGN, required=True).order_by("position")
    )
    assert len(required) >= 4
    for number, activity in enumerate(required, start=1):
        row = page.locator(f"#activity-{activity.pk}")
        row.locator("summary").click()
        row.get_by_label("Status").select_option("done")
        row.get_by_label("Evidence or reason").fill(f"Workshop report, section {number}")
        row.get_by_role("button", name=re.compile("^Save")).click()
        expect(page.locator(f"#activity-{activity.pk}")).to_contain_text("Saved")
        expect(page.locator(f"#activity-{activity.pk} .activity-status")).to_contain_text("Done")
    # The gate panel refreshed itself: the gate is met, "advance" needs no waiver.
    expect(page.locator("#gate")).to_contain_text("1 of 1 criteria met")
    advance = page.locator("#gate").get_by_role("button", name="Advance to Building")
    expect(advance).to_be_visible()
    page.screenshot(path=screenshot_dir / "lifecycle-3-design-gate-met.png", full_page=True)
    expect(page.locator("#gate-exit-effect")).to_contain_text("Advance from Design to Building?")
    advance.click()
    expect(page.get_by_role("status").filter(has_text="The program moved to")).to_contain_text(
        "Building"
    )
    assert any(message.startswith("Advance from Design to Building?") for message in dialogs)

    for next_label in ("Hosting", "Implementation", "Support", "Closeout"):
        waive_and_advance(page, next_label, f"Agreed with the ministry before {next_label}.")

    expect(page.locator(".stage-step-current")).to_contain_text("Closeout")
    expect(page.get_by_role("heading", name="Gate: leaving Closeout")).to_be_visible()
    page.screenshot(path=screenshot_dir / "lifecycle-4-closeout.png", full_page=True)

    # The history tab: every transition, the waived criteria and their reasons.
    page.get_by_role("link", name="History", exact=True).click()
    expect(page.get_by_text("Kick-off held; the MoU is signed next week.")).to_be_visible()
    expect(page.get_by_text("Program created")).to_be_visible()
    page.screenshot(path=screenshot_dir / "lifecycle-5-history.png", full_page=True)

    lifecycle = Lifecycle.objects.get(program=program)
    assert lifecycle.stage == Stage.CLOSEOUT
    history = list(StageTransition.objects.filter(lifecycle=lifecycle).order_by("at", "id"))
    assert [row.target for row in history] == [
        "planning",
        "design",
        "building",
        "hosting",
        "implementation",
        "support",
        "closeout",
    ]
    assert [c["id"] for c in history[0].waived_criteria] == [
        "initiation.required_activities",
        "initiation.scope_addressed",
    ]
    assert history[0].note == "Kick-off held; the MoU is signed next week."
    assert history[2].waived_criteria == []  # design: met, not waived

    # The same page on a phone.
    phone = browser.new_page(viewport={"width": 360, "height": 800})
    log_in(phone, live_server.url, "amina")
    phone.goto(lifecycle_url)
    expect(phone.get_by_role("heading", name="Gate: leaving Closeout")).to_be_visible()
    phone.screenshot(path=screenshot_dir / "lifecycle-6-phone.png", full_page=True)
    # The gate is below every activity on a phone: a way straight to it from the top.
    shortcut = phone.get_by_role("link", name="Go to the gate and its decision")
    expect(shortcut).to_be_in_viewport()
    expect(phone.locator("#gate")).not_to_be_in_viewport()
    shortcut.click()
    expect(phone.locator("#gate")).to_be_in_viewport()
    # History times say their time zone.
    expect(phone.locator(".timeline time").first).to_contain_text("UTC")
