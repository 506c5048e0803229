"""How reminders read: the sentence of each notification, and the digest e-mail.

The texts are made when shown (in the reader's language and time zone), so one stored
notification reads in French for a French-speaking person and in English for an English one."""

from __future__ import annotations

import datetime
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.labels import due_label
from personas.models import DigestFrequency
from reminders.models import Notification, NotificationKind


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


def program_groups(notifications, today: datetime.date) -> list[dict]:
    """[{program, url, items: [{notification, text, url}]}], programs in order of appearance."""
    groups: dict[int, dict] = {}
    for notification in notifications:
        group = groups.get(notification.program_id)
        if group is None:
            program = notification.program
            group = groups[notification.program_id] = {
                "program": program,
                "url": absolute_url(program.get_absolute_url()),
                "items": [],
            }
        group["items"].append(
            {
                "notification": notification,
                "text": notification_text(notification, today),
                "url": absolute_url(notification.url),
            }
        )
    return list(groups.values())


def digest_message(*, dispatch, notifications, profile, user) -> EmailMultiAlternatives:
    """The digest e-mail (plain text and HTML), in the person's language and time zone."""
    notifications = list(notifications)
    with (
        translation.override(profile.language),
        timezone.override(zoneinfo.ZoneInfo(profile.time_zone)),
    ):
        context = {
            "person": user,
            "dispatch": dispatch,
            "weekly": dispatch.frequency == DigestFrequency.WEEKLY,
            "count": len(notifications),
            "groups": program_groups(notifications, dispatch.period),
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
