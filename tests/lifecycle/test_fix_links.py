"""A gate's "fix this" links: shown only to those who may follow them, and saving on the page
they lead to brings the person back to the gate, saying what was saved."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from chtprograms.models import Consideration
from tests.factories import ProgramFactory, UserFactory, reviewer

pytestmark = pytest.mark.django_db

SCOPE = "Scope consideration addressed"


@pytest.fixture
def head():
    return UserFactory()


@pytest.fixture
def program(head):
    return ProgramFactory(head=head, slug="siaya")  # in initiation: the scope is not addressed


def _gate(client):
    return client.get(reverse("lifecycle:detail", args=["siaya"])).content.decode()


def test_the_head_gets_a_link_that_comes_back_to_the_gate(client, program, head):
    client.force_login(head)
    body = _gate(client)
    edit = reverse("chtprograms:consideration-edit", args=["siaya", "scope"])
    back = quote("/programs/siaya/lifecycle/#gate", safe="")
    assert f'href="{edit}?next={back}"' in body


def test_a_reviewer_sees_what_is_unmet_but_no_link_into_a_form(client, program):
    client.force_login(reviewer())
    body = _gate(client)
    assert SCOPE in body
    assert reverse("chtprograms:consideration-edit", args=["siaya", "scope"]) not in body
    # The activities criterion links to this page's list, which they may read.
    assert "Fix this" in body
    # and following the hidden link anyway is refused with the site's 403 page
    response = client.get(reverse("chtprograms:consideration-edit", args=["siaya", "scope"]))
    assert response.status_code == 403


def test_save_after_fix_this_lands_on_the_gate_with_a_message(client, program, head):
    client.force_login(head)
    edit = reverse("chtprograms:consideration-edit", args=["siaya", "scope"])
    back = "/programs/siaya/lifecycle/#gate"
    page = client.get(edit, {"next": back}).content.decode()
    assert f'<input type="hidden" name="next" value="{back}">' in page
    response = client.post(
        edit,
        {"status": "addressed", "risk": "low", "owner": "", "notes": "", "next": back},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == back
    body = response.content.decode()
    assert "Scope saved." in body and 'role="status"' in body
    assert Consideration.objects.get(program=program, area="scope").status == "addressed"


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "home"])
def test_an_unsafe_next_goes_to_the_considerations_page(client, program, head, unsafe):
    client.force_login(head)
    edit = reverse("chtprograms:consideration-edit", args=["siaya", "scope"])
    response = client.post(
        edit, {"status": "addressed", "risk": "low", "owner": "", "notes": "", "next": unsafe}
    )
    assert response.status_code == 302
    assert response["Location"] == "/programs/siaya/considerations/#scope"


def test_a_record_form_saves_and_goes_back_to_the_gate(client, program, head):
    """The record pages (here the scaling decision) keep `next` through Save and Cancel."""
    client.force_login(head)
    url = reverse("plan:scaling-decision", args=["siaya"])
    back = "/programs/siaya/lifecycle/#gate"
    page = client.get(url, {"next": back}).content.decode()
    assert f'<input type="hidden" name="next" value="{back}">' in page
    assert f'href="{back}">Cancel' in page
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    response = client.post(
        url,
        {
            "decision": "scale_up",
            "rationale": "Coverage doubled.",
            "decided_by": head.pk,
            "decided_on": "2026-01-15",
            "version": version,
            "next": back,
        },
    )
    assert response.status_code == 302 and response["Location"] == back
