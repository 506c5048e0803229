"""Admin: activity templates are reference data; everything else here is read-only (the
lifecycle changes only through its services, and its history is never rewritten)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chtprograms.models import ProgramType
from core.admin import ReadOnlyAdmin
from lifecycle.models import (
    ActivityTemplate,
    EthicsApproval,
    GateReview,
    Lifecycle,
    StageActivity,
    StagePlan,
    StageTransition,
)


class ActivityTemplateForm(forms.ModelForm):
    program_types = forms.MultipleChoiceField(
        label=_("Program types"),
        choices=ProgramType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("New programs of these types get this activity."),
    )

    class Meta:
        model = ActivityTemplate
        fields = [
            "stage",
            "title",
            "title_fr",
            "description",
            "description_fr",
            "program_types",
            "required",
            "role",
            "position",
            "active",
        ]


@admin.register(ActivityTemplate)
class ActivityTemplateAdmin(admin.ModelAdmin):
    form = ActivityTemplateForm
    list_display = ["title", "title_fr", "stage", "required", "role", "types", "position", "active"]
    list_filter = ["stage", "required", "role", "active"]
    list_editable = ["position", "active"]
    search_fields = ["title", "title_fr", "description", "description_fr"]

    @admin.display(description=_("program types"))
    def types(self, obj):
        labels = dict(ProgramType.choices)
        return ", ".join(str(labels.get(value, value)) for value in obj.program_types)


class StageTransitionInline(admin.TabularInline):
    model = StageTransition
    extra = 0
    fields = ["at", "transition", "source", "target", "by", "note", "waived_criteria"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Lifecycle)
class LifecycleAdmin(ReadOnlyAdmin):
    list_display = ["program", "stage", "last_stage", "stage_entered_at"]
    list_filter = ["stage"]
    list_select_related = ["program"]
    search_fields = ["program__name", "program__slug"]
    inlines = [StageTransitionInline]


@admin.register(StageTransition)
class StageTransitionAdmin(ReadOnlyAdmin):
    list_display = ["at", "lifecycle", "transition", "source", "target", "by"]
    list_filter = ["transition", "target"]
    list_select_related = ["lifecycle__program", "by"]
    search_fields = ["lifecycle__program__name", "note"]
    date_hierarchy = "at"


@admin.register(GateReview)
class GateReviewAdmin(ReadOnlyAdmin):
    list_display = ["decided_at", "lifecycle", "stage", "decision", "reviewer"]
    list_filter = ["decision", "stage"]
    list_select_related = ["lifecycle__program", "reviewer"]


@admin.register(StageActivity)
class StageActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "program", "stage", "status", "required", "assignee", "due_on"]
    list_filter = ["stage", "status", "required"]
    list_select_related = ["program", "assignee"]
    search_fields = ["title", "program__name"]


@admin.register(StagePlan)
class StagePlanAdmin(ReadOnlyAdmin):
    list_display = ["lifecycle", "stage", "planned_start", "planned_end"]
    list_select_related = ["lifecycle__program"]


@admin.register(EthicsApproval)
class EthicsApprovalAdmin(ReadOnlyAdmin):
    list_display = ["program", "approved_on", "reference", "expires_on"]
    list_select_related = ["program"]
