"""Plan and evidence in the admin.

Program teams keep these records on the program's pages, where the services apply their rules
(money spent is never deleted with its line; a measurement belongs to its indicator's program).
Here they can be read, not changed, so nothing is written around the services. Exchange rates are
the site administrators' own: saved through `exchange_rate_set`."""

from django.contrib import admin

from core.admin import HistoryAdmin, ReadOnlyAdmin
from plan.budget.models import BudgetLine, ExchangeRate, Expenditure
from plan.budget.services import exchange_rate_set
from plan.chw_support.models import CHWSupport
from plan.devices.models import Device
from plan.hosting.models import HostingEstimate
from plan.indicators.models import Indicator, Measurement
from plan.risks.models import Lesson, Risk, ScalingDecision
from plan.training.models import TrainingEvent


@admin.register(ExchangeRate)
class ExchangeRateAdmin(HistoryAdmin):
    """Site administrators keep the rates used to total money in US dollars."""

    list_display = ["currency", "effective_date", "units_per_usd"]
    list_filter = ["currency"]
    search_fields = ["currency"]
    date_hierarchy = "effective_date"
    ordering = ["currency", "-effective_date"]

    def save_model(self, request, obj, form, change):
        saved = exchange_rate_set(
            currency=obj.currency,
            effective_date=obj.effective_date,
            units_per_usd=obj.units_per_usd,
        )
        obj.pk = saved.pk


class ExpenditureInline(admin.TabularInline):
    model = Expenditure
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ["name", "program", "category", "stage", "forecast_amount"]
    list_filter = ["category", "stage"]
    search_fields = ["name", "program__name"]
    list_select_related = ["program"]
    inlines = [ExpenditureInline]


@admin.register(Expenditure)
class ExpenditureAdmin(ReadOnlyAdmin):
    list_display = ["date", "description", "amount", "line"]
    list_select_related = ["line__program"]
    search_fields = ["description", "reference", "line__program__name"]
    date_hierarchy = "date"


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["name", "program", "unit", "baseline_value", "target_value", "target_date"]
    list_select_related = ["program"]
    search_fields = ["name", "program__name"]
    inlines = [MeasurementInline]


@admin.register(CHWSupport)
class CHWSupportAdmin(ReadOnlyAdmin):
    list_display = ["program", "chw_count", "supervisor_count", "compensation_model"]
    list_filter = ["compensation_model", "supply_status"]
    list_select_related = ["program"]


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "program", "likelihood", "impact", "status"]
    list_filter = ["likelihood", "impact", "status"]
    list_select_related = ["program"]


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "program", "stage", "recorded_on"]
    list_filter = ["stage"]
    list_select_related = ["program"]


@admin.register(ScalingDecision)
class ScalingDecisionAdmin(ReadOnlyAdmin):
    list_display = ["program", "decision", "decided_on", "decided_by"]
    list_filter = ["decision"]
    list_select_related = ["program", "decided_by"]


@admin.register(HostingEstimate)
class HostingEstimateAdmin(ReadOnlyAdmin):
    list_display = ["program", "users", "population", "years", "monthly_usd", "created_at"]
    list_select_related = ["program"]
    readonly_fields = ["documents", "disk_gb", "cpus", "ram_gb", "monthly_usd"]


@admin.register(TrainingEvent)
class TrainingEventAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "program", "kind", "starts_on", "participants", "facilitators"]
    list_filter = ["kind", "evaluation_level"]
    list_select_related = ["program"]
    search_fields = ["place", "program__name"]
    date_hierarchy = "starts_on"


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ["imei", "phone_model", "program", "user_name", "android_version", "status"]
    list_filter = ["status"]
    list_select_related = ["program"]
    search_fields = ["imei", "sim_number", "user_name", "phone_model", "program__name"]
