"""Figures of a CHT instance as people read them: unknown is said, never shown as 0."""

import datetime

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def figure(value) -> str:
    """A count with grouped digits, or "unknown"."""
    if value is None or value == "":
        return _("unknown")
    if isinstance(value, float) and value != int(value):
        return f"{value:,.1f}"
    return f"{int(value):,}"


@register.filter
def percent(value) -> str:
    if value is None or value == "":
        return _("unknown")
    return f"{value * 100:.1f}%" if value < 0.9995 else f"{value * 100:.0f}%"


@register.filter
def duration(value) -> str:
    """A length of time in days, hours or minutes."""
    if value is None or value == "":
        return _("unknown")
    if isinstance(value, int | float):
        value = datetime.timedelta(seconds=value)
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes / 60
    if hours < 48:
        return _("%(n).1f h") % {"n": hours}
    days = hours / 24
    return ngettext("%(n)d day", "%(n)d days", round(days)) % {"n": round(days)}
