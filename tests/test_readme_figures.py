"""The README quotes the query counts the tests pin (tests/queries.py), and no others."""

import ast

from tests.queries import PAGE_QUERIES, README_QUERY_ROWS
from tests.services import ROOT


def readme_query_rows() -> list[str]:
    lines = (ROOT / "README.md").read_text().splitlines()
    return [line for line in lines if line.startswith("| queries, ")]


def test_the_readme_quotes_exactly_the_pinned_query_counts():
    expected = [
        f"| queries, {row} | {' / '.join(str(count) for count in figures.values())} |"
        for row, figures in README_QUERY_ROWS
    ]
    assert readme_query_rows() == expected


def test_every_quoted_query_count_is_pinned_by_a_test():
    """Each figure is named, as a string, in a test module that calls `pinned(...)`."""
    named: set[str] = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text())
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "pinned"
        ]
        if calls:
            named |= {
                node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
            }
    assert set(PAGE_QUERIES) - named == set()
