"""The new-program form and the team page tell nobody about programs or people they may not see.

Uniqueness errors are neutral (a taken short name gets a free one suggested), and people pickers
offer the program's team or a search by exact e-mail address, never the whole directory."""

import pytest
from django.urls import reverse

from chtprograms.models import Program
from personas.models import Membership, PersonaRole
from personas.services import program_creator_set
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory

from .test_views import create_data

pytestmark = pytest.mark.django_db

CREATE = "chtprograms:program-create"


@pytest.fixture
def creator(client):
    user = UserFactory(username="creator", email="creator@example.org")
    program_creator_set(user=user)
    client.force_login(user)
    return user


@pytest.fixture
def hidden():
    """A program the creator is not on and may not see."""
    return ProgramFactory(
        name="Hidden secret program",
        slug="hidden-secret",
        country="KE",
        head=UserFactory(username="hidden-head", email="hidden.head@example.org"),
    )


def test_a_taken_short_name_is_refused_neutrally_with_a_free_one_suggested(client, creator, hidden):
    ProgramFactory(slug="hidden-secret-2")  # the first suggestion is taken too
    data = create_data(OrganizationFactory(), name="Kisumu CHV app", slug="hidden-secret")
    response = client.post(reverse(CREATE), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This short name is taken; choose another, for example “hidden-secret-3”." in body
    assert "Hidden secret program" not in body and "already exists" not in body
    data["slug"] = "hidden-secret-3"
    assert client.post(reverse(CREATE), data).status_code == 302


def test_a_name_taken_in_the_country_is_refused_without_confirming_the_program(
    client, creator, hidden
):
    data = create_data(OrganizationFactory(), name="HIDDEN secret program", slug="fresh")
    response = client.post(reverse(CREATE), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This name is taken in this country; choose another" in body
    assert "already exists" not in body and "hidden-secret" not in body
    assert client.post(reverse(CREATE), {**data, "country": "UG"}).status_code == 302


def test_editing_a_program_to_a_hidden_programs_short_name_is_refused_neutrally(client, hidden):
    head = UserFactory()
    mine = ProgramFactory(head=head, slug="mine")
    client.force_login(head)
    data = create_data(mine.lead_organization, name=mine.name, slug="hidden-secret", country="KE")
    response = client.post(reverse("chtprograms:program-edit", args=["mine"]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This short name is taken; choose another" in body
    assert "Hidden secret program" not in body


def test_the_new_program_form_lists_no_one(client, creator, hidden):
    UserFactory(username="someone-else", first_name="Zebedee", email="zeb@example.org")
    body = client.get(reverse(CREATE)).content.decode()
    for tell in ("someone-else", "Zebedee", "zeb@example.org", "hidden-head"):
        assert tell not in body
    assert 'name="head"' not in body and 'name="head_email"' in body


def test_the_creator_is_the_head_by_default(client, creator):
    assert client.post(reverse(CREATE), create_data(OrganizationFactory())).status_code == 302
    program = Program.objects.get(slug="kisumu-chv")
    assert list(Membership.objects.filter(program=program).values_list("user", "role")) == [
        (creator.pk, PersonaRole.PROGRAM_HEAD)
    ]


def test_another_head_is_found_by_exact_e_mail_address_only(client, creator):
    sita = UserFactory(username="sita", email="Sita.Gurung@example.org")
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    lead = OrganizationFactory()
    for near_miss in ("sita", "example.org", "gurung@example.org", "gone@example.org"):
        response = client.post(reverse(CREATE), create_data(lead, head_email=near_miss))
        assert response.status_code == 400, near_miss
        assert "sita" not in response.content.decode().replace(near_miss, "")
        assert not Program.objects.exists()
    response = client.post(reverse(CREATE), create_data(lead, head_email="sita.gurung@EXAMPLE.org"))
    assert response.status_code == 302
    program = Program.objects.get()
    assert list(Membership.objects.filter(program=program).values_list("user", "role")) == [
        (sita.pk, PersonaRole.PROGRAM_HEAD)
    ]


def test_an_unknown_address_is_explained_beside_the_field(client, creator):
    data = create_data(OrganizationFactory(), head_email="nobody@example.org")
    response = client.post(reverse(CREATE), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_head_email_error"' in body and "No one can be made head" in body
    assert 'value="nobody@example.org"' in body


# --- the team page -----------------------------------------------------------------------------


@pytest.fixture
def team_page(client):
    head = UserFactory(username="the-head", email="head@example.org")
    program = ProgramFactory(head=head, slug="siaya")
    client.force_login(head)
    return program, reverse("personas:team", args=["siaya"])


def test_the_team_page_lists_only_the_team(client, team_page, hidden):
    UserFactory(username="stranger", first_name="Zebedee", email="zeb@example.org")
    body = client.get(team_page[1]).content.decode()
    for tell in ("stranger", "Zebedee", "zeb@example.org", "hidden-head"):
        assert tell not in body
    assert "the-head" in body  # the team itself, offered for another role


def test_someone_is_added_by_exact_address(client, team_page):
    program, url = team_page
    sita = UserFactory(username="sita", email="sita@example.org")
    response = client.post(url, {"email": "SITA@example.org", "role": "researcher"})
    assert response.status_code == 302
    assert Membership.objects.filter(program=program, user=sita, role="researcher").exists()


def test_a_team_member_gets_another_role_from_the_list(client, team_page):
    program, url = team_page
    head = Membership.objects.get(program=program).user
    assert client.post(url, {"user": head.pk, "role": "researcher"}).status_code == 302
    assert Membership.objects.filter(program=program, user=head, role="researcher").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "sit@example.org", "role": "researcher"}, "No one can be added"),
        ({"role": "researcher"}, "Choose someone on the team or give the address"),
        ({"email": "sita@example.org", "user": "PK", "role": "researcher"}, "not both"),
    ],
    ids=["unknown address", "nobody", "both"],
)
def test_adding_needs_one_known_person(client, team_page, data, message):
    program, url = team_page
    UserFactory(username="sita", email="sita@example.org")
    head = Membership.objects.get(program=program).user
    data = {key: (head.pk if value == "PK" else value) for key, value in data.items()}
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Membership.objects.filter(program=program).count() == 1


def test_a_person_outside_the_team_cannot_be_picked_by_id(client, team_page):
    program, url = team_page
    stranger = UserFactory(username="stranger")
    response = client.post(url, {"user": stranger.pk, "role": "researcher"})
    assert response.status_code == 400
    assert not Membership.objects.filter(user=stranger).exists()
