import pytest
from django.urls import reverse

from lifecycle.models import ActivityTemplate, StageTransition
from lifecycle.services import lifecycle_hold
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model",
    [
        "activitytemplate",
        "lifecycle",
        "stagetransition",
        "gatereview",
        "stageactivity",
        "stageplan",
        "ethicsapproval",
    ],
)
def test_the_admin_lists_render(admin_client, program, model):
    assert admin_client.get(reverse(f"admin:lifecycle_{model}_changelist")).status_code == 200


def test_activity_templates_are_edited_in_the_admin(admin_client):
    template = ActivityTemplate.objects.get(title="Design field trip")
    url = reverse("admin:lifecycle_activitytemplate_change", args=[template.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "stage": "design",
            "title": "Design field trip",
            "description": "Visit two facilities.",
            "program_types": ["accompanied", "research"],
            "required": "on",
            "role": "service_designer",
            "position": template.position,
            "active": "on",
        },
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.program_types == ["accompanied", "research"]
    assert template.required


def test_the_history_is_read_only_in_the_admin(admin_client, program, head):
    row = lifecycle_hold(lifecycle=program.lifecycle, by=head, note="original")
    url = reverse("admin:lifecycle_stagetransition_change", args=[row.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"original" in response.content
    assert b'name="note"' not in response.content  # shown, not editable
    assert admin_client.post(url, {"note": "rewritten"}).status_code == 403
    delete = reverse("admin:lifecycle_stagetransition_delete", args=[row.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert StageTransition.objects.get(pk=row.pk).note == "original"
    assert admin_client.get(reverse("admin:lifecycle_stagetransition_add")).status_code == 403
