"""Small presentation helpers for the lifecycle templates."""

import datetime

from django import template
from django.utils import timezone

from core import labels
from lifecycle.charts import STATE_COLOURS, WHITE_TEXT

register = template.Library()

#: Stage colours (static/css/app.css) dark enough to carry white text; the others take dark text.


@register.filter
def stage_fg(stage: str) -> str:
    """The text colour that contrasts with the stage's colour."""
    return "#fff" if stage in WHITE_TEXT else "#111"


@register.filter
def stage_bg(stage: str) -> str:
    """The stage's colour (a CSS variable from app.css; grey for the other states)."""
    return f"var(--stage-{stage}, {STATE_COLOURS.get(stage, STATE_COLOURS['cancelled'])})"


@register.filter
def due_label(due: datetime.date | None, finished: bool = False) -> str:
    """'12 Mar 2027 (in 5 days)', 'due today', '3 days overdue' (core.labels)."""
    return labels.due_label(due, timezone.localdate(), finished=finished)


register.filter("slippage_label", labels.slippage_label)
register.filter("days_label", labels.days_label)
