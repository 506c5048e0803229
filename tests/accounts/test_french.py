"""The sign-in pages in French (accounts/locale, with allauth's own catalog for its strings)."""

import pytest
from babel.messages.frontend import CommandLineInterface
from django.utils import translation
from django.utils.translation.reloader import translation_file_changed

from tests.services import ROOT

from .helpers import PROVIDER_NAME, provider_settings

pytestmark = pytest.mark.django_db

CATALOG = ROOT / "accounts" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def french_catalog():
    """`make` compiles it; a bare pytest on a fresh clone may not have."""
    compiled = CATALOG.with_suffix(".mo")
    if not compiled.exists() or compiled.stat().st_mtime < CATALOG.stat().st_mtime:
        CommandLineInterface().run(
            ["pybabel", "-q", "compile", "-d", str(ROOT / "accounts" / "locale"), "-D", "django"]
        )
        translation_file_changed(sender=None, file_path=compiled)
    yield
    translation.activate("en")


def test_the_login_page_in_french(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings(
        {
            "provider_id": "moh",
            "name": PROVIDER_NAME,
            "client_id": "a",
            "secret": "b",
            "settings": {"server_url": "https://id.health.example"},
        }
    )
    html = client.get("/accounts/login/", headers={"accept-language": "fr"}).content.decode()
    assert f"Continuer avec {PROVIDER_NAME}" in html
    assert "Mot de passe oublié" in html  # allauth's catalog
    response = client.post(
        "/accounts/password/reset/",
        {"email": "nobody@health.example"},
        headers={"accept-language": "fr"},
        follow=True,
    )
    assert "Le lien est valable 60 minutes, une seule fois." in response.content.decode()
