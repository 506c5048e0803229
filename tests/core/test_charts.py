"""The SVG charts: accessible, escaped, self-contained, and printable by WeasyPrint."""

import datetime
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from core.charts import Series, bar_chart, progress_chart
from plan.budget.charts import budget_chart
from plan.budget.selectors import BudgetRow
from plan.indicators.charts import indicator_chart
from plan.indicators.models import Indicator, Measurement

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 — our own markup


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_bar_chart_is_an_accessible_image_with_its_values_as_text():
    svg = bar_chart(
        title="Budget",
        description="Forecast and spent by category.",
        categories=["Devices", "Training"],
        series=[Series("Forecast", [Decimal("1000"), Decimal("500")]), Series("Spent", [250, 0])],
    )
    root = parse(svg)
    assert root.get("role") == "img"
    chart_id = root.get("id")
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.find(f"{SVG}title").text == "Budget"
    assert root.find(f"{SVG}desc").text == "Forecast and spent by category."
    labels = texts(root)
    for expected in ["Devices", "Training", "Forecast", "Spent", "1,000", "500", "250", "0"]:
        assert any(label.startswith(expected) for label in labels), expected


def test_bar_lengths_are_proportional_to_the_values():
    root = parse(
        bar_chart(
            title="t",
            description="d",
            categories=["A", "B"],
            series=[Series("Forecast", [400, 100]), Series("Spent", [200, 0])],
        )
    )
    widths = {
        (rect.get("data-series"), rect.get("data-value")): float(rect.get("width"))
        for rect in root.iter(f"{SVG}rect")
        if rect.get("data-series")
    }
    assert widths[("Forecast", "400")] == 318  # the plot width: 420 − 2 − 100
    assert widths[("Forecast", "100")] == 79.5
    assert widths[("Spent", "200")] == 159
    assert widths[("Spent", "0")] == 0


def test_labels_are_escaped_and_nothing_is_fetched():
    evil = '<script>alert("x")</script> & "quotes"'
    svg = str(
        bar_chart(title=evil, description=evil, categories=[evil], series=[Series(evil, [1])])
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == evil
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "url(" not in svg and "href" not in svg and "@import" not in svg


def test_an_empty_budget_draws_without_dividing_by_zero():
    root = parse(bar_chart(title="t", description="d", categories=["A"], series=[Series("F", [0])]))
    assert [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("data-series")] == [0]


def test_budget_chart_describes_every_row():
    rows = [
        BudgetRow("devices", "Devices", Decimal("100000"), Decimal("50000")),
        BudgetRow("hosting", "Hosting", Decimal("20000"), Decimal("0")),
    ]
    root = parse(budget_chart(rows=rows, currency="KES"))
    description = root.find(f"{SVG}desc").text
    assert "KES" in description
    assert "Devices: forecast KES 100,000, spent KES 50,000" in description
    assert "100,000" in texts(root) and "50,000" in texts(root)


def indicator():
    return Indicator(
        pk=7,
        name="Households <visited>",
        unit="%",
        direction="increase",
        baseline_value=Decimal("40"),
        baseline_date=datetime.date(2027, 1, 1),
        target_value=Decimal("80"),
        target_date=datetime.date(2027, 4, 11),
    )


def test_indicator_chart_marks_points_by_shape_not_only_colour():
    item = indicator()
    measurements = [
        Measurement(period_end=datetime.date(2027, 1, 11), value=Decimal("30")),  # off track
        Measurement(period_end=datetime.date(2027, 2, 20), value=Decimal("58")),  # on track
    ]
    svg = str(indicator_chart(indicator=item, measurements=measurements))
    root = parse(svg)
    assert root.get("id") == "indicator-7-chart"
    assert root.find(f"{SVG}title").text == "Households <visited>: progress towards the target"
    assert len(root.findall(f".//{SVG}path[@class='point off-track']")) == 1
    assert len(root.findall(f".//{SVG}circle[@class='point on-track']")) == 1
    description = root.find(f"{SVG}desc").text
    assert "Baseline 40 %" in description and "target 80 %" in description
    assert "Latest: 58 %" in description and "expected 60 %" in description
    assert any(text == "58" for text in texts(root))


def test_indicator_chart_needs_a_baseline():
    item = indicator()
    item.baseline_value = item.baseline_date = None
    assert indicator_chart(indicator=item, measurements=[]) == ""


def test_progress_chart_with_a_flat_line_and_no_points():
    svg = progress_chart(
        title="t",
        description="d",
        start=(datetime.date(2027, 1, 1), 5),
        target=(datetime.date(2027, 1, 1), 5),
        points=[],
    )
    assert parse(svg).get("role") == "img"


def test_weasyprint_renders_the_charts_without_fetching_anything():
    weasyprint = pytest.importorskip("weasyprint")
    from pypdf import PdfReader

    fetched = []

    def refuse(url, *args, **kwargs):
        fetched.append(url)
        raise ValueError(f"no fetching in reports: {url}")

    rows = [BudgetRow("devices", "Devices", Decimal("100000"), Decimal("50000"))]
    measurements = [Measurement(period_end=datetime.date(2027, 2, 20), value=Decimal("58"))]
    html = (
        "<html><body><h1>Report</h1>"
        f"{budget_chart(rows=rows, currency='KES')}"
        f"{indicator_chart(indicator=indicator(), measurements=measurements)}"
        "</body></html>"
    )
    pdf = weasyprint.HTML(string=html, url_fetcher=refuse).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert fetched == []
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Forecast" in text and "50,000" in text
