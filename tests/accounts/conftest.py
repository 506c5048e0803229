import pytest
from django.core.cache import cache

from .helpers import PROVIDER_ID, OIDCProvider

#: The people the test provider knows (its sign-in page takes any password for them).
PROVIDER_ACCOUNTS = {
    "amina": {
        "email": "amina.otieno@health.example",
        "email_verified": True,
        "name": "Amina Otieno",
        "given_name": "Amina",
        "family_name": "Otieno",
        "preferred_username": "amina.otieno",
    },
    "neema": {
        "email": "neema.mushi@health.example",
        "email_verified": True,
        "name": "Neema Mushi",
        "given_name": "Neema",
        "family_name": "Mushi",
        "preferred_username": "neema",
    },
    # Claims Amina's address without the provider having verified it.
    "impostor": {
        "email": "amina.otieno@health.example",
        "email_verified": False,
        "name": "Not Amina",
        "preferred_username": "impostor",
    },
    # Their authorization codes expire after three seconds.
    "slow": {"email": "slow@health.example", "email_verified": True, "code_ttl": 3},
    "grace": {
        "email": "grace.njeri@health.example",
        "email_verified": True,
        "name": "Grace Njeri",
        "preferred_username": "grace",
    },
}


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps its rate-limit counters and the TOTP codes already used in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


@pytest.fixture(scope="module")
def oidc_provider(live_server):
    """The npm `oidc-provider` on loopback, its client's redirect URI on the live server."""
    provider = OIDCProvider(
        redirect_uri=f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/",
        accounts=PROVIDER_ACCOUNTS,
    ).start()
    yield provider
    provider.stop()


@pytest.fixture
def with_provider(settings, oidc_provider):
    """The site configured with the test provider, as OIDC_1_* variables would configure it."""
    from .helpers import provider_settings

    settings.SOCIALACCOUNT_PROVIDERS = provider_settings(oidc_provider.app())
    return oidc_provider
