"""The portfolio pages: who may open them, bad filters, the program table's sort and pages."""

import datetime

import pytest
from django.urls import reverse

from chtprograms.models import Program
from lifecycle.stages import WORK_STAGES
from plan.budget.models import Expenditure
from tests.factories import UserFactory, bulk_programs, reviewer

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("portfolio:dashboard")
EXPORT = reverse("portfolio:export")


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url + "?country=KE")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_someone_on_no_program_sees_an_empty_portfolio_that_says_what_it_is_for(client):
    bulk_programs(3)  # other people's programs
    client.force_login(UserFactory())
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["data"].total == 0
    assert "the portfolio gathers every program you may see" in response.content.decode()
    assert "bulk program" not in response.content.decode()


def test_every_logged_in_user_has_the_portfolio_in_the_top_bar(client):
    client.force_login(UserFactory())
    html = client.get(reverse("chtprograms:home")).content.decode()
    assert f'href="{DASHBOARD}">Portfolio</a>' in html
    html = client.get(DASHBOARD).content.decode()
    assert f'aria-current="page" href="{DASHBOARD}">Portfolio</a>' in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start_from=31-12-2026", "start_from", "Enter a date such as 2027-01-31."),
        ("start_to=yesterday", "start_to", "Enter a date such as 2027-12-31."),
        ("stage=limbo", "stage", "Select a valid choice."),
        ("type=guesswork", "type", "Select a valid choice."),
        ("partner=abc", "partner", "Select a valid choice."),
        ("only=everything", "only", "Select a valid choice."),
        (
            "start_from=2025-06-01&start_to=2025-01-01",
            "start_to",
            "The end of the range cannot be before its start.",
        ),
    ],
)
def test_a_bad_filter_is_explained_and_the_others_still_apply(client, query, field, message):
    bulk_programs(8)
    client.force_login(reviewer())
    response = client.get(f"{DASHBOARD}?country=KE&{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert message in html
    assert f'id="id_{field}_error"' in html
    # The valid filter still applies: two of the eight bulk programs are in Kenya.
    assert response.context["data"].total == 2
    assert response.context["page"].paginator.count == 2


def test_a_bad_filter_in_the_export_is_left_out_not_a_crash(client):
    bulk_programs(4)
    client.force_login(reviewer())
    response = client.get(f"{EXPORT}?start_from=not-a-date&country=UG")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2  # the header and the one Ugandan program


def test_the_table_is_paginated_with_its_count(client):
    bulk_programs(30)
    client.force_login(reviewer())
    html = client.get(DASHBOARD).content.decode()
    assert "Showing 1–25 of 30" in html
    assert "Page 1 of 2" in html
    response = client.get(f"{DASHBOARD}?page=2&sort=-name")
    assert "Showing 26–30 of 30" in response.content.decode()
    assert len(response.context["rows"]) == 5
    assert client.get(f"{DASHBOARD}?page=zzz").status_code == 200  # the first page


def _column(client, sort):
    response = client.get(f"{DASHBOARD}?sort={sort}&page=1")
    assert response.status_code == 200
    assert response.context["sort"] == sort
    return response.context["rows"]


def test_each_column_sorts_both_ways(client):
    programs = bulk_programs(20)
    # Spread the spending so that the "spent" column has different values (and one no budget).
    for index, program in enumerate(programs):
        program.budget_lines.update(forecast_amount=1000 * (index + 1))
    Expenditure.objects.filter(line__program=programs[0]).delete()
    programs[0].budget_lines.all().delete()
    client.force_login(reviewer())
    rows = _column(client, "stage")
    positions = [WORK_STAGES.index(row.stage) if row.stage in WORK_STAGES else 9 for row in rows]
    assert positions == sorted(positions) and len(set(positions)) > 3
    rows = _column(client, "-stage")
    positions = [WORK_STAGES.index(row.stage) if row.stage in WORK_STAGES else 9 for row in rows]
    assert positions == sorted(positions, reverse=True)
    spent = [row.percent_spent for row in _column(client, "-spent")]
    assert spent[-1] is None  # the program without a budget comes last
    assert spent[:-1] == sorted(spent[:-1], reverse=True) and spent[0] > spent[-2]
    assert [row.percent_spent for row in _column(client, "spent")][0] is None
    health = [row.program.health for row in _column(client, "health")]
    order = ["on_track", "at_risk", "off_track"]
    assert [order.index(value) for value in health] == sorted(order.index(v) for v in health)
    countries = [row.program.country.code for row in _column(client, "-country")]
    assert countries == sorted(countries, reverse=True)
    types = [row.program.program_type for row in _column(client, "type")]
    assert types == sorted(types)
    overdue = [row.overdue_count for row in _column(client, "-overdue")]
    assert overdue == sorted(overdue, reverse=True) and overdue[0] > overdue[-1]
    # A sort that does not exist falls back to the name.
    names = [row.program.name for row in _column(client, "name")]
    assert names == sorted(names)
    response = client.get(f"{DASHBOARD}?sort=password")
    assert response.context["sort"] == "name"


def test_days_in_stage_sort_puts_the_longest_first(client):
    programs = bulk_programs(5)
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    for index, program in enumerate(programs):
        program.lifecycle.__class__.objects.filter(pk=program.lifecycle.pk).update(
            stage="design", stage_entered_at=now - datetime.timedelta(days=10 * index)
        )
    client.force_login(reviewer())
    days = [row.days_in_stage for row in _column(client, "-days")]
    assert days == sorted(days, reverse=True) and days[0] - days[-1] == 40
    assert [row.days_in_stage for row in _column(client, "days")] == sorted(days)


def test_sorting_and_filters_survive_in_the_headers_and_the_export_link(client):
    bulk_programs(6)
    client.force_login(reviewer())
    html = client.get(f"{DASHBOARD}?country=KE&sort=-overdue").content.decode()
    assert 'href="?country=KE&amp;sort=overdue#programs"' in html  # reverses the current sort
    assert 'href="?country=KE&amp;sort=name#programs"' in html
    assert f'href="{EXPORT}?country=KE&amp;sort=-overdue"' in html


def test_archived_programs_are_left_out(client):
    programs = bulk_programs(4)
    Program.objects.filter(pk=programs[0].pk).update(
        archived_at=datetime.datetime.now(datetime.UTC)
    )
    client.force_login(reviewer())
    assert client.get(DASHBOARD).context["data"].total == 3
