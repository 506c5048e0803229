"""The program list and overview make the same number of queries whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chtprograms.services import program_health_record
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory

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


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["member", "staff"])
def test_program_list_query_count_does_not_grow(client, who):
    member = UserFactory()
    user = member if who == "member" else UserFactory(is_staff=True)
    client.force_login(user)
    make_portfolio(5, member)
    small = count_queries(client, reverse("chtprograms:program-list"))
    make_portfolio(45, member)
    large = count_queries(client, reverse("chtprograms:program-list"))
    assert small == large
    assert small <= 10


def test_home_query_count_does_not_grow(client):
    member = UserFactory()
    client.force_login(member)
    make_portfolio(5, member)
    small = count_queries(client, reverse("chtprograms:home"))
    make_portfolio(45, member)
    assert count_queries(client, reverse("chtprograms:home")) == small


@pytest.mark.parametrize(
    "page", ["chtprograms:program-detail", "chtprograms:considerations", "personas:team"]
)
def test_program_pages_query_count_is_the_same_at_5_and_50_programs(client, page):
    member = UserFactory()
    client.force_login(member)
    first = make_portfolio(5, member)[0]
    small = count_queries(client, reverse(page, args=[first.slug]))
    make_portfolio(45, member)
    # a bigger team on the program itself must not add queries either
    for _ in range(10):
        membership_add(program=first, user=UserFactory(), role=PersonaRole.RESEARCHER)
    assert count_queries(client, reverse(page, args=[first.slug])) == small
