"""Sessions on shared computers: idle timeout, absolute lifetime, no-store on private pages."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from personas.sessions import SESSION_SEEN, SESSION_STARTED, refresh_after
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = UserFactory(username="wanjiru")
    client.force_login(user)
    return user


def backdate(client, **seconds_ago):
    """Move the session's stamps into the past (as if the person had walked away)."""
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"seen": SESSION_SEEN, "started": SESSION_STARTED}[key]] = now - ago
    session.save()


def test_the_defaults_are_8_hours_idle_and_24_hours_in_all():
    assert settings.SESSION_IDLE_TIMEOUT == 8 * 3600
    assert settings.SESSION_COOKIE_AGE == 24 * 3600


def test_logging_in_stamps_the_session(client):
    UserFactory(username="amina")
    before = int(time.time())
    client.post(reverse("login"), {"login": "amina", "password": "correct-horse-battery"})
    session = client.session
    assert before <= session[SESSION_STARTED] == session[SESSION_SEEN] <= int(time.time())


def test_a_session_idle_just_under_the_timeout_goes_on(client, member):
    backdate(client, seen=settings.SESSION_IDLE_TIMEOUT - 60)
    response = client.get(reverse("chtprograms:home"))
    assert response.status_code == 200
    assert client.session[SESSION_SEEN] >= int(time.time()) - 5  # the visit counts as activity


def test_a_session_idle_past_the_timeout_ends_with_a_message(client, member):
    backdate(client, seen=settings.SESSION_IDLE_TIMEOUT + 1)
    home = reverse("chtprograms:home")
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={home}"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "You were logged out after 8 hours without activity" in page.content.decode()


def test_the_idle_timeout_is_a_setting(client, member, settings):
    settings.SESSION_IDLE_TIMEOUT = 15 * 60
    backdate(client, seen=16 * 60)
    assert client.get(reverse("chtprograms:home")).status_code == 302


def test_a_busy_session_still_ends_after_its_absolute_lifetime(client, member):
    backdate(client, seen=10, started=settings.SESSION_COOKIE_AGE + 1)
    response = client.get(reverse("chtprograms:home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_session_without_stamps_ends(client, member):
    session = client.session
    del session[SESSION_SEEN]
    session.save()
    assert client.get(reverse("chtprograms:home")).status_code == 302


def test_the_last_use_is_saved_at_most_every_few_minutes(client, member):
    """A page a minute costs no session write: the stamp moves only after `refresh_after()`."""
    assert refresh_after() == 300
    backdate(client, seen=refresh_after() - 30)
    stamp = client.session[SESSION_SEEN]
    client.get(reverse("chtprograms:home"))
    assert client.session[SESSION_SEEN] == stamp
    backdate(client, seen=refresh_after() + 1)
    client.get(reverse("chtprograms:home"))
    assert client.session[SESSION_SEEN] >= int(time.time()) - 5


def test_an_htmx_request_after_the_timeout_sends_the_whole_page_to_the_login(client, member):
    program = ProgramFactory(head=member)
    backdate(client, seen=settings.SESSION_IDLE_TIMEOUT + 1)
    page = reverse("chtprograms:program-detail", args=[program.slug])
    response = client.get(
        page, headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"}
    )
    assert response["HX-Redirect"] == f"{reverse('login')}?next={page}"


def test_pages_for_a_logged_in_person_are_not_stored(client, member):
    program = ProgramFactory(head=member)
    for url in (
        reverse("chtprograms:home"),
        reverse("chtprograms:program-detail", args=[program.slug]),
    ):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url
