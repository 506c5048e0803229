"""Helpers every app's selectors share."""

from django.http import Http404


def get_or_404(queryset, message: str, **lookup):
    """The one object `lookup` finds in `queryset` (a manager works too), or a 404 with `message`:
    the one way selectors say "not found", so that others' objects and missing ones look alike."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(message) from None
