import datetime
import json

import pytest
from django.urls import reverse

from lifecycle.models import Lifecycle, StageTransition
from lifecycle.services import lifecycle_advance, lifecycle_hold
from lifecycle.stages import Stage
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, StageActivityFactory, UserFactory, reviewer

from .conftest import finish_activities, meet_gate

pytestmark = pytest.mark.django_db


def url(name, program, *args):
    if name == "history":  # the lifecycle's history is the program's History tab (audit/)
        return reverse("audit:history", args=[program.slug])
    return reverse(f"lifecycle:{name}", args=[program.slug, *args])


def decide(client, name, program, **data):
    prefix = name.replace("-", "_")
    stage = data.pop("from_stage", None) or Lifecycle.objects.get(program=program).stage
    payload = {f"{prefix}-from_stage": stage}
    for key, value in data.items():
        payload[f"{prefix}-{key}"] = value
    return client.post(url(name, program), payload)


# --- who sees the pages -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["detail", "history", "gate-panel"])
def test_pages_need_login(client, program, name):
    response = client.get(url(name, program))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["detail", "history", "gate-panel"])
def test_outsiders_get_404(client, program, outsider, name):
    client.force_login(outsider)
    assert client.get(url(name, program)).status_code == 404


@pytest.mark.parametrize("name", ["detail", "history", "gate-panel"])
def test_team_members_and_reviewers_see_the_pages(client, program, developer, name):
    client.force_login(developer)
    assert client.get(url(name, program)).status_code == 200
    client.force_login(reviewer())
    assert client.get(url(name, program)).status_code == 200


def test_the_lifecycle_page_shows_rail_activities_gate_plan_and_history(client, program, head):
    client.force_login(head)
    response = client.get(url("detail", program))
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Initiation", "Planning", "Closeout"):
        assert label in html
    assert 'aria-current="step"' in html
    assert "Introductory meeting with the implementing partner" in html
    assert "Gate: leaving Initiation" in html
    assert "0 of 2 criteria met" in html
    assert "Scope consideration addressed" in html
    assert "Stage plan" in html
    assert "1 Jan 2027" in html
    # Decision buttons for the head: the gate is unmet, so waive (not a plain advance).
    assert "Waive and advance to Planning" in html
    assert "Put on hold" in html
    assert "Cancel the program" in html
    assert "Send back" not in html  # nothing before initiation


def test_team_members_see_no_decision_buttons(client, program, developer):
    client.force_login(developer)
    html = client.get(url("detail", program)).content.decode()
    assert "Gate: leaving Initiation" in html
    assert "Gate decisions are made by the program head." in html
    for button in ("Waive and advance", "Put on hold", "Cancel the program", "Advance to"):
        assert button not in html


def test_the_head_sees_advance_when_the_gate_is_met(client, program, head):
    meet_gate(program, Stage.INITIATION, head)
    client.force_login(head)
    html = client.get(url("detail", program)).content.decode()
    assert "2 of 2 criteria met" in html
    assert "Advance to Planning" in html
    assert "Waive and advance" not in html


def test_the_header_has_the_stage_pill_and_tabs(client, program, head):
    client.force_login(head)
    html = client.get(reverse("chtprograms:considerations", args=[program.slug])).content.decode()
    assert "stage-pill" in html
    assert url("detail", program) in html
    assert url("history", program) in html
    lifecycle_hold(lifecycle=program.lifecycle, by=head, note="x")
    html = client.get(url("detail", program)).content.decode()
    assert "On hold" in html
    assert "Resume at Initiation" in html


def test_the_overview_shows_the_rail_and_the_gate_count(client, program, head):
    client.force_login(head)
    html = client.get(program.get_absolute_url()).content.decode()
    assert "stage-rail" in html
    assert "0 of 2 criteria met" in html
    assert url("detail", program) + "#gate" in html


def test_another_stages_activities(client, program, head):
    client.force_login(head)
    html = client.get(url("detail", program) + "?stage=hosting").content.decode()
    assert "Activities: Hosting" in html
    assert "3-2-1 backups and a tested restore" in html
    assert "Gate: leaving Initiation" in html
    html = client.get(url("detail", program) + "?stage=bogus").content.decode()
    assert "Activities: Initiation" in html


# --- decisions: allowed, refused by the gate, refused by permission ---------------------------


def test_advance_through_the_page(client, program, head):
    meet_gate(program, Stage.INITIATION, head)
    client.force_login(head)
    response = decide(client, "advance", program, note="Ready")
    assert response.status_code == 302
    assert Lifecycle.objects.get(program=program).stage == Stage.PLANNING
    page = client.get(response["Location"]).content.decode()
    assert "The program moved to Planning." in page
    assert "Ready" in page  # on the timeline


def test_advance_refused_by_the_gate_shows_the_unmet_criteria(client, program, head):
    client.force_login(head)
    response = decide(client, "advance", program)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The Initiation gate is not met" in html
    assert "Scope consideration addressed" in html
    assert "Required activities done or not applicable" in html
    assert Lifecycle.objects.get(program=program).stage == Stage.INITIATION


def test_waive_through_the_page(client, program, head):
    finish_activities(program, Stage.INITIATION, head)
    client.force_login(head)
    response = decide(client, "advance", program, waive="initiation.scope_addressed", note="")
    assert response.status_code == 400
    assert "Give the reason for waiving" in response.content.decode()
    response = decide(
        client, "advance", program, waive="initiation.scope_addressed", note="Agreed verbally"
    )
    assert response.status_code == 302
    row = StageTransition.objects.get()
    assert row.note == "Agreed verbally"
    assert row.waived_criteria[0]["id"] == "initiation.scope_addressed"


@pytest.mark.parametrize(
    "name,data",
    [
        ("advance", {}),
        ("stay", {"note": "x"}),
        ("hold", {"note": "x"}),
        ("cancel", {"note": "x"}),
        ("send-back", {"to": "initiation", "note": "x"}),
        ("resume", {}),
        ("close", {}),
    ],
)
def test_decisions_refused_by_permission(client, program, head, developer, name, data):
    meet_gate(program, Stage.INITIATION, head)
    client.force_login(developer)
    assert decide(client, name, program, **data).status_code == 403
    assert Lifecycle.objects.get(program=program).stage == Stage.INITIATION
    assert not StageTransition.objects.exists()


def test_decisions_by_outsiders_get_404(client, program, outsider):
    client.force_login(outsider)
    assert decide(client, "hold", program, note="x").status_code == 404


def test_hold_resume_send_back_cancel_through_the_page(client, program, head):
    client.force_login(head)
    meet_gate(program, Stage.INITIATION, head)
    assert decide(client, "advance", program).status_code == 302
    response = decide(client, "hold", program, note="")
    assert response.status_code == 400
    assert "Give the reason" in response.content.decode()
    assert decide(client, "hold", program, note="Elections").status_code == 302
    assert Lifecycle.objects.get(program=program).stage == Stage.ON_HOLD
    assert decide(client, "resume", program).status_code == 302
    assert Lifecycle.objects.get(program=program).stage == Stage.PLANNING
    response = decide(client, "send-back", program, to="planning", note="x")
    assert response.status_code == 400
    assert decide(client, "send-back", program, to="initiation", note="Scope changed").status_code
    assert Lifecycle.objects.get(program=program).stage == Stage.INITIATION
    assert decide(client, "stay", program, note="Not yet").status_code == 302
    assert decide(client, "cancel", program, note="Funding withdrawn").status_code == 302
    assert Lifecycle.objects.get(program=program).stage == Stage.CANCELLED
    html = client.get(url("history", program)).content.decode()
    for text in ("Elections", "Scope changed", "Not yet", "Funding withdrawn", "Program created"):
        assert text in html


def test_a_refused_transition_for_json_clients_is_400_json(client, program, head):
    client.force_login(head)
    response = client.post(
        url("advance", program),
        {"advance-from_stage": "initiation"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "Scope consideration addressed" in response.json()["message"]


# --- concurrency: 409 -------------------------------------------------------------------------


def test_a_stale_decision_gets_the_conflict_page(client, program, head):
    meet_gate(program, Stage.INITIATION, head)
    lifecycle_advance(lifecycle=program.lifecycle, by=head)
    client.force_login(head)
    response = decide(client, "advance", program, from_stage="initiation")
    assert response.status_code == 409
    assert "This program was changed by someone else, reload the page." in (
        response.content.decode()
    )
    assert StageTransition.objects.count() == 1
    assert Lifecycle.objects.get(program=program).stage == Stage.PLANNING


def test_a_stale_decision_gets_409_json_for_non_html_clients(client, program, head):
    meet_gate(program, Stage.INITIATION, head)
    lifecycle_advance(lifecycle=program.lifecycle, by=head)
    client.force_login(head)
    for headers in ({"HTTP_ACCEPT": "application/json"}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(
            url("hold", program), {"hold-from_stage": "initiation", "hold-note": "x"}, **headers
        )
        assert response.status_code == 409
        body = json.loads(response.content)
        assert body["error"] == "conflict"
        assert "changed by someone else" in body["message"]


def test_a_concurrent_save_becomes_a_409(client, program, head, monkeypatch):
    """The stored stage moves between the page's read and its save."""
    meet_gate(program, Stage.INITIATION, head)
    client.force_login(head)
    original = Lifecycle.save

    def save_after_someone_else(self, *args, **kwargs):
        Lifecycle.objects.filter(pk=self.pk).update(stage=Stage.ON_HOLD)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Lifecycle, "save", save_after_someone_else)
    response = decide(client, "advance", program)
    assert response.status_code == 409
    assert not StageTransition.objects.exists()


# --- activities -------------------------------------------------------------------------------


def activity_post(client, activity, program, htmx=False, **data):
    prefix = f"activity-{activity.pk}"
    payload = {f"{prefix}-{key}": value for key, value in data.items()}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url("activity-update", program, activity.pk), payload, **headers)


def test_the_assignee_ticks_off_an_activity_with_evidence(client, program, head, developer):
    activity = program.stage_activities.filter(stage="initiation").first()
    client.force_login(head)
    response = activity_post(
        client, activity, program, status="todo", assignee=developer.pk, due_on="2027-01-20"
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.assignee == developer
    client.force_login(developer)
    response = activity_post(
        client, activity, program, htmx=True, status="done", evidence_note="Minutes shared"
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "gate-changed"
    html = response.content.decode()
    assert "Saved" in html
    assert "Minutes shared" in html
    activity.refresh_from_db()
    assert activity.status == "done"
    assert activity.completed_by == developer
    assert activity.due_on == datetime.date(2027, 1, 20)  # an assignee cannot change it


def test_done_without_evidence_shows_the_error_in_place(client, program, head):
    activity = program.stage_activities.first()
    client.force_login(head)
    response = activity_post(client, activity, program, htmx=True, status="done")
    assert response.status_code == 400
    assert "Add a note or a link" in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == "todo"
    response = activity_post(client, activity, program, status="not_applicable")
    assert response.status_code == 400
    assert "Say why this activity does not apply" in response.content.decode()


def test_others_may_not_update_an_activity(client, program, developer, outsider):
    activity = program.stage_activities.filter(role=PersonaRole.SYSTEM_ADMIN).first()
    client.force_login(developer)
    response = activity_post(client, activity, program, status="done", evidence_note="x")
    assert response.status_code == 403
    client.force_login(outsider)
    response = activity_post(client, activity, program, status="done", evidence_note="x")
    assert response.status_code == 404
    activity.refresh_from_db()
    assert activity.status == "todo"


def test_an_activity_of_another_program_is_404(client, program, head):
    other = StageActivityFactory(program=ProgramFactory(head=head))
    client.force_login(head)
    response = activity_post(client, other, program, status="done", evidence_note="x")
    assert response.status_code == 404


# --- stage plan, ethics approval --------------------------------------------------------------


def test_the_plan_is_edited_by_managers(client, program, head, developer):
    client.force_login(developer)
    assert client.get(url("plan-edit", program)).status_code == 403
    client.force_login(head)
    assert client.get(url("plan-edit", program)).status_code == 200
    plans = {plan.stage: plan for plan in program.lifecycle.plans.all()}
    data = {}
    for stage, plan in plans.items():
        data[f"{stage}_start"] = plan.planned_start.isoformat()
        data[f"{stage}_end"] = plan.planned_end.isoformat()
    data["design_end"] = "2020-01-01"
    response = client.post(url("plan-edit", program), data)
    assert response.status_code == 400
    assert "cannot be before the planned start" in response.content.decode()
    data["design_end"] = "2027-08-15"
    assert client.post(url("plan-edit", program), data).status_code == 302
    assert program.lifecycle.plans.get(stage="design").planned_end == datetime.date(2027, 8, 15)


def test_the_ethics_approval_is_recorded_on_the_lifecycle_page(client, research_program, head):
    client.force_login(head)
    html = client.get(url("detail", research_program)).content.decode()
    assert "No ethics approval recorded yet" in html
    response = client.post(
        url("ethics-approval", research_program),
        {"ethics-approved_on": "2026-02-01", "ethics-reference": "NHRC 42/2026"},
    )
    assert response.status_code == 302
    html = client.get(url("detail", research_program)).content.decode()
    assert "NHRC 42/2026" in html
    response = client.post(
        url("ethics-approval", research_program),
        {"ethics-approved_on": "2026-02-01", "ethics-reference": ""},
    )
    assert response.status_code == 400


def test_members_cannot_record_the_ethics_approval(client, research_program):
    member = UserFactory()
    membership_add(program=research_program, user=member, role=PersonaRole.RESEARCHER)
    client.force_login(member)
    response = client.post(
        url("ethics-approval", research_program),
        {"ethics-approved_on": "2026-02-01", "ethics-reference": "x"},
    )
    assert response.status_code == 403
