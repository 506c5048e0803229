from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin, ReadOnlyAdmin

from .models import CHTRelease, GoLiveReadiness, Instance, InstanceFlag, Snapshot


@admin.register(CHTRelease)
class CHTReleaseAdmin(admin.ModelAdmin):
    """The CHT's end-of-life table (cht-docs, Releases): add each new minor version here."""

    list_display = ["__str__", "released_on", "end_of_life"]
    ordering = ["-major", "-minor"]


@admin.register(Instance)
class InstanceAdmin(HistoryAdmin):
    list_display = ["__str__", "program", "kind", "base_url", "polling_enabled", "has_credentials"]
    list_filter = ["kind", "polling_enabled"]
    list_select_related = ["program"]
    search_fields = ["base_url", "label", "program__name"]
    autocomplete_fields = ["program", "shared_with"]
    # The credentials are never shown: only whether some are stored, and since when.
    readonly_fields = ["credentials_set_at", "latest_snapshot", "created_at", "updated_at"]
    fields = [
        "program",
        "shared_with",
        "kind",
        "base_url",
        "label",
        "polling_enabled",
        "go_live_on",
        "cutover_on",
        "domain_renews_on",
        "tls_expires_on",
        "tls_auto_renews",
        "credentials_set_at",
        "latest_snapshot",
        "created_at",
        "updated_at",
    ]

    @admin.display(boolean=True, description=_("impact credentials"))
    def has_credentials(self, obj):
        return obj.has_credentials


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["instance", "polled_at", "status", "app_version", "latency_ms", "error"]
    list_filter = ["status"]
    list_select_related = ["instance"]
    date_hierarchy = "polled_at"
    search_fields = ["instance__base_url"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InstanceFlag)
class InstanceFlagAdmin(admin.ModelAdmin):
    list_display = ["instance", "code", "detail", "raised_at", "cleared_at"]
    list_filter = ["code"]
    list_select_related = ["instance"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GoLiveReadiness)
class GoLiveReadinessAdmin(ReadOnlyAdmin):
    """Kept on the program's Go-live tab (the service validates it); read here."""

    list_display = [
        "program",
        "credential_delivery",
        "backups_3_2_1",
        "last_restore_tested_on",
        "monitoring_alerts",
        "support_shared_on",
    ]
    list_filter = ["credential_delivery", "backups_3_2_1", "monitoring_alerts"]
    list_select_related = ["program"]
    search_fields = ["program__name"]
