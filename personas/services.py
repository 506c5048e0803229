"""Writes for people and roles."""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chtprograms.models import Program
from core.concurrency import ensure_unchanged

from .models import Membership, PersonaRole, Profile
from .rules import forget_site_roles
from .timezones import country_time_zone


def _may_touch_head(by, program: Program, *roles: str) -> None:
    """Only a program head or site staff appoints, demotes or removes a program head.

    `by` is the person making the change; None is the application itself (creating a program,
    the demo data)."""
    if by is None or PersonaRole.PROGRAM_HEAD not in roles:
        return
    if not by.has_perm("personas.manage_heads", program):
        raise PermissionDenied(_("Only a program head or site staff can appoint or remove a head."))


def membership_add(
    *, program: Program, user, role: str, since: datetime.date | None = None, by=None
) -> Membership:
    _may_touch_head(by, program, role)
    membership = Membership(
        program=program, user=user, role=role, since=since or timezone.localdate()
    )
    membership.full_clean()
    membership.save()
    forget_site_roles(user)
    return membership


def _ensure_another_head(membership: Membership) -> None:
    if membership.role != PersonaRole.PROGRAM_HEAD:
        return
    others = (
        Membership.objects.current()
        .filter(program_id=membership.program_id, role=PersonaRole.PROGRAM_HEAD)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            {"role": _("A program needs a program head: appoint another head first.")}
        )


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, by=None, version: str | None = None
) -> Membership:
    ensure_unchanged(membership, version, {"role": role})
    if role != membership.role:
        _may_touch_head(by, membership.program, membership.role, role)
        _ensure_another_head(membership)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    forget_site_roles(membership.user)
    return membership


@transaction.atomic
def membership_end(
    *, membership: Membership, until: datetime.date | None = None, by=None
) -> Membership:
    """Take someone off the team. The row stays, dated, so the team's history is kept."""
    _may_touch_head(by, membership.program, membership.role)
    _ensure_another_head(membership)
    membership.until = until or timezone.localdate()
    if membership.until < membership.since:
        membership.until = membership.since
    membership.full_clean()
    membership.save(update_fields=["until"])
    forget_site_roles(membership.user)
    return membership


def portfolio_reviewer_set(*, user, is_reviewer: bool = True) -> None:
    """Put a user in (or take them out of) the portfolio-reviewer group."""
    group, _created = Group.objects.get_or_create(name=settings.PORTFOLIO_REVIEWER_GROUP)
    if is_reviewer:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    forget_site_roles(user)


def program_creator_set(*, user, is_creator: bool = True) -> None:
    """Put a user in (or take them out of) the group whose members may start programs."""
    group, _created = Group.objects.get_or_create(name=settings.PROGRAM_CREATOR_GROUP)
    if is_creator:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    forget_site_roles(user)


# --- profile and preferences ------------------------------------------------------------------


def _first_program_countries(user_ids) -> dict[int, str]:
    """user id → the country of the first program they joined (one query)."""
    countries: dict[int, str] = {}
    rows = (
        Membership.objects.filter(user_id__in=list(user_ids))
        .order_by("user_id", "since", "id")
        .values_list("user_id", "program__country")
    )
    for user_id, country in rows:
        countries.setdefault(user_id, str(country))
    return countries


def profile_get(*, user) -> Profile:
    """The person's profile, created the first time it is needed. The time zone defaults to
    the one of the country of their first program (UTC when they have none)."""
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    country = _first_program_countries([user.pk]).get(user.pk)
    profile = Profile(user=user, time_zone=country_time_zone(country))
    profile.full_clean()
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # created meanwhile by another request or the digest
        profile = Profile.objects.get(user=user)
    return profile


def profiles_ensure(*, user_ids) -> dict[int, Profile]:
    """The profiles of many people, creating the missing ones, in a constant number of queries."""
    user_ids = list(dict.fromkeys(user_ids))
    profiles = {
        profile.user_id: profile for profile in Profile.objects.filter(user_id__in=user_ids)
    }
    missing = [user_id for user_id in user_ids if user_id not in profiles]
    if missing:
        countries = _first_program_countries(missing)
        Profile.objects.bulk_create(
            [
                Profile(user_id=user_id, time_zone=country_time_zone(countries.get(user_id)))
                for user_id in missing
            ],
            ignore_conflicts=True,
        )
        profiles.update(
            {profile.user_id: profile for profile in Profile.objects.filter(user_id__in=missing)}
        )
    return profiles


PROFILE_FIELDS = (
    "time_zone",
    "language",
    "digest_frequency",
    "days_ahead",
    "email_closeout_reports",
)


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    time_zone: str,
    language: str,
    digest_frequency: str,
    days_ahead: int,
    email_closeout_reports: bool,
    muted_programs=(),
) -> Profile:
    """Save a person's preferences (the programs they mute included)."""
    profile.time_zone = time_zone
    profile.language = language
    profile.digest_frequency = digest_frequency
    profile.days_ahead = days_ahead
    profile.email_closeout_reports = email_closeout_reports
    profile.full_clean()
    profile.save(update_fields=[*PROFILE_FIELDS, "updated_at"])
    profile.muted_programs.set(list(muted_programs))
    return profile


def profile_set_language(*, user, language: str) -> Profile:
    """The language chosen in the user menu: it is the profile's language from now on."""
    profile = profile_get(user=user)
    profile.language = language
    profile.full_clean()
    profile.save(update_fields=["language", "updated_at"])
    return profile
