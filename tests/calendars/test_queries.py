"""A feed costs the same number of queries at 3 and 30 programs (no query per program or row)."""

import icalendar
import pytest
from django.urls import reverse

from calendars.services import calendar_key_rotate
from tests.factories import UserFactory
from tests.queries import assert_same_count, get_counted, pinned
from tests.reminders.portfolio import bulk_portfolio

pytestmark = pytest.mark.django_db


def feeds(size: int):
    people = [UserFactory() for _ in range(4)]
    programs = bulk_portfolio(size, people, to_planning=lambda index: index % 2 == 1)
    head, developer = (calendar_key_rotate(user=person) for person in people[:2])
    return (
        reverse("calendars:person", args=[head]),
        reverse("calendars:person", args=[developer]),
        reverse("calendars:team", args=[head, programs[-1].slug]),
    )


def test_query_count_of_the_feeds_is_the_same_at_3_and_30_programs(client):
    counted = {}
    for size in (3, 30):
        counted[size] = []
        for url in feeds(size):
            queries, response = get_counted(client, url)
            found = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
            counted[size].append((queries, len(found)))
    for (small, _small_events), (large, _large_events) in zip(counted[3], counted[30], strict=True):
        assert_same_count(small, large)
    # the key (with the person and profile), the reminder scan's queries (a head's include the
    # gates' facts), the memberships and the stage plans; the team feed reads the program and
    # its team instead of the memberships
    figures = ["calendar feed, head", "calendar feed, developer", "team calendar feed"]
    assert [queries.count for queries, _events in counted[30]] == [
        pinned(figure) for figure in figures
    ]
    # the feeds are not empty: the person's grow with their programs (8 stage plans each)
    person_events = [events for _queries, events in (counted[3][0], counted[30][0])]
    assert 3 * 8 < person_events[0] < 30 * 8 < person_events[1]
    assert counted[3][2][1] > 8 and counted[30][2][1] > 8
