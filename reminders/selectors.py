"""Notification reads."""

from django.db.models import QuerySet

from core.selectors import get_or_404
from reminders.models import Notification


def unread_notification_count(*, user) -> int:
    return Notification.objects.filter(person=user, read_at__isnull=True).count()


def notification_list(*, user) -> QuerySet[Notification]:
    """The person's notifications, newest first, with their programs."""
    return (
        Notification.objects.filter(person=user)
        .select_related("program")
        .order_by("-created_at", "position", "id")
    )


def notification_get(*, user, pk: int) -> Notification:
    return get_or_404(Notification.objects, "No such notification.", person=user, pk=pk)
