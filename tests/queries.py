"""Counting database queries: the one way the tests do it, always exactly.

    with exact_queries(5):                  # exactly 5 queries in the block, or fail with the SQL
        selector(...)

    with counting() as small: ...           # count, then compare two data sizes
    with counting() as large: ...
    assert_same_count(small, large)         # equal, or fail with the queries that differ

    queries, response = get_counted(client, url)   # a page (streamed bodies read in full)

`README_QUERY_ROWS` holds the query counts the README quotes (its "Measured" table): the tests
that pin those pages at two data sizes read their figure from it with `pinned(name)`, and
`tests/test_readme_figures.py` checks that the README quotes exactly these rows and that every
figure is pinned by a test. A change in a count fails those tests with the SQL listed; after a
deliberate change, correct the figure here and in the README. They run alone with:

    .venv/bin/pytest tests -q -k query_count
"""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

#: The rows of the README's "Measured" table that give query counts: (what the row names after
#: "queries, ", {figure: its exact number of queries, whatever the data size}). The tests named
#: after each figure pin it at two data sizes through `pinned(figure)`.
README_QUERY_ROWS: list[tuple[str, dict[str, int]]] = [
    (
        "program list for a team member / for site staff / each again with nothing changed /"
        " home / again with nothing changed (5 or 50 programs; includes session, user and bell)",
        {
            "program list": 11,
            "program list, site staff": 9,
            "program list, unchanged": 5,
            "program list, site staff, unchanged": 4,
            "home": 11,
            "home, unchanged": 5,
        },
    ),
    (
        "program overview (stage rail, gate, budget, indicators, team, CHT instances)",
        {"program overview": 16},
    ),
    (
        "considerations page / team page / lifecycle page",
        {"considerations page": 9, "team page": 7, "lifecycle page": 13},
    ),
    (
        "budget / hosting estimate / indicators / CHW support / risks & lessons",
        {
            "budget page": 11,
            "hosting estimate page": 11,
            "indicators page": 8,
            "CHW support page": 7,
            "risks and lessons page": 9,
        },
    ),
    (
        "training / devices / go-live (2 or 30 events and devices; 9 go-live criteria)",
        {"training page": 7, "devices page": 8, "go-live page": 10},
    ),
    (
        "reminder scan per batch of recipients (10 or 200 programs)",
        {"reminder scan": 10},
    ),
    (
        "closeout reports page (1 or 12 versions)",
        {"closeout reports page": 7},
    ),
    (
        "portfolio, filtered or not / again with nothing changed / its CSV export (10 or 500"
        " programs)",
        {"portfolio": 23, "portfolio, unchanged": 5, "portfolio CSV export": 6},
    ),
    (
        "calendar feed of a head / of a developer / a program's team feed (3 or 30 programs)",
        {"calendar feed, head": 15, "calendar feed, developer": 9, "team calendar feed": 16},
    ),
    (
        "Instances tab (1 or 4 instances, 4 to 180 polls each)",
        {"instances tab": 11},
    ),
    (
        "instances' state / digest alerts for 2 or 12 programs (for the portfolio and digest)",
        {"instances state": 5, "instances digest alerts": 3},
    ),
]
PAGE_QUERIES = {
    name: count for _row, figures in README_QUERY_ROWS for name, count in figures.items()
}


def pinned(name: str) -> int:
    """The exact query count of `name` that the README quotes."""
    return PAGE_QUERIES[name]


class Queries:
    """The queries run in a `counting()` block (those `ignore` picks out left aside)."""

    def __init__(self, context: CaptureQueriesContext, ignore: Callable[[str], bool] | None):
        self._context = context
        self._ignore = ignore

    @property
    def sql(self) -> list[str]:
        statements = [query["sql"] for query in self._context.captured_queries]
        return [sql for sql in statements if not (self._ignore and self._ignore(sql))]

    @property
    def count(self) -> int:
        return len(self.sql)

    def __len__(self) -> int:
        return self.count

    def listing(self) -> str:
        return "\n".join(f"{number:3}. {sql}" for number, sql in enumerate(self.sql, start=1))

    def assert_count(self, expected: int) -> None:
        assert self.count == expected, (
            f"{self.count} queries where exactly {expected} were expected:\n{self.listing()}"
        )


@contextmanager
def counting(*, ignore: Callable[[str], bool] | None = None) -> Iterator[Queries]:
    """Count the queries of the block (read `.count` after it). `ignore(sql)` → not counted."""
    with CaptureQueriesContext(connection) as context:
        yield Queries(context, ignore)


@contextmanager
def exact_queries(expected: int, **options) -> Iterator[Queries]:
    """Assert that the block runs exactly `expected` queries; on failure, list them."""
    with counting(**options) as queries:
        yield queries
    queries.assert_count(expected)


def _shape(sql: str) -> str:
    """A query without its literal values, so that two data sizes can be compared."""
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)


def assert_same_count(small: Queries, large: Queries) -> None:
    """The same number of queries at two data sizes; on failure, the queries that differ."""
    if small.count == large.count:
        return
    before, after = Counter(map(_shape, small.sql)), Counter(map(_shape, large.sql))
    more = "\n".join(f"  +{n} {sql}" for sql, n in (after - before).items())
    fewer = "\n".join(f"  -{n} {sql}" for sql, n in (before - after).items())
    raise AssertionError(
        f"{small.count} queries on the small data, {large.count} on the large:\n{more}\n{fewer}"
    )


def get_counted(client, url: str, *, status: int = 200):
    """GET `url` and count its queries (a streamed body is read in full): (queries, response)."""
    with counting() as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == status
    return queries, response
