"""Reads of personal access tokens. A person sees only their own."""

import hashlib
import hmac

from django.db.models import QuerySet

from core.selectors import get_or_404

from .models import AccessToken

#: Every token starts with this, so that a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "chtp_"  # noqa: S105 — a public marker, not a secret
#: The characters of a token kept in clear to find its row: "chtp_" and 12 hex digits.
LOOKUP_LENGTH = len(TOKEN_PREFIX) + 12


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_list(*, user) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_get(*, user, pk: int) -> AccessToken:
    return get_or_404(token_list(user=user), "No such token.", pk=pk)


def token_for_secret(raw: str) -> AccessToken | None:
    """The usable token whose secret is `raw` (with its person), or None (one query)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) <= LOOKUP_LENGTH or len(raw) > 200:
        return None
    token = (
        AccessToken.objects.usable()
        .select_related("user")
        .filter(prefix=raw[:LOOKUP_LENGTH])
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, token_digest(raw)):
        return None
    return token
