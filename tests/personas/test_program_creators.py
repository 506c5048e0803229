"""Who may start a program: site staff, anyone who already heads one, and the members of the
program-creator group (its name is a setting). Everyone else, reviewers included, may not."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse

from personas.models import PersonaRole
from personas.rules import is_portfolio_reviewer, site_roles
from personas.services import membership_add, membership_end, program_creator_set
from tests.factories import ProgramFactory, UserFactory, reviewer

pytestmark = pytest.mark.django_db

CREATE = "chtprograms:program-create"


def may_create(client, user) -> bool:
    client.force_login(user)
    status = client.get(reverse(CREATE)).status_code
    assert status in (200, 403)
    listed = reverse(CREATE) in client.get(reverse("chtprograms:program-list")).content.decode()
    assert listed == (status == 200)  # the "New program" button only for those who may
    return status == 200


def test_the_migrations_make_the_group():
    assert Group.objects.filter(name=settings.PROGRAM_CREATOR_GROUP).exists()
    assert settings.PROGRAM_CREATOR_GROUP == "Program creators"


def test_people_with_no_right_to_create_are_refused(client):
    member = UserFactory()
    membership_add(program=ProgramFactory(), user=member, role=PersonaRole.PROGRAM_ADMIN)
    assert not may_create(client, UserFactory())
    assert not may_create(client, member)  # an administrator, but of nobody's program as head
    assert not may_create(client, reviewer())


def test_staff_heads_and_the_creator_group_may_create(client):
    assert may_create(client, UserFactory(is_staff=True))
    head = UserFactory()
    ProgramFactory(head=head)
    assert may_create(client, head)
    creator = UserFactory()
    program_creator_set(user=creator)
    assert may_create(client, creator)
    program_creator_set(user=creator, is_creator=False)
    assert not may_create(client, creator)


def test_a_head_who_leaves_the_head_role_may_no_longer_create(client):
    head, other = UserFactory(), UserFactory()
    program = ProgramFactory(head=other)
    membership = membership_add(program=program, user=head, role=PersonaRole.PROGRAM_HEAD)
    assert may_create(client, head)
    membership_end(membership=membership)
    assert not may_create(client, head)


def test_the_group_is_chosen_by_name_in_the_settings(client):
    planner = UserFactory()
    planner.groups.add(Group.objects.create(name="Planners"))
    program_creator_set(user=UserFactory(username="in-default-group"))
    with override_settings(PROGRAM_CREATOR_GROUP="Planners"):
        assert may_create(client, planner)
        assert not may_create(client, UserFactory(username="in-default-group"))
    assert not may_create(client, planner)


def test_site_roles_are_read_in_one_query(django_assert_num_queries):
    user = UserFactory()
    program_creator_set(user=user)
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert site_roles(user) == frozenset({"creator"})
        assert not is_portfolio_reviewer(user)
        assert user.has_perm("chtprograms.add_program")
