"""Forms of the lifecycle pages: they validate shape; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, StyledFormMixin, bound_dates, person_label
from core.validators import TEXT

from .models import EthicsApproval, StageActivity
from .stages import WORK_STAGE_CHOICES, ActivityStatus, Stage


class DecisionForm(StyledFormMixin, forms.Form):
    """A gate or lifecycle decision. `from_stage` is the stage the page showed: if the program
    has moved since, the service refuses with a conflict instead of acting on a stale view."""

    from_stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    waive = forms.MultipleChoiceField(
        label=_("Waive these unmet criteria"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    to = forms.ChoiceField(label=_("Send back to"), required=False, choices=WORK_STAGE_CHOICES)

    def __init__(self, *args, criteria_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["waive"].choices = [(criterion, criterion) for criterion in criteria_ids]
        # CheckboxSelectMultiple renders its own inputs; Bootstrap's class goes on each one.
        self.fields["waive"].widget.attrs["class"] = "form-check-input"


class ActivityProgressForm(StyledFormMixin, forms.Form):
    """Status and evidence: what an assignee updates. (A plain form: a failed attempt must not
    change the activity shown on the page; the service validates the model.)"""

    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    evidence_note = forms.CharField(
        label=_("Evidence or reason"),
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows it is done; or why it does not apply."),
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, max_length=500, assume_scheme="https"
    )

    @classmethod
    def for_activity(cls, activity: StageActivity, data=None, prefix=None):
        return cls(
            data,
            prefix=prefix,
            initial={
                "status": activity.status,
                "evidence_note": activity.evidence_note,
                "evidence_url": activity.evidence_url,
            },
        )


class ActivityPlanForm(StyledFormMixin, forms.Form):
    """Assignee and due date: what the program head or administrator plans.

    The choices come from the team list the page already loaded (no query per form)."""

    assignee = forms.TypedChoiceField(
        label=_("Assignee"), required=False, coerce=int, empty_value=None, choices=()
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput())

    def __init__(self, *args, team=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.team = {user.pk: user for user in team}
        self.fields["assignee"].choices = [
            ("", _("Nobody yet")),
            *((user.pk, person_label(user)) for user in team),
        ]

    @classmethod
    def for_activity(cls, activity: StageActivity, data=None, team=(), prefix=None):
        return cls(
            data,
            prefix=prefix,
            team=team,
            initial={"assignee": activity.assignee_id, "due_on": activity.due_on},
        )

    def plan(self) -> dict:
        pk = self.cleaned_data.get("assignee")
        return {"assignee": self.team.get(pk), "due_on": self.cleaned_data.get("due_on")}


class StagePlanForm(StyledFormMixin, forms.Form):
    """The planned start and end of the eight stages: two date fields per stage."""

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        plans = plans or {}
        for stage, label in WORK_STAGE_CHOICES:
            plan = plans.get(stage)
            self.fields[f"{stage}_start"] = forms.DateField(
                label=_("%(stage)s: planned start") % {"stage": label},
                widget=DateInput(attrs={"class": "form-control"}),
                initial=plan.planned_start if plan else None,
            )
            self.fields[f"{stage}_end"] = forms.DateField(
                label=_("%(stage)s: planned end") % {"stage": label},
                widget=DateInput(attrs={"class": "form-control"}),
                initial=plan.planned_end if plan else None,
            )
        bound_dates(self)  # the fields above came after StyledFormMixin's own call

    def rows(self):
        return [
            (stage, label, self[f"{stage}_start"], self[f"{stage}_end"])
            for stage, label in WORK_STAGE_CHOICES
        ]

    def clean(self):
        data = super().clean()
        for stage, _label in WORK_STAGE_CHOICES:
            start, end = data.get(f"{stage}_start"), data.get(f"{stage}_end")
            if start and end and end < start:
                self.add_error(
                    f"{stage}_end", _("The planned end cannot be before the planned start.")
                )
        return data

    def dates(self):
        return {
            stage: (self.cleaned_data[f"{stage}_start"], self.cleaned_data[f"{stage}_end"])
            for stage, _label in WORK_STAGE_CHOICES
        }


class EthicsApprovalForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = EthicsApproval
        fields = ["approved_on", "reference", "approving_body", "expires_on"]
        widgets = {"approved_on": DateInput(), "expires_on": DateInput()}
