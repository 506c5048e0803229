"""Plan and evidence in a real browser: budget and spending, an indicator, the hosting estimate."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from plan.budget.models import BudgetLine, Expenditure
from plan.hosting.models import HostingEstimate
from plan.indicators.models import Measurement
from tests.factories import ExchangeRateFactory, ProgramFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()


def spent_bars(page) -> dict[str, str]:
    """Category → the amount the "Spent" bar of the category chart stands for."""
    bars = page.locator("#budget-category-chart rect[data-series='Spent']")
    return {
        bar.evaluate("node => node.parentNode.getAttribute('data-category')"): bar.get_attribute(
            "data-value"
        )
        for bar in bars.all()
    }


def test_budget_spending_indicator_and_hosting_estimate(live_server, browser, screenshot_dir):
    head = UserFactory(username="amina", first_name="Amina", last_name="Otieno")
    ProgramFactory(
        head=head,
        name="Siaya CHV maternal health",
        slug="siaya-chv",
        planned_start=datetime.date(2026, 1, 1),
        planned_end=datetime.date(2027, 12, 31),
        currency="KES",
    )
    ExchangeRateFactory(
        currency="KES", effective_date=datetime.date(2025, 1, 1), units_per_usd="129.5"
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/programs/siaya-chv/")
    tabs = page.get_by_role("navigation", name="Program sections")

    # The budget starts empty, with the first action offered.
    tabs.get_by_role("link", name="Budget").click()
    expect(page.get_by_role("heading", name="No budget yet")).to_be_visible()
    page.screenshot(path=screenshot_dir / "plan-1-budget-empty.png", full_page=True)

    # A negative forecast is refused beside the field, and the input is kept.
    page.get_by_role("link", name="Add the first budget line").click()
    page.get_by_label("Category").select_option(label="Devices")
    page.get_by_label("Stage").select_option(label="Implementation")
    page.get_by_label("Description").fill("Smartphones for 200 CHVs")
    page.get_by_label("Forecast amount (KES)").fill("-5000")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_forecast_amount_error")).to_have_text("A forecast cannot be negative.")
    expect(page.get_by_role("alert")).to_contain_text("Please correct the errors below")
    expect(page.get_by_label("Description")).to_have_value("Smartphones for 200 CHVs")
    page.screenshot(path=screenshot_dir / "plan-2-negative-forecast.png", full_page=True)
    assert not BudgetLine.objects.exists()

    page.get_by_label("Forecast amount (KES)").fill("2000000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Budget line added.")).to_be_visible()
    page.get_by_role("link", name="Add a budget line").click()
    page.get_by_label("Category").select_option(label="Training")
    page.get_by_label("Description").fill("CHV training")
    page.get_by_label("Forecast amount (KES)").fill("500000")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#budget-forecast")).to_have_text("KES 2,500,000 (≈ USD 19,300)")
    assert spent_bars(page) == {"Devices": "0.00", "Training": "0.00"}
    chart_before = page.locator("#budget-category-chart svg").inner_html()

    # A negative expenditure is refused too; a real one moves the chart.
    page.get_by_role("link", name="Record an expenditure").click()
    page.get_by_label("Budget line").select_option(
        label="Devices · Implementation — Smartphones for 200 CHVs"
    )
    page.get_by_label("Date").fill("2026-03-10")
    page.get_by_label("Amount (KES)").fill("-750000")
    page.get_by_label("Description").fill("First 100 phones")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_amount_error")).to_have_text("An amount spent must be more than zero.")
    page.get_by_label("Amount (KES)").fill("750000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Expenditure recorded.")).to_be_visible()
    assert spent_bars(page) == {"Devices": "750000.00", "Training": "0.00"}
    assert page.locator("#budget-category-chart svg").inner_html() != chart_before
    expect(page.locator("#budget-spent")).to_contain_text(
        "KES 750,000 (≈ USD 5,790) · 30% of the forecast"
    )
    expect(page.get_by_role("cell", name="First 100 phones", exact=True)).to_be_visible()
    page.screenshot(path=screenshot_dir / "plan-3-budget-with-spending.png", full_page=True)
    assert Expenditure.objects.get().amount == 750000

    # An indicator with a baseline, then a measurement.
    tabs.get_by_role("link", name="Indicators").click()
    page.get_by_role("link", name="Add the first indicator").click()
    page.get_by_label(re.compile(r"^Name")).fill("Pregnant women with 4+ antenatal visits")
    page.get_by_label(re.compile(r"^Unit")).fill("%")
    page.get_by_label("Baseline value").fill("40")
    page.get_by_label("Baseline date").fill("2026-01-01")
    page.get_by_label("Target value").fill("40")
    page.get_by_label("Target date").fill("2027-12-31")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_target_value_error")).to_have_text(
        "The target must differ from the baseline."
    )
    page.get_by_label("Target value").fill("80")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Indicator added.")).to_be_visible()
    page.get_by_role("link", name=re.compile("Add a measurement")).click()
    page.get_by_label("Period end").fill("2026-09-30")
    page.get_by_label(re.compile(r"^Value")).fill("58")
    page.get_by_label(re.compile(r"^Source")).fill("DHIS2")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Measurement recorded.")).to_be_visible()
    expect(page.locator("#indicators-on-track")).to_have_text("1 of 1 indicator on track")
    chart = page.locator("svg[role='img']").first
    expect(chart.locator("circle.on-track")).to_have_count(1)
    expect(page.locator("#on-track-rule")).to_contain_text("no more than 15% behind")
    page.screenshot(path=screenshot_dir / "plan-4-indicators.png", full_page=True)
    assert Measurement.objects.get().value == 58

    # The hosting estimate updates as the inputs change, then goes into the budget.
    tabs.get_by_role("link", name="Budget").click()
    page.get_by_role("link", name="Hosting estimate").click()
    page.locator("#id_users").fill("300")
    page.get_by_label("Population served").fill("10000")
    page.get_by_label("Workflows").fill("3")
    page.get_by_label("Deployment years").fill("2")
    expect(page.locator("[data-figure='cpus']")).to_have_text("2")  # ceil(300 / 288)
    # 73,900 documents: 1 GB of database, 1 + 5 + 50 = 56 GB × 0.96 = 53.76 a year, plus
    # 2 CPUs × 20.85 × 12 = 500.40: 554.16 a year, 46.18 a month
    expect(page.locator("[data-figure='monthly']")).to_have_text("USD 46.18")
    expect(page.locator("[data-warning='floor']")).to_be_visible()  # under 4 CPUs, 8 GB, 100 GB
    # The advanced inputs: 100 users per CPU makes it 3 CPUs: (53.76 + 750.60) / 12 = 67.03.
    page.get_by_text("Advanced").click()
    page.get_by_label("Users per CPU").fill("100")
    expect(page.locator("[data-figure='cpus']")).to_have_text("3")
    expect(page.locator("[data-figure='monthly']")).to_have_text("USD 67.03")
    page.screenshot(path=screenshot_dir / "plan-5-hosting-estimate.png", full_page=True)
    page.get_by_role("button", name="Save this estimate").click()
    expect(page.get_by_text("Estimate saved.")).to_be_visible()
    page.get_by_role("button", name=re.compile("Add to budget")).click()
    expect(page.get_by_text("added to the budget as a hosting line")).to_be_visible()
    assert spent_bars(page)["Hosting"] == "0.00"
    assert HostingEstimate.objects.get().budget_line.category == "hosting"

    # The overview shows what was spent and how the indicators are doing.
    tabs.get_by_role("link", name="Overview").click()
    expect(page.locator("#overview-indicators")).to_have_text("1 of 1")
    expect(page.locator("#overview-budget")).to_contain_text("% — KES 750,000 of KES")
    page.screenshot(path=screenshot_dir / "plan-6-overview.png", full_page=True)

    # On a phone, the budget still reads: the chart scales and the tables become cards.
    phone = browser.new_page(viewport={"width": 360, "height": 780})
    log_in(phone, live_server.url, "amina")
    phone.goto(f"{live_server.url}/programs/siaya-chv/budget/")
    expect(phone.locator("#budget-category-chart svg")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=screenshot_dir / "plan-7-budget-phone.png", full_page=True)
