"""The lifecycle page reads a fixed number of queries, whatever the size of the program."""

import pytest
from django.urls import reverse

from chtprograms.selectors import program_get
from lifecycle.activity_services import activity_plan, activity_update
from lifecycle.selectors import lifecycle_summary
from lifecycle.services import (
    gate_review_stay,
    lifecycle_advance,
    lifecycle_hold,
    lifecycle_resume,
    lifecycle_send_back,
)
from lifecycle.stages import Stage
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, StageActivityFactory, UserFactory
from tests.queries import exact_queries, pinned

from .conftest import meet_gate

pytestmark = pytest.mark.django_db


def grow(program, head, size: int):
    """Make a program bigger in every way the page lists: team, activities, history, reviews."""
    team = []
    for index in range(size):
        user = UserFactory()
        membership_add(program=program, user=user, role=list(PersonaRole)[index % 8])
        team.append(user)
    for index in range(size * 3):
        activity = StageActivityFactory(
            program=program, stage=Stage.INITIATION, required=index % 2 == 0
        )
        activity_plan(activity=activity, assignee=team[index % size], due_on=None)
        if index % 3 == 0:
            activity_update(
                activity=activity, by=team[index % size], status="done", evidence_note="ok"
            )
    meet_gate(program, Stage.INITIATION, head)
    lifecycle = program.lifecycle
    for _ in range(size):
        lifecycle_advance(lifecycle=lifecycle, by=head, note="go")
        lifecycle_send_back(lifecycle=lifecycle, by=head, to=Stage.INITIATION, note="back")
        lifecycle_hold(lifecycle=lifecycle, by=head, note="pause")
        lifecycle_resume(lifecycle=lifecycle, by=head)
        gate_review_stay(lifecycle=lifecycle, by=head, note="not yet")
    assert lifecycle.stage == Stage.INITIATION


@pytest.mark.parametrize("size", [0, 1, 8])
def test_the_lifecycle_page_query_count_does_not_grow(client, head, size):
    program = ProgramFactory(head=head)
    if size:
        grow(program, head, size)
    client.force_login(head)
    url = reverse("lifecycle:detail", args=[program.slug])
    # session, user, reviewer check, program (+ lifecycle), roles, activities (+ assignees),
    # considerations (gate), ethics approval, history, stage plan, "stay" reviews, team,
    # the notification bell's unread count
    with exact_queries(pinned("lifecycle page")):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        html.count('class="activity ')
        == program.stage_activities.filter(stage=Stage.INITIATION).count()
    )


@pytest.mark.parametrize("size", [1, 8])
def test_the_history_page_query_count_does_not_grow(client, head, size):
    program = ProgramFactory(head=head)
    grow(program, head, size)
    client.force_login(head)
    url = reverse("audit:history", args=[program.slug])
    # session, user, reviewer check, program (+ lifecycle), history (+ people), "stay" reviews,
    # the notification bell's unread count; the trail: one query per kind of record it follows
    # (21), the people named in it, and the records its changes point at, one query per kind
    # (here the lead organization, people, activity templates): the History tab is audit/'s
    with exact_queries(30):
        response = client.get(url)
    assert response.content.decode().count("Send back") == size


@pytest.mark.parametrize("size", [0, 8])
def test_the_overview_summary_query_count_does_not_grow(head, size):
    program = ProgramFactory(head=head)
    if size:
        grow(program, head, size)
    program = program_get(user=head, slug=program.slug)
    # the stage's activities and the considerations, for the gate count
    with exact_queries(2):
        summary = lifecycle_summary(program=program)
        assert summary.gate.total == 2
