"""Read-only pages answer a POST with 405 Method Not Allowed (they used to render with 200, as if
something had been done), and the program forms answer 400 when they show errors."""

import pytest
from django.urls import reverse

from chtprograms.models import Program
from personas.services import program_creator_set
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory

from .test_views import create_data

pytestmark = pytest.mark.django_db

PROGRAM_TABS = [
    "chtprograms:program-detail",
    "chtprograms:considerations",
    "lifecycle:detail",
    "lifecycle:gate-panel",
    "audit:history",
    "plan:budget",
    "plan:indicators",
    "plan:chw-support",
    "plan:risks",
    "reports:reports",
]
SITE_PAGES = ["chtprograms:home", "chtprograms:program-list", "portfolio:dashboard"]


@pytest.fixture
def head(client):
    head = UserFactory(is_staff=False)
    ProgramFactory(head=head, slug="siaya")
    client.force_login(head)
    return head


@pytest.mark.parametrize("name", PROGRAM_TABS)
def test_every_read_only_program_tab_refuses_post(client, head, name):
    url = reverse(name, args=["siaya"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"anything": "1"})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    # The same answer for a program that does not exist: a 405 tells nobody anything.
    assert client.post(reverse(name, args=["no-such-program"])).status_code == 405


@pytest.mark.parametrize("name", SITE_PAGES)
def test_read_only_site_pages_refuse_post(client, head, name):
    assert client.get(reverse(name)).status_code == 200
    assert client.post(reverse(name), {"anything": "1"}).status_code == 405


def test_the_team_page_still_takes_new_members(client, head):
    """The team tab is not read-only: adding someone is a POST."""
    UserFactory(email="sita@example.org")
    url = reverse("personas:team", args=["siaya"])
    assert client.post(url, {"email": "sita@example.org", "role": "researcher"}).status_code == 302


def test_program_create_and_edit_errors_answer_400(client, head):
    program_creator_set(user=head)
    lead = OrganizationFactory()
    bad = create_data(lead, planned_end="2020-01-01")
    assert client.post(reverse("chtprograms:program-create"), bad).status_code == 400
    bad_partner = create_data(lead, **{"partners-0-organization": lead.pk})
    assert client.post(reverse("chtprograms:program-create"), bad_partner).status_code == 400
    assert Program.objects.count() == 1
    program = Program.objects.get()
    edit = reverse("chtprograms:program-edit", args=[program.slug])
    data = create_data(lead, name=program.name, slug=program.slug, planned_end="2020-01-01")
    assert client.post(edit, data).status_code == 400
    assert client.get(edit).status_code == 200
