"""`next`: a form sends the browser back only to a path on this site, whatever it is given."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.http import safe_next
from personas.models import Profile
from reminders.models import Notification, NotificationKind
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

DEFAULT = "/default/"
HOSTILE_NEXT = [
    "foo",  # a view name to Django's redirect(): NoReverseMatch, a 500
    "admin:index",
    "\x00",
    "/programs/\x00",
    "/programs/\r\nSet-Cookie: x=1",
    "//evil.example/",
    "/\\evil.example",
    "https://evil.example/",
    "http://testserver/programs/",  # even this host: a path is enough
    "javascript:alert(1)",
    "programs/",
    "/" + "x" * 3000,
    "",
]


@pytest.mark.parametrize("value", HOSTILE_NEXT)
def test_anything_but_a_local_path_is_replaced_by_the_default(value):
    request = RequestFactory().post("/")
    assert safe_next(request, value, DEFAULT) == DEFAULT


@pytest.mark.parametrize("value", ["/", "/programs/?page=2&sort=-name", "/notifications/#n-3"])
def test_a_local_path_is_kept(value):
    request = RequestFactory().post("/")
    assert safe_next(request, value, DEFAULT) == value


def test_a_list_or_nothing_is_replaced_by_the_default():
    request = RequestFactory().post("/")
    assert safe_next(request, None, DEFAULT) == DEFAULT
    assert safe_next(request, ["/programs/"], DEFAULT) == DEFAULT


@pytest.fixture
def person():
    return UserFactory(username="amina")


@pytest.fixture
def notification(person):
    program = ProgramFactory(head=person)
    return Notification.objects.create(
        person=person,
        program=program,
        kind=NotificationKind.ACTIVITY_DUE,
        subject="Kick-off",
        url=f"/programs/{program.slug}/lifecycle/",
    )


def views(notification):
    return [
        (reverse("reminders:notifications-read-all"), {}, reverse("reminders:notifications")),
        (
            reverse("reminders:notification-read", args=[notification.pk]),
            {},
            reverse("reminders:notifications"),
        ),
        (reverse("personas:language"), {"language": "fr"}, reverse("chtprograms:home")),
        (reverse("personas:language"), {"language": "\x00"}, reverse("chtprograms:home")),
    ]


@pytest.mark.parametrize("value", HOSTILE_NEXT)
def test_the_bell_and_the_language_menu_never_follow_a_hostile_next(
    client, person, notification, value
):
    client.force_login(person)
    for url, data, default in views(notification):
        response = client.post(url, {**data, "next": value})
        assert response.status_code == 302, (url, value)
        assert response["Location"] == default, (url, value)


def test_the_bell_and_the_language_menu_go_back_to_the_page_they_were_on(
    client, person, notification
):
    client.force_login(person)
    for url, data, _default in views(notification):
        response = client.post(url, {**data, "next": "/programs/?page=2"})
        assert response["Location"] == "/programs/?page=2"


def test_a_language_not_in_the_list_says_so_and_changes_nothing(client, person):
    client.force_login(person)
    response = client.post(
        reverse("personas:language"), {"language": "\x00", "next": "foo"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose one of the languages in the list." in response.content.decode()
    assert not Profile.objects.filter(user=person).exclude(language="en").exists()
