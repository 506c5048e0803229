"""Server-rendered SVG charts, readable without JavaScript and printable by WeasyPrint.

Pure functions: data in, SVG markup out (marked safe, every label escaped). Each chart is an
accessible image (`role="img"` with a `<title>` and a `<desc>`), prints its values as text,
tells series apart by shape or position as well as colour (Okabe–Ito palette, safe for colour
blindness), and uses only local fonts: no external font, image or URL, so the closeout PDF can
render it with a URL fetcher that allows nothing.

`bar_chart` (grouped horizontal bars) and `progress_chart` (a value against a planned line) are
generic; `budget_chart` and `indicator_chart` adapt the program's data to them."""

from __future__ import annotations

import datetime
import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.money import format_amount
from core.validators import date_in_range

#: Okabe–Ito: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


TEXT = "#212529"


MUTED = "#5c636a"  # 6:1 contrast on white


GRID = "#dee2e6"


GOOD = "#009E73"


BAD = "#D55E00"


FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"


Number = Decimal | int | float


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]
    colour: str | None = None


def make_chart_id(prefix: str, *parts: object) -> str:
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:10]
    return f"{prefix}-{digest}"


def _nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × a power of ten) cutting `span` into about `ticks`."""
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if raw <= m * magnitude)


def num(value: float) -> str:
    """A coordinate: two decimals at most, no exponent."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def truncate_label(label: str, length: int) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


#: The smallest chart text on screen, in CSS pixels.
MIN_TEXT_PX = 11


def svg_open(
    chart_id: str,
    width: int,
    height: int,
    title: str,
    description: str,
    font_size: int = 12,
    role: str = "img",
) -> list[str]:
    # A chart whose bars are links is a "group", so that its links stay reachable.
    # data-min-width: the narrowest it may be drawn with its text still 11 px (app.css scrolls
    # it sideways on a phone rather than shrink it below that).
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="{role}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}" '
        f'viewBox="0 0 {width} {height}" width="{round(width * 1.25)}" font-family="{FONT}" '
        f'font-size="{font_size}" data-min-width="{math.ceil(width * MIN_TEXT_PX / font_size)}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def svg_close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    # Every piece of text above went through `escape`; numbers are formatted by us.
    return mark_safe("".join(parts))  # noqa: S308


def bar_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_format: Callable[[Number], str] = format_amount,
    width: int = 420,
    chart_id: str | None = None,
    links: Sequence[str | None] | None = None,
    maximum: Number | None = None,
) -> SafeString:
    """Grouped horizontal bars: one group per category, its name above its bars (one per
    series), each value as text at the end of its bar. Narrow enough to read on a phone.

    `links`, when given, holds one address per category: its name and bars link there.
    `maximum` is the value of a full-width bar (the largest value by default; 100 for shares)."""
    chart_id = chart_id or make_chart_id("bar", title, *categories, *(s.name for s in series))
    left, value_width, label, bar, gap, group_gap, top = 2, 100, 18, 16, 3, 12, 30
    plot_width = width - left - value_width
    group_height = label + len(series) * bar + (len(series) - 1) * gap
    height = top + len(categories) * (group_height + group_gap)
    largest = max((float(v) for s in series for v in s.values if v is not None), default=0.0)
    largest = max(float(maximum), largest) if maximum is not None else largest
    scale = plot_width / largest if largest > 0 else 0.0
    colours = [s.colour or PALETTE[i % len(PALETTE)] for i, s in enumerate(series)]

    parts = svg_open(
        chart_id, width, height, title, description, font_size=13, role="group" if links else "img"
    )
    # Legend: a swatch and the name of each series, in bar order.
    x = left
    for colour, item in zip(colours, series, strict=True):
        parts.append(f'<rect x="{x}" y="6" width="13" height="13" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="17" fill="{TEXT}">{escape(item.name)}</text>')
        x += 34 + 8 * len(item.name)
    y = top
    for index, category in enumerate(categories):
        link = links[index] if links else None
        parts.append(f'<g class="chart-group" data-category="{escape(category)}">')
        if link:
            parts.append(f'<a href="{escape(link)}" class="chart-link">')
        parts.append(
            f'<text x="{left}" y="{y + label - 5}" fill="{TEXT}" font-weight="bold">'
            f"{escape(truncate_label(category, 48))}<title>{escape(category)}</title></text>"
        )
        y += label
        parts.append(
            f'<line x1="{left}" y1="{y - 2}" x2="{left}" y2="{y + group_height - label + 2}" '
            f'stroke="{MUTED}" stroke-width="1"/>'
        )
        for colour, item in zip(colours, series, strict=True):
            value = item.values[index]
            # A missing value (None) draws no bar; `value_format` says what it is ("—").
            length = float(value) * scale if value is not None and float(value) > 0 else 0.0
            text = value_format(value)
            data_value = "" if value is None else escape(value)
            parts.append(
                f'<rect x="{left}" y="{y}" width="{num(length)}" height="{bar}" '
                f'fill="{colour}" data-series="{escape(item.name)}" data-value="{data_value}">'
                f"<title>{escape(category)} — {escape(item.name)}: {escape(text)}</title></rect>"
            )
            parts.append(
                f'<text x="{num(left + length + 4)}" y="{y + bar - 4}" '
                f'fill="{TEXT}">{escape(text)}</text>'
            )
            y += bar + gap
        y += group_gap - gap
        if link:
            parts.append("</a>")
        parts.append("</g>")
    return svg_close(parts)


def _legend_rows(
    items: Sequence[tuple[str, str]], width: int, left: int = 2
) -> tuple[list[str], int]:
    """Swatch-and-name legend items laid out in rows that fit `width`; (parts, height)."""
    parts, x, row = [], left, 0
    for colour, name in items:
        item_width = 30 + 8 * len(name)
        if x > left and x + item_width > width:
            x, row = left, row + 1
        y = 6 + 18 * row
        parts.append(f'<rect x="{x}" y="{y}" width="13" height="13" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{y + 11}" fill="{TEXT}">{escape(name)}</text>')
        x += item_width
    return parts, 24 + 18 * row


def stacked_bar_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_format: Callable[[Number], str] = format_amount,
    width: int = 420,
    chart_id: str | None = None,
    links: Callable[[int, int | None], str | None] | None = None,
) -> SafeString:
    """Horizontal stacked bars: one bar per category (its name above it), one segment per
    series in legend order, each segment's value inside it when it fits and the total at the
    end of the bar.

    `links(category index, series index)` gives the address a segment links to, and
    `links(category index, None)` the one of the category's name."""
    chart_id = chart_id or make_chart_id("stacked", title, *categories, *(s.name for s in series))
    colours = [s.colour or PALETTE[i % len(PALETTE)] for i, s in enumerate(series)]
    left, total_width, label, bar, group_gap = 2, 56, 18, 20, 10
    legend, top = _legend_rows(list(zip(colours, (s.name for s in series), strict=True)), width)
    plot_width = width - left - total_width
    totals = [sum(float(s.values[i]) for s in series) for i in range(len(categories))]
    largest = max(totals, default=0.0)
    scale = plot_width / largest if largest > 0 else 0.0
    height = top + len(categories) * (label + bar + group_gap)

    parts = svg_open(chart_id, width, height, title, description, 13, "group" if links else "img")
    parts += legend
    y = top
    for index, category in enumerate(categories):
        parts.append(f'<g class="chart-group" data-category="{escape(category)}">')
        name = (
            f'<text x="{left}" y="{y + label - 5}" fill="{TEXT}" font-weight="bold">'
            f"{escape(truncate_label(category, 48))}<title>{escape(category)}</title></text>"
        )
        link = links(index, None) if links else None
        parts.append(f'<a href="{escape(link)}">{name}</a>' if link else name)
        y += label
        x = float(left)
        for number, (colour, item) in enumerate(zip(colours, series, strict=True)):
            value = item.values[index]
            if float(value) <= 0:
                continue
            # At least 3 px, so that a small segment can still be seen and selected.
            length = max(float(value) * scale, 3.0)
            text = value_format(value)
            segment = (
                f'<rect x="{num(x)}" y="{y}" width="{num(length)}" height="{bar}" '
                f'fill="{colour}" stroke="#fff" stroke-width="1" '
                f'data-series="{escape(item.name)}" data-value="{escape(value)}">'
                f"<title>{escape(category)} — {escape(item.name)}: {escape(text)}</title></rect>"
            )
            if length >= 8 * len(text) + 6:
                ink = "#fff" if colour.upper() in _DARK_COLOURS else TEXT
                segment += (
                    f'<text x="{num(x + length / 2)}" y="{y + bar - 6}" text-anchor="middle" '
                    f'fill="{ink}" pointer-events="none">{escape(text)}</text>'
                )
            segment_link = links(index, number) if links else None
            if segment_link:
                segment = f'<a href="{escape(segment_link)}" class="chart-link">{segment}</a>'
            parts.append(segment)
            x += length
        parts.append(
            f'<text x="{num(x + 4)}" y="{y + bar - 6}" fill="{TEXT}">'
            f"{escape(value_format(totals[index]))}</text>"
        )
        y += bar + group_gap
        parts.append("</g>")
    return svg_close(parts)


#: Palette colours dark enough to carry white text.
_DARK_COLOURS = frozenset({"#0072B2", "#000000"})


def progress_chart(
    *,
    title: str,
    description: str,
    start: tuple[datetime.date, Number],
    target: tuple[datetime.date, Number],
    points: Sequence[tuple[datetime.date, Number, bool | None]],
    limit: Callable[[datetime.date], Number | None] | None = None,
    value_format: Callable[[Number], str] = format_amount,
    width: int = 520,
    height: int = 260,
    chart_id: str | None = None,
) -> SafeString:
    """A measured value over time against the straight line from `start` to `target`.

    `points` are (date, value, on track?); on-track points are green circles, the others
    vermilion triangles. `limit(date)`, when given, draws the on-track limit as a dotted line."""
    chart_id = chart_id or make_chart_id("progress", title, start, target, *points)
    # Rows saved before dates were bounded are drawn at the edge of the range (no overflow).
    start, target = (date_in_range(start[0]), start[1]), (date_in_range(target[0]), target[1])
    points = [(date_in_range(day), value, ok) for day, value, ok in points]
    legend = [
        (f'<line x1="0" y1="0" x2="22" y2="0" stroke="{PALETTE[0]}" stroke-width="2" '
         f'stroke-dasharray="6 4"/>', _("Plan: baseline to target")),
        (f'<line x1="0" y1="0" x2="22" y2="0" stroke="{MUTED}" stroke-width="1.5" '
         f'stroke-dasharray="2 3"/>', _("On-track limit")),
        (f'<circle cx="6" cy="0" r="4" fill="{GOOD}"/>'
         f'<path d="M16 -5 L21 4 L11 4 Z" fill="{BAD}"/>', _("Measured (▲ off track)")),
    ]  # fmt: skip
    if not limit:
        legend = [legend[0], legend[2]]
    # Lay the legend out in rows that fit the width.
    placed, x, row = [], 4, 0
    for mark, label in legend:
        item_width = 36 + 7 * len(label)
        if x > 4 and x + item_width > width:
            x, row = 4, row + 1
        placed.append((x, 14 + 18 * row, mark, label))
        x += item_width
    left, right, top, bottom = 56, 16, 34 + 18 * row, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    first_day = min([start[0], *(p[0] for p in points)])
    last_day = max([target[0], *(p[0] for p in points)])
    span_days = max((last_day - first_day).days, 1)
    samples = [first_day + datetime.timedelta(days=span_days * i / 24) for i in range(25)]
    limits = [(day, limit(day)) for day in samples] if limit else []
    limits = [(day, value) for day, value in limits if value is not None]
    values = [float(start[1]), float(target[1]), *(float(p[1]) for p in points)]
    values += [float(value) for _day, value in limits]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - (abs(low) * 0.1 or 1.0), high + (abs(high) * 0.1 or 1.0)
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step

    def px(day: datetime.date) -> float:
        return left + plot_w * (day - first_day).days / span_days

    def py(value: Number) -> float:
        return top + plot_h * (high - float(value)) / (high - low)

    parts = svg_open(chart_id, width, height, title, description)
    for x, y, mark, label in placed:
        parts.append(f'<g transform="translate({x},{y})">{mark}</g>')
        parts.append(f'<text x="{x + 28}" y="{y + 4}" fill="{TEXT}">{escape(label)}</text>')
    # Horizontal grid with value labels, at round numbers.
    for i in range(round((high - low) / step) + 1):
        value = low + step * i
        y = py(value)
        parts.append(
            f'<line x1="{left}" y1="{num(y)}" x2="{width - right}" y2="{num(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{num(y + 4)}" text-anchor="end" fill="{MUTED}">'
            f"{escape(value_format(Decimal(str(round(value, 6))).normalize()))}</text>"
        )
    # Dates under the axis: the start, the target and the last measurement.
    for day in sorted({first_day, target[0], last_day}):
        anchor = "start" if day == first_day else "end" if day == last_day else "middle"
        parts.append(
            f'<text x="{num(px(day))}" y="{height - bottom + 16}" text-anchor="{anchor}" '
            f'fill="{MUTED}">{escape(date_format(day, "YEAR_MONTH_FORMAT"))}</text>'
        )
    # The plan, flat after the target date.
    plan = [(start[0], start[1]), (target[0], target[1])]
    if last_day > target[0]:
        plan.append((last_day, target[1]))
    parts.append(
        '<polyline fill="none" stroke="{}" stroke-width="2" stroke-dasharray="6 4" '
        'points="{}"/>'.format(PALETTE[0], " ".join(f"{num(px(d))},{num(py(v))}" for d, v in plan))
    )
    if limits:
        parts.append(
            '<polyline fill="none" stroke="{}" stroke-width="1.5" stroke-dasharray="2 3" '
            'points="{}"/>'.format(MUTED, " ".join(f"{num(px(d))},{num(py(v))}" for d, v in limits))
        )
    for (day, value), word in ((start, _("Baseline")), (target, _("Target"))):
        parts.append(
            f'<text x="{num(px(day))}" y="{num(py(value) - 8)}" '
            f'text-anchor="{"start" if day == first_day else "end"}" fill="{PALETTE[0]}">'
            f"{escape(word)} {escape(value_format(value))}</text>"
        )
    if points:
        parts.append(
            '<polyline fill="none" stroke="{}" stroke-width="1.5" points="{}"/>'.format(
                TEXT,
                " ".join(f"{num(px(d))},{num(py(v))}" for d, v, _ok in points),
            )
        )
    for index, (day, value, ok) in enumerate(points):
        x, y = px(day), py(value)
        state = _("on track") if ok else _("off track") if ok is False else ""
        label = f"{date_format(day)}: {value_format(value)}" + (f" ({state})" if state else "")
        if ok is False:
            shape = (
                f'<path d="M{num(x)} {num(y - 6)} L{num(x + 6)} {num(y + 5)} '
                f'L{num(x - 6)} {num(y + 5)} Z" fill="{BAD}" class="point off-track">'
            )
            parts.append(f"{shape}<title>{escape(label)}</title></path>")
        else:
            parts.append(
                f'<circle cx="{num(x)}" cy="{num(y)}" r="4.5" fill="{GOOD}" '
                f'class="point on-track"><title>{escape(label)}</title></circle>'
            )
        if index == len(points) - 1 or len(points) <= 6:
            parts.append(
                f'<text x="{num(x)}" y="{num(y - 9)}" text-anchor="middle" '
                f'fill="{TEXT}" font-weight="bold">{escape(value_format(value))}</text>'
            )
    return svg_close(parts)


def percent_label(value: Number | None) -> str:
    return "—" if value is None else f"{format_amount(Decimal(str(value)))}%"


def days_short(value: Number | None) -> str:
    if value is None:
        return "—"
    return _("%(days)s d") % {"days": format_amount(Decimal(str(value)).quantize(Decimal(1)))}
