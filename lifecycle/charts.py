"""The lifecycle timeline: planned against actual per stage."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.charts import (
    BAD,
    GRID,
    MUTED,
    TEXT,
    make_chart_id,
    num,
    svg_close,
    svg_open,
    truncate_label,
)
from core.validators import date_in_range

#: The one stage palette (Okabe–Ito, colour-blind safe), used everywhere a stage is drawn. The
#: `--stage-*` variables of static/css/app.css repeat it for the pages; a test keeps them equal.
STAGE_COLOURS = {
    "initiation": "#E69F00",
    "planning": "#56B4E9",
    "design": "#009E73",
    "building": "#F0E442",
    "hosting": "#0072B2",
    "implementation": "#D55E00",
    "support": "#CC79A7",
    "closeout": "#666666",
}
#: The states that are not stages (grey-ish), and the stages that need white text on their colour.
STATE_COLOURS = {"on_hold": "#6c4f00", "closed": "#1e5b34", "cancelled": "#6c757d"}
WHITE_TEXT = frozenset({"hosting", "closeout", "on_hold", "closed", "cancelled"})


@dataclass(frozen=True)
class TimelineRow:
    """One stage: its planned span and the spans it was actually in (end None: still in it)."""

    stage: str
    label: str
    planned: tuple[datetime.date, datetime.date] | None
    actual: Sequence[tuple[datetime.date, datetime.date | None]]
    note: str = ""  # e.g. "12 days late", printed at the end of the row


def _in_range(row: TimelineRow) -> TimelineRow:
    """The row with its dates moved into the range the app accepts: rows saved before dates
    were bounded (year 9999) draw at the edge instead of overflowing."""
    return replace(
        row,
        planned=tuple(date_in_range(day) for day in row.planned) if row.planned else None,
        actual=[(date_in_range(start), date_in_range(end)) for start, end in row.actual],
    )


def _month_start(day: datetime.date, months: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def stage_timeline_chart(
    *,
    rows: Sequence[TimelineRow],
    today: datetime.date,
    title: str | None = None,
    width: int = 640,
    chart_id: str | None = None,
) -> SafeString | str:
    """A Gantt chart of the stages: the planned span as a thin outlined bar, the actual span(s)
    as a thick solid bar under it, a dashed line for today and the row's note as text.

    Planned and actual differ by shape (thin outline / thick fill), not only by colour. Empty
    when no stage has a date."""
    title = title or _("Lifecycle timeline: planned and actual, per stage")
    rows, today = [_in_range(row) for row in rows], date_in_range(today)
    days = [d for row in rows if row.planned for d in row.planned]
    days += [d for row in rows for start, end in row.actual for d in (start, end or today)]
    if not days:
        return ""
    first, last = _month_start(min(days)), _month_start(max(days), 1)
    span = max((last - first).days, 1)
    label_w, note_w, top, row_h, bottom = 112, 92, 30, 30, 26
    left, right = label_w, width - note_w
    height = top + row_h * len(rows) + bottom

    def px(day: datetime.date) -> float:
        return left + (right - left) * (day - first).days / span

    summary = []
    for row in rows:
        planned = (
            _("planned %(start)s to %(end)s")
            % {"start": date_format(row.planned[0]), "end": date_format(row.planned[1])}
            if row.planned
            else _("not planned")
        )
        actual = "; ".join(
            _("%(start)s to %(end)s")
            % {"start": date_format(s), "end": date_format(e) if e else _("now")}
            for s, e in row.actual
        ) or _("not started")
        summary.append(f"{row.label}: {planned}; {_('actual')} {actual}")
    parts = svg_open(
        chart_id or make_chart_id("timeline", title, *(r.stage for r in rows), today),
        width,
        height,
        title,
        ". ".join(summary) + ".",
        font_size=11,
    )
    # Legend.
    legend = [
        (f'<rect x="0" y="-4" width="22" height="6" fill="#fff" stroke="{TEXT}" '
         f'stroke-width="1" stroke-dasharray="3 2"/>', _("Planned")),
        (f'<rect x="0" y="-6" width="22" height="11" fill="{MUTED}"/>', _("Actual")),
        (f'<line x1="11" y1="-8" x2="11" y2="8" stroke="{BAD}" stroke-width="1.5" '
         f'stroke-dasharray="3 2"/>', _("Today")),
    ]  # fmt: skip
    x = left
    for mark, label in legend:
        parts.append(f'<g transform="translate({x},12)">{mark}</g>')
        parts.append(f'<text x="{x + 28}" y="16" fill="{TEXT}">{escape(label)}</text>')
        x += 44 + 7 * len(label)
    # Month grid: a line per tick, a label under the axis.
    months = (last.year - first.year) * 12 + last.month - first.month
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60, 120) if months / s <= 8), 240)
    tick = first
    axis_y = top + row_h * len(rows)
    while tick <= last:
        x = px(tick)
        parts.append(
            f'<line x1="{num(x)}" y1="{top - 4}" x2="{num(x)}" y2="{axis_y}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{num(x)}" y="{axis_y + 15}" text-anchor="middle" fill="{MUTED}">'
            f"{escape(date_format(tick, 'YEAR_MONTH_FORMAT'))}</text>"
        )
        tick = _month_start(tick, step)
    for index, row in enumerate(rows):
        y = top + row_h * index
        colour = STAGE_COLOURS.get(row.stage, MUTED)
        if index % 2:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{row_h}" fill="#f6f7f8"/>')
        parts.append(f'<g class="timeline-row" data-stage="{escape(row.stage)}">')
        parts.append(
            f'<text x="4" y="{y + row_h / 2 + 4}" fill="{TEXT}" font-weight="bold">'
            f"{escape(truncate_label(row.label, 16))}</text>"
        )
        if row.planned:
            start, end = row.planned
            x1, x2 = px(start), px(end + datetime.timedelta(days=1))
            parts.append(
                f'<rect class="planned" x="{num(x1)}" y="{y + 5}" width="{num(max(x2 - x1, 2))}" '
                f'height="6" fill="{colour}" fill-opacity="0.35" stroke="{TEXT}" '
                f'stroke-width="0.8" stroke-dasharray="3 2"><title>{escape(row.label)} — '
                f"{escape(_('Planned'))}: {escape(date_format(start))} – "
                f"{escape(date_format(end))}</title></rect>"
            )
        for start, end in row.actual:
            x1, x2 = px(start), px((end or today) + datetime.timedelta(days=1))
            parts.append(
                f'<rect class="actual" x="{num(x1)}" y="{y + 13}" width="{num(max(x2 - x1, 2))}" '
                f'height="12" fill="{colour}" stroke="{TEXT}" stroke-width="0.6">'
                f"<title>{escape(row.label)} — {escape(_('Actual'))}: "
                f"{escape(date_format(start))} – "
                f"{escape(date_format(end) if end else _('now'))}</title></rect>"
            )
        if row.note:
            parts.append(
                f'<text x="{width - note_w + 8}" y="{y + row_h / 2 + 4}" fill="{TEXT}">'
                f"{escape(truncate_label(row.note, 16))}</text>"
            )
        parts.append("</g>")
    if first <= today <= last:
        x = px(today)
        parts.append(
            f'<line class="today" x1="{num(x)}" y1="{top - 4}" x2="{num(x)}" y2="{axis_y}" '
            f'stroke="{BAD}" stroke-width="1.5" stroke-dasharray="3 2"/>'
        )
    parts.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="{MUTED}" '
        f'stroke-width="1"/>'
    )
    return svg_close(parts)
