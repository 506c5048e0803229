"""Writing a feed as iCalendar (RFC 5545) with the `icalendar` library."""

import datetime
import zoneinfo

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from lifecycle.stages import Stage
from reminders.models import Document, NotificationKind

from .selectors import Event, Reader

PRODID = "-//CHT Programs//Calendar feed//EN"


def _summary(event: Event) -> str:
    stage = str(Stage(event.subject).label) if event.subject in Stage.values else event.subject
    if event.kind == "stage_plan":
        return _("%(program)s: %(stage)s stage") % {"program": event.program_name, "stage": stage}
    if event.kind == NotificationKind.GATE_WAITING:
        return _("%(program)s: gate review waiting (%(stage)s)") % {
            "program": event.program_name,
            "stage": stage,
        }
    if event.kind == NotificationKind.DOCUMENT_EXPIRING:
        document = (
            str(Document(event.subject).label)
            if event.subject in Document.values
            else event.subject
        )
        return _("%(program)s: %(document)s expires") % {
            "program": event.program_name,
            "document": document,
        }
    return _("%(program)s: %(activity)s due") % {
        "program": event.program_name,
        "activity": event.subject,
    }


def render(*, reader: Reader, events: list[Event], name: str, base_url: str) -> bytes:
    """The feed as bytes. Events are whole days; "today" (a gate that waits now) and the
    moment the feed was made are the reader's, in their time zone, which the feed names
    (X-WR-TIMEZONE and its VTIMEZONE) so that calendar programs place the days there."""
    zone = zoneinfo.ZoneInfo(reader.time_zone)
    now = timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", reader.time_zone)
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    calendar.add_component(icalendar.Timezone.from_tzid(reader.time_zone))
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", f"{event.uid}@chtprograms")
        entry.add("dtstamp", now)
        entry.add("dtstart", event.start)
        entry.add("dtend", event.start + datetime.timedelta(days=event.days))
        entry.add("summary", _summary(event))
        entry.add("categories", [event.kind])
        entry.add("url", base_url + event.url)
        entry.add("transp", "TRANSPARENT")
        calendar.add_component(entry)
    calendar.add("last-modified", now.astimezone(zone))
    return calendar.to_ical()
