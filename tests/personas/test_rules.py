import pytest

from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, UserFactory, reviewer

pytestmark = pytest.mark.django_db

PERMS = [
    "chtprograms.view_program",
    "chtprograms.change_program",
    "personas.manage_team",
    "lifecycle.decide_gate",
]


def allowed(user, program):
    return [perm for perm in PERMS if user.has_perm(perm, program)]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (PersonaRole.PROGRAM_HEAD, PERMS),
        (PersonaRole.PROGRAM_ADMIN, PERMS[:3]),
        (PersonaRole.SOFTWARE_DEVELOPER, PERMS[:1]),
        (PersonaRole.RESEARCHER, PERMS[:1]),
    ],
)
def test_roles_grant_their_permissions(role, expected):
    program = ProgramFactory()
    person = UserFactory()
    membership_add(program=program, user=person, role=role)
    assert allowed(person, program) == expected


def test_outsider_reviewer_and_staff():
    program = ProgramFactory()
    assert allowed(UserFactory(), program) == []
    assert allowed(reviewer(), program) == PERMS[:1]
    assert allowed(UserFactory(is_staff=True), program) == PERMS


def test_roles_on_one_program_give_nothing_on_another():
    mine, other = ProgramFactory(), ProgramFactory()
    person = UserFactory()
    membership_add(program=mine, user=person, role=PersonaRole.PROGRAM_HEAD)
    assert allowed(person, other) == []


def test_reviewers_and_other_people_cannot_create_programs_staff_can():
    # Heads and the program-creator group: tests/personas/test_program_creators.py
    assert not reviewer().has_perm("chtprograms.add_program")
    assert not UserFactory().has_perm("chtprograms.add_program")
    assert UserFactory(is_staff=True).has_perm("chtprograms.add_program")
