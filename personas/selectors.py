"""Reads about people and roles. Selectors that take a user enforce what that user may see."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from chtprograms.models import Program
from core.selectors import get_or_404

from .models import Membership, PersonaRole, Profile
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
    # `pk IN (the user's memberships)`, not a correlated EXISTS: SQLite would check the EXISTS
    # program by program through the user's memberships (seconds for a member of thousands).
    return programs.filter(
        pk__in=Membership.objects.current().filter(user=user).values("program_id")
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
    memberships = Membership.objects.current().select_related("user")
    membership = get_or_404(memberships, "No such team member.", program=program, pk=pk)
    membership.program = program
    return membership


def team_users(*, program: Program) -> QuerySet:
    """The people on the program's team today, once each (for the pickers of its pages)."""
    from django.contrib.auth import get_user_model

    on_team = Membership.objects.current().filter(program=program).values("user_id")
    return get_user_model().objects.filter(pk__in=on_team).order_by("first_name", "username")


def person_by_email(*, email: str):
    """The one active person whose e-mail address is exactly `email` (letter case aside), or
    None. People pickers find someone outside the team this way only, never from a list of
    everyone: a user sees no one they have not already been told about."""
    from django.contrib.auth import get_user_model

    email = (email or "").strip()
    if not email:
        return None
    people = list(get_user_model().objects.filter(is_active=True, email__iexact=email)[:2])
    return people[0] if len(people) == 1 else None


def muteable_programs(*, user, profile) -> QuerySet[Program]:
    """The programs a person may mute: the ones they are on (and any they already muted)."""
    mine = Membership.objects.current().filter(user=user).values("program_id")
    return (
        Program.objects.filter(Q(pk__in=mine) | Q(pk__in=profile.muted_programs.values("pk")))
        .distinct()
        .order_by("name")
    )


def current_memberships(*, user_ids=None) -> QuerySet[Membership]:
    """Today's memberships (of these people, when given): the other apps refine it."""
    memberships = Membership.objects.current()
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=list(user_ids))
    return memberships


def muted_program_ids(*, profile_ids) -> dict[int, set[int]]:
    """profile id → the ids of the programs it mutes (one query)."""
    muted: dict[int, set[int]] = {}
    through = Profile.muted_programs.through
    for profile_id, program_id in through.objects.filter(
        profile_id__in=list(profile_ids)
    ).values_list("profile_id", "program_id"):
        muted.setdefault(profile_id, set()).add(program_id)
    return muted


def closeout_report_recipients(*, program: Program, requested_by=None) -> list:
    """Who receives a program's closeout report: its current program heads, the portfolio
    reviewers and whoever asked for the report; active people with an e-mail address, each
    address once (one query)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    heads = Membership.objects.current().filter(
        program=program, role=PersonaRole.PROGRAM_HEAD, user=OuterRef("pk")
    )
    wanted = Q(Exists(heads)) | Q(groups__name=settings.PORTFOLIO_REVIEWER_GROUP)
    # Heads and reviewers who opted out in their profile do not get it; whoever asked does.
    opted_out = Q(profile__email_closeout_reports=False)
    if requested_by is not None and requested_by.pk is not None:
        wanted |= Q(pk=requested_by.pk)
        opted_out &= ~Q(pk=requested_by.pk)
    users = (
        get_user_model()
        .objects.filter(wanted, is_active=True)
        .exclude(opted_out)
        .exclude(email="")
        .distinct()
        .order_by("last_name", "first_name", "username", "pk")
    )
    recipients, addresses = [], set()
    for user in users:
        address = user.email.strip().lower()
        if address and address not in addresses:
            addresses.add(address)
            recipients.append(user)
    return recipients


def languages_of(*, user_ids) -> dict[int, str]:
    """Each person's language (the site's default for someone without a profile yet)."""
    ids = [user_id for user_id in user_ids if user_id is not None]
    found = (
        dict(Profile.objects.filter(user_id__in=ids).values_list("user_id", "language"))
        if ids
        else {}
    )
    return {user_id: found.get(user_id) or settings.LANGUAGE_CODE for user_id in ids}
