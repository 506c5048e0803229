"""Password reset by e-mail and password change (allauth's pages, our settings)."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)")


def ask_for_reset(client, email):
    return client.post(reverse("account_reset_password"), {"email": email}, follow=True)


def reset_link(message) -> str:
    return RESET_LINK.search(message.body).group(1)


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client):
    UserFactory(username="amina", email="amina@health.example")
    known = ask_for_reset(client, "amina@health.example")
    unknown = ask_for_reset(client, "nobody@health.example")
    assert known.status_code == unknown.status_code == 200
    assert (
        known.redirect_chain == unknown.redirect_chain == [("/accounts/password/reset/done/", 302)]
    )
    assert "If an account uses this address" in unknown.content.decode()
    # Only the account's address gets a message.
    assert [message.to for message in mail.outbox] == [["amina@health.example"]]
    assert "works for 60 minutes" in known.content.decode()


def test_the_link_sets_a_new_password_once(client):
    amina = UserFactory(username="amina", email="amina@health.example")
    ask_for_reset(client, "amina@health.example")
    link = reset_link(mail.outbox[0])
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": "a-new-Passw0rd-2026", "password2": "a-new-Passw0rd-2026"}
    )
    assert response.status_code == 302
    amina.refresh_from_db()
    assert amina.check_password("a-new-Passw0rd-2026")
    assert not amina.check_password("correct-horse-battery")
    # The same link a second time: refused.
    again = client.get(link, follow=True)
    assert "This link does not work" in again.content.decode()
    login = client.post(reverse("login"), {"login": "amina", "password": "a-new-Passw0rd-2026"})
    assert login.status_code == 302 and login["Location"] == reverse("chtprograms:home")


def test_a_weak_new_password_is_refused_beside_the_field(client):
    UserFactory(username="amina", email="amina@health.example")
    ask_for_reset(client, "amina@health.example")
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    response = client.post(page.redirect_chain[-1][0], {"password1": "123", "password2": "123"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "invalid-feedback" in html and "too short" in html


def test_an_expired_link_is_refused(client, settings, monkeypatch):
    amina = UserFactory(username="amina", email="amina@health.example")
    ask_for_reset(client, "amina@health.example")
    link = reset_link(mail.outbox[0])
    issued = PasswordResetTokenGenerator._now
    later = datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: issued(self) + later)
    page = client.get(link, follow=True)
    assert "This link does not work" in page.content.decode()
    assert "expired" in page.content.decode()
    amina.refresh_from_db()
    assert amina.check_password("correct-horse-battery")


def test_the_link_still_works_just_before_it_expires(client, settings, monkeypatch):
    UserFactory(username="amina", email="amina@health.example")
    ask_for_reset(client, "amina@health.example")
    issued = PasswordResetTokenGenerator._now
    later = datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: issued(self) + later)
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    assert "Choose a new password" in page.content.decode()


def test_a_signed_in_person_changes_their_password(client):
    amina = UserFactory(username="amina")
    client.force_login(amina)
    url = reverse("account_change_password")
    wrong = client.post(
        url,
        {"oldpassword": "not-it", "password1": "An0ther-long-one", "password2": "An0ther-long-one"},
    )
    assert wrong.status_code == 200
    assert "Please type your current password" in wrong.content.decode()
    response = client.post(
        url,
        {
            "oldpassword": "correct-horse-battery",
            "password1": "An0ther-long-one",
            "password2": "An0ther-long-one",
        },
    )
    assert response.status_code == 302
    amina.refresh_from_db()
    assert amina.check_password("An0ther-long-one")
    # Still signed in on this browser after the change.
    assert client.get(reverse("chtprograms:home")).status_code == 200


def test_the_pages_need_login(client):
    for name in ("account_change_password", "account_email", "mfa_index"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
