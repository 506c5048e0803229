"""The one way a view loads a program: visible to the user or 404, then permission or 403."""

from django.core.exceptions import PermissionDenied

from .models import Program
from .selectors import program_get


def program_for(request, slug: str, perm: str | None = None) -> Program:
    program = program_get(user=request.user, slug=slug)
    if perm is not None and not request.user.has_perm(perm, program):
        raise PermissionDenied
    return program
