"""`/.well-known/security.txt` publishes this installation's contact for vulnerability reports
(RFC 9116), without a login; without a configured contact there is no file."""

import datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_no_contact_configured_no_file(client, settings):
    settings.SECURITY_CONTACT = ""
    assert client.get("/.well-known/security.txt").status_code == 404


def test_the_contact_is_published_with_an_expiry(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@health.go.ke"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@health.go.ke"
    expires = datetime.datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%S%z")
    assert timezone.now() < expires < timezone.now() + datetime.timedelta(days=366)
    assert fields["Canonical"].endswith("/.well-known/security.txt")
    assert client.post("/.well-known/security.txt").status_code == 405
