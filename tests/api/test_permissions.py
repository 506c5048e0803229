"""Every endpoint, for every kind of caller: anonymous → 401; someone outside the program → 404
(the program's things look like nothing); a portfolio reviewer reads, and is refused changes
(403); a team member reads, and updates the activity assigned to them; the program head does
everything. The same rules as the pages, because the views ask the same predicates."""

import pytest

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programs/kenya-chv"

# (name, path from the ids) — every read under the program.
READS = [
    ("program", lambda ids: f"{BASE}/"),
    ("lifecycle", lambda ids: f"{BASE}/lifecycle/"),
    ("history", lambda ids: f"{BASE}/lifecycle/history/"),
    ("activities", lambda ids: f"{BASE}/activities/"),
    ("activity", lambda ids: f"{BASE}/activities/{ids['activity']}/"),
    ("budget lines", lambda ids: f"{BASE}/budget-lines/"),
    ("budget line", lambda ids: f"{BASE}/budget-lines/{ids['line']}/"),
    ("expenditures", lambda ids: f"{BASE}/expenditures/"),
    ("expenditure", lambda ids: f"{BASE}/expenditures/{ids['expenditure']}/"),
    ("indicators", lambda ids: f"{BASE}/indicators/"),
    ("indicator", lambda ids: f"{BASE}/indicators/{ids['indicator']}/"),
    ("measurements", lambda ids: f"{BASE}/indicators/{ids['indicator']}/measurements/"),
    ("chw support", lambda ids: f"{BASE}/chw-support/"),
    ("risks", lambda ids: f"{BASE}/risks/"),
    ("risk", lambda ids: f"{BASE}/risks/{ids['risk']}/"),
    ("lessons", lambda ids: f"{BASE}/lessons/"),
    ("lesson", lambda ids: f"{BASE}/lessons/{ids['lesson']}/"),
    ("reports", lambda ids: f"{BASE}/reports/"),
    ("report", lambda ids: f"{BASE}/reports/1/"),
    ("report pdf", lambda ids: f"{BASE}/reports/1/download/"),
    ("instances", lambda ids: f"{BASE}/instances/"),
    ("instance", lambda ids: f"{BASE}/instances/{ids['instance']}/"),
    ("snapshots", lambda ids: f"{BASE}/instances/{ids['instance']}/snapshots/"),
]

# (name, method, path, body, who may) — every write.
WRITES = [
    (
        "progress on the member's activity",
        "patch",
        lambda ids: f"{BASE}/activities/{ids['activity']}/",
        {"status": "in_progress"},
        {"member", "head"},
    ),
    (
        "progress on someone else's activity",
        "patch",
        lambda ids: f"{BASE}/activities/{ids['unassigned_activity']}/",
        {"status": "in_progress"},
        {"head"},
    ),
    (
        "assign an activity",
        "patch",
        lambda ids: f"{BASE}/activities/{ids['activity']}/",
        {"due_on": "2027-05-01"},
        {"head"},
    ),
    (
        "record a measurement",
        "post",
        lambda ids: f"{BASE}/indicators/{ids['indicator']}/measurements/",
        {"period_end": "2027-04-30", "value": "51.5", "source": "DHIS2"},
        {"head"},
    ),
]
ROLES = ["outsider", "reviewer", "member", "head"]


@pytest.mark.parametrize(("name", "path"), READS, ids=[name for name, _ in READS])
def test_reads(world, name, path):
    url = path(world["ids"])
    assert client_for().get(url).status_code == 401
    assert client_for(world["outsider"]).get(url).status_code == 404
    for role in ("reviewer", "member", "head"):
        response = client_for(world[role]).get(url)
        assert response.status_code == 200, (role, response.content[:300])


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "allowed"), WRITES, ids=[w[0] for w in WRITES]
)
def test_writes(world, name, method, path, body, allowed):
    url = path(world["ids"])
    assert getattr(client_for(), method)(url, body).status_code == 401
    for role in ROLES:
        response = getattr(client_for(world[role]), method)(url, body)
        if role == "outsider":
            expected = 404
        elif role in allowed:
            expected = 201 if method == "post" else 200
        else:
            expected = 403
        assert response.status_code == expected, (role, response.content[:300])


def test_the_program_list_shows_outsiders_nothing_and_members_their_own(world):
    from tests.factories import ProgramFactory

    ProgramFactory(slug="uganda-vht", name="Uganda VHT")

    def slugs(user):
        response = client_for(user).get("/api/v1/programs/")
        assert response.status_code == 200
        return [row["slug"] for row in response.json()["results"]]

    assert slugs(world["outsider"]) == []
    assert slugs(world["member"]) == ["kenya-chv"]
    assert slugs(world["head"]) == ["kenya-chv"]
    assert slugs(world["reviewer"]) == ["kenya-chv", "uganda-vht"]


def test_another_programs_things_are_not_found_through_this_program(world):
    """An id of another program's record, under a program the caller may see: 404."""
    from tests.api.conftest import fill_program
    from tests.factories import ProgramFactory

    other = ProgramFactory(slug="uganda-vht", head=world["head"])
    ids = fill_program(other)
    head = client_for(world["head"])
    for kind, url in [
        ("activity", f"{BASE}/activities/{ids['activity']}/"),
        ("line", f"{BASE}/budget-lines/{ids['line']}/"),
        ("expenditure", f"{BASE}/expenditures/{ids['expenditure']}/"),
        ("indicator", f"{BASE}/indicators/{ids['indicator']}/"),
        ("measurements", f"{BASE}/indicators/{ids['indicator']}/measurements/"),
        ("risk", f"{BASE}/risks/{ids['risk']}/"),
        ("lesson", f"{BASE}/lessons/{ids['lesson']}/"),
        ("instance", f"{BASE}/instances/{ids['instance']}/"),
        ("snapshots", f"{BASE}/instances/{ids['instance']}/snapshots/"),
    ]:
        assert head.get(url).status_code == 404, kind
    assert (
        head.patch(f"{BASE}/activities/{ids['activity']}/", {"status": "done"}).status_code == 404
    )
