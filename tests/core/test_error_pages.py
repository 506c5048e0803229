"""403, 404 and 500 pages in the site's frame, with DEBUG off: what happened and where to go."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ProgramFactory, UserFactory, reviewer


@pytest.fixture(autouse=True)
def no_debug(settings):
    settings.DEBUG = False


def _links(body: str) -> None:
    assert f'href="{reverse("chtprograms:home")}"' in body
    assert f'href="{reverse("chtprograms:program-list")}"' in body
    assert 'class="navbar-brand' in body  # the site's frame


@pytest.mark.django_db
def test_404_is_the_sites_page(client):
    client.force_login(UserFactory())
    response = client.get("/programs/no-such-program/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Error 404" in body
    assert "the program is not shared with you" in body
    assert "My programs" in body  # the signed-in person's top bar
    _links(body)


@pytest.mark.django_db
def test_403_says_who_may_and_what_to_do(client):
    program = ProgramFactory()
    client.force_login(reviewer())
    response = client.get(reverse("chtprograms:consideration-edit", args=[program.slug, "scope"]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "You may not open this page" in body and "Error 403" in body
    assert "ask the program head" in body
    _links(body)


@pytest.mark.urls("tests.core.error_urls")
def test_500_is_styled_and_reads_nothing_from_the_database():
    """No `django_db` mark: any query here would fail the test (the database may be what broke)."""
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body and "Error 500" in body
    assert "Your last change may not have been saved." in body
    _links(body)


@pytest.mark.django_db
def test_the_error_pages_in_french(client):
    client.force_login(UserFactory())
    french = {"accept-language": "fr"}
    body = client.get("/programs/no-such-program/", headers=french).content.decode()
    assert "Page introuvable" in body and "Voir tous les programmes" in body
    program = ProgramFactory()
    client.force_login(reviewer())
    url = reverse("chtprograms:consideration-edit", args=[program.slug, "scope"])
    body = client.get(url, headers=french).content.decode()
    assert "Vous ne pouvez pas ouvrir cette page" in body
