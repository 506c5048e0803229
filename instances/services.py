"""Writes for CHT instances: keep the list of a program's instances, poll them, thin old
snapshots. Views, tasks, the `cht_instances` command and tests call these."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chtprograms.models import Program
from core.concurrency import ensure_unchanged

from . import credentials, monitoring
from .fetch import OK, Fetched, fetch_json
from .impact import impact_measurements_record
from .models import (
    DOWN_STATUSES,
    CHTRelease,
    Instance,
    InstanceFlag,
    Snapshot,
    Status,
    normalise_base_url,
    parse_version,
    release_support,
)

logger = logging.getLogger(__name__)

INSTANCE_FIELDS = (
    "kind",
    "base_url",
    "label",
    "polling_enabled",
    "go_live_on",
    "cutover_on",
    "domain_renews_on",
    "tls_expires_on",
    "tls_auto_renews",
)
STATUS_FLAGS = ("down", "not_monitorable")


def _checked(fields: dict) -> dict:
    unknown = set(fields) - set(INSTANCE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    if "base_url" in fields:
        fields["base_url"] = normalise_base_url(fields["base_url"])
    return fields


def _credentials_apply(
    instance: Instance, *, username: str, password: str, clear: bool
) -> list[str]:
    """Store, replace or clear the impact credentials; the changed field names."""
    username, password = (username or "").strip(), password or ""
    if clear:
        instance.impact_credentials, instance.credentials_set_at = "", None
        return ["impact_credentials", "credentials_set_at"]
    if not username and not password:
        return []  # keep what is stored
    if not (username and password):
        field = "impact_password" if username else "impact_username"
        raise ValidationError({field: _("Enter both the user name and the password.")})
    if not credentials.available():
        raise ValidationError(
            {
                "impact_username": _(
                    "Credentials cannot be stored: the site administrator has not set "
                    "INSTANCE_CREDENTIALS_KEY."
                )
            }
        )
    instance.impact_credentials = credentials.encrypt(username, password)
    instance.credentials_set_at = timezone.now()
    return ["impact_credentials", "credentials_set_at"]


def _shared_set(instance: Instance, shared_with: Iterable[Program] | None) -> None:
    if shared_with is not None:
        instance.shared_with.set([p for p in shared_with if p.pk != instance.program_id])


@transaction.atomic
def instance_create(
    *,
    program: Program,
    shared_with: Iterable[Program] | None = None,
    impact_username: str = "",
    impact_password: str = "",
    **fields,
) -> Instance:
    """Add a CHT instance to a program. It is polled from the next beat on."""
    instance = Instance(program=program, **_checked(fields))
    _credentials_apply(instance, username=impact_username, password=impact_password, clear=False)
    instance.full_clean()
    instance.save()
    _shared_set(instance, shared_with)
    return instance


@transaction.atomic
def instance_update(
    *,
    instance: Instance,
    shared_with: Iterable[Program] | None = None,
    impact_username: str = "",
    impact_password: str = "",
    clear_credentials: bool = False,
    version: str | None = None,
    **fields,
) -> Instance:
    """Change an instance. With `version` (the record as the form found it), refuse when
    someone else changed it meanwhile (`core.concurrency`)."""
    changed = list(_checked(fields))
    ensure_unchanged(instance, version, fields)
    for name in changed:
        setattr(instance, name, fields[name])
    changed += _credentials_apply(
        instance, username=impact_username, password=impact_password, clear=clear_credentials
    )
    instance.full_clean()
    instance.save(update_fields=[*changed, "updated_at"])
    _shared_set(instance, shared_with)
    return instance


def instance_delete(*, instance: Instance) -> None:
    """Delete an instance with its snapshots and flags."""
    instance.delete()


# --- polling ----------------------------------------------------------------------------------


@dataclass
class Polled:
    """What the network said, before anything is stored."""

    received_at: datetime.datetime
    main: Fetched
    month: Fetched | None = None
    impact: Fetched | None = None
    impact_error: str = ""


def _fetch(url: str, auth=None) -> Fetched:
    return fetch_json(
        url,
        allow_private=settings.INSTANCES_ALLOW_PRIVATE_ADDRESSES,
        connect_timeout=settings.INSTANCES_CONNECT_TIMEOUT,
        read_timeout=settings.INSTANCES_READ_TIMEOUT,
        max_bytes=settings.INSTANCES_MAX_RESPONSE_BYTES,
        auth=auth,
    )


def poll_network(instance: Instance) -> Polled:
    """Ask the instance (no database access: nothing is held open while waiting).

    `/api/v2/monitoring` with connected users over 7 days, then — when it answered as a CHT —
    the same over 30 days, and `/api/v1/impact` on 5.0+ when credentials are stored."""
    base = instance.base_url
    main = _fetch(f"{base}{monitoring.MONITORING_PATH}?connected_user_interval=7")
    polled = Polled(received_at=timezone.now(), main=main)
    if main.outcome != OK or not monitoring.looks_like_monitoring(main.data):
        return polled
    polled.month = _fetch(f"{base}{monitoring.MONITORING_PATH}?connected_user_interval=30")
    version = parse_version(monitoring.text(monitoring.dig(main.data, "version", "app")))
    if instance.has_credentials and version is not None and version >= (5, 0):
        try:
            auth = credentials.decrypt(instance.impact_credentials)
        except credentials.CredentialsUnavailable as error:
            polled.impact_error = str(error)
        else:
            polled.impact = _fetch(f"{base}{monitoring.IMPACT_PATH}", auth=auth)
    return polled


def instance_poll(
    *, instance_id: int, slot: int | None = None, now: datetime.datetime | None = None
) -> Snapshot | None:
    """Poll one instance now and store what it said. With a beat `slot`, a second run for the
    same slot does nothing (returns None)."""
    instance = Instance.objects.filter(pk=instance_id).first()
    if instance is None:
        return None
    if slot is not None and Snapshot.objects.filter(instance=instance, slot=slot).exists():
        return None
    polled = poll_network(instance)
    return snapshot_record(instance=instance, polled=polled, slot=slot, now=now)


def poll_failed_record(*, instance_id: int, error: str, slot: int | None = None) -> Snapshot | None:
    """Store a poll that did not finish (the task's time limit), as unreachable."""
    instance = Instance.objects.filter(pk=instance_id).first()
    if instance is None:
        return None
    polled = Polled(received_at=timezone.now(), main=Fetched("unreachable", error=error))
    return snapshot_record(instance=instance, polled=polled, slot=slot)


def _status_of(fetched: Fetched) -> tuple[str, str]:
    if fetched.outcome != OK:
        return fetched.outcome, fetched.error
    if not monitoring.looks_like_monitoring(fetched.data):
        return Status.NOT_CHT, gettext_noop(
            "The answer is JSON, but not the CHT's monitoring answer."
        )
    return Status.UP, ""


def snapshot_record(
    *,
    instance: Instance,
    polled: Polled,
    slot: int | None = None,
    now: datetime.datetime | None = None,
) -> Snapshot | None:
    """Turn a poll into a snapshot: status, figures, 24-hour growth and flags; open and close
    the instance's flags. None when the slot was already recorded."""
    now = now or polled.received_at
    main = polled.main
    status, error = _status_of(main)
    snapshot = Snapshot(
        instance=instance,
        polled_at=now,
        slot=slot,
        status=status,
        http_status=main.http_status,
        latency_ms=main.latency_ms,
        error=error[:500],
        tls_not_after=main.tls_not_after,
    )
    flags: list[tuple[str, str]] = []
    managed = set(STATUS_FLAGS)
    if status == Status.UP:
        values = monitoring.figures(main.data, received_at=polled.received_at)
        if polled.month is not None and polled.month.outcome == OK:
            values["connected_users_30d"] = monitoring.integer(
                monitoring.dig(polled.month.data, "connected_users", "count")
            )
        if polled.impact is not None:
            if polled.impact.outcome == OK:
                snapshot.impact = monitoring.storable_json(polled.impact.data)
                users = monitoring.impact_users(polled.impact.data)
                if users is not None:
                    values["users_count"] = users
            else:
                snapshot.error = f"Impact figures: {polled.impact.error}"[:500]
        elif polled.impact_error:
            snapshot.error = f"Impact figures: {polled.impact_error}"[:500]
        for name, value in values.items():
            setattr(snapshot, name, value)
        snapshot.raw = monitoring.storable_json(main.data)
        history = list(
            Snapshot.objects.filter(
                instance=instance,
                status=Status.UP,
                polled_at__gte=now - datetime.timedelta(hours=24),
                polled_at__lt=now,
            )
            .order_by("polled_at")
            .values("feedback_count", "conflict_count", "messages_delivered", "messages_failed")
        )
        growth = monitoring.growth_24h([*history, values])
        snapshot.feedback_growth_24h = growth.feedback
        snapshot.conflict_growth_24h = growth.conflicts
        snapshot.sms_delivery_24h = growth.sms_delivery
        flags += monitoring.figure_flags({**values, **growth_values(snapshot)})
        support, release = release_support(
            snapshot.app_version, list(CHTRelease.objects.all()), now.date()
        )
        flags += monitoring.support_flags(support, release)
        managed |= set(monitoring.FLAG_RULES) - set(STATUS_FLAGS)
    elif status in DOWN_STATUSES:
        flags.append(("down", error[:200]))
    else:
        flags.append(("not_monitorable", error[:200]))
    snapshot.flags = [[code, detail] for code, detail in flags]
    _fit_columns(snapshot)
    try:
        with transaction.atomic():
            snapshot.full_clean(exclude=["instance", "slot"])
            snapshot.save()
            Instance.objects.filter(pk=instance.pk).filter(
                Q(latest_snapshot__isnull=True) | Q(latest_snapshot__polled_at__lte=now)
            ).update(latest_snapshot=snapshot)
            _flags_update(instance, dict(flags), managed, now)
            impact_measurements_record(instance=instance, snapshot=snapshot)
    except IntegrityError:
        if slot is not None and Snapshot.objects.filter(instance=instance, slot=slot).exists():
            return None  # a second delivery of the same beat's task got there first
        raise
    return snapshot


def _fit_columns(snapshot: Snapshot) -> None:
    """A figure too large for its (32-bit) column is unknown rather than a failed poll."""
    for field in Snapshot._meta.concrete_fields:
        value = getattr(snapshot, field.attname)
        if (
            field.get_internal_type() == "IntegerField"
            and isinstance(value, int)
            and value > monitoring.INT32_MAX
        ):
            setattr(snapshot, field.attname, None)


def growth_values(snapshot: Snapshot) -> dict:
    return {
        "feedback_growth_24h": snapshot.feedback_growth_24h,
        "conflict_growth_24h": snapshot.conflict_growth_24h,
        "sms_delivery_24h": snapshot.sms_delivery_24h,
    }


def _flags_update(
    instance: Instance, raised: dict[str, str], managed: set[str], now: datetime.datetime
) -> None:
    """Open a flag that is newly raised; close an open one this poll could judge and did not
    raise (a poll that found the instance down says nothing about its backlogs); keep the
    detail of an open one up to date."""
    open_flags = {
        flag.code: flag for flag in InstanceFlag.objects.filter(instance=instance, cleared_at=None)
    }
    to_close = [
        flag.pk for code, flag in open_flags.items() if code in managed and code not in raised
    ]
    if to_close:
        InstanceFlag.objects.filter(pk__in=to_close).update(cleared_at=now)
    # An open flag says the latest value (the digest still reports it once: by `raised_at`).
    changed = []
    for code, flag in open_flags.items():
        if code in raised and flag.detail != raised[code][:200]:
            flag.detail = raised[code][:200]
            changed.append(flag)
    if changed:
        InstanceFlag.objects.bulk_update(changed, ["detail"])
    InstanceFlag.objects.bulk_create(
        InstanceFlag(instance=instance, code=code, detail=detail[:200], raised_at=now)
        for code, detail in raised.items()
        if code not in open_flags
    )


def poll_slot(now: datetime.datetime | None = None) -> int:
    """The beat's current slot: one per INSTANCES_POLL_MINUTES since the epoch."""
    now = now or timezone.now()
    return int(now.timestamp() // poll_interval_seconds())


def poll_interval_seconds() -> float:
    return max(settings.INSTANCES_POLL_MINUTES * 60, 1.0)


# --- thinning ---------------------------------------------------------------------------------


def snapshots_thin(*, now: datetime.datetime | None = None, batch: int = 2000) -> int:
    """Keep every snapshot of the last INSTANCES_SNAPSHOT_FULL_DAYS days; before that, only the
    last of each instance's day (UTC). Returns how many were deleted. Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.INSTANCES_SNAPSHOT_FULL_DAYS)
    rows = (
        Snapshot.objects.filter(polled_at__lt=cutoff)
        .order_by("instance_id", "-polled_at", "-pk")
        .values_list("pk", "instance_id", "polled_at")
    )
    kept: set[tuple[int, datetime.date]] = set()
    doomed: list[int] = []
    for pk, instance_id, polled_at in rows.iterator(chunk_size=batch):
        day = (instance_id, polled_at.astimezone(datetime.UTC).date())
        if day in kept:
            doomed.append(pk)
        else:
            kept.add(day)
    # Deleted after reading (not while a server-side cursor is open), in batches.
    return sum(
        _delete_snapshots(doomed[start : start + batch]) for start in range(0, len(doomed), batch)
    )


def _delete_snapshots(pks: list[int]) -> int:
    # The latest snapshot of an instance is the last of its day: never among these.
    count, _details = Snapshot.objects.filter(pk__in=pks).delete()
    return count


# --- the release table --------------------------------------------------------------------------


def release_record(
    *,
    major: int,
    minor: int,
    released_on: datetime.date,
    end_of_life: datetime.date | None,
) -> CHTRelease:
    release = CHTRelease.objects.filter(major=major, minor=minor).first() or CHTRelease(
        major=major, minor=minor
    )
    release.released_on, release.end_of_life = released_on, end_of_life
    release.full_clean(validate_unique=release.pk is None)
    release.save()
    return release
