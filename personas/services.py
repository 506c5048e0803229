"""Writes for people and roles."""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chtprograms.models import Program

from .models import Membership, PersonaRole


def membership_add(
    *, program: Program, user, role: str, since: datetime.date | None = None
) -> Membership:
    membership = Membership(
        program=program, user=user, role=role, since=since or timezone.localdate()
    )
    membership.full_clean()
    membership.save()
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
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role != membership.role:
        _ensure_another_head(membership)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, until: datetime.date | None = None) -> Membership:
    """Take someone off the team. The row stays, dated, so the team's history is kept."""
    _ensure_another_head(membership)
    membership.until = until or timezone.localdate()
    if membership.until < membership.since:
        membership.until = membership.since
    membership.full_clean()
    membership.save(update_fields=["until"])
    return membership


def portfolio_reviewer_set(*, user, is_reviewer: bool = True) -> None:
    """Put a user in (or take them out of) the portfolio-reviewer group."""
    group, _created = Group.objects.get_or_create(name=settings.PORTFOLIO_REVIEWER_GROUP)
    if is_reviewer:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    if hasattr(user, "_is_portfolio_reviewer"):
        del user._is_portfolio_reviewer
