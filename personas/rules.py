"""Who may do what: `rules` predicates and the permissions built from them.

Roles are read once per (user, program) and cached on the user object for the request, so a page
that checks several permissions does one query."""

import rules
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists

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


def remember_program_roles(user, program_ids) -> None:
    """Read `user`'s current roles on many programs in one query and cache them as
    `program_roles` does, so that checking a permission on each of them asks nothing more (an
    import whose rows name many programs)."""
    if not user.is_authenticated:
        return
    program_ids = set(program_ids)
    found: dict[int, set[str]] = {program_id: set() for program_id in program_ids}
    rows = (
        Membership.objects.current()
        .filter(user=user, program_id__in=program_ids)
        .values_list("program_id", "role")
    )
    for program_id, role in rows:
        found[program_id].add(role)
    cache = getattr(user, "_program_roles_cache", None)
    if cache is None:
        cache = user._program_roles_cache = {}
    cache.update({program_id: frozenset(roles) for program_id, roles in found.items()})


@rules.predicate
def is_site_staff(user) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def site_roles(user) -> frozenset[str]:
    """The site-wide roles of `user`: "reviewer" (in the portfolio-reviewer group), "creator"
    (in the program-creator group) and "head" (heads a program today). One query, cached on the
    user object for the request (the services that change them drop the cache)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_site_roles", None)
    if cached is None:
        # The user's id itself rather than the outer row's: the planner then reads the
        # (user, role) index instead of scanning every membership for the first match.
        in_group = get_user_model().groups.through.objects.filter(user_id=user.pk)
        heads = Membership.objects.current().filter(user_id=user.pk, role=PersonaRole.PROGRAM_HEAD)
        flags = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .values_list(
                Exists(in_group.filter(group__name=settings.PORTFOLIO_REVIEWER_GROUP)),
                Exists(in_group.filter(group__name=settings.PROGRAM_CREATOR_GROUP)),
                Exists(heads),
            )
            .first()
        ) or (False, False, False)
        names = ("reviewer", "creator", "head")
        cached = user._site_roles = frozenset(
            name for name, flag in zip(names, flags, strict=True) if flag
        )
    return cached


def forget_site_roles(user) -> None:
    if hasattr(user, "_site_roles"):
        del user._site_roles


@rules.predicate
def is_portfolio_reviewer(user) -> bool:
    return "reviewer" in site_roles(user)


@rules.predicate
def is_program_creator(user) -> bool:
    """In the program-creator group (settings.PROGRAM_CREATOR_GROUP)."""
    return "creator" in site_roles(user)


@rules.predicate
def heads_a_program(user) -> bool:
    return "head" in site_roles(user)


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
#: Only heads and site staff appoint or remove a program head, so that an administrator cannot
#: take a program over (appoint themselves, decide its gates, remove the real head).
can_manage_heads = is_site_staff | is_program_head
#: Who may start a program: site staff, the program-creator group, and anyone who heads one.
can_create_program = is_site_staff | is_program_creator | heads_a_program

rules.add_perm("chtprograms.add_program", can_create_program)
rules.add_perm("chtprograms.view_program", can_view_program)
rules.add_perm("chtprograms.change_program", can_change_program)
rules.add_perm("personas.manage_team", can_change_program)
rules.add_perm("personas.manage_heads", can_manage_heads)
rules.add_perm("lifecycle.decide_gate", can_decide_gate)
