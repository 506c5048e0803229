"""The program list and overview make the same number of queries whatever the data size."""

import pytest
from django.urls import reverse

from chtprograms.services import program_health_record
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory
from tests.queries import assert_same_count, get_counted, pinned

pytestmark = pytest.mark.django_db


def make_portfolio(size: int, member):
    programs = []
    for _ in range(size):
        partner = OrganizationFactory()
        program = ProgramFactory(partners=[(partner, "funder")])
        membership_add(program=program, user=member, role=PersonaRole.SOFTWARE_DEVELOPER)
        membership_add(program=program, user=UserFactory(), role=PersonaRole.UX_DESIGNER)
        program_health_record(program=program, by=member, status="at_risk", note="late")
        programs.append(program)
    return programs


@pytest.mark.parametrize(
    ("who", "figure", "unchanged"),
    [
        ("member", "program list", "program list, unchanged"),
        ("staff", "program list, site staff", "program list, site staff, unchanged"),
    ],
)
def test_program_list_query_count_does_not_grow(client, who, figure, unchanged):
    member = UserFactory()
    user = member if who == "member" else UserFactory(is_staff=True)
    client.force_login(user)
    make_portfolio(5, member)
    small, _ = get_counted(client, reverse("chtprograms:program-list"))
    make_portfolio(45, member)
    large, response = get_counted(client, reverse("chtprograms:program-list"))
    assert_same_count(small, large)
    large.assert_count(pinned(figure))
    # Nothing changed since: the list's content comes from the cache (core.data_version).
    again, answer = get_counted(client, reverse("chtprograms:program-list"))
    assert answer.context["content"] == response.context["content"]
    assert "rows" not in answer.context
    again.assert_count(pinned(unchanged))


def test_home_query_count_does_not_grow(client):
    member = UserFactory()
    client.force_login(member)
    make_portfolio(5, member)
    small, _ = get_counted(client, reverse("chtprograms:home"))
    make_portfolio(45, member)
    large, response = get_counted(client, reverse("chtprograms:home"))
    assert_same_count(small, large)
    large.assert_count(pinned("home"))
    # Nothing changed since: the page's content comes from the cache (core.data_version).
    again, answer = get_counted(client, reverse("chtprograms:home"))
    assert answer.context["content"] == response.context["content"]
    assert "rows" not in answer.context
    again.assert_count(pinned("home, unchanged"))


@pytest.mark.parametrize(
    ("page", "figure"),
    [
        ("chtprograms:program-detail", "program overview"),
        ("chtprograms:considerations", "considerations page"),
        ("personas:team", "team page"),
    ],
)
def test_program_pages_query_count_is_the_same_at_5_and_50_programs(client, page, figure):
    member = UserFactory()
    client.force_login(member)
    first = make_portfolio(5, member)[0]
    small, _ = get_counted(client, reverse(page, args=[first.slug]))
    make_portfolio(45, member)
    # a bigger team on the program itself must not add queries either
    for _ in range(10):
        membership_add(program=first, user=UserFactory(), role=PersonaRole.RESEARCHER)
    large, _ = get_counted(client, reverse(page, args=[first.slug]))
    assert_same_count(small, large)
    large.assert_count(pinned(figure))
