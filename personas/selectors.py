"""Reads about people and roles. Selectors that take a user enforce what that user may see."""

from django.db.models import Exists, OuterRef, QuerySet

from chtprograms.models import Program

from .models import Membership, PersonaRole
from .rules import is_portfolio_reviewer, is_site_staff


def sees_every_program(user) -> bool:
    return is_site_staff(user) or is_portfolio_reviewer(user)


def programs_visible_to(user) -> QuerySet[Program]:
    """Every program for staff and portfolio reviewers; otherwise the user's own programs."""
    programs = Program.objects.all()
    if not user.is_authenticated:
        return programs.none()
    if sees_every_program(user):
        return programs
    return programs.filter(
        Exists(Membership.objects.current().filter(program=OuterRef("pk"), user=user))
    )


def team_list(*, program: Program) -> QuerySet[Membership]:
    return (
        Membership.objects.current()
        .filter(program=program)
        .select_related("user")
        .order_by("role", "user__first_name", "user__username")
    )


def team_by_role(*, program: Program) -> list[tuple[str, list[Membership]]]:
    """The current team grouped by persona role, in the order of PersonaRole."""
    groups: dict[str, list[Membership]] = {}
    for membership in team_list(program=program):
        groups.setdefault(membership.role, []).append(membership)
    return [(role.label, groups[role]) for role in PersonaRole if role in groups]


def membership_get(*, program: Program, pk: int) -> Membership:
    return Membership.objects.current().select_related("user").get(program=program, pk=pk)
