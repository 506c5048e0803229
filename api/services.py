"""Writes of personal access tokens: make one (its secret is returned once), revoke one, and
note when it was last used."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AccessToken
from .selectors import TOKEN_PREFIX, token_digest

#: `last_used_at` is written at most this often per token (not one write per request).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def token_create(*, user, name: str, expires_at: datetime.datetime) -> tuple[AccessToken, str]:
    """A new token for `user`: (the row, the secret). The secret is not stored: show it once."""
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError({"expires_at": _("Choose a date in the future.")})
    if expires_at > now + datetime.timedelta(days=settings.API_TOKEN_MAX_DAYS):
        raise ValidationError(
            {
                "expires_at": _("A token lives at most %(days)d days.")
                % {"days": settings.API_TOKEN_MAX_DAYS}
            }
        )
    if AccessToken.objects.filter(user=user).usable(now).count() >= settings.API_TOKENS_PER_PERSON:
        raise ValidationError(
            _("You have %(count)d tokens already: revoke one you no longer use first.")
            % {"count": settings.API_TOKENS_PER_PERSON}
        )
    raw = f"{TOKEN_PREFIX}{secrets.token_hex(6)}{secrets.token_urlsafe(32)}"
    token = AccessToken(
        user=user,
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + 12],
        digest=token_digest(raw),
        created_at=now,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, raw


def token_revoke(*, token: AccessToken) -> AccessToken:
    """Stop the token from working, at once; the row stays so the list says when."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_revoke(*, tokens) -> int:
    """Revoke every token of a queryset that still works (one query): the admin's action."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_used(*, token: AccessToken, now: datetime.datetime | None = None) -> None:
    """Record that the token was just used (at most one write per LAST_USED_RESOLUTION)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
