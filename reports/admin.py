"""Closeout reports in the admin."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from reports.models import CloseoutReport, CloseoutReportDelivery


class CloseoutReportDeliveryInline(admin.TabularInline):
    model = CloseoutReportDelivery
    fields = ["email", "recipient", "claimed_at", "sent_at", "attempts", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CloseoutReport)
class CloseoutReportAdmin(ReadOnlyAdmin):
    """Versions are made by the worker; here they are only looked at."""

    list_display = [
        "program",
        "version",
        "status",
        "requested_by",
        "requested_at",
        "finished_at",
        "page_count",
        "emailed_at",
    ]
    list_filter = ["status"]
    list_select_related = ["program", "requested_by"]
    search_fields = ["program__name", "program__slug"]
    inlines = [CloseoutReportDeliveryInline]
