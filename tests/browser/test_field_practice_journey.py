"""Go-live readiness, training and devices in a real browser, on a laptop and on a phone: a
head records readiness (a bad version first), a training event (ending before it starts first)
and a device (a wrong IMEI first); each error shows beside its field, then the pages flag what
the CHT documentation asks for."""

import datetime

import pytest
from playwright.sync_api import expect

from instances.models import CHTRelease
from plan.chw_support.services import chw_support_save
from tests.factories import ProgramFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()


def tab(page, name):
    page.get_by_role("navigation", name="Program sections").get_by_role(
        "link", name=name, exact=True
    ).click()


@pytest.mark.parametrize(("width", "label"), [(1280, "laptop"), (360, "phone")])
def test_go_live_training_and_devices(live_server, browser, screenshot_dir, width, label):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    program = ProgramFactory(head=head, name="Siaya CHV maternal health", slug="siaya-chv")
    chw_support_save(
        program=program, chw_count=3, supervisor_count=1, compensation_model="unpaid",
        supply_status="adequate",
    )  # fmt: skip
    # A transactional test empties the release table the migration seeds: 5.2 is supported.
    CHTRelease.objects.get_or_create(
        major=5, minor=2, defaults={"released_on": datetime.date(2026, 6, 26)}
    )
    page = browser.new_page(viewport={"width": width, "height": 900})
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/programs/siaya-chv/")

    # Go-live: nothing recorded, then a version that is not one, then a supported one.
    tab(page, "Go-live")
    expect(page.locator("#golive-heading")).to_have_text("0 of 9 go-live criteria met")
    page.get_by_role("link", name="Record go-live readiness").click()
    page.get_by_label("How credentials reach users").select_option(
        label="Magic links (token login)"
    )
    page.get_by_label("Backups follow 3-2-1").check()
    page.get_by_label("Languages the app uses").fill("English, Swahili")
    page.get_by_label("Privacy policy published in").fill("English")
    page.get_by_label("CHT version").fill("latest")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_cht_version_error")).to_contain_text("Write the version as numbers")
    expect(page.get_by_label("Languages the app uses")).to_have_value("English, Swahili")
    page.screenshot(path=screenshot_dir / f"field-1-golive-error-{label}.png", full_page=True)
    page.get_by_label("CHT version").fill("5.2.0")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Go-live readiness saved.")).to_be_visible()
    criteria = page.locator("#golive-criteria")
    expect(criteria.locator("[data-criterion='hosting.golive_credentials']")).to_have_attribute(
        "data-met", "yes"
    )
    expect(criteria.locator("[data-criterion='hosting.golive_privacy_policy']")).to_contain_text(
        "No privacy policy in: Swahili"
    )
    expect(page.locator("#golive-heading")).to_have_text("2 of 9 go-live criteria met")
    page.screenshot(path=screenshot_dir / f"field-2-golive-{label}.png", full_page=True)

    # Training: an event that ends before it starts, then a crowded one.
    tab(page, "Training")
    page.get_by_role("link", name="Add a training event").click()
    page.get_by_label("Kind").select_option(label="Training of trainers")
    page.get_by_label("Place").fill("Siaya county hall")
    page.get_by_label("Starts on").fill("2026-03-02")
    page.get_by_label("Ends on").fill("2026-03-01")
    page.get_by_label("Participants").fill("36")
    page.get_by_label("Facilitators").fill("2")
    page.get_by_label("Average pre-test score (%)").fill("48.5")
    page.get_by_label("Average post-test score (%)").fill("81")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_ends_on_error")).to_have_text(
        "The training cannot end before it starts."
    )
    page.get_by_label("Ends on").fill("2026-03-06")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Training event added.")).to_be_visible()
    expect(page.locator(".training-warning")).to_have_text(
        [
            "⚠ More than 10 participants per facilitator (18.0).",
            "⚠ More than 30 participants per class (36.0).",
        ]
    )
    page.screenshot(path=screenshot_dir / f"field-3-training-{label}.png", full_page=True)

    # Devices: a mistyped IMEI, then an old phone.
    tab(page, "Devices")
    page.get_by_role("link", name="Add a device").click()
    page.get_by_label("User").fill("Achieng Odhiambo")
    page.get_by_label("Model").fill("Tecno Pop 2")
    page.get_by_label("IMEI").fill("4901 5420 3237 517")
    page.get_by_label("Android version").fill("8.1")
    page.get_by_label("RAM (GB)").fill("1")
    page.get_by_label("Storage (GB)").fill("16")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_imei_error")).to_contain_text("its last is a check digit")
    page.get_by_label("IMEI").fill("4901 5420 3237 518")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Device added.")).to_be_visible()
    expect(page.locator("#fleet-heading")).to_have_text("1 working device for 3 CHWs")
    expect(page.locator("[data-flag='without-device']")).to_contain_text("2 CHWs have no working")
    expect(page.locator("[data-flag='below-recommended']")).to_be_visible()
    expect(page.locator("[data-device='490154203237518']")).to_contain_text("Below the recommended")
    page.screenshot(path=screenshot_dir / f"field-4-devices-{label}.png", full_page=True)
    page.close()
