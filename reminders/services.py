"""Reminder writes: claim, send and resend digests; mark notifications read."""

import datetime
import logging
import smtplib
import time
import uuid
import zoneinfo
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from personas.models import DigestFrequency, Profile
from personas.selectors import muted_program_ids
from personas.services import profile_get, profiles_ensure
from reminders import scan as reminders
from reminders.digest import digest_message
from reminders.models import DigestDispatch, DispatchStatus, Notification

logger = logging.getLogger(__name__)

#: Errors of a lost database connection: the tasks retry them (after reconnecting).
DATABASE_LOST = (OperationalError, InterfaceError)
#: Tries to record a sent digest when the database connection was lost meanwhile.
SAVE_TRIES = 4

#: Digests go out from this local hour on (about 08:00 where the person is).
DIGEST_HOUR = 8


#: People per batch of the reminder scan (its queries do not grow with the batch).
DIGEST_BATCH_SIZE = 200


class DigestNotSent(Exception):
    """The SMTP server did not take the digest (the task retries)."""


@dataclass
class DigestRun:
    """What one run of `digests_send_due` did."""

    due: int = 0  # people whose digest time had come and who had none yet for the period
    claimed: int = 0  # digests claimed by this run, to be sent
    skipped: int = 0  # claimed with nothing to send (nothing due, or no e-mail address)
    dispatch_ids: list[int] = field(default_factory=list)


def digest_period(*, frequency: str, local_now: datetime.datetime) -> datetime.date | None:
    """The period whose digest is due at `local_now` (the person's local time), or None.

    Daily: today, from DIGEST_HOUR on (a run missed at 08:00 is caught up later that day).
    Weekly: Monday, from DIGEST_HOUR on. Off: never."""
    if local_now.hour < DIGEST_HOUR or frequency == DigestFrequency.OFF:
        return None
    today = local_now.date()
    if frequency == DigestFrequency.WEEKLY and today.weekday() != 0:
        return None
    return today


def _chunks(rows: list, size: int):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def digests_send_due(
    *, now: datetime.datetime | None = None, batch_size: int = DIGEST_BATCH_SIZE
) -> DigestRun:
    """Claim and prepare the digests that are due now, in batches of people; each claimed
    digest with something to say and an address is sent by `send_digest` after commit.

    Idempotent: a digest already claimed for a (person, period) is never claimed again, by this
    run, a second beat or another worker. The database, not the broker, holds what is due."""
    now = now or timezone.now()
    run = DigestRun()
    for batch in _chunks(list(reminders.digest_candidates()), batch_size):
        _digest_batch(batch, now=now, run=run)
    return run


@transaction.atomic
def _digest_batch(batch, *, now: datetime.datetime, run: DigestRun) -> None:
    emails = {user_id: email for user_id, email, _staff in batch}
    staff = {user_id for user_id, _email, is_staff in batch if is_staff}
    profiles = profiles_ensure(user_ids=list(emails))
    due: dict[int, tuple[datetime.date, Profile]] = {}
    for user_id, profile in profiles.items():
        local_now = now.astimezone(zoneinfo.ZoneInfo(profile.time_zone))
        period = digest_period(frequency=profile.digest_frequency, local_now=local_now)
        if period is not None:
            due[user_id] = (period, profile)
    if not due:
        return
    taken = set(
        DigestDispatch.objects.filter(
            person_id__in=list(due), period__in={period for period, _p in due.values()}
        ).values_list("person_id", "period")
    )
    due = {uid: value for uid, value in due.items() if (uid, value[0]) not in taken}
    if not due:
        return
    run.due += len(due)
    muted = muted_program_ids(profile_ids=[profile.pk for _period, profile in due.values()])
    items = reminders.digest_items(
        [
            reminders.Recipient(
                user_id=uid,
                today=period,
                days_ahead=profile.days_ahead,
                is_staff=uid in staff,
                muted=frozenset(muted.get(profile.pk, ())),
                language=profile.language,
                alert_days=7 if profile.digest_frequency == DigestFrequency.WEEKLY else 1,
            )
            for uid, (period, profile) in due.items()
        ],
        now=now,
    )
    # Claim: insert one row per (person, period); a row someone else inserted first is left
    # alone (ON CONFLICT DO NOTHING), and the token tells which rows are this run's.
    token = uuid.uuid4()
    rows = []
    for uid, (period, profile) in sorted(due.items()):  # one order: no deadlock between runs
        found = items.get(uid, [])
        reason = "" if found else _("Nothing to remind.")
        if found and not emails[uid]:
            reason = _("No e-mail address: the reminders are under the bell only.")
        rows.append(
            DigestDispatch(
                person_id=uid,
                period=period,
                frequency=profile.digest_frequency,
                status=DispatchStatus.SKIPPED if reason else DispatchStatus.CLAIMED,
                error=reason,
                item_count=len(found),
                claim_token=token,
                claimed_at=now,
            )
        )
    DigestDispatch.objects.bulk_create(rows, ignore_conflicts=True)
    claimed = list(
        DigestDispatch.objects.filter(claim_token=token).only("pk", "person_id", "status")
    )
    Notification.objects.bulk_create(
        Notification(
            person_id=dispatch.person_id,
            program_id=item.program_id,
            dispatch_id=dispatch.pk,
            kind=item.kind,
            subject=item.subject[:300],
            due_on=item.due_on,
            url=item.url,
            position=position,
            created_at=now,
        )
        for dispatch in claimed
        for position, item in enumerate(items.get(dispatch.person_id, []))
    )
    to_send = [d.pk for d in claimed if d.status == DispatchStatus.CLAIMED]
    run.claimed += len(to_send)
    run.skipped += len(claimed) - len(to_send)
    run.dispatch_ids += to_send
    for dispatch_id in to_send:
        transaction.on_commit(partial(_enqueue_digest, dispatch_id), robust=True)


def _enqueue_digest(dispatch_id: int) -> bool:
    """Hand the digest to the queue; with the broker down it stays claimed in the database and
    the sweeper enqueues it later. Returns whether the broker took it."""
    from .tasks import send_digest

    try:
        send_digest.delay(dispatch_id)
    except Exception:  # noqa: BLE001 — the broker is down or unreachable
        logger.warning("Digest %s: the queue is unreachable; the sweeper will retry", dispatch_id)
        return False
    return True


def _requeue_digest(dispatch_id: int) -> None:
    """The broker still down: this try does not count against the digest's limit."""
    if not _enqueue_digest(dispatch_id):
        DigestDispatch.objects.filter(pk=dispatch_id, requeues__gt=0).update(
            requeues=F("requeues") - 1
        )


def digest_deliver(*, dispatch_id: int, final_attempt: bool = False) -> str:
    """Send one claimed digest. Returns "sent", or why nothing was sent ("not_claimed": already
    sent, being sent by another worker, or failed). Raises DigestNotSent when the SMTP server
    refuses or cannot be reached: the digest is claimed again for the retry; after the task's
    last try it waits for the sweeper (`digests_sweep`), or is marked failed when the sweeper has
    already queued it again DELIVERY_MAX_REQUEUES times.

    The row is locked (`select_for_update(skip_locked=True)`) and moved from claimed to sending
    before the SMTP conversation, so no second worker picks it up. A worker killed after that
    leaves it "sending"; the sweeper sends it again later, with the same Message-ID (at least
    once: a copy after a crash is recognisably the same e-mail)."""
    with transaction.atomic():
        dispatch = (
            DigestDispatch.objects.select_for_update(skip_locked=True)
            .filter(pk=dispatch_id, status=DispatchStatus.CLAIMED)
            .select_related("person")
            .first()
        )
        if dispatch is None:
            return "not_claimed"
        dispatch.status = DispatchStatus.SENDING
        dispatch.attempts += 1
        dispatch.save(update_fields=["status", "attempts", "updated_at"])
    person = dispatch.person
    notifications = dispatch.notifications.select_related("program").order_by("position", "id")
    try:
        message = digest_message(
            dispatch=dispatch,
            notifications=notifications,
            profile=profile_get(user=person),
            user=person,
        )
    except DATABASE_LOST:
        # The database went away before anything was sent: back to claimed, for the retry.
        save_after_reconnect(dispatch, status=DispatchStatus.CLAIMED)
        raise
    except Exception as error:  # a bug in the e-mail: no retry, visible in the admin
        save_after_reconnect(
            dispatch, status=DispatchStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        gave_up = final_attempt and dispatch.requeues >= settings.DELIVERY_MAX_REQUEUES
        save_after_reconnect(
            dispatch,
            status=DispatchStatus.FAILED if gave_up else DispatchStatus.CLAIMED,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise DigestNotSent(dispatch.error) from error
    except Exception as error:  # a bug, not the network: no retry, visible in the admin
        save_after_reconnect(
            dispatch, status=DispatchStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    # Sent: recording it survives a database connection lost meanwhile (reconnect and save),
    # so the task's retry does not send a second copy.
    save_after_reconnect(dispatch, status=DispatchStatus.SENT, sent_at=timezone.now(), error="")
    return "sent"


def save_after_reconnect(dispatch: DigestDispatch, **changes) -> None:
    """Save `changes` to the row; if the database connection was lost, reconnect and try again
    (a few times) instead of forgetting what happened at the SMTP server."""
    for name, value in changes.items():
        setattr(dispatch, name, value)
    fields = [*changes, "updated_at"]
    for attempt in range(SAVE_TRIES):
        try:
            dispatch.save(update_fields=fields)
            return
        except DATABASE_LOST:
            if attempt == SAVE_TRIES - 1:
                raise
            close_old_connections()
            connection.close()
            time.sleep(0.5 * (attempt + 1))


def digest_resend(*, dispatch: DigestDispatch) -> DigestDispatch:
    """Admin: send a digest again, whatever its state (failed, stuck "being sent" or
    "claimed", or sent and asked for again); the sweeper's count starts over."""
    if dispatch.status == DispatchStatus.SKIPPED:
        raise ValidationError(_("This digest had nothing to send."))
    dispatch.status = DispatchStatus.CLAIMED
    dispatch.requeues = 0
    dispatch.save(update_fields=["status", "requeues", "updated_at"])
    transaction.on_commit(partial(_enqueue_digest, dispatch.pk), robust=True)
    return dispatch


@dataclass
class SweepOutcome:
    """What one run of the sweeper did: ids queued again, ids marked failed."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def digests_sweep(*, now: datetime.datetime | None = None) -> SweepOutcome:
    """Beat, every few minutes: queue again the digests left "claimed" or "sending" for longer
    than DELIVERY_STALE_AFTER seconds (their task lost with the broker, their worker killed,
    their retries used up while the SMTP server was down); a digest already queued again
    DELIVERY_MAX_REQUEUES times is marked failed instead (the admin can send it again)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.DELIVERY_STALE_AFTER)
    outcome = SweepOutcome()
    with transaction.atomic():
        stale = (
            DigestDispatch.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=[DispatchStatus.CLAIMED, DispatchStatus.SENDING],
                updated_at__lt=cutoff,
            )
            .order_by("pk")
        )
        changed = list(stale)  # one query; one update for them all below
        for dispatch in changed:
            dispatch.updated_at = now
            if dispatch.requeues >= settings.DELIVERY_MAX_REQUEUES:
                dispatch.status = DispatchStatus.FAILED
                dispatch.error = (
                    _("Not sent after %(count)d tries; the sweeper gave up.")
                    % {"count": dispatch.requeues + 1}
                    + (f" {dispatch.error}" if dispatch.error else "")
                )[:2000]
                outcome.failed.append(dispatch.pk)
                continue
            dispatch.status = DispatchStatus.CLAIMED
            dispatch.requeues += 1
            outcome.requeued.append(dispatch.pk)
            transaction.on_commit(partial(_requeue_digest, dispatch.pk), robust=True)
        DigestDispatch.objects.bulk_update(
            changed, ["status", "error", "requeues", "updated_at"], batch_size=500
        )
    if outcome.requeued or outcome.failed:
        logger.warning(
            "Digest sweep: %d queued again, %d marked failed",
            len(outcome.requeued),
            len(outcome.failed),
        )
    return outcome


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, person) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.filter(person=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )
