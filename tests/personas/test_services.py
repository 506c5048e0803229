import pytest
from django.core.exceptions import ValidationError

from personas.models import Membership, PersonaRole
from personas.services import membership_add, membership_change_role, membership_end
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_may_hold_several_roles_but_not_the_same_role_twice():
    program = ProgramFactory()
    person = UserFactory()
    membership_add(program=program, user=person, role=PersonaRole.SOFTWARE_DEVELOPER)
    membership_add(program=program, user=person, role=PersonaRole.TECHNICAL_SUPPORT)
    with pytest.raises(ValidationError) as error:
        membership_add(program=program, user=person, role=PersonaRole.SOFTWARE_DEVELOPER)
    assert error.value.message_dict["role"] == [
        "This person already holds this role on the program."
    ]


def test_ending_a_membership_keeps_the_row_and_drops_it_from_the_current_team():
    program = ProgramFactory()
    person = UserFactory()
    membership = membership_add(program=program, user=person, role=PersonaRole.UX_DESIGNER)
    membership_end(membership=membership)
    assert Membership.objects.filter(pk=membership.pk, until__isnull=False).exists()
    assert not Membership.objects.current().filter(pk=membership.pk).exists()
    # and they can be added back later
    membership_add(program=program, user=person, role=PersonaRole.UX_DESIGNER)


def test_the_last_program_head_cannot_be_removed_or_demoted():
    head = UserFactory()
    program = ProgramFactory(head=head)
    membership = Membership.objects.get(program=program, user=head)
    with pytest.raises(ValidationError, match="appoint another head first"):
        membership_end(membership=membership)
    with pytest.raises(ValidationError, match="appoint another head first"):
        membership_change_role(membership=membership, role=PersonaRole.PROGRAM_ADMIN)
    membership_add(program=program, user=UserFactory(), role=PersonaRole.PROGRAM_HEAD)
    membership_change_role(membership=membership, role=PersonaRole.PROGRAM_ADMIN)
    membership.refresh_from_db()
    assert membership.role == PersonaRole.PROGRAM_ADMIN
