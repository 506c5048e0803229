"""Reminders in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from reminders.models import DigestDispatch, Notification


@admin.register(DigestDispatch)
class DigestDispatchAdmin(admin.ModelAdmin):
    list_display = [
        "period",
        "person",
        "frequency",
        "status",
        "item_count",
        "attempts",
        "requeues",
        "sent_at",
    ]
    list_filter = ["status", "frequency", "period"]
    list_select_related = ["person"]
    search_fields = ["person__username", "person__email", "error"]
    date_hierarchy = "period"
    readonly_fields = [
        "person",
        "period",
        "frequency",
        "status",
        "item_count",
        "attempts",
        "requeues",
        "error",
        "claim_token",
        "claimed_at",
        "sent_at",
        "updated_at",
    ]
    actions = ["send_again"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected digests again"))
    def send_again(self, request, queryset):
        from django.core.exceptions import ValidationError

        from .services import digest_resend

        sent = 0
        for dispatch in queryset:
            try:
                digest_resend(dispatch=dispatch)
            except ValidationError:
                continue
            sent += 1
        self.message_user(request, _("%(count)d digest(s) queued again.") % {"count": sent})


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "person", "program", "kind", "subject", "due_on", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["person", "program"]
    search_fields = ["person__username", "subject", "program__name"]
