"""E-mail address management (allauth's page in the site's frame)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_add_and_confirm_an_address(client):
    amina = UserFactory(username="amina", email="amina@health.example")
    client.force_login(amina)
    page = client.get(reverse("account_email"))
    assert page.status_code == 200
    assert "E-mail addresses" in page.content.decode()  # the sign-in and security menu

    response = client.post(
        reverse("account_email"), {"email": "amina.otieno@moh.example", "action_add": ""}
    )
    assert response.status_code == 302
    address = EmailAddress.objects.get(user=amina, email="amina.otieno@moh.example")
    assert not address.verified
    (message,) = mail.outbox
    assert message.to == ["amina.otieno@moh.example"]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)
    assert client.post(link).status_code == 302
    address.refresh_from_db()
    assert address.verified


def test_an_address_another_account_uses_gets_the_same_answer_and_stays_unverified(client):
    """Like password reset, the page does not tell whether another account has the address:
    the confirmation link goes to that address, whose owner alone can confirm it."""
    UserFactory(username="grace", email="grace@health.example")
    amina = UserFactory(username="amina")
    client.force_login(amina)
    response = client.post(
        reverse("account_email"), {"email": "grace@health.example", "action_add": ""}, follow=True
    )
    assert "Confirmation email sent to grace@health.example" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["grace@health.example"]]
    address = EmailAddress.objects.get(email="grace@health.example")
    assert address.user == amina and not address.verified
