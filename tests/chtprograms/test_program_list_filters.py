"""The program list's filters are validated: a hostile value gets a message beside its field
(or is ignored, for the sort and the page), never a 500, and never travels on in the links."""

import re

import pytest
from django.urls import reverse

from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/programs/"
#: A link of the list (sort, pagination) carrying a NUL on.
LINK_WITH_NUL = re.compile(r'href="\?[^"]*(%00|\x00)')


@pytest.fixture
def head(client):
    head = UserFactory(username="head")
    ProgramFactory(head=head, name="Kenya CHV", country="KE")
    ProgramFactory(head=head, name="Nepal study", country="NP", program_type="research")
    client.force_login(head)
    return head


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("q", "\x00", "Null characters are not allowed."),
        ("q", "a\x00b", "Null characters are not allowed."),
        ("q", "x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        ("type", "\x00", "Select a valid choice."),
        ("type", "ministry", "Select a valid choice."),
        ("country", "\x00", "Select a valid choice."),
        ("country", "FR", "Select a valid choice."),  # no program of theirs runs there
        ("health", "\x00", "Select a valid choice."),
        ("health", "fine", "Select a valid choice."),
    ],
)
def test_a_hostile_filter_gets_a_message_beside_its_field(client, head, field, value, message):
    response = client.get(URL, {field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="filter-{field}-error">{message}' in page
    # The filter is left out: both programs are listed, and no link carries the value on.
    assert "Kenya CHV" in page and "Nepal study" in page
    assert not LINK_WITH_NUL.search(page)


@pytest.mark.parametrize(
    ("field", "value"),
    [("sort", "\x00"), ("sort", "-password"), ("page", "\x00"), ("page", "-1"), ("page", "9" * 30)],
)
def test_a_hostile_sort_or_page_is_ignored(client, head, field, value):
    response = client.get(URL, {field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Kenya CHV") < page.index("Nepal study")  # by name, as by default
    assert not LINK_WITH_NUL.search(page)


def test_valid_filters_still_filter_and_stay_in_the_links(client, head):
    for index in range(30):
        ProgramFactory(head=head, name=f"Kenya program {index:02d}", country="KE")
    response = client.get(
        URL, {"country": "KE", "q": "Kenya program", "sort": "-name", "page": "2"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Showing 26–30 of 30" in page
    assert "q=Kenya+program&amp;country=KE&amp;sort=-name&amp;page=1" in page
    assert "Nepal study" not in page
    assert "Include archived" in page
    assert reverse("chtprograms:program-list") == URL


@pytest.mark.parametrize("field", ["q", "type", "country", "health", "sort", "page"])
def test_the_portfolio_answers_hostile_filters_too(client, head, field):
    response = client.get("/portfolio/", {field: "\x00"})
    assert response.status_code in (200, 400)
