"""Snapshots older than 90 days are thinned to the last one of each day; newer ones stay."""

import datetime

import pytest
from django.db.models.functions import TruncDate

from instances import services
from instances.models import Snapshot
from tests.factories import ProgramFactory

from .helpers import poll_at

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 29, 3, 17, tzinfo=datetime.UTC)


def test_old_snapshots_become_one_a_day_and_a_second_run_deletes_nothing(settings):
    settings.TIME_ZONE = "UTC"
    program = ProgramFactory()
    one = services.instance_create(program=program, base_url="https://one.example.org")
    two = services.instance_create(program=program, base_url="https://two.example.org")
    for instance in (one, two):
        for day in range(95):  # four polls a day, 95 days back
            for hour in (1, 7, 13, 19):
                poll_at(instance, NOW - datetime.timedelta(days=day, hours=hour))
    assert Snapshot.objects.count() == 2 * 95 * 4

    deleted = services.snapshots_thin(now=NOW)
    cutoff = NOW - datetime.timedelta(days=90)
    old = Snapshot.objects.filter(polled_at__lt=cutoff)
    per_day = old.annotate(day=TruncDate("polled_at")).values("instance", "day").distinct()
    assert old.count() == per_day.count()  # one a day per instance
    # Polls fall at 02:17, 08:17, 14:17 and 20:17: the 20:17 one of each old day is kept, and
    # 02:17 on the cutoff's day (the later ones that day are newer than the cutoff).
    assert set(old.values_list("polled_at__hour", flat=True)) == {2, 20}
    assert old.filter(polled_at__hour=2).count() == 2
    assert Snapshot.objects.filter(polled_at__gte=cutoff).count() == 2 * 90 * 4
    assert deleted == 2 * 95 * 4 - Snapshot.objects.count()
    assert services.snapshots_thin(now=NOW) == 0
    one.refresh_from_db()
    assert one.latest_snapshot is not None
