"""Closeout reports in the admin: looked at, and sent again (every state, see the actions)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from reports.models import CloseoutReport, CloseoutReportDelivery


class CloseoutReportDeliveryInline(admin.TabularInline):
    model = CloseoutReportDelivery
    fields = [
        "email",
        "recipient",
        "status",
        "claimed_at",
        "sent_at",
        "attempts",
        "requeues",
        "error",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CloseoutReport)
class CloseoutReportAdmin(ReadOnlyAdmin):
    """Versions are made by the worker; here they are looked at and sent again."""

    list_display = [
        "program",
        "version",
        "status",
        "requested_by",
        "requested_at",
        "finished_at",
        "page_count",
        "requeues",
        "emailed_at",
    ]
    list_filter = ["status"]
    list_select_related = ["program", "requested_by"]
    search_fields = ["program__name", "program__slug"]
    inlines = [CloseoutReportDeliveryInline]
    actions = ["send_again"]

    @admin.action(description=_("Send the selected reports again (or make a new version)"))
    def send_again(self, request, queryset):
        from reports.services import report_send_again

        for report in queryset.select_related("program", "requested_by"):
            report_send_again(report=report)
        self.message_user(
            request, _("%(count)d report(s) queued again.") % {"count": queryset.count()}
        )


@admin.register(CloseoutReportDelivery)
class CloseoutReportDeliveryAdmin(ReadOnlyAdmin):
    """Each e-mail of each version: failed ones, and ones stuck "being sent", are here."""

    list_display = ["report", "email", "status", "attempts", "requeues", "claimed_at", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["report__program"]
    search_fields = ["email", "report__program__name", "error"]
    readonly_fields = [
        "report",
        "recipient",
        "email",
        "status",
        "claimed_at",
        "sent_at",
        "attempts",
        "requeues",
        "error",
    ]
    actions = ["send_again"]

    @admin.action(description=_("Send the selected e-mails again"))
    def send_again(self, request, queryset):
        from reports.services import delivery_send_again

        count = 0
        for delivery in queryset:
            delivery_send_again(delivery=delivery)
            count += 1
        self.message_user(request, _("%(count)d e-mail(s) queued again.") % {"count": count})
