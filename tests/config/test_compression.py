"""Pages are gzipped where that cannot help a BREACH attacker (core/compression.py)."""

import gzip

import pytest
from django.urls import reverse

from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, br"}


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_a_program_page_is_gzipped(client, member):
    program = ProgramFactory(head=member)
    response = client.get(program.get_absolute_url(), **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert program.name in gzip.decompress(response.content).decode()
    # Without Accept-Encoding: as it was.
    assert "Content-Encoding" not in client.get(program.get_absolute_url())


@pytest.mark.parametrize("url", ["/profile/", "/accounts/password/change/"])
def test_pages_with_secrets_are_never_compressed(client, member, url):
    response = client.get(url, **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_answers_to_post_are_never_compressed(client, member):
    # A form sent back with its errors (a POST answer) reflects what was typed: not compressed.
    response = client.post(reverse("chtprograms:program-create"), {"name": "x"}, **GZIP)
    assert "Content-Encoding" not in response
