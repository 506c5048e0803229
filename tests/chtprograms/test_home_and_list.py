"""A home for each person: reviewers and staff on no team land on the portfolio; home and the
program list show each program's stage and what it needs from the viewer; the list filters by
stage and health, and its search ignores accents."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from chtprograms.models import Organization
from lifecycle.models import Lifecycle, StageActivity
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory, reviewer

pytestmark = pytest.mark.django_db

LIST = reverse("chtprograms:program-list")
HOME = reverse("chtprograms:home")


@pytest.mark.parametrize("who", ["reviewer", "staff"])
def test_reviewers_and_staff_on_no_team_land_on_the_portfolio(client, who):
    ProgramFactory()
    client.force_login(reviewer() if who == "reviewer" else UserFactory(is_staff=True))
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:dashboard")


def test_a_reviewer_on_a_team_keeps_their_programs(client):
    person = reviewer()
    program = ProgramFactory(name="Siaya CHV")
    membership_add(program=program, user=person, role=PersonaRole.RESEARCHER)
    client.force_login(person)
    response = client.get(HOME)
    assert response.status_code == 200 and "Siaya CHV" in response.content.decode()


def test_a_member_on_no_team_still_gets_the_empty_home(client):
    client.force_login(UserFactory())
    response = client.get(HOME)
    assert response.status_code == 200
    assert "You are not on any program" in response.content.decode()


def _overdue(program, user=None, stage="initiation"):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    activity = StageActivity.objects.filter(program=program, stage=stage).first()
    StageActivity.objects.filter(pk=activity.pk).update(due_on=yesterday, assignee=user)


def test_home_shows_the_stage_and_my_overdue_activities(client):
    member = UserFactory()
    program = ProgramFactory(name="Siaya CHV")
    membership_add(program=program, user=member, role=PersonaRole.SOFTWARE_DEVELOPER)
    _overdue(program, member)
    client.force_login(member)
    body = client.get(HOME).content.decode()
    assert "stage-c-initiation" in body and "Initiation" in body
    assert "1 of your activities overdue" in body
    assert "1 activity overdue" in body
    assert "Gate waiting for your decision" not in body


def test_the_head_sees_a_gate_waiting_and_a_reviewer_does_not(client):
    head = UserFactory()
    program = ProgramFactory(head=head, name="Siaya CHV")
    StageActivity.objects.filter(program=program, stage="initiation").update(status="done")
    client.force_login(head)
    assert "Gate waiting for your decision" in client.get(HOME).content.decode()
    assert "Gate waiting for your decision" in client.get(LIST).content.decode()
    client.force_login(reviewer())
    body = client.get(LIST).content.decode()
    assert "Siaya CHV" in body and "Gate waiting for your decision" not in body


def test_a_stage_past_its_planned_end_waits_for_the_head(client):
    head = UserFactory()
    program = ProgramFactory(head=head, name="Siaya CHV")
    lifecycle = Lifecycle.objects.get(program=program)
    lifecycle.plans.filter(stage="initiation").update(
        planned_start=datetime.date(2020, 1, 1), planned_end=datetime.date(2020, 2, 1)
    )
    client.force_login(head)
    assert "Gate waiting for your decision" in client.get(HOME).content.decode()


def test_the_list_filters_by_stage_and_health(client):
    client.force_login(UserFactory(is_staff=True))
    planning = ProgramFactory(name="Kisumu planning")
    Lifecycle.objects.filter(program=planning).update(stage="planning")
    ProgramFactory(name="Siaya initiation")
    body = client.get(LIST, {"stage": "planning"}).content.decode()
    assert "Kisumu planning" in body and "Siaya initiation" not in body
    assert '<option value="planning" selected>' in body
    body = client.get(LIST, {"stage": "planning", "health": "off_track"}).content.decode()
    assert "Kisumu planning" not in body
    assert client.get(LIST, {"stage": "nowhere"}).status_code == 400


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Ministere", "Ministère de la Santé"),
        ("ministère de la sante", "Ministère de la Santé"),
        ("MINISTERE", "Ministère de la Santé"),
        ("oeuvre", "Mise en œuvre Kayes"),
        ("Sante", "Ministère de la Santé"),
    ],
)
def test_search_ignores_accents_and_case(client, typed, found):
    client.force_login(UserFactory(is_staff=True))
    ProgramFactory(
        name="Kayes CHW", lead_organization=OrganizationFactory(name="Ministère de la Santé")
    )
    ProgramFactory(name="Mise en œuvre Kayes")
    ProgramFactory(name="Nepal FCHV")
    body = client.get(LIST, {"q": typed}).content.decode()
    assert found in body
    assert "Nepal FCHV" not in body
    assert Organization.objects.filter(name="Ministère de la Santé").exists()
