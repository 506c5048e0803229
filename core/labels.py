"""How dates and day counts read on pages, in e-mails and in the PDF: one wording for each."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def due_label(due: datetime.date | None, today: datetime.date, *, finished: bool = False) -> str:
    """'12 Mar 2027 (in 5 days)', '12 Mar 2027 (due today)', '12 Mar 2027 (3 days overdue)';
    just the date once the work is finished."""
    if due is None:
        return _("no due date")
    shown = date_format(due)
    if finished:
        return shown
    days = (due - today).days
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


def slippage_label(days: int | None) -> str:
    """'3 days late', '2 days early', 'on time'; a dash when there is nothing to compare."""
    if days is None:
        return "—"
    if days > 0:
        return ngettext("%(n)d day late", "%(n)d days late", days) % {"n": days}
    if days < 0:
        return ngettext("%(n)d day early", "%(n)d days early", -days) % {"n": -days}
    return _("on time")


def days_label(days: int | None) -> str:
    """'1 day', '12 days'; a dash for none."""
    if days is None:
        return "—"
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
