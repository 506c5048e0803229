import pytest
from django.urls import reverse

from chtprograms.models import Consideration, Program
from personas.models import Membership, PersonaRole
from personas.services import membership_add, program_creator_set
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def create_data(lead, **overrides):
    data = {
        "name": "Kisumu CHV app",
        "slug": "kisumu-chv",
        "program_type": "accompanied",
        "country": "KE",
        "regions": "Kisumu\nSiaya",
        "lead_organization": lead.pk,
        "planned_start": "2027-03-01",
        "planned_end": "2029-02-28",
        "currency": "KES",
        "goals": "Faster referrals",
        "summary": "",
        "partners-TOTAL_FORMS": "2",
        "partners-INITIAL_FORMS": "0",
        "partners-0-organization": "",
        "partners-0-role": "",
        "partners-1-organization": "",
        "partners-1-role": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def creator(client):
    user = UserFactory(username="creator")
    program_creator_set(user=user)
    client.force_login(user)
    return user


def test_create_program_with_partner_makes_creator_head(client, creator):
    lead = OrganizationFactory(name="Ministry of Health, Kenya")
    partner = OrganizationFactory(name="Living Goods")
    data = create_data(
        lead,
        **{"partners-0-organization": partner.pk, "partners-0-role": "funder"},
    )
    response = client.post(reverse("chtprograms:program-create"), data)
    program = Program.objects.get(slug="kisumu-chv")
    assert response.status_code == 302 and response["Location"] == program.get_absolute_url()
    assert program.region_list == ["Kisumu", "Siaya"]
    assert program.partner_links.get().role == "funder"
    assert Membership.objects.get(program=program).user == creator
    page = client.get(program.get_absolute_url()).content.decode()
    assert "Living Goods" in page and "funder" in page


def test_end_before_start_shows_the_error_beside_the_field_and_keeps_input(client, creator):
    lead = OrganizationFactory()
    data = create_data(lead, planned_end="2027-02-01")
    response = client.post(reverse("chtprograms:program-create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_planned_end_error"' in body
    assert "The planned end cannot be before the planned start." in body
    assert 'value="Kisumu CHV app"' in body  # what the user typed is still there
    assert Program.objects.count() == 0


def test_duplicate_name_and_bad_partner_rows_are_explained(client, creator):
    lead = OrganizationFactory()
    ProgramFactory(name="Kisumu CHV app", country="KE")
    data = create_data(
        lead,
        slug="another-slug",
        **{"partners-0-organization": lead.pk, "partners-0-role": ""},
    )
    response = client.post(reverse("chtprograms:program-create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This name is taken in this country" in body
    assert 'id="id_name_error"' in body
    assert "Say what this partner does in the program." in body
    assert Program.objects.count() == 1


def test_edit_with_invalid_currency_keeps_the_saved_program(client):
    head = UserFactory()
    program = ProgramFactory(head=head, currency="UGX", country="UG")
    client.force_login(head)
    data = create_data(
        program.lead_organization,
        name=program.name,
        slug=program.slug,
        country="UG",
        currency="XXQ",
    )
    response = client.post(reverse("chtprograms:program-edit", args=[program.slug]), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    program.refresh_from_db()
    assert program.currency == "UGX"


def test_consideration_edit_in_place_returns_only_the_details_for_htmx(client):
    head = UserFactory()
    program = ProgramFactory(head=head)
    client.force_login(head)
    url = reverse("chtprograms:consideration-edit", args=[program.slug, "ethics"])
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="ethics-details"' in form and "id_status" in form
    # Only the details: the checklist (and whatever is being typed in it) is not replaced.
    assert "<article" not in form and "<html" not in form and 'name="label"' not in form
    response = client.post(
        url,
        {"status": "addressed", "risk": "high", "owner": head.pk, "notes": "MoU signed"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    answer = response.content.decode()
    assert "MoU signed" in answer and 'name="label"' not in answer
    assert 'id="ethics-status" data-status="addressed" hx-swap-oob="true"' in answer
    consideration = Consideration.objects.get(program=program, area="ethics")
    assert (consideration.status, consideration.risk, consideration.owner) == (
        "addressed",
        "high",
        head,
    )


def test_consideration_owner_must_be_on_the_team(client):
    head = UserFactory()
    program = ProgramFactory(head=head)
    client.force_login(head)
    url = reverse("chtprograms:consideration-edit", args=[program.slug, "scope"])
    stranger = UserFactory()
    response = client.post(
        url, {"status": "addressed", "risk": "low", "owner": stranger.pk, "notes": ""}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Consideration.objects.get(program=program, area="scope").owner is None


def test_checklist_item_without_label_is_refused(client):
    head = UserFactory()
    program = ProgramFactory(head=head)
    client.force_login(head)
    scope = program.considerations.get(area="scope")
    count = scope.items.count()
    url = reverse("chtprograms:consideration-item-add", args=[program.slug, "scope"])
    response = client.post(url, {"label": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert scope.items.count() == count


def test_team_add_duplicate_role_is_explained(client):
    head = UserFactory()
    program = ProgramFactory(head=head)
    client.force_login(head)
    response = client.post(
        reverse("personas:team", args=[program.slug]),
        {"user": head.pk, "role": PersonaRole.PROGRAM_HEAD},
    )
    assert response.status_code == 400
    assert "This person already holds this role on the program." in response.content.decode()


def test_removing_the_last_head_is_refused_with_a_message(client):
    head = UserFactory()
    program = ProgramFactory(head=head)
    client.force_login(head)
    membership = Membership.objects.get(program=program, user=head)
    response = client.post(
        reverse("personas:membership-remove", args=[program.slug, membership.pk])
    )
    assert response.status_code == 400
    assert "appoint another head first" in response.content.decode()
    assert Membership.objects.current().filter(pk=membership.pk).exists()


def test_program_list_search_filters_and_paginates(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    for index in range(30):
        ProgramFactory(name=f"Kenya program {index:02d}", country="KE")
    ProgramFactory(name="Nepal program", country="NP", program_type="research")
    url = reverse("chtprograms:program-list")
    first = client.get(url).content.decode()
    assert "Showing 1–25 of 31" in first
    nepal = client.get(url, {"country": "NP"}).content.decode()
    assert "Nepal program" in nepal and "Kenya program" not in nepal
    research = client.get(url, {"type": "research", "q": "nepal"}).content.decode()
    assert "Showing 1–1 of 1" in research
    page2 = client.get(url, {"country": "KE", "page": 2}).content.decode()
    assert "Showing 26–30 of 30" in page2
    assert "country=KE&amp;page=1" in page2  # filters kept in the pagination links


def test_archived_programs_leave_the_list_until_asked_for(client):
    head = UserFactory()
    program = ProgramFactory(head=head, name="Old pilot")
    client.force_login(head)
    client.post(reverse("chtprograms:program-archive", args=[program.slug]))
    url = reverse("chtprograms:program-list")
    assert "Old pilot" not in client.get(url).content.decode()
    assert "Old pilot" in client.get(url, {"archived": "1"}).content.decode()
    assert Program.objects.filter(pk=program.pk).exists()


def test_home_lists_my_programs_with_my_roles(client):
    me = UserFactory()
    program = ProgramFactory(name="Busia CHV app")
    membership_add(program=program, user=me, role=PersonaRole.SYSTEM_ADMIN)
    ProgramFactory(name="Somebody else's")
    client.force_login(me)
    body = client.get(reverse("chtprograms:home")).content.decode()
    assert "Busia CHV app" in body and "System administrator" in body
    assert "Somebody else" not in body
