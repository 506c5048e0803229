"""Each token has its own request budget; past it, 429 with Retry-After, and the other tokens
(even the same person's) are not held back."""

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import client_for, make_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_past_its_rate_gets_429_and_another_token_does_not(settings):
    settings.API_TOKEN_RATE = "3/minute"
    user = UserFactory()
    first = client_for(user)
    for _ in range(3):
        assert first.get("/api/v1/me/").status_code == 200
    refused = first.get("/api/v1/me/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"]
    second = APIClient(HTTP_AUTHORIZATION=f"Bearer {make_token(user, 'second')}")
    assert second.get("/api/v1/me/").status_code == 200


def test_the_browser_session_has_its_own_rate(settings):
    settings.API_TOKEN_RATE = "1/minute"
    settings.API_SESSION_RATE = "2/minute"
    user = UserFactory()
    session = APIClient()
    session.force_login(user)
    assert [session.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 429]
    assert client_for(user).get("/api/v1/me/").status_code == 200
