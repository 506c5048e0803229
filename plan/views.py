"""What the plan-and-evidence pages share."""

from django.urls import reverse

CHANGE = "chtprograms.change_program"


PAGE_SIZE = 25


def plan_url(name: str, program, *args) -> str:
    return reverse(f"plan:{name}", args=[program.slug, *args])


def can_change(request, program) -> bool:
    return request.user.has_perm(CHANGE, program)
