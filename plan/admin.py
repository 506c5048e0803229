"""Plan and evidence in the admin."""

from django.contrib import admin

from plan.budget.models import BudgetLine, ExchangeRate, Expenditure
from plan.chw_support.models import CHWSupport
from plan.hosting.models import HostingEstimate, HostingInstance
from plan.indicators.models import Indicator, Measurement
from plan.risks.models import Lesson, Risk, ScalingDecision


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


@admin.register(HostingInstance)
class HostingInstanceAdmin(admin.ModelAdmin):
    list_display = ["domain", "program", "domain_renews_on", "tls_expires_on", "tls_auto_renews"]
    list_filter = ["tls_auto_renews"]
    list_select_related = ["program"]
    search_fields = ["domain", "program__name"]
