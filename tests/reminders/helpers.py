"""What the reminder tests share: the day they run on, local instants, profiles, assignments."""

import datetime
import zoneinfo

import pytest

from lifecycle.activity_services import activity_plan
from lifecycle.stages import Stage
from personas.services import profile_get, profile_update
from reminders.models import Notification
from reminders.services import digests_send_due

TODAY = datetime.date(2027, 3, 1)  # a Monday


def at(local: str, zone: str) -> datetime.datetime:
    """An aware instant: `local` ("2027-03-01 08:00") in `zone`."""
    naive = datetime.datetime.fromisoformat(local)
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(datetime.UTC)


def set_profile(user, **changes):
    profile = profile_get(user=user)
    values = {
        "time_zone": profile.time_zone,
        "language": profile.language,
        "digest_frequency": profile.digest_frequency,
        "days_ahead": profile.days_ahead,
        "email_closeout_reports": profile.email_closeout_reports,
        "muted_programs": list(profile.muted_programs.all()),
    }
    values.update(changes)
    return profile_update(profile=profile, **values)


def assign(program, user, due_on, title=None):
    activity = program.stage_activities.filter(stage=Stage.INITIATION).first()
    if title:
        from tests.factories import StageActivityFactory

        activity = StageActivityFactory(program=program, stage=Stage.INITIATION, title=title)
    return activity_plan(activity=activity, assignee=user, due_on=due_on)


def run(moment):
    """The hourly digest run at `moment`, without handing the digests to the worker."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reminders.services._enqueue_digest", lambda dispatch_id: None)
        return digests_send_due(now=moment)


def notifications_of(user):
    return list(Notification.objects.filter(person=user).order_by("position"))
