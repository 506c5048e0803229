"""The notifications page (the bell's list): read them, mark one or all read. Thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.http import redirect_back
from reminders import selectors, services
from reminders.digest import notification_text

PAGE_SIZE = 25


def _row(notification, today) -> dict:
    return {"notification": notification, "text": notification_text(notification, today)}


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    return render(
        request,
        "reminders/notification_list.html",
        {"page": page, "rows": [_row(notification, today) for notification in page]},
    )


def _back(request):
    """Back to the page the form was on, if `next` is a path on this site."""
    return redirect_back(request, request.POST.get("next"), reverse("reminders:notifications"))


@login_required
@require_POST
def notification_read(request, pk):
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    if request.htmx:
        return render(
            request,
            "reminders/partials/_notification_row.html",
            {
                "row": _row(notification, timezone.localdate()),
                "oob_bell": True,
                "said": _("Notification marked read."),
            },
        )
    messages.success(request, _("Notification marked read."))
    return _back(request)


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(person=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count}
        if count
        else _("Nothing was unread."),
    )
    return _back(request)
