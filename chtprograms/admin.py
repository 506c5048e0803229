from django.contrib import admin

from .models import (
    BudgetLine,
    CHWSupport,
    Consideration,
    ConsiderationItem,
    DataSharingAgreement,
    ExchangeRate,
    Expenditure,
    HealthNote,
    HostingEstimate,
    HostingInstance,
    Indicator,
    Lesson,
    Measurement,
    Organization,
    Program,
    ProgramPartner,
    Risk,
    ScalingDecision,
)


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
class ProgramAdmin(admin.ModelAdmin):
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
class ConsiderationAdmin(admin.ModelAdmin):
    list_display = ["program", "area", "status", "risk", "owner"]
    list_filter = ["area", "status", "risk"]
    list_select_related = ["program", "owner"]
    inlines = [ConsiderationItemInline]


@admin.register(ConsiderationItem)
class ConsiderationItemAdmin(admin.ModelAdmin):
    list_display = ["label", "consideration", "done"]
    list_filter = ["done"]
    list_select_related = ["consideration__program"]


@admin.register(ProgramPartner)
class ProgramPartnerAdmin(admin.ModelAdmin):
    list_display = ["program", "organization", "role"]
    list_select_related = ["program", "organization"]


# --- plan and evidence ------------------------------------------------------------------------


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Site administrators keep the rates used to total money in US dollars."""

    list_display = ["currency", "effective_date", "units_per_usd"]
    list_filter = ["currency"]
    search_fields = ["currency"]
    date_hierarchy = "effective_date"
    ordering = ["currency", "-effective_date"]


class ExpenditureInline(admin.TabularInline):
    model = Expenditure
    extra = 0


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "category", "stage", "forecast_amount"]
    list_filter = ["category", "stage"]
    search_fields = ["name", "program__name"]
    list_select_related = ["program"]
    autocomplete_fields = ["program"]
    inlines = [ExpenditureInline]


@admin.register(Expenditure)
class ExpenditureAdmin(admin.ModelAdmin):
    list_display = ["date", "description", "amount", "line"]
    list_select_related = ["line__program"]
    search_fields = ["description", "reference", "line__program__name"]
    date_hierarchy = "date"


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "unit", "baseline_value", "target_value", "target_date"]
    list_select_related = ["program"]
    search_fields = ["name", "program__name"]
    autocomplete_fields = ["program"]
    inlines = [MeasurementInline]


@admin.register(CHWSupport)
class CHWSupportAdmin(admin.ModelAdmin):
    list_display = ["program", "chw_count", "supervisor_count", "compensation_model"]
    list_filter = ["compensation_model", "supply_status"]
    list_select_related = ["program"]
    autocomplete_fields = ["program"]


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "program", "likelihood", "impact", "status"]
    list_filter = ["likelihood", "impact", "status"]
    list_select_related = ["program"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "program", "stage", "recorded_on"]
    list_filter = ["stage"]
    list_select_related = ["program"]


@admin.register(ScalingDecision)
class ScalingDecisionAdmin(admin.ModelAdmin):
    list_display = ["program", "decision", "decided_on", "decided_by"]
    list_filter = ["decision"]
    list_select_related = ["program", "decided_by"]


@admin.register(HostingEstimate)
class HostingEstimateAdmin(admin.ModelAdmin):
    list_display = ["program", "users", "population", "years", "monthly_usd", "created_at"]
    list_select_related = ["program"]
    readonly_fields = ["documents", "disk_gb", "cpus", "ram_gb", "monthly_usd"]


@admin.register(DataSharingAgreement)
class DataSharingAgreementAdmin(admin.ModelAdmin):
    list_display = ["program", "reference", "data_controller", "signed_on", "expires_on"]
    list_select_related = ["program"]
    search_fields = ["program__name", "reference", "data_controller"]
    date_hierarchy = "expires_on"


@admin.register(HostingInstance)
class HostingInstanceAdmin(admin.ModelAdmin):
    list_display = ["domain", "program", "domain_renews_on", "tls_expires_on", "tls_auto_renews"]
    list_filter = ["tls_auto_renews"]
    list_select_related = ["program"]
    search_fields = ["domain", "program__name"]
