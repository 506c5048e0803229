"""Reads of the calendars app: who a key belongs to, and the events of a feed.

A feed costs a constant number of queries whatever the number of programs, activities and
documents: the key (with the person and their profile), the reminder scan's queries
(`reminders.scan`, which decides who hears of which activity, gate and document), and the
stage plans of the programs in one query."""

from __future__ import annotations

import datetime
import hashlib
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from lifecycle.models import StagePlan
from personas.timezones import DEFAULT_TIME_ZONE
from reminders import scan as reminder_scan
from reminders.models import NotificationKind

from .models import CalendarKey

#: How far ahead the feed looks for activities and expiring documents (overdue ones are kept).
HORIZON_DAYS = 3 * 366
FEED_KINDS = {
    NotificationKind.ACTIVITY_DUE,
    NotificationKind.ACTIVITY_OVERDUE,
    NotificationKind.GATE_WAITING,
    NotificationKind.DOCUMENT_EXPIRING,
}


@dataclass(frozen=True)
class Reader:
    """The person a key belongs to, with what their feed needs from their profile."""

    user: object
    time_zone: str
    language: str

    @property
    def today(self) -> datetime.date:
        return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(self.time_zone)).date()


def reader_for_key(*, key: str) -> Reader:
    """The active person whose calendar key is `key` (one query), or 404."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    record = (
        CalendarKey.objects.filter(digest=digest, user__is_active=True)
        .select_related("user__profile")
        .first()
    )
    if record is None:
        raise Http404
    user = record.user
    profile = getattr(user, "profile", None)
    return Reader(
        user=user,
        time_zone=profile.time_zone if profile else DEFAULT_TIME_ZONE,
        language=profile.language if profile else settings.LANGUAGE_CODE,
    )


def calendar_key_of(*, user) -> CalendarKey | None:
    return CalendarKey.objects.filter(user=user).first()


@dataclass(frozen=True)
class Event:
    """One entry of a feed: an all-day event (from `start`, `days` long)."""

    uid: str
    kind: str  # a NotificationKind value, or "stage_plan"
    program_name: str
    subject: str  # an activity's title, a stage, or a Document value
    start: datetime.date
    days: int
    url: str  # a path


def _uid(*parts) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def _scan(reader: Reader, user_ids: list[int], is_staff: dict[int, bool]):
    recipients = [
        reminder_scan.Recipient(
            user_id=uid,
            today=reader.today,
            days_ahead=HORIZON_DAYS,
            is_staff=is_staff.get(uid, False),
            language=reader.language,
        )
        for uid in user_ids
    ]
    return reminder_scan.scan(recipients)


def _item_events(items, *, today: datetime.date) -> list[Event]:
    events = {}
    for item in items:
        if item.kind not in FEED_KINDS:
            continue
        # A gate in the feed waits for a decision now (it is met, or the stage is past its end).
        start = today if item.kind == NotificationKind.GATE_WAITING else item.due_on or today
        uid = _uid(item.kind, item.program_id, item.subject, item.url)
        events[uid] = Event(
            uid=uid,
            kind=item.kind,
            program_name=item.program_name,
            subject=item.subject,
            start=start,
            days=1,
            url=item.url,
        )
    return list(events.values())


def _plan_events(program_ids) -> list[Event]:
    plans = StagePlan.objects.filter(lifecycle__program_id__in=list(program_ids)).select_related(
        "lifecycle__program"
    )
    return [
        Event(
            uid=_uid("stage_plan", plan.pk),
            kind="stage_plan",
            program_name=plan.lifecycle.program.name,
            subject=plan.stage,
            start=plan.planned_start,
            days=(plan.planned_end - plan.planned_start).days + 1,
            url=reverse("lifecycle:detail", args=[plan.lifecycle.program.slug]) + "#plan",
        )
        for plan in plans
    ]


def person_events(*, reader: Reader) -> list[Event]:
    """The person's feed: their activities' due dates, the stage plans of their programs, the
    gates waiting for their decision and the documents they watch (running programs only)."""
    user = reader.user
    found = _scan(reader, [user.pk], {user.pk: user.is_staff})
    program_ids = set(
        reminder_scan.running_memberships(user_ids=[user.pk]).values_list("program_id", flat=True)
    )
    events = _item_events(found.get(user.pk, []), today=reader.today)
    return _sorted(events + _plan_events(program_ids))


def team_program(*, reader: Reader, slug: str):
    """The running program `slug` the reader is on the team of (one query), or 404."""
    membership = (
        reminder_scan.running_memberships(user_ids=[reader.user.pk])
        .filter(program__slug=slug)
        .select_related("program")
        .first()
    )
    if membership is None:
        raise Http404
    return membership.program


def team_programs(*, user) -> list:
    """The running programs `user` is on the team of, by name: those with a team feed."""
    memberships = reminder_scan.running_memberships(user_ids=[user.pk]).select_related("program")
    programs = {membership.program.pk: membership.program for membership in memberships}
    return sorted(programs.values(), key=lambda program: program.name.lower())


def team_events(*, reader: Reader, program) -> list[Event]:
    """A program's team feed: every team member's activities, the stage plan, the gate waiting
    and the documents, each once."""
    members = list(
        reminder_scan.running_memberships()
        .filter(program=program)
        .values_list("user_id", "user__is_staff")
        .distinct()
    )
    is_staff = dict(members)
    found = _scan(reader, list(is_staff), is_staff)
    items = [item for found_items in found.values() for item in found_items]
    items = [item for item in items if item.program_id == program.pk]
    events = _item_events(items, today=reader.today)
    return _sorted(events + _plan_events([program.pk]))


def _sorted(events: list[Event]) -> list[Event]:
    return sorted(
        events, key=lambda event: (event.start, event.program_name, event.kind, event.uid)
    )
