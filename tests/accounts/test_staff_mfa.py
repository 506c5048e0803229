"""Staff must use two-factor authentication (accounts/middleware.py, STAFF_MFA_REQUIRED), and
the admin signs in through the site's pages (accounts/views.py)."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.middleware import SESSION_KEY
from tests.factories import UserFactory
from tests.queries import get_counted

from .helpers import fresh_totp

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture
def staff():
    return UserFactory(username="grace", is_staff=True)


def sign_in(client, user, secret=None):
    """Through the login page (and the TOTP step), as a person does: allauth then knows when
    they last proved who they are, which changing two-factor settings asks for."""
    response = client.post(
        reverse("login"), {"login": user.username, "password": "correct-horse-battery"}
    )
    if secret is not None:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": fresh_totp(secret)})
    assert response.status_code == 302, response.content.decode()
    return response


def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, staff, staff_mfa_required):
    sign_in(client, staff)
    for url in ("/", "/programs/", "/admin/", reverse("personas:profile")):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, ACTIVATE), url
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Site staff must use two-factor authentication" in html
    assert 'id="authenticator_secret"' in html
    # Signing out stays possible.
    assert client.post(reverse("logout")).status_code == 302


def test_htmx_requests_are_sent_there_too(client, staff, staff_mfa_required):
    client.force_login(staff)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == ACTIVATE


def queries_for_home(client) -> int:
    queries, _response = get_counted(client, "/programs/")  # (staff on no team: "/" redirects)
    return queries.count


def test_staff_with_an_authenticator_go_on_and_the_session_remembers_it(
    client, staff, settings, staff_mfa_required
):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    sign_in(client, staff, secret)
    first = queries_for_home(client)
    assert client.session[SESSION_KEY] is True
    # Later pages ask nothing more of the database than they do without the requirement.
    with_requirement = queries_for_home(client)
    assert with_requirement < first  # the look-up for an authenticator happened once
    settings.STAFF_MFA_REQUIRED = False
    assert queries_for_home(client) == with_requirement


def test_people_who_are_not_staff_are_not_asked(client, staff_mfa_required):
    client.force_login(UserFactory(username="amina"))
    assert client.get("/").status_code == 200


def test_the_requirement_can_be_turned_off(client, staff, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(staff)
    # Staff on no team land on the portfolio, not on the authenticator's set-up page.
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/portfolio/", 302)]


def test_staff_cannot_turn_their_authenticator_off_while_it_is_required(
    client, staff, staff_mfa_required
):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    sign_in(client, staff, secret)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert response.status_code == 200
    assert "You cannot deactivate" in response.content.decode()


def test_others_can_turn_theirs_off(client, staff_mfa_required):
    amina = UserFactory(username="amina")
    secret = generate_totp_secret()
    TOTP.activate(amina, secret)
    sign_in(client, amina, secret)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=amina, type=Authenticator.Type.TOTP).exists()


def test_the_admin_sends_anonymous_visitors_to_the_site_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    response = client.get(response["Location"])
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_the_admin_refuses_signed_in_people_who_are_not_staff(client):
    client.force_login(UserFactory(username="amina"))
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    assert b'name="password"' not in response.content  # no second login form


def test_the_admin_login_sends_staff_on_and_ignores_other_sites(client, staff):
    client.force_login(staff)
    assert client.get("/admin/login/?next=/admin/lifecycle/")["Location"] == "/admin/lifecycle/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"


def test_the_old_login_address_still_works(client):
    response = client.get("/login/?next=/portfolio/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/portfolio/"
    assert reverse("login") == reverse("account_login") == "/accounts/login/"
    assert reverse("logout") == reverse("account_logout") == "/accounts/logout/"


def test_nobody_signs_up_on_their_own(client):
    response = client.get(reverse("account_signup"))
    assert "Accounts on CHT Programs are created by a site administrator" in (
        response.content.decode()
    )
    response = client.post(
        reverse("account_signup"),
        {
            "email": "me@example.org",
            "username": "me",
            "password1": "Str0ng-enough-pass",
            "password2": "Str0ng-enough-pass",
        },
    )
    assert not get_user_model().objects.filter(username="me").exists()


def test_staff_who_only_sign_in_through_a_provider_can_set_up_their_app(
    client, staff, staff_mfa_required
):
    """No password here to confirm: allauth would ask to re-authenticate with nothing to
    re-authenticate with. Their recent sign-in is enough (AccountAdapter)."""
    staff.set_unusable_password()
    staff.save(update_fields=["password"])
    client.force_login(staff)  # as after a provider's sign-in, long enough ago
    assert client.get("/")["Location"] == ACTIVATE
    assert client.get(ACTIVATE).status_code == 200


def test_changing_sign_in_settings_long_after_logging_in_asks_for_the_password(
    client, staff, staff_mfa_required
):
    client.force_login(staff)  # no record of a recent sign-in
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
