"""Flags: the Watchdog's thresholds on one snapshot, growth over 24 hours from consecutive
snapshots, support status from the release table, and a flag kept open from the poll that
raised it to the poll that cleared it."""

import datetime

import pytest
from django.utils import timezone

from instances import monitoring, services
from instances.fetch import Fetched
from instances.models import CHTRelease, InstanceFlag, release_support
from instances.services import Polled
from tests.factories import ProgramFactory

from .fakecht import monitoring as answer

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC)


def record(instance, at, **figures):
    data = answer(figures.pop("version", "5.2.0"), now_ms=int(at.timestamp() * 1000), **figures)
    polled = Polled(received_at=at, main=Fetched("ok", http_status=200, latency_ms=80, data=data))
    return services.snapshot_record(instance=instance, polled=polled, now=at)


def record_down(instance, at):
    polled = Polled(received_at=at, main=Fetched("down", http_status=502, error="HTTP 502"))
    return services.snapshot_record(instance=instance, polled=polled, now=at)


@pytest.fixture
def instance():
    return services.instance_create(
        program=ProgramFactory(), base_url="https://chis.example.org", kind="production"
    )


def codes(snapshot):
    return {code for code, _detail in snapshot.flags}


def test_a_healthy_server_raises_no_flag(instance):
    assert codes(record(instance, T0)) == set()


@pytest.mark.parametrize(
    ("figures", "code"),
    [
        ({"fragmentation": 8.5}, "fragmentation"),
        ({"push": 10}, "outbound_push_backlog"),
        ({"sentinel": 500}, "sentinel_backlog"),
        ({"replication_limit": 10}, "replication_limit"),
    ],
)
def test_each_threshold_is_crossed_just_above_it(instance, figures, code):
    at_limit = {
        "fragmentation": 8,
        "push": 9,
        "sentinel": 499,
        "replication_limit": 9,
    }
    name = next(iter(figures))
    assert codes(record(instance, T0, **{name: at_limit[name]})) == set()
    assert code in codes(record(instance, T0 + datetime.timedelta(minutes=15), **figures))


def test_fragmentation_counts_only_databases_with_more_than_1000_documents(instance):
    snapshot = record(instance, T0, docs=900, fragmentation=20)
    # medic (900 docs, 20×) and users-meta (300 docs, 2×) are too small: sentinel's 1.1 it is.
    assert snapshot.fragmentation == 1.1
    assert "fragmentation" not in codes(snapshot)


def test_clock_skew_over_five_minutes(instance):
    data = answer("5.2.0", now_ms=int((T0.timestamp() + 301) * 1000))
    polled = Polled(received_at=T0, main=Fetched("ok", http_status=200, data=data))
    snapshot = services.snapshot_record(instance=instance, polled=polled, now=T0)
    assert snapshot.clock_skew_seconds == 301
    assert "clock_skew" in codes(snapshot)


def test_growth_over_24_hours_sums_the_rises_between_consecutive_snapshots(instance):
    hour = datetime.timedelta(hours=1)
    record(instance, T0 - 30 * hour, feedback=0, conflicts=0)  # older than 24 h: ignored
    record(instance, T0, feedback=2, conflicts=10)
    record(instance, T0 + 6 * hour, feedback=4, conflicts=3)  # conflicts resolved
    last = record(instance, T0 + 12 * hour, feedback=5, conflicts=8)
    assert last.feedback_growth_24h == 3  # +2, +1
    assert last.conflict_growth_24h == 5  # the fall counts for nothing, then +5
    assert codes(last) == {"conflict_growth"}
    assert last.flags == [["conflict_growth", "+5"]]


def test_sms_delivery_under_90_percent_in_24_hours(instance):
    record(instance, T0, delivered=1000, failed=10)
    fine = record(instance, T0 + datetime.timedelta(hours=3), delivered=1095, failed=15)
    assert fine.sms_delivery_24h == pytest.approx(95 / 100)
    assert "sms_delivery" not in codes(fine)
    poor = record(instance, T0 + datetime.timedelta(hours=6), delivered=1100, failed=40)
    assert poor.sms_delivery_24h == pytest.approx(100 / 130)
    assert "sms_delivery" in codes(poor)


def test_no_messages_no_sms_figure(instance):
    record(instance, T0)
    same = record(instance, T0 + datetime.timedelta(hours=1))
    assert same.sms_delivery_24h is None


@pytest.mark.parametrize(
    ("version", "today", "expected"),
    [
        ("5.2.0", datetime.date(2026, 11, 29), "supported"),  # end of life TBA
        ("4.22.3", datetime.date(2026, 11, 29), "end_of_life"),  # since 20 Nov 2026
        ("4.22.0", datetime.date(2026, 9, 1), "ending_soon"),
        ("4.22.0", datetime.date(2026, 8, 22), "ending_soon"),  # exactly 90 days before
        ("4.22.0", datetime.date(2026, 8, 21), "supported"),  # 91 days before
        ("5.1.2-beta.1", datetime.date(2026, 11, 29), "end_of_life"),
        ("3.17.1", datetime.date(2023, 1, 1), "supported"),
        ("9.9.0", datetime.date(2026, 11, 29), "unknown"),
        ("", datetime.date(2026, 11, 29), "unknown"),
        ("garbage", datetime.date(2026, 11, 29), "unknown"),
    ],
)
def test_support_status_from_the_seeded_release_table(version, today, expected):
    assert release_support(version, list(CHTRelease.objects.all()), today)[0] == expected


def test_the_release_table_was_seeded_from_the_cht_documentation():
    releases = {str(r): (r.released_on, r.end_of_life) for r in CHTRelease.objects.all()}
    assert releases["5.2.x"] == (datetime.date(2026, 6, 26), None)
    assert releases["3.17.x"] == (datetime.date(2022, 10, 11), datetime.date(2023, 11, 3))
    assert len(releases) == 28


def test_a_version_past_its_end_of_life_is_flagged(instance):
    snapshot = record(instance, T0, version="4.21.1")
    assert snapshot.flags == [["end_of_life", "4.21.x"]]
    soon = record(instance, T0 + datetime.timedelta(minutes=15), version="4.22.0")
    assert codes(soon) == {"eol_soon"}


def test_a_flag_stays_open_while_raised_and_a_down_poll_does_not_clear_figure_flags(instance):
    minute = datetime.timedelta(minutes=15)
    record(instance, T0, sentinel=800)
    record(instance, T0 + minute, sentinel=900)
    (flag,) = InstanceFlag.objects.filter(instance=instance)
    assert (flag.code, flag.detail, flag.raised_at, flag.cleared_at) == (
        "sentinel_backlog",
        "900",  # the latest value; raised at the first poll
        T0,
        None,
    )
    record_down(instance, T0 + 2 * minute)
    assert set(
        InstanceFlag.objects.filter(instance=instance, cleared_at=None).values_list(
            "code", flat=True
        )
    ) == {"sentinel_backlog", "down"}
    record(instance, T0 + 3 * minute, sentinel=0)
    assert not InstanceFlag.objects.filter(instance=instance, cleared_at=None).exists()
    assert InstanceFlag.objects.filter(instance=instance).count() == 2
    record(instance, T0 + 4 * minute, sentinel=600)
    assert InstanceFlag.objects.filter(instance=instance, code="sentinel_backlog").count() == 2


def test_unknown_figures_raise_no_flag():
    assert monitoring.figure_flags(dict.fromkeys(["fragmentation", "sentinel_backlog"])) == []


@pytest.mark.parametrize("value", [-1, "", None, "12", True, float("nan"), -0.5])
def test_minus_one_and_empty_strings_are_unknown_not_zero(value):
    assert monitoring.number(value) is None


def test_zero_is_zero():
    assert monitoring.number(0) == 0


def test_the_latest_snapshot_is_the_newest_even_when_an_older_one_arrives_late(instance):
    newer = record(instance, T0 + datetime.timedelta(hours=1))
    record(instance, T0)
    instance.refresh_from_db()
    assert instance.latest_snapshot_id == newer.pk


def test_timestamps_are_aware(instance):
    snapshot = record(instance, timezone.now())
    assert timezone.is_aware(snapshot.polled_at)
