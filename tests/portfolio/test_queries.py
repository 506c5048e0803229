"""The portfolio makes the same number of queries whatever the number of programs."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, bulk_programs, reviewer
from tests.queries import assert_same_count, get_counted, pinned

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    ["", "?country=KE&type=accompanied", "?stage=design&only=overdue&sort=-spent&page=2"],
)
def test_dashboard_query_count_is_the_same_at_10_and_500_programs(client, query):
    user = reviewer()
    client.force_login(user)
    url = reverse("portfolio:dashboard") + query
    bulk_programs(10, prefix="small")
    small, response = get_counted(client, url)
    assert response.context["data"].total <= 10
    small_again, again = get_counted(client, url)
    bulk_programs(490, prefix="large")
    large, response = get_counted(client, url)
    if not query:
        assert response.context["data"].total == 500
        assert response.context["page"].paginator.count == 500
    large_again, again = get_counted(client, url)
    assert again.context["content"] == response.context["content"]  # from the cache
    assert_same_count(small, large)
    large.assert_count(pinned("portfolio"))  # filtered, sorted or not
    assert_same_count(small_again, large_again)
    large_again.assert_count(pinned("portfolio, unchanged"))


def test_a_members_dashboard_query_count_does_not_grow(client):
    member = UserFactory()
    client.force_login(member)
    url = reverse("portfolio:dashboard")
    bulk_programs(10, prefix="mine", head=member)
    small, response = get_counted(client, url)
    assert response.context["data"].total == 10
    bulk_programs(490, prefix="theirs")
    large, response = get_counted(client, url)
    assert response.context["data"].total == 10  # the others' programs never appear
    assert_same_count(small, large)
    large.assert_count(pinned("portfolio"))


def test_export_query_count_does_not_grow(client):
    client.force_login(reviewer())
    url = reverse("portfolio:export")
    bulk_programs(10, prefix="small")
    small, response = get_counted(client, url)
    bulk_programs(490, prefix="large")
    large, response = get_counted(client, url)
    assert_same_count(small, large)
    large.assert_count(pinned("portfolio CSV export"))
