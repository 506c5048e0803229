"""Each tile's and chart's figure equals the same figure worked out program by program, with
and without filters; and each figure links to a program list of the same size."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from chtprograms.models import Organization, Program
from core.money import format_amount
from tests.factories import reviewer

from .seeding import independent_figures

pytestmark = pytest.mark.django_db


def dashboard(client, query: str = ""):
    response = client.get(reverse("portfolio:dashboard") + query)
    assert response.status_code == 200
    return response


def assert_figures_match(data, expected, programs):
    assert data.total == expected["total"]
    assert data.active == expected["active"]
    assert {stage: n for stage, _label, n in data.by_stage if n} == dict(expected["by_stage"])
    assert {value: n for value, n in data.by_health.items() if n} == dict(expected["by_health"])
    assert {code: n for code, _name, n in data.by_country} == dict(expected["by_country"])
    assert {key: n for key, n in data.stage_type.items() if n} == dict(expected["stage_type"])
    assert data.overdue_activities == expected["overdue_activities"]
    assert data.overdue_programs == expected["overdue_programs"]
    assert data.late_programs == expected["late_programs"]
    assert data.chw.programs == expected["chw_programs"]
    assert data.chw.chws == expected["chws"]
    assert data.chw.unpaid_programs == expected["unpaid_programs"]
    assert data.chw.unpaid_chws == expected["unpaid_chws"]
    assert {code: n for code, n in data.chw.gaps.items() if n} == dict(expected["gaps"])
    assert data.indicator_counts == (expected["indicators_on_track"], expected["indicators"])
    # Money: the program pages convert each program's amounts per day, the portfolio per
    # (currency, rate period) over all programs; each rounds to the cent once per sum.
    cents = Decimal("0.01") * max(len(programs), 1) * 40
    assert abs(data.budget.total.forecast - expected["forecast_usd"]) <= cents
    assert abs(data.budget.total.spent - expected["spent_usd"]) <= cents
    assert not data.budget.total.missing
    durations = {row.stage: row for row in data.durations}
    for stage, median in expected["planned_median"].items():
        assert durations[stage].planned_median == median, stage
    for stage, median in expected["actual_median"].items():
        assert durations[stage].actual_median == median, stage


def test_every_figure_without_filters_matches_the_programs(client, seeded):
    client.force_login(reviewer())
    everything = list(Program.objects.all())
    expected = independent_figures(everything)
    # The seeded portfolio is varied enough for the comparison to mean something.
    assert expected["total"] == 16  # 16 demo programs + the outsider's − the archived one
    assert len(expected["by_stage"]) >= 5
    assert expected["overdue_activities"] and expected["late_programs"]
    assert expected["unpaid_chws"] and expected["spent_usd"]
    assert (
        expected["indicators_on_track"] and expected["indicators"] > expected["indicators_on_track"]
    )
    assert any(expected["actual_median"].values())
    data = dashboard(client).context["data"]
    assert_figures_match(data, expected, everything)


def _filters(programs):
    """Filter values drawn from the seeded data, each with the programs it should keep."""
    first = programs[0]
    organization = Organization.objects.get(name="Living Goods")
    start = datetime.date(2025, 6, 1)
    end = datetime.date(2026, 6, 30)
    return [
        (f"?country={first.country.code}", lambda p: p.country == first.country),
        (f"?type={first.program_type}", lambda p: p.program_type == first.program_type),
        ("?stage=planning", lambda p: p.lifecycle.stage == "planning"),
        ("?health=at_risk", lambda p: p.health == "at_risk"),
        (
            f"?partner={organization.pk}",
            lambda p: (
                p.lead_organization == organization
                or p.partner_links.filter(organization=organization).exists()
            ),
        ),
        (
            f"?start_from={start}&start_to={end}",
            lambda p: start <= p.planned_start <= end,
        ),
        (
            f"?country={first.country.code}&type={first.program_type}",
            lambda p: p.country == first.country and p.program_type == first.program_type,
        ),
        ("?only=active", lambda p: p.lifecycle.stage not in ("on_hold", "cancelled", "closed")),
    ]


def test_every_figure_with_each_filter_matches_the_programs_kept(client, seeded):
    client.force_login(reviewer())
    everything = list(Program.objects.select_related("lifecycle", "lead_organization"))
    kept_sizes = set()
    for query, keep in _filters(everything):
        kept = [program for program in everything if keep(program)]
        expected = independent_figures(kept)
        kept_sizes.add(expected["total"])
        data = dashboard(client, query).context["data"]
        assert 0 < data.total < 16, query  # the filter keeps some programs, not all
        assert_figures_match(data, expected, kept)
    assert len(kept_sizes) > 3


def _showing(html: str) -> int:
    match = re.search(r"Showing 1–\d+ of (\d+)", html)
    return int(match.group(1)) if match else 0


def test_each_tile_links_to_a_program_list_of_its_size(client, seeded):
    client.force_login(reviewer())
    response = dashboard(client)
    data = response.context["data"]
    links = response.context["links"]
    tiles = [
        (links["all"], data.total),
        (links["active"], data.active),
        (links["overdue"], data.overdue_programs),
        (links["late"], data.late_programs),
        (links["chw"], data.chw.programs),
        (links["unpaid"], data.chw.unpaid_programs),
    ]
    tiles += [(url, count) for _stage, _label, count, url in response.context["stage_rows"]]
    tiles += [(url, count) for _value, _label, count, url in response.context["health_rows"]]
    tiles += [(url, count) for _gap, _label, count, url in response.context["gap_rows"]]
    assert sum(1 for _url, count in tiles if count) >= 10
    for url, count in tiles:
        assert url.endswith("#programs")
        cache.clear()  # each list worked out from the records, with its context
        listed = client.get(url.removesuffix("#programs"))
        assert _showing(listed.content.decode()) == count, url
        assert listed.context["data"].total == count, url
    # The tile figures are in the page, each a link to its list.
    html = response.content.decode()
    assert f'id="tile-active">{data.active}</a>' in html
    assert f'id="tile-late">{data.late_programs}</a>' in html
    assert f'id="tile-overdue">{format_amount(data.overdue_activities)}</a>' in html


def test_chart_bars_link_to_the_programs_behind_them(client, seeded):
    client.force_login(reviewer())
    response = dashboard(client, "?health=on_track")
    html = response.content.decode()
    data = response.context["data"]
    stage, program_type = next(key for key, count in data.stage_type.items() if count)
    count = data.stage_type[(stage, program_type)]
    link = f'href="/portfolio/?type={program_type}&amp;stage={stage}&amp;health=on_track#programs"'
    chart = html[html.index('id="chart-stage-type"') :]
    assert link in chart[: chart.index("</figure>")]
    listed = client.get(f"/portfolio/?health=on_track&stage={stage}&type={program_type}")
    assert listed.context["page"].paginator.count == count
    code, _name, country_count = data.by_country[0]
    assert f"country={code}" in html
    listed = client.get(f"/portfolio/?health=on_track&country={code}")
    assert listed.context["page"].paginator.count == country_count


def test_a_member_sees_only_their_programs_and_never_an_outsiders(client, seeded):
    designer = get_user_model().objects.get(username="designer")
    theirs = list(
        Program.objects.filter(
            memberships__user=designer, memberships__until=None, archived_at=None
        ).distinct()
    )
    assert 0 < len(theirs) < 15
    client.force_login(designer)
    response = dashboard(client)
    data = response.context["data"]
    assert data.total == len(theirs)
    assert_figures_match(data, independent_figures(theirs), theirs)
    html = response.content.decode()
    assert "Outsider&#x27;s program" not in html and "outsider-program" not in html
    listed = {row.program.pk for row in response.context["rows"]}
    assert listed == {program.pk for program in theirs}
    # Filtering on the outsider's organization shows nothing of theirs either.
    outsider_org = Organization.objects.get(name="Outsider organization")
    response = client.get(f"/portfolio/?partner={outsider_org.pk}")
    assert response.status_code == 400  # not a choice this member has
    assert "outsider-program" not in response.content.decode()


def test_a_reviewer_sees_the_outsiders_program_too(client, seeded):
    client.force_login(reviewer())
    response = dashboard(client, "?sort=name")
    assert response.context["data"].total == 16
    response = client.get("/portfolio/?only=active&sort=-name&page=1")
    names = [row.program.name for row in response.context["rows"]]
    assert names == sorted(names, reverse=True)
    assert "Outsider's program" in names
