"""Hosting forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from plan.hosting.estimate import (
    DEFAULT_OVERPROVISIONING,
    DEFAULT_REPORTS_PER_WORKFLOW_YEAR,
    DEFAULT_USERS_PER_CPU,
    DOCUMENTS_PER_GB,
)


class HostingEstimateForm(StyledFormMixin, forms.Form):
    users = forms.IntegerField(
        label=_("Users"),
        min_value=1,
        max_value=1_000_000,
        help_text=_("CHWs, supervisors and other people with a CHT account."),
    )
    population = forms.IntegerField(
        label=_("Population served"),
        min_value=0,
        max_value=1_000_000_000,
        help_text=_("People registered in the app (household members, patients)."),
    )
    workflows = forms.IntegerField(
        label=_("Workflows"),
        min_value=0,
        max_value=1000,
        help_text=_("Care workflows in the app, e.g. pregnancy, immunization, malaria."),
    )
    years = forms.IntegerField(label=_("Deployment years"), min_value=1, max_value=30)
    overprovisioning = forms.IntegerField(
        label=_("Over-provisioning"),
        min_value=1,
        max_value=50,
        initial=DEFAULT_OVERPROVISIONING,
        help_text=_(
            "Headroom on the database disk: 5 adds five times the database's size for growth."
        ),
    )
    reports_per_workflow_year = forms.IntegerField(
        label=_("Reports per workflow and year"),
        min_value=0,
        max_value=1000,
        initial=DEFAULT_REPORTS_PER_WORKFLOW_YEAR,
        required=False,
        help_text=_("Reports each person gets per workflow per year (the calculator uses 1)."),
    )
    users_per_cpu = forms.IntegerField(
        label=_("Users per CPU"),
        min_value=1,
        max_value=10_000,
        initial=DEFAULT_USERS_PER_CPU,
        required=False,
        help_text=_("How many users one CPU serves (the calculator uses 288)."),
    )
    documents_per_gb = forms.IntegerField(
        label=_("Documents per GB"),
        min_value=1_000,
        max_value=10_000_000,
        initial=DOCUMENTS_PER_GB,
        required=False,
        help_text=_(
            "How many documents fit in a GB of database (the calculator uses 186,089; a live "
            "instance of the program may tell better)."
        ),
    )

    def clean(self):
        # The advanced inputs may be left empty (or out of an older link): the calculator's own.
        data = super().clean()
        for name, default in (
            ("reports_per_workflow_year", DEFAULT_REPORTS_PER_WORKFLOW_YEAR),
            ("users_per_cpu", DEFAULT_USERS_PER_CPU),
            ("documents_per_gb", DOCUMENTS_PER_GB),
        ):
            if data.get(name) is None and name not in self.errors:
                data[name] = default
        return data
