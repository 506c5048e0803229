"""The plan and evidence pages: who may see and change them, and what they show."""

import datetime

import pytest
from django.urls import reverse

from plan.hosting.models import HostingEstimate
from tests.factories import (
    ExchangeRateFactory,
    ProgramFactory,
    UserFactory,
)

from .pages import CHANGE_PAGES, CHANGE_POSTS, READ_PAGES, counts, url

pytestmark = pytest.mark.django_db


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "key"), [(n, None) for n in READ_PAGES] + CHANGE_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, world, name, key):
    response = client.get(url(world, name, key))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "key"), [(n, None) for n in READ_PAGES] + CHANGE_POSTS)
def test_outsiders_cannot_tell_the_program_exists(client, world, name, key):
    client.force_login(world["outsider"])
    before = counts()
    post_only = name == "hosting-estimate-add-to-budget"
    assert client.get(url(world, name, key)).status_code == (405 if post_only else 404)
    # A read-only tab refuses any POST (405) before looking the program up: no tell either.
    read_only = name in READ_PAGES and name != "hosting-estimate"  # it saves estimates
    assert client.post(url(world, name, key), {}).status_code == (405 if read_only else 404)
    assert counts() == before


@pytest.mark.parametrize("who", ["reviewer", "developer", "head", "admin", "staff"])
@pytest.mark.parametrize("name", READ_PAGES)
def test_team_members_and_reviewers_read_every_page(client, world, who, name):
    client.force_login(world[who])
    response = client.get(url(world, name))
    assert response.status_code == 200
    can_change = who in ("head", "admin", "staff")
    add_links = [
        reverse(f"plan:{page}", args=[world["program"].slug])
        for page in ("budget-line-create", "indicator-create", "risk-create")
    ]
    page = response.content.decode()
    if name in ("budget", "indicators", "risks"):
        assert any(link in page for link in add_links) is can_change


@pytest.mark.parametrize("who", ["reviewer", "developer"])
@pytest.mark.parametrize(("name", "key"), CHANGE_POSTS)
def test_readers_are_refused_changes(client, world, who, name, key):
    client.force_login(world[who])
    before = counts()
    if name != "hosting-estimate-add-to-budget":
        assert client.get(url(world, name, key)).status_code == 403
    assert client.post(url(world, name, key), {"name": "x"}).status_code == 403
    assert counts() == before


@pytest.mark.parametrize("who", ["reviewer", "developer"])
def test_readers_cannot_save_a_hosting_estimate(client, world, who):
    client.force_login(world[who])
    data = {"users": 5, "population": 5, "workflows": 1, "years": 1, "overprovisioning": 5}
    assert client.post(url(world, "hosting-estimate"), data).status_code == 403
    assert HostingEstimate.objects.count() == 1


@pytest.mark.parametrize("who", ["head", "admin", "staff"])
@pytest.mark.parametrize(("name", "key"), CHANGE_PAGES)
def test_heads_administrators_and_staff_open_every_form(client, world, who, name, key):
    client.force_login(world[who])
    response = client.get(url(world, name, key))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<form" in page and "csrfmiddlewaretoken" in page


@pytest.mark.parametrize(("name", "key"), [c for c in CHANGE_POSTS if c[1]])
def test_objects_of_another_program_are_not_found(client, world, name, key):
    other = ProgramFactory(head=world["head"])
    client.force_login(world["head"])
    slug_url = url(world, name, key).replace(f"/{world['program'].slug}/", f"/{other.slug}/")
    assert client.get(slug_url).status_code in (404, 405)
    assert client.post(slug_url, {}).status_code == 404


# --- what the pages show ----------------------------------------------------------------------


def test_empty_pages_say_what_they_are_for_and_offer_the_first_action(client):
    head = UserFactory()
    program = ProgramFactory(head=head)
    client.force_login(head)
    expectations = {
        "budget": "Add the first budget line",
        "indicators": "Add the first indicator",
        "chw-support": "Record CHW support",
        "risks": "No risks recorded — add the first one",
        "hosting-estimate": "No saved estimate yet",
    }
    for name, text in expectations.items():
        page = client.get(reverse(f"plan:{name}", args=[program.slug])).content.decode()
        assert text in page, name


def test_budget_page_shows_totals_with_usd_and_the_chart(head_client, world):
    ExchangeRateFactory(
        currency="KES", effective_date=datetime.date(2020, 1, 1), units_per_usd="125"
    )
    page = head_client.get(url(world, "budget")).content.decode()
    # One line of KES 100,000 with KES 1,000 spent on 15 Mar 2027.
    assert "KES 100,000 (≈ USD 800)" in page
    assert "KES 1,000 (≈ USD 8)" in page
    assert 'role="img"' in page and "Budget: forecast and spent by category" in page
    assert "Showing 1–1 of 1" in page


def test_indicators_page_states_the_rule(head_client, world):
    page = head_client.get(url(world, "indicators")).content.decode()
    assert "no more than 15% behind the straight line" in page
    assert "Impact summary" in page


def test_overview_shows_budget_spent_and_indicators_on_track(head_client, world):
    program = world["program"]
    page = head_client.get(program.get_absolute_url()).content.decode()
    assert "1% — KES 1,000 of KES 100,000" in page
    assert 'id="overview-indicators"' in page and "0 of 1" in page
