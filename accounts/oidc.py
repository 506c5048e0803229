"""OpenID Connect providers read from the environment, as allauth `openid_connect` apps.

Two ways to name them (both may be used; each provider needs an issuer, a client id and a secret):

- ``OIDC_PROVIDERS``: a JSON list of objects with the keys of ``FIELDS`` below, e.g.
  ``[{"id": "keycloak", "name": "Keycloak", "issuer": "https://id.example.org/realms/moh",
  "client_id": "cht-programs", "secret": "…"}]``;
- numbered variables, one group per provider: ``OIDC_1_ISSUER``, ``OIDC_1_CLIENT_ID``,
  ``OIDC_1_SECRET``, ``OIDC_1_NAME``, ``OIDC_1_ID``… (``OIDC_2_…`` for a second one).

Nothing here imports Django models: the settings module calls `providers_from_env`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

#: key → what it is. Only issuer, client_id and secret are required.
FIELDS = {
    "id": "short name in the callback URL (letters, digits, dashes); default: from the name",
    "name": "the button's label: “Continue with <name>”; default: the id",
    "issuer": "the issuer URL; <issuer>/.well-known/openid-configuration must answer",
    "client_id": "the client (application) id registered with the provider",
    "secret": "the client secret",
    "scope": "scopes asked for, space-separated; default: openid profile email",
    "email_verified_claim": "the claim that says the e-mail is verified; default: email_verified",
    "token_auth_method": "client_secret_post or client_secret_basic; default: what it offers",
    "pkce": "use PKCE (true or false); default: true",
}
REQUIRED = ("issuer", "client_id", "secret")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
NUMBERED = re.compile(r"^OIDC_(\d+)_([A-Z_]+)$")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def providers_from_env(environ: Mapping[str, str]) -> list[dict]:
    """allauth's ``SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]`` from the environment.

    Raises ImproperlyConfigured with the variable to fix when something is missing or wrong,
    so a bad configuration stops the server at start rather than at someone's sign-in."""
    entries: list[tuple[str, dict]] = []
    raw = environ.get("OIDC_PROVIDERS", "").strip()
    if raw:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON: {error}.") from None
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of objects.")
        entries += [(f"OIDC_PROVIDERS[{index}]", item) for index, item in enumerate(data)]

    numbered: dict[int, dict] = {}
    for key, value in environ.items():
        match = NUMBERED.match(key)
        if match and match.group(2).lower() in FIELDS:
            numbered.setdefault(int(match.group(1)), {})[match.group(2).lower()] = value
    entries += [(f"OIDC_{number}_…", numbered[number]) for number in sorted(numbered)]

    apps = [_app(where, entry) for where, entry in entries]
    seen: set[str] = set()
    for app in apps:
        if app["provider_id"] in seen:
            raise ImproperlyConfigured(
                f"Two OpenID Connect providers have the id {app['provider_id']!r}: "
                "give each its own id."
            )
        seen.add(app["provider_id"])
    return apps


def _app(where: str, entry: dict) -> dict:
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise ImproperlyConfigured(f"{where}: unknown keys {', '.join(unknown)}.")
    values = {key: str(value).strip() if value is not None else "" for key, value in entry.items()}
    missing = [key for key in REQUIRED if not values.get(key)]
    if missing:
        raise ImproperlyConfigured(f"{where}: {', '.join(missing)} missing.")
    issuer = values["issuer"].rstrip("/")
    parts = urlsplit(issuer)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK):
        raise ImproperlyConfigured(
            f"{where}: the issuer must be an https:// URL (http only on this machine's loopback)."
        )
    name = values.get("name") or values.get("id") or parts.hostname
    provider_id = (values.get("id") or re.sub(r"[^a-z0-9]+", "-", name.lower())).strip("-")
    if not ID_PATTERN.match(provider_id):
        raise ImproperlyConfigured(
            f"{where}: id {provider_id!r} must be lowercase letters, digits and dashes (≤ 40)."
        )
    scope = values.get("scope") or "openid profile email"
    if isinstance(entry.get("scope"), list):
        scope = " ".join(entry["scope"])
    pkce = values.get("pkce", "true").lower()
    if pkce not in {"true", "false", "1", "0", "yes", "no"}:
        raise ImproperlyConfigured(f"{where}: pkce must be true or false.")
    app_settings = {
        "server_url": issuer,
        "scope": scope.split(),
        "oauth_pkce_enabled": pkce in {"true", "1", "yes"},
        "email_verified_claim": values.get("email_verified_claim") or "email_verified",
    }
    if values.get("token_auth_method"):
        if values["token_auth_method"] not in {"client_secret_post", "client_secret_basic"}:
            raise ImproperlyConfigured(
                f"{where}: token_auth_method must be client_secret_post or client_secret_basic."
            )
        app_settings["token_auth_method"] = values["token_auth_method"]
    return {
        "provider_id": provider_id,
        "name": name,
        "client_id": values["client_id"],
        "secret": values["secret"],
        "settings": app_settings,
    }
