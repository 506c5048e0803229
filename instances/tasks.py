"""Celery tasks for CHT instances. Thin: ids in, one service call. Idempotent: a poll task
carries its beat slot, and a slot is recorded once per instance."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from . import selectors, services

#: A poll makes at most three requests, each within connect + 2 × read timeouts.
POLL_SOFT_TIME_LIMIT = 120
POLL_TIME_LIMIT = 150


@shared_task(
    name="instances.poll_instance",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=POLL_SOFT_TIME_LIMIT,
    time_limit=POLL_TIME_LIMIT,
)
def poll_instance(instance_id: int, slot: int | None = None) -> str:
    """Poll one instance (on the INSTANCES_QUEUE queue: a slow server delays nothing else)."""
    try:
        snapshot = services.instance_poll(instance_id=instance_id, slot=slot)
    except SoftTimeLimitExceeded:
        services.poll_failed_record(
            instance_id=instance_id,
            error=f"The poll took longer than {POLL_SOFT_TIME_LIMIT} s and was stopped.",
            slot=slot,
        )
        return "timed out"
    return snapshot.status if snapshot is not None else "skipped"


@shared_task(name="instances.poll_all", ignore_result=True)
def poll_all() -> int:
    """Beat, every INSTANCES_POLL_MINUTES: one poll task per instance, for this slot. A task
    still waiting when the next slot starts expires instead of piling up."""
    slot = services.poll_slot()
    ids = selectors.instances_to_poll()
    expires = services.poll_interval_seconds()
    for instance_id in ids:
        poll_instance.apply_async(
            args=[instance_id, slot], queue=settings.INSTANCES_QUEUE, expires=expires
        )
    return len(ids)


@shared_task(name="instances.thin_snapshots", ignore_result=True)
def thin_snapshots() -> int:
    """Beat, daily: snapshots older than INSTANCES_SNAPSHOT_FULL_DAYS become one a day."""
    return services.snapshots_thin()
