"""Small presentation helpers for the lifecycle templates."""

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

#: Stage colours (static/css/app.css) dark enough to carry white text; the others take dark text.
_WHITE_TEXT = frozenset({"hosting", "closeout", "on_hold", "closed", "cancelled"})


@register.filter
def stage_fg(stage: str) -> str:
    """The text colour that contrasts with the stage's colour."""
    return "#fff" if stage in _WHITE_TEXT else "#111"


@register.filter
def stage_bg(stage: str) -> str:
    """The stage's colour (a CSS variable from app.css; grey for the other states)."""
    fallback = {"on_hold": "#6c4f00", "closed": "#1e5b34", "cancelled": "#6c757d"}
    return f"var(--stage-{stage}, {fallback.get(stage, '#6c757d')})"


@register.filter
def due_label(due: datetime.date | None, finished: bool = False) -> str:
    """'12 Mar 2027 (in 5 days)', 'due today', '3 days overdue'."""
    if due is None:
        return _("no due date")
    shown = date_format(due, "j M Y")
    if finished:
        return shown
    days = (due - timezone.localdate()).days
    if days > 0:
        return ngettext("%(date)s (in %(n)d day)", "%(date)s (in %(n)d days)", days) % {
            "date": shown,
            "n": days,
        }
    if days == 0:
        return _("%(date)s (due today)") % {"date": shown}
    return ngettext("%(date)s (%(n)d day overdue)", "%(date)s (%(n)d days overdue)", -days) % {
        "date": shown,
        "n": -days,
    }


@register.filter
def slippage_label(days: int | None) -> str:
    if days is None:
        return "—"
    if days > 0:
        return ngettext("%(n)d day late", "%(n)d days late", days) % {"n": days}
    if days < 0:
        return ngettext("%(n)d day early", "%(n)d days early", -days) % {"n": -days}
    return _("on time")


@register.filter
def days_label(days: int | None) -> str:
    if days is None:
        return "—"
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
