"""Bounds on what people type: every date within a sane range, every text within a length.

A date such as 9999-12-31 is a typo, and one that breaks arithmetic (the next due date, a
chart's axis, the PDF's "year 10000"); a text of megabytes ties up the worker that lays out the
closeout report. Models carry these validators (so services refuse such values through
`full_clean`) and forms show the message beside the field."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.formats import date_format
from django.utils.translation import gettext as _

#: The dates the app accepts, on every date field of the domain and of the forms.
DATE_MIN = datetime.date(1990, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)

#: How long a text people write may be, in characters. The column stays `text` (no schema
#: change): the limit lives in the model's validators and the form's `maxlength`.
SHORT_TEXT = 1000  # a note on a measurement or a budget line
TEXT = 2000  # a note, a reason, a description, the list of regions
LONG_TEXT = 5000  # goals, summary, notes of a consideration, lessons, a rationale


def validate_date_in_range(value) -> None:
    """Refuse a date outside DATE_MIN..DATE_MAX, with a message to show beside the field."""
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s."),
            code="date_out_of_range",
            params={"min": date_format(DATE_MIN), "max": date_format(DATE_MAX)},
        )


def date_in_range(value: datetime.date | None) -> datetime.date | None:
    """`value` moved into DATE_MIN..DATE_MAX: for rows saved before the bound existed, so that
    arithmetic on them (a next due date, a chart's axis) cannot overflow."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    return min(max(value, DATE_MIN), DATE_MAX)


def text_limit(limit: int) -> dict:
    """Keyword arguments for a `models.TextField` of at most `limit` characters:
    `models.TextField(_("notes"), blank=True, **text_limit(LONG_TEXT))`.

    Django passes a TextField's `max_length` to the form (the textarea's `maxlength` and a
    length check) but not to the model; the validator makes `full_clean` refuse it too."""
    return {"max_length": limit, "validators": [MaxLengthValidator(limit)]}
