"""The portfolio in a real browser: a reviewer filters by country and type, follows a stage bar
to the programs behind it and exports them as CSV."""

import csv
import io
import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from chtprograms.models import Program
from tests.factories import reviewer
from tests.portfolio.seeding import seed_portfolio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    # A reviewer on no team lands on the portfolio.
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()


def test_reviewer_filters_follows_a_stage_bar_and_exports(live_server, browser, screenshot_dir):
    seed_portfolio(count=40)
    reviewer(username="rosa", first_name="Rosa", last_name="Reviewer")
    live = list(Program.objects.filter(archived_at=None).select_related("lifecycle"))
    # The country and type with the most programs, and the stage most of those are in.
    (country, program_type), _n = Counter(
        (p.country.code, p.program_type) for p in live
    ).most_common(1)[0]
    chosen = [p for p in live if p.country.code == country and p.program_type == program_type]
    stage, in_stage = Counter(p.lifecycle.stage for p in chosen).most_common(1)[0]
    country_name, type_label = chosen[0].country.name, chosen[0].get_program_type_display()

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "rosa")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    expect(page.locator("#tile-total")).to_have_text(f"of {len(live)} programs in all")
    expect(page.locator("#chart-stage-type svg")).to_be_visible()
    page.screenshot(path=screenshot_dir / "portfolio-1-dashboard.png", full_page=True)

    # Filter by country and type: every tile and chart follows.
    filters = page.get_by_role("search", name="Filter the portfolio")
    filters.get_by_label("Country").select_option(label=country_name)
    filters.get_by_label("Type").select_option(label=type_label)
    filters.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(f"country={country}&type={program_type}"))
    expect(page.locator("#tile-total")).to_have_text(
        re.compile(f"of {len(chosen)} programs? in all")
    )
    expect(page.locator("#programs-count")).to_contain_text(f"of {len(chosen)}")
    expect(page.locator("#chart-country .chart-group")).to_have_count(1)
    page.screenshot(path=screenshot_dir / "portfolio-2-filtered.png", full_page=True)

    # The stage bar leads to the programs in that stage, with the same filters.
    bar = page.locator(
        f"#chart-stage-type a[href*='stage={stage}'][href*='type={program_type}'] rect"
    )
    bar.click()
    expect(page).to_have_url(re.compile(f"stage={stage}"))
    expect(page).to_have_url(re.compile(f"country={country}"))
    count = page.locator("#programs-count")
    expect(count).to_contain_text(f"Showing 1–{in_stage} of {in_stage}")
    rows = page.locator("#portfolio-table tbody tr")
    expect(rows).to_have_count(in_stage)
    stage_label = chosen[0].lifecycle.__class__(stage=stage).get_stage_display()
    for row in rows.all():
        expect(row.locator("td[data-label='Stage'] .stage-pill")).to_contain_text(stage_label)
        expect(row.locator("td[data-label='Country']")).to_have_text(country_name)
    page.locator("#programs").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "portfolio-3-stage-list.png", full_page=False)

    # Export the list: the same programs, as CSV.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export this list (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("cht-portfolio-")
    with open(download.path(), encoding="utf-8") as handle:
        exported = list(csv.DictReader(io.StringIO(handle.read())))
    expected = sorted(p.name for p in chosen if p.lifecycle.stage == stage)
    assert sorted(row["Program"] for row in exported) == expected
    assert {(row["Country"], row["Type"], row["Stage"]) for row in exported} == {
        (country_name, type_label, stage_label)
    }

    # On a phone the dashboard reads without scrolling sideways.
    phone = browser.new_page(viewport={"width": 360, "height": 780})
    log_in(phone, live_server.url, "rosa")
    phone.goto(f"{live_server.url}/portfolio/")
    expect(phone.locator("#chart-stage-type svg")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=screenshot_dir / "portfolio-4-phone.png", full_page=True)
