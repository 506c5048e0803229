"""The `/api/v1/impact` credentials, encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The key comes from the environment (INSTANCE_CREDENTIALS_KEY): one or more Fernet keys,
comma-separated; the first encrypts, each of them decrypts, so a key can be rotated by putting
the new one first. Without a key, credentials cannot be stored. The plain values are only held
in memory for the request that sends them; nothing here logs them."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CredentialsUnavailable(Exception):
    """No key, a wrong key, or a token that was tampered with."""


def _keys() -> list[str]:
    return [key.strip() for key in settings.INSTANCE_CREDENTIALS_KEY.split(",") if key.strip()]


def available() -> bool:
    return bool(_keys())


def _fernet() -> MultiFernet:
    keys = _keys()
    if not keys:
        raise CredentialsUnavailable("INSTANCE_CREDENTIALS_KEY is not set.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "INSTANCE_CREDENTIALS_KEY must be Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from error


def encrypt(username: str, password: str) -> str:
    payload = json.dumps({"username": username, "password": password}).encode()
    return _fernet().encrypt(payload).decode("ascii")


def decrypt(token: str) -> tuple[str, str]:
    try:
        payload = json.loads(_fernet().decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError) as error:
        raise CredentialsUnavailable(
            "The stored credentials cannot be read with INSTANCE_CREDENTIALS_KEY."
        ) from error
    return payload["username"], payload["password"]
