"""The portfolio's charts, built on the shared SVG primitives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.charts import (
    GOOD,
    PALETTE,
    Series,
    bar_chart,
    days_short,
    percent_label,
    stacked_bar_chart,
)
from core.money import format_amount


def stage_type_chart(
    *,
    stages: Sequence[tuple[str, str]],
    types: Sequence[tuple[str, str]],
    counts: dict[tuple[str, str], int],
    link: Callable[[str, str | None], str],
) -> SafeString:
    """Programs by stage (one bar each), stacked by program type."""
    summary = "; ".join(
        f"{label}: {sum(counts.get((stage, kind), 0) for kind, _label in types)}"
        for stage, label in stages
    )
    return stacked_bar_chart(
        title=_("Programs by stage and type"),
        description=_("Number of programs in each stage, by type. %(summary)s.")
        % {"summary": summary},
        categories=[str(label) for _stage, label in stages],
        series=[
            Series(str(label), [counts.get((stage, kind), 0) for stage, _label in stages])
            for kind, label in types
        ],
        links=lambda row, column: link(
            stages[row][0], None if column is None else types[column][0]
        ),
        chart_id="portfolio-stage-type-chart",
    )


def country_chart(
    *, rows: Sequence[tuple[str, str, int]], link: Callable[[str], str]
) -> SafeString:
    """Programs by country: rows are (code, name, count)."""
    word = _("Programs")
    return bar_chart(
        title=_("Programs by country"),
        description=_("Number of programs in each country. %(summary)s.")
        % {"summary": "; ".join(f"{name}: {count}" for _code, name, count in rows)},
        categories=[name for _code, name, _count in rows],
        series=[Series(word, [count for _code, _name, count in rows], PALETTE[0])],
        links=[link(code) for code, _name, _count in rows],
        chart_id="portfolio-country-chart",
    )


def stage_duration_chart(*, rows: Sequence, link: Callable[[str], str]) -> SafeString:
    """Median days per stage, planned against actual. Rows have `stage`, `label`,
    `planned_median` and `actual_median` (None when no program has such a figure)."""
    planned, actual = _("Planned (median)"), _("Actual (median)")
    return bar_chart(
        title=_("Days in each stage: planned and actual"),
        description=_(
            "Median days per stage: planned from the stage plans, actual over the programs that "
            "have left the stage. %(summary)s."
        )
        % {
            "summary": "; ".join(
                f"{row.label}: {planned.lower()} {days_short(row.planned_median)}, "
                f"{actual.lower()} {days_short(row.actual_median)}"
                for row in rows
            )
        },
        categories=[str(row.label) for row in rows],
        series=[
            Series(planned, [row.planned_median for row in rows], PALETTE[5]),
            Series(actual, [row.actual_median for row in rows], PALETTE[3]),
        ],
        value_format=days_short,
        links=[link(row.stage) for row in rows],
        chart_id="portfolio-duration-chart",
    )


def budget_usd_chart(
    *,
    rows: Sequence[tuple[str, str, Decimal, Decimal]],
    link: Callable[[str], str],
    title: str,
) -> SafeString:
    """Forecast and spent in US dollars: rows are (key, label, forecast, spent)."""
    forecast_word, spent_word = _("Forecast"), _("Spent")
    return bar_chart(
        title=title,
        description=_("Amounts in US dollars. %(summary)s.")
        % {
            "summary": "; ".join(
                f"{label}: {forecast_word.lower()} {format_amount(forecast)}, "
                f"{spent_word.lower()} {format_amount(spent)}"
                for _key, label, forecast, spent in rows
            )
        },
        categories=[label for _key, label, _forecast, _spent in rows],
        series=[
            Series(
                forecast_word, [forecast for _key, _label, forecast, _spent in rows], PALETTE[0]
            ),
            Series(spent_word, [spent for _key, _label, _forecast, spent in rows], PALETTE[1]),
        ],
        links=[link(key) for key, *_rest in rows],
        chart_id="portfolio-budget-chart",
    )


def indicator_share_chart(
    *, rows: Sequence[tuple[str, str, int, int]], link: Callable[[str], str]
) -> SafeString:
    """Share of indicators on track: rows are (key, label, on track, total)."""
    shares = [
        None if not total else round(Decimal(on_track) * 100 / total)
        for _key, _label, on_track, total in rows
    ]
    return bar_chart(
        title=_("Indicators on track"),
        description=_("Share of indicators whose latest value is on track. %(summary)s.")
        % {
            "summary": "; ".join(
                _("%(label)s: %(on_track)s of %(total)s")
                % {"label": label, "on_track": on_track, "total": total}
                for _key, label, on_track, total in rows
            )
        },
        categories=[label for _key, label, _on_track, _total in rows],
        series=[Series(_("On track"), shares, GOOD)],
        value_format=percent_label,
        maximum=100,
        links=[link(key) for key, *_rest in rows],
        chart_id="portfolio-indicator-chart",
    )
