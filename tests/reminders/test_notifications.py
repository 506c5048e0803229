"""The bell and the notifications page: the unread count, the list, mark one or all read."""

import datetime

import pytest
from django.urls import reverse

from reminders.models import Notification, NotificationKind
from tests.factories import ProgramFactory, UserFactory
from tests.queries import exact_queries

pytestmark = pytest.mark.django_db


def notify(person, program, count=1, kind=NotificationKind.ACTIVITY_DUE, **fields):
    return [
        Notification.objects.create(
            person=person,
            program=program,
            kind=kind,
            subject=fields.get("subject", f"Activity {index}"),
            due_on=fields.get("due_on", datetime.date(2027, 3, 4)),
            url=f"/programs/{program.slug}/lifecycle/#activity-{index}",
            position=index,
        )
        for index in range(count)
    ]


@pytest.fixture
def person():
    return UserFactory(username="amina")


@pytest.fixture
def program(person):
    return ProgramFactory(head=person, name="Kenya CHV", slug="kenya-chv")


def test_the_notification_pages_need_login(client):
    url = reverse("reminders:notifications")
    assert client.get(url)["Location"].startswith(reverse("login"))
    response = client.post(reverse("reminders:notifications-read-all"))
    assert response["Location"].startswith(reverse("login"))


def test_the_bell_shows_the_unread_count(client, person, program):
    client.force_login(person)
    home = client.get(reverse("chtprograms:home")).content.decode()
    assert 'id="notification-bell"' in home
    assert "notification-count" not in home  # nothing unread: no badge
    notify(person, program, count=3)
    home = client.get(reverse("chtprograms:home")).content.decode()
    assert '<span class="badge rounded-pill bg-warning text-dark notification-count">3</span>' in (
        home
    )
    assert "Notifications: 3 unread" in home


def test_the_list_shows_each_item_with_its_link_and_only_the_persons_own(client, person, program):
    notify(person, program, subject="Write the forms", due_on=datetime.date(2027, 3, 4))
    notify(
        person,
        program,
        kind=NotificationKind.DOCUMENT_EXPIRING,
        subject="tls_certificate",
        due_on=datetime.date(2020, 1, 1),
    )
    other = UserFactory()
    notify(other, program, subject="Somebody else's")
    client.force_login(person)
    html = client.get(reverse("reminders:notifications")).content.decode()
    assert "Write the forms" in html
    assert "/programs/kenya-chv/lifecycle/#activity-0" in html
    assert "TLS certificate expired on 1 Jan 2020" in html
    assert "Somebody else" not in html
    assert "Showing 1–2 of 2" in html


def test_mark_one_read_and_another_persons_is_not_found(client, person, program):
    first, second = notify(person, program, count=2)
    theirs = notify(UserFactory(), program)[0]
    client.force_login(person)
    response = client.post(reverse("reminders:notification-read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert client.post(reverse("reminders:notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("reminders:notification-read", args=[second.pk])).status_code == 405


def test_mark_read_with_htmx_returns_the_row_and_the_new_count(client, person, program):
    first, _second = notify(person, program, count=2)
    client.force_login(person)
    response = client.post(
        reverse("reminders:notification-read", args=[first.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in html and "Mark as read" not in html
    assert 'hx-swap-oob="true"' in html
    assert 'notification-count">1</span>' in html


def test_mark_all_read(client, person, program):
    notify(person, program, count=4)
    theirs = notify(UserFactory(), program)[0]
    client.force_login(person)
    response = client.post(reverse("reminders:notifications-read-all"), follow=True)
    assert "4 notifications marked read." in response.content.decode()
    assert Notification.objects.filter(person=person, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("size", [3, 60])
def test_the_list_query_count_does_not_grow(client, person, program, size):
    notify(person, program, count=size)
    for _ in range(3):
        notify(person, ProgramFactory(head=person), count=2)
    client.force_login(person)
    # session, user, the count and the page of notifications (with programs), the bell
    with exact_queries(5):
        response = client.get(reverse("reminders:notifications"))
    assert response.status_code == 200
