"""The bell in the top bar: the signed-in person's unread notifications, counted lazily (one
query, and only when a page shows the bell)."""

from django.utils.functional import SimpleLazyObject

from reminders.selectors import unread_notification_count


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: unread_notification_count(user=user) if user.is_authenticated else 0
        )
    }
