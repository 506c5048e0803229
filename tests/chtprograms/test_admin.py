import pytest
from django.urls import reverse

from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_changes_programs_but_neither_adds_nor_deletes_them(superuser_client):
    program = ProgramFactory()
    changelist = superuser_client.get(reverse("admin:chtprograms_program_changelist"))
    assert changelist.status_code == 200 and program.name in changelist.content.decode()
    change = reverse("admin:chtprograms_program_change", args=[program.pk])
    assert superuser_client.get(change).status_code == 200
    # Added only through program_create (with its lifecycle and head); archived, not deleted.
    assert superuser_client.get(reverse("admin:chtprograms_program_add")).status_code == 403
    delete = reverse("admin:chtprograms_program_delete", args=[program.pk])
    assert superuser_client.get(delete).status_code == 403


@pytest.mark.parametrize(
    "model",
    [
        "chtprograms_organization",
        "chtprograms_consideration",
        "chtprograms_considerationitem",
        "chtprograms_healthnote",
        "chtprograms_programpartner",
        "personas_membership",
    ],
)
def test_every_foundation_model_has_an_admin_page(superuser_client, model):
    ProgramFactory()
    assert superuser_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
