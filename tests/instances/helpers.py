"""Instances with many snapshots, made without the network (tests of pages and selectors)."""

import datetime

from instances import services
from instances.fetch import Fetched
from instances.services import Polled

from .fakecht import monitoring


def poll_at(instance, at, version="5.2.0", outcome="ok", **figures):
    if outcome != "ok":
        main = Fetched(outcome, http_status=502 if outcome == "down" else None, error="gone")
    else:
        connected_30d = figures.pop("connected_30d", None)
        data = monitoring(version, now_ms=int(at.timestamp() * 1000), **figures)
        main = Fetched("ok", http_status=200, latency_ms=90, data=data)
        if connected_30d is not None:
            month = Fetched("ok", data={"connected_users": {"count": connected_30d}})
            polled = Polled(received_at=at, main=main, month=month)
            return services.snapshot_record(instance=instance, polled=polled, now=at)
    return services.snapshot_record(
        instance=instance, polled=Polled(received_at=at, main=main), now=at
    )


def grow(instance, *, days: int, per_day: int, end: datetime.datetime, down_every=0):
    """`per_day` polls a day over `days` days up to `end`; every `down_every`-th is down."""
    step = datetime.timedelta(days=1) / per_day
    count = days * per_day
    for n in range(count):
        at = end - step * (count - 1 - n)
        if down_every and n % down_every == 0:
            poll_at(instance, at, outcome="down")
        else:
            poll_at(instance, at, docs=100_000 + 500 * n, connected=30 + n % 7, sentinel=n % 4)
