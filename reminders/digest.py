"""How reminders read: the sentence of each notification, and the digest e-mail.

The texts are made when shown (in the reader's language and time zone), so one stored
notification reads in French for a French-speaking person and in English for an English one.

However many items a digest has, the e-mail stays small: it lists the most urgent ones
(`REMINDER_DIGEST_MAX_ITEMS`), then how many each program has (the busiest
`REMINDER_DIGEST_MAX_PROGRAMS`) and links to the notifications page for the rest."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.labels import due_label
from personas.models import DigestFrequency
from reminders.models import Notification, NotificationKind

#: The kinds counted as late in a program's line.
OVERDUE_KINDS = (NotificationKind.ACTIVITY_OVERDUE, NotificationKind.STAGE_OVERDUE)


def notification_text(notification: Notification, today: datetime.date) -> str:
    """The sentence of one reminder, as of `today` (the reader's local date)."""
    subject = notification.subject_label
    due = notification.due_on
    kind = notification.kind
    if kind in (NotificationKind.ACTIVITY_DUE, NotificationKind.ACTIVITY_OVERDUE):
        return _("“%(activity)s” is due %(due)s") % {
            "activity": subject,
            "due": due_label(due, today),
        }
    if kind == NotificationKind.STAGE_OVERDUE:
        return _("The %(stage)s stage was planned to end %(due)s") % {
            "stage": subject,
            "due": due_label(due, today),
        }
    if kind == NotificationKind.GATE_WAITING:
        return _("The %(stage)s gate is waiting for your decision") % {"stage": subject}
    if kind == NotificationKind.INSTANCE_ALERT:
        return _("%(alert)s, since %(date)s") % {"alert": subject, "date": date_format(due)}
    if due is not None and due < today:
        return _("%(document)s expired on %(date)s") % {
            "document": subject,
            "date": date_format(due),
        }
    if due == today:
        return _("%(document)s expires today") % {"document": subject}
    return _("%(document)s expires on %(due)s") % {
        "document": subject,
        "due": due_label(due, today),
    }


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class ProgramCount:
    """One program's line in a long digest: how many items it has, how many are late."""

    name: str
    url: str
    items: int
    overdue: int


@dataclass(frozen=True)
class DigestContent:
    """What a digest e-mail shows: the most urgent items, and when there are more, each
    program's count (the busiest first) and how many programs were left out of that list."""

    count: int  # every item of the digest
    items: list[dict]  # [{notification, text, url}], the most urgent first, at most the cap
    programs: list[ProgramCount]  # empty when every item is shown
    other_programs: int = 0  # programs with items beyond `programs`
    other_items: int = 0  # their items

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def _program_url(slug: str) -> str:
    return absolute_url(reverse("chtprograms:program-detail", kwargs={"slug": slug}))


def digest_content(
    notifications, today: datetime.date, *, max_items: int, max_programs: int
) -> DigestContent:
    """The items of a digest as the e-mail shows them, whatever their number: the `max_items`
    most urgent (the notifications come most urgent first: their `position`), then, if some
    are left out, the counts of the `max_programs` programs with the most items. A queryset is
    read in four queries (the first items, the count, the counts per program and the number of
    programs), not row by row."""
    if isinstance(notifications, QuerySet):
        count = notifications.count()
        first = list(notifications.select_related("program")[:max_items])
        rows = []
        programs = 0
        if count > len(first):
            late = Q(kind__in=OVERDUE_KINDS)
            rows = list(
                notifications.order_by()
                .values("program__name", "program__slug")
                .annotate(items=Count("pk"), overdue=Count("pk", filter=late))
                .order_by("-items", "program__name")[:max_programs]
            )
            programs = notifications.order_by().aggregate(n=Count("program", distinct=True))["n"]
    else:
        everything = list(notifications)
        count, first = len(everything), everything[:max_items]
        tally: dict[int, dict] = {}
        for notification in everything:
            row = tally.setdefault(
                notification.program_id,
                {
                    "program__name": notification.program.name,
                    "program__slug": notification.program.slug,
                    "items": 0,
                    "overdue": 0,
                },
            )
            row["items"] += 1
            row["overdue"] += notification.kind in OVERDUE_KINDS
        programs = len(tally)
        rows = (
            sorted(tally.values(), key=lambda row: (-row["items"], row["program__name"]))[
                :max_programs
            ]
            if count > len(first)
            else []
        )
    counts = [
        ProgramCount(
            name=row["program__name"],
            url=_program_url(row["program__slug"]),
            items=row["items"],
            overdue=row["overdue"],
        )
        for row in rows
    ]
    shown = sum(row.items for row in counts)
    return DigestContent(
        count=count,
        items=[
            {
                "notification": notification,
                "text": notification_text(notification, today),
                "url": absolute_url(notification.url),
            }
            for notification in first
        ],
        programs=counts,
        other_programs=max(programs - len(counts), 0) if counts else 0,
        other_items=count - shown if counts else 0,
    )


def digest_message(*, dispatch, notifications, profile, user) -> EmailMultiAlternatives:
    """The digest e-mail (plain text and HTML), in the person's language and time zone."""
    with (
        translation.override(profile.language),
        timezone.override(zoneinfo.ZoneInfo(profile.time_zone)),
    ):
        content = digest_content(
            notifications,
            dispatch.period,
            max_items=settings.REMINDER_DIGEST_MAX_ITEMS,
            max_programs=settings.REMINDER_DIGEST_MAX_PROGRAMS,
        )
        context = {
            "person": user,
            "dispatch": dispatch,
            "weekly": dispatch.frequency == DigestFrequency.WEEKLY,
            "digest": content,
            "count": content.count,
            "date": date_format(dispatch.period, "l j F Y"),
            "site_url": settings.SITE_URL.rstrip("/"),
            "notifications_url": absolute_url(reverse("reminders:notifications")),
            "profile_url": absolute_url(reverse("personas:profile")),
            "language": profile.language,
        }
        subject = " ".join(render_to_string("emails/digest.subject.txt", context).split())
        text = render_to_string("emails/digest.txt", context)
        html = render_to_string("emails/digest.html", context)
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={"Message-ID": f"<digest-{dispatch.pk}-{dispatch.period:%Y%m%d}@{host}>"},
    )
    message.attach_alternative(html, "text/html")
    return message
