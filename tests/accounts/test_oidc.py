"""OpenID Connect providers read from the environment (accounts/oidc.py)."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.oidc import providers_from_env

ENTRA = {
    "id": "entra",
    "name": "Microsoft Entra ID",
    "issuer": "https://login.microsoftonline.com/0d9a1e3c-tenant/v2.0",
    "client_id": "5f0c-client",
    "secret": "entra-secret",
    "email_verified_claim": "xms_edov",
}


def test_nothing_configured_means_no_provider():
    assert providers_from_env({}) == []


def test_a_json_list_of_providers():
    google = {
        "name": "Google",
        "issuer": "https://accounts.google.com",
        "client_id": "g-client",
        "secret": "g-secret",
    }
    apps = providers_from_env({"OIDC_PROVIDERS": json.dumps([ENTRA, google])})
    assert [app["provider_id"] for app in apps] == ["entra", "google"]
    entra = apps[0]
    assert entra["name"] == "Microsoft Entra ID"
    assert (entra["client_id"], entra["secret"]) == ("5f0c-client", "entra-secret")
    assert entra["settings"] == {
        "server_url": "https://login.microsoftonline.com/0d9a1e3c-tenant/v2.0",
        "scope": ["openid", "profile", "email"],
        "oauth_pkce_enabled": True,
        "email_verified_claim": "xms_edov",
    }
    assert apps[1]["settings"]["email_verified_claim"] == "email_verified"


def test_numbered_variables_and_json_together():
    env = {
        "OIDC_PROVIDERS": json.dumps(ENTRA),
        "OIDC_2_NAME": "Keycloak",
        "OIDC_2_ISSUER": "https://id.health.example/realms/moh/",
        "OIDC_2_CLIENT_ID": "cht-programs",
        "OIDC_2_SECRET": "kc-secret",
        "OIDC_2_SCOPE": "openid email",
        "OIDC_2_PKCE": "false",
        "OIDC_2_TOKEN_AUTH_METHOD": "client_secret_basic",
        "OIDC_10_ISSUER": "https://other.example",
        "OIDC_10_CLIENT_ID": "x",
        "OIDC_10_SECRET": "y",
        "OIDC_10_ID": "other",
    }
    apps = providers_from_env(env)
    assert [app["provider_id"] for app in apps] == ["entra", "keycloak", "other"]
    keycloak = apps[1]
    assert keycloak["settings"]["server_url"] == "https://id.health.example/realms/moh"
    assert keycloak["settings"]["scope"] == ["openid", "email"]
    assert keycloak["settings"]["oauth_pkce_enabled"] is False
    assert keycloak["settings"]["token_auth_method"] == "client_secret_basic"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OIDC_PROVIDERS": "[{"}, "OIDC_PROVIDERS is not valid JSON"),
        ({"OIDC_PROVIDERS": '"keycloak"'}, "must be a JSON list of objects"),
        ({"OIDC_1_ISSUER": "https://id.example"}, "OIDC_1_…: client_id, secret missing"),
        (
            {"OIDC_1_ISSUER": "http://id.example", "OIDC_1_CLIENT_ID": "a", "OIDC_1_SECRET": "b"},
            "must be an https:// URL",
        ),
        (
            {"OIDC_PROVIDERS": json.dumps([{**ENTRA, "colour": "blue"}])},
            "unknown keys colour",
        ),
        (
            {"OIDC_PROVIDERS": json.dumps([ENTRA, ENTRA])},
            "Two OpenID Connect providers have the id 'entra'",
        ),
        (
            {"OIDC_PROVIDERS": json.dumps([{**ENTRA, "id": "Entra ID!"}])},
            "lowercase letters, digits and dashes",
        ),
        (
            {"OIDC_PROVIDERS": json.dumps([{**ENTRA, "token_auth_method": "private_key_jwt"}])},
            "token_auth_method must be",
        ),
    ],
)
def test_a_bad_configuration_stops_the_start_with_what_to_fix(env, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")):
        providers_from_env(env)


def test_http_is_allowed_on_loopback_only():
    env = {"OIDC_1_ISSUER": "http://127.0.0.1:9000", "OIDC_1_CLIENT_ID": "a", "OIDC_1_SECRET": "b"}
    (app,) = providers_from_env(env)
    assert app["provider_id"] == "127-0-0-1"
    assert app["settings"]["server_url"] == "http://127.0.0.1:9000"
