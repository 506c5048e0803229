"""Creating a program without friction: the short name's rule in one set of words, a lead
organization added from the form, partner rows added without saving, a long name refused with
a message (never cut by the browser), no "Program type chosen" chore."""

import re

import pytest
from django.urls import reverse

from chtprograms.models import SLUG_RULE, Organization, Program
from lifecycle.models import ActivityTemplate, StageActivity
from tests.chtprograms.test_views import create_data, creator  # noqa: F401 (fixture)
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

URL = reverse("chtprograms:program-create")


def test_short_name_error_says_the_words_of_its_help_text(client, creator):  # noqa: F811
    lead = OrganizationFactory()
    page = client.get(URL).content.decode()
    rule = str(SLUG_RULE).replace("“", "&ldquo;").replace("”", "&rdquo;")
    assert str(SLUG_RULE) in page or rule in page  # the help text
    response = client.post(URL, create_data(lead, slug="Kisumu CHV"))
    assert response.status_code == 400
    assert response.context["form"].errors["slug"] == [str(SLUG_RULE)]
    assert not Program.objects.exists()


def test_long_name_is_refused_with_its_length_not_cut(client, creator):  # noqa: F811
    lead = OrganizationFactory()
    page = client.get(URL).content.decode()
    (name_input,) = re.findall(r'<input[^>]*name="name"[^>]*>', page)
    assert 'data-max-length="200"' in name_input and " maxlength=" not in name_input
    response = client.post(URL, create_data(lead, name="N" * 230))
    assert response.status_code == 400
    (error,) = response.context["form"].errors["name"]
    assert "200" in error and "230" in error
    # The typed name comes back whole, to be shortened by the person.
    assert "N" * 230 in response.content.decode()


def test_lead_organization_added_from_the_form(client, creator):  # noqa: F811
    data = create_data(
        OrganizationFactory(),
        lead_organization="",
        new_organization="Kisumu County Health",
        new_organization_kind="ministry",
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    program = Program.objects.get(slug="kisumu-chv")
    assert program.lead_organization.name == "Kisumu County Health"
    assert program.lead_organization.kind == "ministry"
    assert program.lead_organization.country == "KE"


def test_new_organization_already_there_is_used_not_duplicated(client, creator):  # noqa: F811
    existing = OrganizationFactory(name="Living Goods")
    data = create_data(existing, lead_organization="", new_organization="living goods")
    assert client.post(URL, data).status_code == 302
    assert Program.objects.get().lead_organization == existing
    assert Organization.objects.filter(name__iexact="living goods").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"lead_organization": ""}, "lead_organization", "Choose the lead organization"),
        ({"new_organization": "Both Ways"}, "new_organization", "not both"),
        (
            {"lead_organization": "", "new_organization": "No Kind Org"},
            "new_organization_kind",
            "what kind",
        ),
    ],
)
def test_lead_organization_mistakes_get_a_message(client, creator, overrides, field, message):  # noqa: F811
    response = client.post(URL, create_data(OrganizationFactory(), **overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Program.objects.exists()
    assert not Organization.objects.filter(name__in=["Both Ways", "No Kind Org"]).exists()


def test_add_partner_without_javascript_keeps_typing_and_saves_nothing(client, creator):  # noqa: F811
    lead = OrganizationFactory()
    partner = OrganizationFactory(name="Living Goods")
    data = create_data(
        lead,
        name="Half typed",
        add_partner="1",
        **{"partners-0-organization": partner.pk, "partners-0-role": "funder"},
    )
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not Program.objects.exists()
    page = response.content.decode()
    assert 'value="Half typed"' in page
    partners = response.context["partners"]
    assert partners.total_form_count() == 3  # the typed row, the empty one, one more
    assert partners.forms[0].initial == {"organization": str(partner.pk), "role": "funder"}
    assert 'id="id_partners-2-organization"' in page
    assert "This field is required" not in page  # nothing was submitted to be saved


def test_edit_form_adds_a_partner_row_too(client, creator):  # noqa: F811
    lead = OrganizationFactory()
    client.post(URL, create_data(lead))
    program = Program.objects.get()
    url = reverse("chtprograms:program-edit", kwargs={"slug": program.slug})
    response = client.post(url, {**create_data(lead), "add_partner": "1"})
    assert response.status_code == 200
    assert response.context["partners"].total_form_count() == 3


def test_program_type_chosen_is_not_an_activity(client, creator):  # noqa: F811
    template = ActivityTemplate.objects.get(stage="initiation", title="Program type chosen")
    assert not template.active and not template.required
    assert client.post(URL, create_data(OrganizationFactory())).status_code == 302
    titles = set(StageActivity.objects.values_list("title", flat=True))
    assert titles and "Program type chosen" not in titles


def test_no_health_note_reads_not_assessed(client, creator):  # noqa: F811
    from chtprograms.services import program_health_record

    assert client.post(URL, create_data(OrganizationFactory())).status_code == 302
    program = Program.objects.get()
    page = client.get(program.get_absolute_url()).content.decode()
    assert "Not assessed" in page and "On track</span>" not in page
    program_health_record(program=program, by=creator, status="at_risk", note="Late devices.")
    page = client.get(program.get_absolute_url()).content.decode()
    assert "Not assessed" not in page and "At risk" in page
