"""The budget chart: forecast against spent by category."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.charts import PALETTE, Series, bar_chart
from core.money import format_amount


def budget_chart(*, rows: Sequence, currency: str, title: str | None = None) -> SafeString:
    """Forecast vs spent for budget rows (anything with `label`, `forecast` and `actual`)."""
    title = title or _("Budget: forecast and spent by category")
    forecast_word, spent_word = _("Forecast"), _("Spent")
    summary = "; ".join(
        f"{row.label}: {forecast_word.lower()} {currency} {format_amount(row.forecast)}, "
        f"{spent_word.lower()} {currency} {format_amount(row.actual)}"
        for row in rows
    )
    return bar_chart(
        title=title,
        description=_("Amounts in %(currency)s. %(summary)s.")
        % {"currency": currency, "summary": summary},
        categories=[str(row.label) for row in rows],
        series=[
            Series(forecast_word, [row.forecast for row in rows], PALETTE[0]),
            Series(spent_word, [row.actual for row in rows], PALETTE[1]),
        ],
    )
