from django.contrib import admin

from chtprograms.models import (
    Consideration,
    ConsiderationItem,
    DataSharingAgreement,
    HealthNote,
    Organization,
    Program,
    ProgramPartner,
)
from core.admin import HistoryAdmin


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]


class ProgramPartnerInline(admin.TabularInline):
    model = ProgramPartner
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Program)
class ProgramAdmin(HistoryAdmin):
    list_display = ["name", "program_type", "country", "health", "planned_start", "archived_at"]
    list_filter = ["program_type", "country", "health"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["lead_organization"]
    autocomplete_fields = ["lead_organization"]
    inlines = [ProgramPartnerInline]

    def has_add_permission(self, request):
        # A program is created with its considerations, lifecycle, activities and first head:
        # only `program_create` (the "New program" page) does all of that.
        return False

    def has_delete_permission(self, request, obj=None):
        # Programs are archived, never deleted.
        return False


@admin.register(HealthNote)
class HealthNoteAdmin(admin.ModelAdmin):
    list_display = ["program", "status", "recorded_at", "recorded_by"]
    list_filter = ["status"]
    list_select_related = ["program", "recorded_by"]


class ConsiderationItemInline(admin.TabularInline):
    model = ConsiderationItem
    extra = 0


@admin.register(Consideration)
class ConsiderationAdmin(HistoryAdmin):
    list_display = ["program", "area", "status", "risk", "owner"]
    list_filter = ["area", "status", "risk"]
    list_select_related = ["program", "owner"]
    inlines = [ConsiderationItemInline]


@admin.register(ConsiderationItem)
class ConsiderationItemAdmin(HistoryAdmin):
    list_display = ["label", "consideration", "done"]
    list_filter = ["done"]
    list_select_related = ["consideration__program"]


@admin.register(ProgramPartner)
class ProgramPartnerAdmin(HistoryAdmin):
    list_display = ["program", "organization", "role"]
    list_select_related = ["program", "organization"]


@admin.register(DataSharingAgreement)
class DataSharingAgreementAdmin(HistoryAdmin):
    list_display = ["program", "reference", "data_controller", "signed_on", "expires_on"]
    list_select_related = ["program"]
    search_fields = ["program__name", "reference", "data_controller"]
    date_hierarchy = "expires_on"
