"""Every URL of the program pages, for every kind of visitor.

anonymous → login redirect; user outside the program → 404; portfolio reviewer → can read,
403 on any change; program administrator → can change."""

import pytest
from django.urls import reverse

from chtprograms.considerations import Area
from personas.models import Membership, PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, UserFactory, reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    head = UserFactory(username="the-head")
    program = ProgramFactory(head=head, slug="siaya")
    administrator = UserFactory(username="the-admin")
    membership_add(program=program, user=administrator, role=PersonaRole.PROGRAM_ADMIN)
    developer = UserFactory(username="the-dev")
    dev_membership = membership_add(
        program=program, user=developer, role=PersonaRole.SOFTWARE_DEVELOPER
    )
    item = program.considerations.get(area=Area.SCOPE).items.first()
    return {
        "program": program,
        "head": head,
        "admin": administrator,
        "developer": developer,
        "dev_membership": dev_membership,
        "item": item,
        "newcomer": UserFactory(username="newcomer"),
    }


def program_data(program, **overrides):
    data = {
        "name": program.name,
        "slug": program.slug,
        "program_type": program.program_type,
        "country": program.country.code,
        "regions": program.regions,
        "lead_organization": program.lead_organization_id,
        "planned_start": "2027-01-01",
        "planned_end": "2028-01-01",
        "currency": "KES",
        "goals": "",
        "summary": "Edited",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


# (url name, method, kwargs(world), data(world) or None, reads?)
READS = [
    ("chtprograms:program-detail", lambda w: {"slug": "siaya"}),
    ("chtprograms:considerations", lambda w: {"slug": "siaya"}),
    ("personas:team", lambda w: {"slug": "siaya"}),
]
CHANGES = [
    ("chtprograms:program-edit", "get", lambda w: {"slug": "siaya"}, None),
    (
        "chtprograms:program-edit",
        "post",
        lambda w: {"slug": "siaya"},
        lambda w: program_data(w["program"]),
    ),
    (
        "chtprograms:program-health",
        "post",
        lambda w: {"slug": "siaya"},
        lambda w: {"status": "at_risk", "note": "Late"},
    ),
    ("chtprograms:program-archive", "get", lambda w: {"slug": "siaya"}, None),
    ("chtprograms:program-archive", "post", lambda w: {"slug": "siaya"}, lambda w: {}),
    (
        "chtprograms:consideration-edit",
        "get",
        lambda w: {"slug": "siaya", "area": "scope"},
        None,
    ),
    (
        "chtprograms:consideration-edit",
        "post",
        lambda w: {"slug": "siaya", "area": "scope"},
        lambda w: {"status": "in_progress", "risk": "low", "owner": "", "notes": "n"},
    ),
    (
        "chtprograms:consideration-item-add",
        "post",
        lambda w: {"slug": "siaya", "area": "scope"},
        lambda w: {"label": "Another item"},
    ),
    (
        "chtprograms:consideration-item-update",
        "post",
        lambda w: {"slug": "siaya", "pk": w["item"].pk},
        lambda w: {"done": "on", "note": "yes"},
    ),
    (
        "chtprograms:consideration-item-delete",
        "post",
        lambda w: {"slug": "siaya", "pk": w["item"].pk},
        lambda w: {},
    ),
    (
        "personas:team",
        "post",
        lambda w: {"slug": "siaya"},
        lambda w: {"email": w["newcomer"].email, "role": "researcher"},
    ),
    (
        "personas:membership-edit",
        "get",
        lambda w: {"slug": "siaya", "pk": w["dev_membership"].pk},
        None,
    ),
    (
        "personas:membership-edit",
        "post",
        lambda w: {"slug": "siaya", "pk": w["dev_membership"].pk},
        lambda w: {"role": "technical_support"},
    ),
    (
        "personas:membership-remove",
        "get",
        lambda w: {"slug": "siaya", "pk": w["dev_membership"].pk},
        None,
    ),
    (
        "personas:membership-remove",
        "post",
        lambda w: {"slug": "siaya", "pk": w["dev_membership"].pk},
        lambda w: {},
    ),
]
ALL = [(name, "get", kwargs, None) for name, kwargs in READS] + CHANGES
IDS = [f"{method.upper()} {name}" for name, method, _k, _d in ALL]


def call(client, world, name, method, kwargs, data):
    url = reverse(name, kwargs=kwargs(world))
    if method == "get":
        return client.get(url)
    return client.post(url, data(world) if data else {})


@pytest.mark.parametrize(("name", "method", "kwargs", "data"), ALL, ids=IDS)
def test_anonymous_is_sent_to_login(client, world, name, method, kwargs, data):
    response = call(client, world, name, method, kwargs, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method", "kwargs", "data"), ALL, ids=IDS)
def test_outsider_cannot_tell_the_program_exists(client, world, name, method, kwargs, data):
    client.force_login(UserFactory(username="outsider"))
    assert call(client, world, name, method, kwargs, data).status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), READS, ids=[n for n, _k in READS])
@pytest.mark.parametrize("who", ["reviewer", "developer", "admin", "head"])
def test_readers_can_read(client, world, name, kwargs, who):
    user = reviewer() if who == "reviewer" else world[who]
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200
    assert world["program"].name in response.content.decode()


CHANGE_IDS = [f"{method.upper()} {name}" for name, method, _k, _d in CHANGES]


@pytest.mark.parametrize(("name", "method", "kwargs", "data"), CHANGES, ids=CHANGE_IDS)
@pytest.mark.parametrize("who", ["reviewer", "developer"])
def test_readers_cannot_change(client, world, name, method, kwargs, data, who):
    client.force_login(reviewer() if who == "reviewer" else world[who])
    before = Membership.objects.count(), world["program"].considerations.get(area="scope").status
    assert call(client, world, name, method, kwargs, data).status_code == 403
    after = Membership.objects.count(), world["program"].considerations.get(area="scope").status
    assert before == after


@pytest.mark.parametrize(("name", "method", "kwargs", "data"), CHANGES, ids=CHANGE_IDS)
def test_program_administrator_can_change(client, world, name, method, kwargs, data):
    client.force_login(world["admin"])
    response = call(client, world, name, method, kwargs, data)
    assert response.status_code in (200, 302), response.content[:500]


def test_create_page_is_refused_to_reviewers_and_people_with_no_right_to_create(client):
    # Who may: tests/personas/test_program_creators.py
    client.force_login(reviewer())
    assert client.get(reverse("chtprograms:program-create")).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("chtprograms:program-create")).status_code == 403


def test_program_list_shows_only_visible_programs(client):
    mine = ProgramFactory(name="Mine")
    ProgramFactory(name="Not mine")
    member = UserFactory()
    membership_add(program=mine, user=member, role=PersonaRole.RESEARCHER)
    client.force_login(member)
    body = client.get(reverse("chtprograms:program-list")).content.decode()
    assert "Mine" in body and "Not mine" not in body
    client.force_login(reviewer())
    body = client.get(reverse("chtprograms:program-list")).content.decode()
    assert "Mine" in body and "Not mine" in body
