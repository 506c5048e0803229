"""Personal access tokens: made on the profile, shown once, stored hashed, expiring, revocable;
and how a request signs in with one (or with the browser session and its CSRF token)."""

import datetime
import hashlib
import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import AccessToken
from api.services import token_create, token_revoke
from tests.api.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKENS_URL = "/profile/api-tokens/"


def test_the_profile_links_to_the_tokens_page(client):
    client.force_login(UserFactory())
    assert TOKENS_URL in client.get("/profile/").content.decode()


def test_anonymous_people_are_sent_to_the_login_page(client):
    response = client.get(TOKENS_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_new_token_is_shown_once_and_only_its_digest_is_kept(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(TOKENS_URL, {"name": "DHIS2 monthly import", "expires_in": "90"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    secret = re.search(r'value="(chtp_[^"]+)"', page).group(1)
    token = AccessToken.objects.get(user=user)
    assert token.name == "DHIS2 monthly import"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.digest} and secret.startswith(token.prefix)
    days = (token.expires_at - timezone.now()).days
    assert 89 <= days <= 90
    # It works, and the list never shows it again.
    me = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["token"]["name"] == "DHIS2 monthly import"
    listing = client.get(TOKENS_URL).content.decode()
    assert "DHIS2 monthly import" in listing and token.prefix in listing
    assert secret not in listing


def test_a_token_needs_a_name_and_a_listed_expiry(client):
    client.force_login(UserFactory())
    response = client.post(TOKENS_URL, {"name": "  ", "expires_in": "5000"})
    assert response.status_code == 400
    assert not AccessToken.objects.exists()
    page = response.content.decode()
    assert "This field is required." in page and "Select a valid choice" in page


def test_a_person_holds_a_limited_number_of_tokens(client, settings):
    settings.API_TOKENS_PER_PERSON = 2
    user = UserFactory()
    client.force_login(user)
    for name in ("one", "two"):
        assert client.post(TOKENS_URL, {"name": name, "expires_in": "30"}).status_code == 200
    response = client.post(TOKENS_URL, {"name": "three", "expires_in": "30"})
    assert response.status_code == 400
    assert "revoke one you no longer use" in response.content.decode()
    assert AccessToken.objects.filter(user=user).count() == 2


def test_revoking_stops_the_token_at_once(client):
    user = UserFactory()
    token, secret = token_create(
        user=user, name="Power BI", expires_at=timezone.now() + datetime.timedelta(days=30)
    )
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/me/").status_code == 200
    client.force_login(user)
    response = client.post(f"{TOKENS_URL}{token.pk}/revoke/")
    assert response.status_code == 302
    assert api.get("/api/v1/me/").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in client.get(TOKENS_URL).content.decode()


def test_nobody_revokes_someone_elses_token(client):
    token, secret = token_create(
        user=UserFactory(), name="x", expires_at=timezone.now() + datetime.timedelta(days=3)
    )
    client.force_login(UserFactory())
    assert client.post(f"{TOKENS_URL}{token.pk}/revoke/").status_code == 404
    assert client.get(f"{TOKENS_URL}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer chtp_0123456789abcdefnotarealtoken",
        "Bearer not-even-the-prefix",
        "Bearer",
        "Bearer two parts",
    ],
)
def test_an_unknown_or_malformed_token_is_refused_with_401(header):
    response = APIClient(HTTP_AUTHORIZATION=header).get("/api/v1/programs/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) == {"detail"}


def test_expired_and_revoked_tokens_and_inactive_people_are_refused():
    user = UserFactory()
    expired, expired_secret = token_create(
        user=user, name="old", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    AccessToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    revoked, revoked_secret = token_create(
        user=user, name="gone", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    token_revoke(token=revoked)
    for secret in (expired_secret, revoked_secret):
        assert (
            APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me/").status_code == 401
        )
    _, secret = token_create(
        user=user, name="live", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/me/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get("/api/v1/me/").status_code == 401


def test_a_token_lives_a_year_at_most():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        token_create(
            user=UserFactory(),
            name="forever",
            expires_at=timezone.now() + datetime.timedelta(days=400),
        )
    assert "expires_at" in error.value.message_dict


def test_the_last_use_is_written_down_once_in_a_while(django_assert_num_queries):
    user = UserFactory()
    token, secret = token_create(
        user=user, name="x", expires_at=timezone.now() + datetime.timedelta(days=3)
    )
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    with django_assert_num_queries(2):  # the token and its person; the write
        api.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at is not None
    with django_assert_num_queries(1):
        api.get("/api/v1/me/")


def test_the_browser_session_works_and_its_writes_need_the_csrf_token(world):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(world["head"])
    assert api.get("/api/v1/programs/kenya-chv/").status_code == 200
    url = f"/api/v1/programs/kenya-chv/activities/{world['ids']['activity']}/"
    refused = api.patch(url, {"status": "in_progress"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    api.get("/profile/")  # a page sets the CSRF cookie, as in the browser
    csrf = api.cookies["csrftoken"].value
    accepted = api.patch(url, {"status": "in_progress"}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 200


def test_me_says_who_the_token_signs_in_as(world):
    body = client_for(world["member"]).get("/api/v1/me/").json()
    assert body["username"] == "developer"
    assert body["token"]["prefix"].startswith("chtp_")


def test_site_administrators_revoke_tokens_in_the_admin(admin_client):
    user = UserFactory()
    live, _ = token_create(
        user=user, name="a", expires_at=timezone.now() + datetime.timedelta(days=3)
    )
    other, _ = token_create(
        user=user, name="b", expires_at=timezone.now() + datetime.timedelta(days=3)
    )
    response = admin_client.post(
        "/admin/api/accesstoken/",
        {"action": "revoke", "_selected_action": [live.pk, other.pk]},
    )
    assert response.status_code == 302
    assert AccessToken.objects.usable().count() == 0
    page = admin_client.get(f"/admin/api/accesstoken/{live.pk}/change/").content.decode()
    assert live.digest not in page
