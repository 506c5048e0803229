"""Writes of the calendars app: making (or replacing) a person's calendar key."""

import hashlib
import secrets

from django.db import transaction

from .models import CalendarKey

KEY_BYTES = 32  # 256 random bits: about 43 characters in the address


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def calendar_key_rotate(*, user) -> str:
    """A new key for `user`'s feeds (the old addresses stop working). Returns the key itself,
    which is not stored: only its digest is."""
    key = secrets.token_urlsafe(KEY_BYTES)
    record, _created = CalendarKey.objects.select_for_update().get_or_create(
        user=user, defaults={"digest": key_digest(key)}
    )
    if not _created:
        record.digest = key_digest(key)
        record.full_clean()
        record.save(update_fields=["digest", "created_at"])
    return key
