"""Pages stop at a bound, so a deep page never costs an offset in proportion to the table."""

import pytest
from django.contrib.auth import get_user_model

from core.pagination import BoundedPaginator
from tests.queries import counting


def test_counting_and_pages_stop_at_the_bound():
    paginator = BoundedPaginator(list(range(30)), 5, max_pages=2)
    assert (paginator.count, paginator.num_pages, paginator.truncated) == (10, 2, True)
    page = paginator.get_page(99)  # past the bound: the last page offered
    assert page.number == 2 and list(page.object_list) == [5, 6, 7, 8, 9]


def test_under_the_bound_nothing_is_cut():
    paginator = BoundedPaginator(list(range(7)), 5, max_pages=2)
    assert (paginator.count, paginator.num_pages, paginator.truncated) == (7, 2, False)


@pytest.mark.django_db
def test_a_queryset_is_counted_only_up_to_the_bound():
    User = get_user_model()
    User.objects.bulk_create(User(username=f"user{number}") for number in range(12))
    paginator = BoundedPaginator(User.objects.order_by("username", "pk"), 5, max_pages=2)
    with counting() as queries:
        assert paginator.count == 10 and paginator.truncated
    [sql] = queries.sql
    assert "COUNT(*)" in sql.upper() and "LIMIT 11" in sql.upper()


def test_the_pages_say_when_rows_are_left_out():
    from django.template.loader import render_to_string
    from django.utils import translation

    page = BoundedPaginator(list(range(30)), 5, max_pages=2).get_page(1)
    html = render_to_string("partials/_pagination.html", {"page": page, "query": ""})
    assert "Only the first 10 rows are shown" in html
    with translation.override("fr"):
        html = render_to_string("partials/_pagination.html", {"page": page, "query": ""})
    assert "Seules les 10 premières lignes sont affichées" in html
    whole = BoundedPaginator(list(range(7)), 5, max_pages=2).get_page(1)
    assert "pagination-bound" not in render_to_string(
        "partials/_pagination.html", {"page": whole, "query": ""}
    )
