"""The Instances tab in a real browser: two instances with 30 days of polls (sparklines, flags,
support badge), then a head adds a third one (a wrong address first), the beat's poll reaches
the CHT on loopback, and the page shows it up."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from instances import services
from instances.models import Instance
from tests.factories import ProgramFactory, UserFactory

from .fakecht import monitoring
from .helpers import poll_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()


def history(instance, now):
    """30 days of polls, 4 a day: documents growing, users varying, a backlog that builds up
    over the last days; a day down in the middle."""
    step = datetime.timedelta(hours=6)
    for n in range(120):
        at = now - step * (119 - n)
        if 60 <= n < 64:
            poll_at(instance, at, outcome="down")
            continue
        poll_at(
            instance,
            at,
            version="4.22.0",
            docs=180_000 + 900 * n,
            connected=260 + (n * 7) % 40,
            connected_30d=318,
            users_docs=352,
            sentinel=0 if n < 100 else (n - 100) * 40,
            push=n % 3,
            conflicts=2 + n // 40,
        )


def test_the_instances_tab(live_server, browser, screenshot_dir, cht_server):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    program = ProgramFactory(head=head, name="Siaya CHV maternal health", slug="siaya-chv")
    now = timezone.now()
    production = services.instance_create(
        program=program,
        base_url="https://chis.siaya.example.org",
        kind="production",
        label="Siaya production",
        go_live_on=datetime.date(2026, 3, 2),
        tls_expires_on=datetime.date(2027, 1, 15),
        domain_renews_on=datetime.date(2027, 6, 1),
    )
    history(production, now)
    training = services.instance_create(
        program=program,
        base_url="https://training.siaya.example.org",
        kind="training",
        cutover_on=datetime.date(2026, 3, 1),
    )
    for n in range(8):
        poll_at(training, now - datetime.timedelta(hours=6 * (8 - n)), version="5.2.0")
    poll_at(training, now, outcome="unreachable")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/programs/siaya-chv/")
    page.get_by_role("navigation", name="Program sections").get_by_role(
        "link", name="Instances"
    ).click()
    card = page.locator(f"#instance-{production.pk}")
    expect(card.get_by_role("heading", name="Siaya production")).to_be_visible()
    expect(card.locator("[data-status='up']")).to_have_text("✔ Up")
    expect(card.locator("[data-support='end_of_life']")).to_contain_text(
        "End of life since 20 Nov 2026"
    )
    expect(card.locator("[data-flag='sentinel_backlog']")).to_contain_text("760")
    expect(card.locator("[data-figure='users']")).to_have_text("350")
    expect(card.locator("[data-role='sparklines'] svg")).to_have_count(4)
    uptime = card.locator("[data-figure='uptime']").inner_text()
    assert uptime.startswith("100% / ")  # down only 15 days ago
    assert uptime != "100% / 100%"
    expect(page.locator(f"#instance-{training.pk} [data-status='unreachable']")).to_be_visible()
    expect(page.locator(f"#instance-{training.pk} [data-flag='down']")).to_be_visible()
    page.screenshot(path=screenshot_dir / "instances-1-tab.png", full_page=True)

    # A head adds the development instance: a wrong address first, refused beside the field.
    page.get_by_role("link", name="Add an instance").click()
    page.get_by_label("Address").fill("ftp://dev.siaya")
    page.get_by_label("Kind").select_option(label="Development")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_base_url_error")).to_contain_text("Enter the instance's web address")
    expect(page.get_by_label("Kind")).to_have_value("development")
    page.screenshot(path=screenshot_dir / "instances-2-bad-address.png", full_page=True)

    cht_server.expect_request("/dev/api/v2/monitoring").respond_with_json(
        monitoring("5.2.0", docs=2_400, connected=4, users_docs=7)
    )
    page.get_by_label("Address").fill(cht_server.url_for("/dev"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Instance added.")).to_be_visible()
    development = Instance.objects.get(kind="development")
    expect(page.locator(f"#instance-{development.pk} [data-status='none']")).to_have_text(
        "Not polled yet"
    )
    services.instance_poll(instance_id=development.pk, slot=services.poll_slot())  # the beat
    page.reload()
    card = page.locator(f"#instance-{development.pk}")
    expect(card.locator("[data-status='up']")).to_be_visible()
    expect(card.locator("[data-support='supported']")).to_be_visible()
    expect(card.locator("[data-role='no-flags']")).to_be_visible()
    expect(card.locator("[data-figure='engagement']")).to_have_text("80.0% / 80.0%")  # 4 of 5 users
    card.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "instances-3-added.png", full_page=True)
