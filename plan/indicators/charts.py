"""An indicator's chart: baseline, target and measurements."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.charts import Number, progress_chart
from core.money import format_amount


def indicator_chart(*, indicator, measurements: Sequence) -> SafeString | str:
    """An indicator's measurements against its plan; empty without a baseline."""
    if not indicator.has_baseline:
        return ""
    unit = f" {indicator.unit}" if indicator.unit else ""

    def value_format(value: Number) -> str:
        return format_amount(Decimal(str(value)).normalize())

    latest = measurements[-1] if measurements else None
    if latest is None:
        state = _("No measurement yet.")
    else:
        state = _("Latest: %(value)s%(unit)s on %(date)s, expected %(expected)s%(unit)s.") % {
            "value": value_format(latest.value),
            "unit": unit,
            "date": date_format(latest.period_end),
            "expected": value_format(
                indicator.expected_on(latest.period_end).quantize(Decimal("0.01"))
            ),
        }
    description = _(
        "Baseline %(baseline)s%(unit)s on %(baseline_date)s, target %(target)s%(unit)s on "
        "%(target_date)s. %(state)s"
    ) % {
        "baseline": value_format(indicator.baseline_value),
        "baseline_date": date_format(indicator.baseline_date),
        "target": value_format(indicator.target_value),
        "target_date": date_format(indicator.target_date),
        "unit": unit,
        "state": state,
    }
    return progress_chart(
        title=_("%(name)s: progress towards the target") % {"name": indicator.name},
        description=description,
        start=(indicator.baseline_date, indicator.baseline_value),
        target=(indicator.target_date, indicator.target_value),
        points=[
            (m.period_end, m.value, indicator.is_on_track(m.value, m.period_end))
            for m in measurements
        ],
        limit=indicator.on_track_limit,
        value_format=value_format,
        chart_id=f"indicator-{indicator.pk}-chart" if indicator.pk else None,
    )
