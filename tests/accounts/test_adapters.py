"""How a provider's answer is matched to an account (accounts/adapters.py)."""

import pytest
from allauth.core import context

from accounts.adapters import SocialAccountAdapter
from accounts.oidc import providers_from_env
from tests.factories import UserFactory

from .helpers import provider_settings

pytestmark = pytest.mark.django_db


def entra(settings, **extra):
    env = {
        "OIDC_1_ID": "entra",
        "OIDC_1_ISSUER": "https://login.microsoftonline.com/tenant/v2.0",
        "OIDC_1_CLIENT_ID": "client",
        "OIDC_1_SECRET": "secret",
        **extra,
    }
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings(providers_from_env(env)[0])


def match(rf, claims):
    request = rf.get("/")
    with context.request_context(request):
        adapter = SocialAccountAdapter(request)
        provider = adapter.get_provider(request, "entra")
        login = provider.sociallogin_from_response(request, {"userinfo": {"sub": "1", **claims}})
        return adapter.authenticate_by_email(login)


def test_the_standard_claim_says_whether_the_address_is_verified(settings, rf):
    entra(settings)
    amina = UserFactory(email="amina@health.example")
    assert match(rf, {"email": amina.email, "email_verified": True}) == (amina, amina.email)
    assert match(rf, {"email": amina.email, "email_verified": False}) is None
    assert match(rf, {"email": amina.email}) is None
    assert match(rf, {"email": amina.email, "xms_edov": True}) is None


def test_a_provider_can_name_its_own_claim(settings, rf):
    """Entra ID sends no email_verified; `xms_edov` says the domain owner verified it."""
    entra(settings, OIDC_1_EMAIL_VERIFIED_CLAIM="xms_edov")
    amina = UserFactory(email="amina@health.example")
    assert match(rf, {"email": amina.email, "xms_edov": True}) == (amina, amina.email)
    assert match(rf, {"email": amina.email, "xms_edov": False}) is None
    assert match(rf, {"email": amina.email, "email_verified": True}) is None
