"""The live CHT instances on the portfolio: a tile with programs down, flagged, past end of life
and the engagement over their instances; filters behind each figure; a column in the table and
in the CSV export; the same number of queries with instances present."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from instances.models import InstanceFlag, Snapshot
from instances.services import instance_create
from tests.factories import ProgramFactory, UserFactory, reviewer
from tests.queries import assert_same_count, get_counted

pytestmark = pytest.mark.django_db


def polled(program, status, *, flags=(), connected=None, users=None, shared_with=()):
    instance = instance_create(
        program=program,
        base_url=f"https://{program.slug}.example.org",
        shared_with=list(shared_with),
    )
    snapshot = Snapshot.objects.create(
        instance=instance,
        status=status,
        connected_users_7d=connected,
        users_count=users,
    )
    type(instance).objects.filter(pk=instance.pk).update(latest_snapshot=snapshot)
    for code in flags:
        InstanceFlag.objects.create(instance=instance, code=code, raised_at=timezone.now())
    return instance


@pytest.fixture
def portfolio():
    head = UserFactory(username="head")
    down = ProgramFactory(head=head, name="Down program", slug="down")
    flagged = ProgramFactory(head=head, name="Flagged program", slug="flagged")
    old = ProgramFactory(head=head, name="Old version", slug="old")
    fine = ProgramFactory(head=head, name="Fine program", slug="fine")
    partner = ProgramFactory(head=head, name="Partner program", slug="partner")
    ProgramFactory(head=head, name="No instance", slug="none")
    polled(down, "down", flags=["down"])
    polled(flagged, "up", flags=["sentinel_backlog"], connected=30, users=100)
    polled(old, "up", flags=["end_of_life"], connected=10, users=50)
    polled(fine, "up", connected=20, users=50, shared_with=[partner])
    return head


def test_the_tile_counts_programs_by_their_instances_state(client, portfolio):
    client.force_login(reviewer(username="rev"))
    page = client.get(reverse("portfolio:dashboard")).content.decode()
    assert 'id="instances-programs">5<' in page  # the shared instance serves the partner too
    assert 'id="instances-down">1<' in page
    assert 'id="instances-flagged">3<' in page  # down, sentinel backlog, end of life
    assert 'id="instances-eol">1<' in page
    assert 'id="instances-engagement">30%<' in page  # (30 + 10 + 20) ÷ (100 + 50 + 50)


@pytest.mark.parametrize(
    ("only", "listed"),
    [
        ("instances_down", {"Down program"}),
        ("instances_flagged", {"Down program", "Flagged program", "Old version"}),
        ("instances_eol", {"Old version"}),
    ],
)
def test_each_figure_leads_to_its_programs(client, portfolio, only, listed):
    client.force_login(reviewer(username="rev"))
    response = client.get(reverse("portfolio:export") + f"?only={only}")
    text = b"".join(response.streaming_content).decode()
    assert {row["Program"] for row in csv.DictReader(io.StringIO(text))} == listed


def test_the_table_and_the_export_show_each_programs_instance(client, portfolio):
    client.force_login(reviewer(username="rev"))
    page = client.get(reverse("portfolio:dashboard")).content.decode()
    assert 'text-bg-danger">Down<' in page and "No alert" in page
    response = client.get(reverse("portfolio:export"))
    rows = {
        row["Program"]: row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    assert (rows["Down program"]["CHT instance"], rows["Down program"]["CHT instance down"]) == (
        "yes",
        "yes",
    )
    assert rows["Old version"]["CHT version past end of life"] == "yes"
    assert rows["Partner program"]["CHT instance"] == "yes"
    assert rows["No instance"]["CHT instance"] == "no"


def test_instances_cost_no_query_per_program(client):
    head = UserFactory(username="head")
    client.force_login(reviewer(username="rev"))
    counted = []
    for size in (2, 12):
        for index in range(size):
            program = ProgramFactory(head=head, slug=f"p-{size}-{index}")
            polled(program, "down" if index % 2 else "up", flags=["down"] if index % 2 else ())
        queries, response = get_counted(client, reverse("portfolio:dashboard"))
        assert response.status_code == 200
        counted.append(queries)
    assert_same_count(*counted)
