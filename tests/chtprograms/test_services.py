import pytest

from chtprograms.models import Consideration
from personas.models import Membership, PersonaRole
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_program_factory_goes_through_the_service():
    program = ProgramFactory()
    assert Consideration.objects.filter(program=program).count() == 6
    head = Membership.objects.get(program=program)
    assert head.role == PersonaRole.PROGRAM_HEAD
