"""The closeout report in a real browser: a head asks for it, the list refreshes by itself while
the worker renders it, and the PDF downloads; a failed version says why."""

import datetime

import pytest
from playwright.sync_api import expect

from plan.risks.services import scaling_decision_record
from reports.models import CloseoutReport, ReportStatus
from reports.services import report_fail, report_render
from tests.factories import ProgramFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()


def test_a_head_generates_watches_and_downloads_the_report(
    live_server, browser, screenshot_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    program = ProgramFactory(head=head, name="Siaya CHV maternal health", slug="siaya-chv")
    scaling_decision_record(
        program=program,
        decision="scale_up",
        rationale="Two more counties asked for it.",
        decided_by=head,
        decided_on=datetime.date(2026, 10, 1),
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/programs/siaya-chv/")
    page.get_by_role("navigation", name="Program sections").get_by_role(
        "link", name="Reports"
    ).click()
    expect(page.get_by_text("No report yet")).to_be_visible()

    # Asking for it queues version 1; the list polls while it is being made.
    page.get_by_role("button", name="Generate the report").click()
    expect(page.get_by_text("Version 1 is queued.")).to_be_visible()
    row = page.locator("#report-v1")
    expect(row).to_contain_text("Queued")
    expect(page.locator("#report-list[hx-trigger]")).to_have_count(1)

    # The worker renders it (here, in the test): the row turns ready without a reload.
    report = CloseoutReport.objects.get(program=program)
    report_render(report_id=report.pk, claim="browser-test")
    expect(row).to_contain_text("Ready", timeout=15_000)
    expect(page.locator("#report-list[hx-trigger]")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "reports-1-ready.png", full_page=True)

    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "closeout-report-siaya-chv-v1.pdf"
    path = tmp_path / "downloaded.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")

    # A second version that fails says so, with its reason; the first stays downloadable.
    page.get_by_role("button", name="Generate a new version").click()
    second = CloseoutReport.objects.get(program=program, version=2)
    report_fail(report_id=second.pk, reason="The report took longer than 270 seconds to render.")
    expect(page.locator("#report-v2")).to_contain_text("Failed", timeout=15_000)
    expect(page.locator("#report-v2")).to_contain_text("took longer than 270 seconds")
    expect(page.locator("#report-v1").get_by_role("link", name="Download PDF")).to_be_visible()
    assert second.status == ReportStatus.QUEUED  # as loaded before it failed
    page.screenshot(path=screenshot_dir / "reports-2-failed.png", full_page=True)
