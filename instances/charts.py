"""Sparklines: a small line per figure over the last 30 days, in SVG built on the project's
chart primitives (core/charts.py): accessible, no JavaScript, no external asset."""

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString

from core.charts import MUTED, PALETTE, make_chart_id, num, svg_close, svg_open


def sparkline(
    *,
    title: str,
    values: Sequence[float | int | None],
    colour: str = PALETTE[0],
    width: int = 160,
    height: int = 36,
) -> SafeString | str:
    """A line through the known values (a gap where a day has none), a dot on the last one.
    The description says the first, last, lowest and highest values."""
    known = [(n, float(v)) for n, v in enumerate(values) if v is not None]
    if not known:
        return ""
    low, high = min(v for _n, v in known), max(v for _n, v in known)
    span = high - low or 1.0
    pad = 3
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def point(n: int, v: float) -> tuple[float, float]:
        return pad + n * step, height - pad - (v - low) / span * (height - 2 * pad)

    def fmt(v: float) -> str:
        return f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"

    description = (
        f"{len(known)} of {len(values)} days known; first {fmt(known[0][1])}, last "
        f"{fmt(known[-1][1])}, lowest {fmt(low)}, highest {fmt(high)}."
    )
    parts = svg_open(
        make_chart_id("spark", title, *values), width, height, title, description, font_size=10
    )
    runs, run = [], []
    for n, value in enumerate(values):
        if value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(point(n, float(value)))
    if run:
        runs.append(run)
    parts.append(
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="{MUTED}" stroke-width="0.5"/>'
    )
    for line in runs:
        if len(line) == 1:
            x, y = line[0]
            parts.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="1.5" fill="{colour}"/>')
            continue
        points = " ".join(f"{num(x)},{num(y)}" for x, y in line)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5" '
            'stroke-linejoin="round"/>'
        )
    x, y = point(*known[-1])
    parts.append(
        f'<circle cx="{num(x)}" cy="{num(y)}" r="2.5" fill="{colour}">'
        f"<title>{escape(fmt(known[-1][1]))}</title></circle>"
    )
    return svg_close(parts)
