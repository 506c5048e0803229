"""Writes go through the same services as the pages: the same rules, the same effects, and a
service's refusal comes back as a 400 naming the field."""

import datetime

import pytest

from lifecycle.models import StageActivity
from plan.indicators.models import Measurement
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programs/kenya-chv"


def activity_url(world, key="activity"):
    return f"{BASE}/activities/{world['ids'][key]}/"


def test_done_needs_evidence_as_on_the_page(world):
    response = client_for(world["member"]).patch(activity_url(world), {"status": "done"})
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["evidence_note"]
    assert "note or a link" in body["errors"]["evidence_note"][0]
    assert StageActivity.objects.get(pk=world["ids"]["activity"]).status == "todo"


def test_the_assignee_records_progress_and_it_counts_for_the_gate(world):
    client = client_for(world["member"])
    before = client.get(f"{BASE}/lifecycle/").json()["gate"]["met_count"]
    response = client.patch(
        activity_url(world),
        {"status": "done", "evidence_url": "https://docs.example/meeting-notes"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "done"
    assert body["completed_by"]["username"] == "developer"
    assert body["completed_at"] is not None
    activity = StageActivity.objects.get(pk=world["ids"]["activity"])
    assert activity.completed_by == world["member"]
    assert activity.evidence_url == "https://docs.example/meeting-notes"
    assert client.get(f"{BASE}/lifecycle/").json()["gate"]["met_count"] >= before
    # Back to "to do": the completion is cleared, as the service does for the page.
    again = client.patch(activity_url(world), {"status": "todo"})
    assert again.json()["completed_by"] is None


def test_heads_assign_only_team_members(world):
    head = client_for(world["head"])
    refused = head.patch(activity_url(world), {"assignee": world["outsider"].pk})
    assert refused.status_code == 400
    assert "team" in refused.json()["errors"]["assignee"][0]
    accepted = head.patch(
        activity_url(world), {"assignee": world["head"].pk, "due_on": "2027-06-30"}
    )
    assert accepted.status_code == 200
    assert accepted.json()["assignee"]["username"] == "head"
    assert accepted.json()["due_on"] == "2027-06-30"
    cleared = head.patch(activity_url(world), {"assignee": None})
    assert cleared.json()["assignee"] is None
    assert cleared.json()["due_on"] == "2027-06-30"  # untouched when not given


def test_an_assignee_may_not_reassign_their_activity(world):
    response = client_for(world["member"]).patch(activity_url(world), {"due_on": "2027-06-30"})
    assert response.status_code == 403
    assert "heads and administrators" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"evidence_note": 12}, "evidence_note"),
        ({"evidence_url": "not a link"}, "evidence_url"),
        ({"assignee": "2"}, "assignee"),
        ({"due_on": "31/12/2027"}, "due_on"),
    ],
)
def test_ill_formed_values_are_refused_beside_their_field(world, body, field):
    response = client_for(world["head"]).patch(activity_url(world), body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def measurements_url(world):
    return f"{BASE}/indicators/{world['ids']['indicator']}/measurements/"


def test_a_ministry_system_pushes_its_monthly_figure(world):
    client = client_for(world["head"])
    response = client.post(
        measurements_url(world),
        {"period_end": "2027-04-30", "value": "51.25", "source": "DHIS2", "note": "April"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["value"] == "51.2500"
    measurement = Measurement.objects.get(pk=body["id"])
    assert measurement.period_end == datetime.date(2027, 4, 30)
    assert measurement.indicator_id == world["ids"]["indicator"]
    # A JSON number is read as a decimal too; the indicator now reads the latest value.
    client.post(
        measurements_url(world), {"period_end": "2027-05-31", "value": 53, "source": "DHIS2"}
    )
    indicator = client.get(f"{BASE}/indicators/{world['ids']['indicator']}/").json()
    assert indicator["latest"] == {"period_end": "2027-05-31", "value": "53.0000"}


def test_a_second_value_for_the_same_period_is_refused(world):
    client = client_for(world["head"])
    body = {"period_end": "2027-04-30", "value": "51", "source": "DHIS2"}
    assert client.post(measurements_url(world), body).status_code == 201
    again = client.post(measurements_url(world), {**body, "value": "60"})
    assert again.status_code == 400
    assert "already has a value for this period" in again.json()["errors"]["period_end"][0]
    assert Measurement.objects.filter(period_end="2027-04-30").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period_end": "2026-12-31", "value": "50", "source": "x"}, "period_end"),  # < baseline
        ({"period_end": "2027-04-30", "value": "1e30", "source": "x"}, "value"),
        ({"period_end": "2027-04-30", "value": "fifty", "source": "x"}, "value"),
        ({"period_end": "2027-04-30", "value": True, "source": "x"}, "value"),
        ({"period_end": "2027-04-30", "value": "50"}, "source"),
    ],
)
def test_a_measurement_that_does_not_fit_is_refused_beside_its_field(world, body, field):
    response = client_for(world["head"]).post(measurements_url(world), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_body_that_is_not_an_object_is_a_400(world):
    response = client_for(world["head"]).post(measurements_url(world), [1, 2], format="json")
    assert response.status_code == 400
    malformed = client_for(world["head"]).generic(
        "POST", measurements_url(world), "{not json", content_type="application/json"
    )
    assert malformed.status_code == 400
    assert malformed.json()["detail"].startswith("JSON parse error")
