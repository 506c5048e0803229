"""Login lockout (django-axes) behind the documented reverse proxy, and without one.

The test client plays the proxy: REMOTE_ADDR is the proxy's address, X-Forwarded-For what it
forwards. Addresses are from the documentation ranges (RFC 5737)."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from config.settings.base import client_address_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for name, value in client_address_settings(1).items():
        setattr(settings, name, value)


@pytest.fixture
def no_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = client_address_settings(0)[
        "AXES_IPWARE_META_PRECEDENCE_ORDER"
    ]


def login(client, username, password, *, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"login": username, "password": password}, **extra)


def fail_until_locked(client, username, **where):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, username, "wrong", **where)


def test_the_lockout_counts_per_address_too():
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]


def test_behind_the_proxy_an_attacker_cannot_lock_out_a_user_elsewhere(client, behind_one_proxy):
    UserFactory(username="amina")
    fail_until_locked(client, "amina", remote=PROXY, forwarded="198.51.100.66")
    assert (
        login(client, "amina", PASSWORD, remote=PROXY, forwarded="198.51.100.66").status_code == 429
    )
    # Amina, at her own address, through the same proxy, logs in.
    response = login(client, "amina", PASSWORD, remote=PROXY, forwarded="203.0.113.10")
    assert response.status_code == 302


def test_behind_the_proxy_a_forged_forwarded_for_does_not_reset_the_count(client, behind_one_proxy):
    """The client's own X-Forwarded-For arrives in front of what the proxy appends: ignored."""
    UserFactory(username="amina")
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, "amina", "wrong", remote=PROXY, forwarded=f"192.0.2.{n}, 198.51.100.66")
    response = login(client, "amina", PASSWORD, remote=PROXY, forwarded="192.0.2.99, 198.51.100.66")
    assert response.status_code == 429


def test_spraying_one_password_across_accounts_is_limited_per_address(client, behind_one_proxy):
    names = [f"user{n}" for n in range(django_settings.AXES_FAILURE_LIMIT + 1)]
    for name in names:
        UserFactory(username=name)
    for name in names[:-1]:
        login(client, name, "Spring2026!", remote=PROXY, forwarded="198.51.100.66")
    # The next account, even with its right password, is refused from that address…
    assert (
        login(client, names[-1], PASSWORD, remote=PROXY, forwarded="198.51.100.66").status_code
        == 429
    )
    # …and answered from anywhere else.
    assert (
        login(client, names[-1], PASSWORD, remote=PROXY, forwarded="203.0.113.10").status_code
        == 302
    )


def test_a_request_that_skipped_the_proxy_counts_under_its_own_address(client, behind_one_proxy):
    UserFactory(username="amina")
    fail_until_locked(client, "amina", remote="198.51.100.66")
    assert login(client, "amina", PASSWORD, remote="198.51.100.66").status_code == 429
    assert (
        login(client, "amina", PASSWORD, remote=PROXY, forwarded="203.0.113.10").status_code == 302
    )


def test_without_a_proxy_forwarded_for_is_ignored(client, no_proxy):
    """Directly exposed, a client could otherwise pick a new address for every guess."""
    UserFactory(username="amina")
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, "amina", "wrong", remote="198.51.100.66", forwarded=f"192.0.2.{n}")
    response = login(client, "amina", PASSWORD, remote="198.51.100.66", forwarded="192.0.2.99")
    assert response.status_code == 429


def test_two_proxies_read_the_second_entry_from_the_right(client, settings):
    for name, value in client_address_settings(2).items():
        setattr(settings, name, value)
    UserFactory(username="amina")
    # client forged, client as the CDN saw it, the CDN as our proxy saw it
    chain = "192.0.2.{n}, 198.51.100.66, 203.0.113.200"
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, "amina", "wrong", remote=PROXY, forwarded=chain.format(n=n))
    assert (
        login(client, "amina", PASSWORD, remote=PROXY, forwarded=chain.format(n=99)).status_code
        == 429
    )
    other = "198.51.100.70, 203.0.113.200"
    assert login(client, "amina", PASSWORD, remote=PROXY, forwarded=other).status_code == 302
