"""Who may change a program's team, and how: every role × every kind of team change.

Only a program head or site staff appoints, demotes or removes a program head, so that a program
administrator cannot take a program over (appoint themselves head, decide its gates, then remove
the real head). Administrators still manage the rest of the team. A program always keeps a head."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from personas.models import Membership, PersonaRole
from personas.services import membership_add, membership_change_role, membership_end
from tests.factories import ProgramFactory, UserFactory, reviewer

pytestmark = pytest.mark.django_db

HEAD, ADMIN = PersonaRole.PROGRAM_HEAD, PersonaRole.PROGRAM_ADMIN


@pytest.fixture
def world():
    head = UserFactory(username="head")
    program = ProgramFactory(head=head, slug="siaya")
    people = {"program": program, "head": head}
    for name, role in [
        ("cohead", HEAD),  # a second head: removing one never leaves the program headless
        ("admin", ADMIN),
        ("developer", PersonaRole.SOFTWARE_DEVELOPER),
        ("designer", PersonaRole.SERVICE_DESIGNER),
    ]:
        people[name] = UserFactory(username=name)
        people[f"{name}_membership"] = membership_add(program=program, user=people[name], role=role)
    people["newcomer"] = UserFactory(username="newcomer", email="newcomer@example.org")
    people["reviewer"] = reviewer(username="reviewer")
    people["staff"] = UserFactory(username="staff", is_staff=True)
    people["outsider"] = UserFactory(username="outsider")
    return people


def team(program):
    return sorted(
        Membership.objects.current().filter(program=program).values_list("user__username", "role")
    )


def team_url(w):
    return reverse("personas:team", args=["siaya"])


# change → (method of the world giving (url, data), what the team looks like afterwards)
CHANGES = {
    "add as head": (
        lambda w: (team_url(w), {"email": "newcomer@example.org", "role": HEAD}),
        lambda before: sorted([*before, ("newcomer", HEAD)]),
    ),
    "change someone to head": (
        lambda w: (
            reverse("personas:membership-edit", args=["siaya", w["designer_membership"].pk]),
            {"role": HEAD},
        ),
        lambda before: sorted([*(m for m in before if m[0] != "designer"), ("designer", HEAD)]),
    ),
    "change a head to another role": (
        lambda w: (
            reverse("personas:membership-edit", args=["siaya", w["cohead_membership"].pk]),
            {"role": ADMIN},
        ),
        lambda before: sorted([*(m for m in before if m[0] != "cohead"), ("cohead", ADMIN)]),
    ),
    "remove a head": (
        lambda w: (
            reverse("personas:membership-remove", args=["siaya", w["cohead_membership"].pk]),
            {},
        ),
        lambda before: [m for m in before if m[0] != "cohead"],
    ),
    "add another role": (
        lambda w: (team_url(w), {"email": "newcomer@example.org", "role": "researcher"}),
        lambda before: sorted([*before, ("newcomer", "researcher")]),
    ),
    "change another role": (
        lambda w: (
            reverse("personas:membership-edit", args=["siaya", w["designer_membership"].pk]),
            {"role": "researcher"},
        ),
        lambda before: sorted(
            [*(m for m in before if m[0] != "designer"), ("designer", "researcher")]
        ),
    ),
    "remove another role": (
        lambda w: (
            reverse("personas:membership-remove", args=["siaya", w["designer_membership"].pk]),
            {},
        ),
        lambda before: [m for m in before if m[0] != "designer"],
    ),
}
# who → what each change answers: "done" (302 and the team changed), or a refusal status
# with the team unchanged. A refused head appointment is a form error (400: the role is not
# offered); changing or removing an existing head's membership is forbidden outright (403).
EXPECTED = {
    "head": {change: "done" for change in CHANGES},
    "staff": {change: "done" for change in CHANGES},
    "admin": {
        "add as head": 400,
        "change someone to head": 400,
        "change a head to another role": 403,
        "remove a head": 403,
        "add another role": "done",
        "change another role": "done",
        "remove another role": "done",
    },
    "developer": {change: 403 for change in CHANGES},
    "reviewer": {change: 403 for change in CHANGES},
    "outsider": {change: 404 for change in CHANGES},
}
CASES = [(who, change) for who in EXPECTED for change in CHANGES]


@pytest.mark.parametrize(("who", "change"), CASES, ids=[f"{w}: {c}" for w, c in CASES])
def test_each_role_and_each_team_change(client, world, who, change):
    program = world["program"]
    request, after = CHANGES[change]
    url, data = request(world)
    before = team(program)
    client.force_login(world[who])
    response = client.post(url, data)
    expected = EXPECTED[who][change]
    if expected == "done":
        assert response.status_code == 302, response.content.decode()[:2000]
        assert team(program) == after(before)
    else:
        assert response.status_code == expected
        assert team(program) == before
        if expected == 400:
            assert "only a program head or site staff can appoint a head" in (
                response.content.decode()
            )


def test_an_administrator_cannot_take_the_program_over(client, world):
    """The attack that was reproduced: appoint oneself head, then remove the real heads."""
    program, admin = world["program"], world["admin"]
    client.force_login(admin)
    response = client.post(team_url(world), {"user": admin.pk, "role": HEAD})
    assert response.status_code == 400
    for membership in (world["cohead_membership"], Membership.objects.get(user=world["head"])):
        url = reverse("personas:membership-remove", args=["siaya", membership.pk])
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert not admin.has_perm("lifecycle.decide_gate", program)
    assert ("head", HEAD) in team(program) and ("cohead", HEAD) in team(program)


def test_the_team_page_offers_administrators_no_head_changes(client, world):
    client.force_login(world["admin"])
    body = client.get(team_url(world)).content.decode()
    head_edit = reverse("personas:membership-edit", args=["siaya", world["cohead_membership"].pk])
    designer_edit = reverse(
        "personas:membership-edit", args=["siaya", world["designer_membership"].pk]
    )
    assert head_edit not in body and designer_edit in body
    assert 'value="program_head"' not in body  # not among the roles offered
    client.force_login(world["head"])
    body = client.get(team_url(world)).content.decode()
    assert head_edit in body and 'value="program_head"' in body


def test_the_service_refuses_head_changes_by_someone_who_may_not(world):
    """The views pass who acts; the service checks again (the API will call it too)."""
    program, admin = world["program"], world["admin"]
    with pytest.raises(PermissionDenied):
        membership_add(program=program, user=admin, role=HEAD, by=admin)
    with pytest.raises(PermissionDenied):
        membership_change_role(membership=world["designer_membership"], role=HEAD, by=admin)
    with pytest.raises(PermissionDenied):
        membership_change_role(membership=world["cohead_membership"], role=ADMIN, by=admin)
    with pytest.raises(PermissionDenied):
        membership_end(membership=world["cohead_membership"], by=admin)
    membership_end(membership=world["designer_membership"], by=admin)  # other roles: fine
    membership_end(membership=world["cohead_membership"], by=world["head"])


@pytest.mark.parametrize("who", ["head", "staff"])
def test_a_program_always_keeps_a_head(client, world, who):
    membership_end(membership=world["cohead_membership"])
    only_head = Membership.objects.get(user=world["head"], role=HEAD)
    client.force_login(world[who])
    remove = reverse("personas:membership-remove", args=["siaya", only_head.pk])
    response = client.post(remove)
    assert response.status_code == 400
    assert "A program needs a program head: appoint another head first." in (
        response.content.decode()
    )
    edit = reverse("personas:membership-edit", args=["siaya", only_head.pk])
    response = client.post(edit, {"role": ADMIN})
    assert response.status_code == 400
    assert "appoint another head first" in response.content.decode()
    assert ("head", HEAD) in team(world["program"])
    with pytest.raises(ValidationError):
        membership_end(membership=only_head, by=world[who])
