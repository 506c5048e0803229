"""The portfolio makes the same number of queries whatever the number of programs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory, bulk_programs, reviewer

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20


def count_queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(context.captured_queries), response


@pytest.mark.parametrize(
    "query",
    ["", "?country=KE&type=accompanied", "?stage=design&only=overdue&sort=-spent&page=2"],
)
def test_dashboard_query_count_is_the_same_at_10_and_500_programs(client, query):
    user = reviewer()
    client.force_login(user)
    url = reverse("portfolio:dashboard") + query
    bulk_programs(10, prefix="small")
    small, response = count_queries(client, url)
    assert response.context["data"].total <= 10
    bulk_programs(490, prefix="large")
    large, response = count_queries(client, url)
    if not query:
        assert response.context["data"].total == 500
        assert response.context["page"].paginator.count == 500
    assert small == large
    assert large <= MAX_QUERIES


def test_a_members_dashboard_query_count_does_not_grow(client):
    member = UserFactory()
    client.force_login(member)
    url = reverse("portfolio:dashboard")
    bulk_programs(10, prefix="mine", head=member)
    small, response = count_queries(client, url)
    assert response.context["data"].total == 10
    bulk_programs(490, prefix="theirs")
    large, response = count_queries(client, url)
    assert response.context["data"].total == 10  # the others' programs never appear
    assert small == large <= MAX_QUERIES


def test_export_query_count_does_not_grow(client):
    client.force_login(reviewer())
    url = reverse("portfolio:export")
    bulk_programs(10, prefix="small")
    small, response = count_queries(client, url)
    bulk_programs(490, prefix="large")
    large, response = count_queries(client, url)
    assert small == large
