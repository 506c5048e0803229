"""Who may do what: `rules` predicates and the permissions built from them.

Roles are read once per (user, program) and cached on the user object for the request, so a page
that checks several permissions does one query."""

import rules
from django.conf import settings

from .models import MANAGING_ROLES, Membership, PersonaRole


def program_roles(user, program) -> frozenset[str]:
    """The persona roles `user` currently holds on `program` (cached on the user object)."""
    if not user.is_authenticated or program is None:
        return frozenset()
    cache = getattr(user, "_program_roles_cache", None)
    if cache is None:
        cache = user._program_roles_cache = {}
    if program.pk not in cache:
        cache[program.pk] = frozenset(
            Membership.objects.current()
            .filter(user=user, program_id=program.pk)
            .values_list("role", flat=True)
        )
    return cache[program.pk]


@rules.predicate
def is_site_staff(user) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


@rules.predicate
def is_portfolio_reviewer(user) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_portfolio_reviewer", None)
    if cached is None:
        cached = user._is_portfolio_reviewer = user.groups.filter(
            name=settings.PORTFOLIO_REVIEWER_GROUP
        ).exists()
    return cached


@rules.predicate
def is_program_member(user, program) -> bool:
    return bool(program_roles(user, program))


@rules.predicate
def is_program_head(user, program) -> bool:
    return PersonaRole.PROGRAM_HEAD in program_roles(user, program)


@rules.predicate
def is_program_manager(user, program) -> bool:
    """Program head or program administrator."""
    return bool(MANAGING_ROLES & program_roles(user, program))


can_view_program = is_site_staff | is_portfolio_reviewer | is_program_member
can_change_program = is_site_staff | is_program_manager
can_decide_gate = is_site_staff | is_program_head
can_create_program = rules.is_authenticated & (is_site_staff | ~is_portfolio_reviewer)

rules.add_perm("chtprograms.add_program", can_create_program)
rules.add_perm("chtprograms.view_program", can_view_program)
rules.add_perm("chtprograms.change_program", can_change_program)
rules.add_perm("personas.manage_team", can_change_program)
rules.add_perm("lifecycle.decide_gate", can_decide_gate)
