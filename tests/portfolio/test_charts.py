"""The portfolio's charts: stacked bars, bars that link to the programs behind them."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from core.charts import Series, bar_chart, stacked_bar_chart
from lifecycle.portfolio_selectors import StageDurations
from portfolio.charts import indicator_share_chart, stage_duration_chart, stage_type_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 — our own markup


def segments(root):
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("data-series")]


def test_stacked_bars_are_proportional_and_each_segment_links_to_its_programs():
    root = parse(
        stacked_bar_chart(
            title="Programs",
            description="By stage and type.",
            categories=["Design", "Building <b>"],
            series=[Series("Accompanied", [6, 2]), Series("Research", [2, 0])],
            links=lambda row, column: f"/p/?row={row}&col={column}",
        )
    )
    assert root.get("role") == "group"  # its links stay reachable
    widths = {
        (r.get("data-series"), r.get("data-value")): float(r.get("width")) for r in segments(root)
    }
    plot = 420 - 2 - 56
    assert widths == {("Accompanied", "6"): plot * 6 / 8, ("Research", "2"): plot * 2 / 8,
                      ("Accompanied", "2"): plot * 2 / 8}  # fmt: skip
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == [
        "/p/?row=0&col=None",
        "/p/?row=0&col=0",
        "/p/?row=0&col=1",
        "/p/?row=1&col=None",
        "/p/?row=1&col=0",
    ]
    texts = ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]
    assert "Building <b>Building <b>" in texts  # escaped, with its tooltip
    assert "8" in texts and "2" in texts  # the totals at the end of the bars


def test_a_chart_without_links_stays_an_image():
    root = parse(
        stacked_bar_chart(title="t", description="d", categories=["A"], series=[Series("x", [1])])
    )
    assert root.get("role") == "img"
    assert not list(root.iter(f"{SVG}a"))


def test_bars_with_a_missing_value_draw_nothing_and_say_so():
    root = parse(
        bar_chart(
            title="t",
            description="d",
            categories=["A", "B"],
            series=[Series("Planned", [10, 20]), Series("Actual", [None, 40])],
            links=["/a", None],
        )
    )
    rects = {(r.get("data-series"), r.get("data-value")): r for r in segments(root)}
    assert float(rects[("Actual", "")].get("width")) == 0
    assert float(rects[("Actual", "40")].get("width")) == 318
    assert "—" in ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["/a"]


def test_shares_are_drawn_against_a_hundred_percent():
    root = parse(
        indicator_share_chart(
            rows=[("accompanied", "Accompanied", 1, 4), ("research", "Research", 0, 0)],
            link=lambda key: f"/p/?type={key}",
        )
    )
    rects = segments(root)
    assert float(rects[0].get("width")) == 318 * 25 / 100
    texts = ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]
    assert "25%" in texts and "—" in texts
    assert root.find(f"{SVG}desc").text.startswith("Share of indicators")


def test_stage_charts_link_each_stage():
    root = parse(
        stage_type_chart(
            stages=[("design", "Design")],
            types=[("accompanied", "Accompanied"), ("research", "Research")],
            counts={("design", "accompanied"): 3},
            link=lambda stage, kind: f"/p/?stage={stage}&type={kind}",
        )
    )
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == [
        "/p/?stage=design&type=None",
        "/p/?stage=design&type=accompanied",
    ]
    durations = parse(
        stage_duration_chart(
            rows=[StageDurations("design", "Design", 61.0, 4, Decimal("75.5"), 2)],
            link=lambda stage: f"/p/?stage={stage}",
        )
    )
    texts = ["".join(node.itertext()) for node in durations.iter(f"{SVG}text")]
    assert "61 d" in texts and "76 d" in texts
    assert [a.get("href") for a in durations.iter(f"{SVG}a")] == ["/p/?stage=design"]
