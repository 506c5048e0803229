"""What the reads say: the programs with the portfolio's filters and sorts, the lifecycle with
its gate, the instances (shared ones too, never their credentials)."""

import pytest

from instances.services import instance_create
from tests.api.conftest import client_for
from tests.factories import ProgramFactory, bulk_programs, reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    programs = bulk_programs(9, prefix="pf")
    return reviewer(username="pf-reviewer"), programs


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_the_portfolios_filters_and_sorts(portfolio):
    user, programs = portfolio
    api = client_for(user)
    kenyan = [p.slug for p in programs if p.country == "KE"]
    assert sorted(slugs(api.get("/api/v1/programs/?country=KE"))) == sorted(kenyan)
    research = [p.slug for p in programs if p.program_type == "research"]
    assert sorted(slugs(api.get("/api/v1/programs/?type=research"))) == sorted(research)
    in_design = slugs(api.get("/api/v1/programs/?stage=design"))
    assert in_design == [p.slug for p in programs if p.lifecycle.stage == "design"]
    active = slugs(api.get("/api/v1/programs/?only=active"))
    assert len(active) == len([p for p in programs if p.lifecycle.stage != "on_hold"])
    by_name = slugs(api.get("/api/v1/programs/?ordering=-name&page_size=3"))
    assert by_name == sorted((p.slug for p in programs), reverse=True)[:3]
    page = api.get("/api/v1/programs/?page_size=4&page=3").json()
    assert page["count"] == 9 and len(page["results"]) == 1 and page["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stage=designing", "stage"),
        ("country=XX", "country"),
        ("start_from=2027-02-30", "start_from"),
        ("start_from=2027-03-01&start_to=2027-01-01", "start_to"),
        ("ordering=budget", "ordering"),
        ("health=", "health"),
        ("page_size=1000", "page_size"),
    ],
)
def test_a_filter_that_does_not_validate_is_a_400_naming_it(portfolio, query, field):
    response = client_for(portfolio[0]).get(f"/api/v1/programs/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_the_lifecycle_says_the_stage_the_gate_and_what_the_caller_may_decide(world):
    url = "/api/v1/programs/kenya-chv/lifecycle/"
    as_head = client_for(world["head"]).get(url).json()
    assert as_head["stage"] == "initiation"
    assert [step["state"] for step in as_head["steps"]][:2] == ["current", "upcoming"]
    gate = as_head["gate"]
    assert gate["stage"] == "initiation" and gate["total"] == len(gate["criteria"]) > 0
    assert {"id", "label", "met", "detail", "waivable"} <= set(gate["criteria"][0])
    assert "advance" in as_head["decisions"] and "hold" in as_head["decisions"]
    assert len(as_head["plan"]) == 8
    assert client_for(world["reviewer"]).get(url).json()["decisions"] == []


def test_instances_include_those_shared_with_the_program_and_never_credentials(world):
    other = ProgramFactory(slug="other-program")
    instance_create(
        program=other,
        base_url="https://shared.cht.example",
        shared_with=[world["program"]],
        impact_username="impact",
        impact_password="s3cret-password",
    )
    response = client_for(world["member"]).get("/api/v1/programs/kenya-chv/instances/")
    rows = {row["base_url"]: row for row in response.json()["results"]}
    shared = rows["https://shared.cht.example"]
    assert shared["shared"] is True and shared["managed_by"] == "other-program"
    assert shared["has_credentials"] is True
    assert b"s3cret" not in response.content and b"impact_credentials" not in response.content
    own = rows["https://kenya-chv.cht.example"]
    assert own["shared"] is False and own["latest_snapshot"]["status"] == "up"
    snapshots = client_for(world["member"]).get(
        f"/api/v1/programs/kenya-chv/instances/{own['id']}/snapshots/"
    )
    assert snapshots.json()["count"] == 1
    assert "raw" not in snapshots.json()["results"][0]


def test_a_snapshot_filter_with_an_impossible_date_or_offset_is_a_400_naming_it(client):
    """Found by Schemathesis on PostgreSQL: a UTC offset of -19:46 reached the database (500)."""
    from instances import services as instance_services
    from tests.factories import ProgramFactory, UserFactory

    head = UserFactory()
    program = ProgramFactory(head=head)
    instance = instance_services.instance_create(
        program=program, base_url="https://chis.example.org"
    )
    client.force_login(head)
    base = f"/api/v1/programs/{program.slug}/instances/{instance.pk}/snapshots/"
    assert client.get(base).status_code == 200
    for value in ("1164-01-04T13:02:07-19:46", "2026-01-04T13:02:07-19:46", "0633-11-06T04:23"):
        response = client.get(base, {"polled_after": value})
        assert response.status_code == 400, (value, response.status_code)
        assert "polled_after" in response.json()["errors"]
