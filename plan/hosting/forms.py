"""Hosting forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, StyledFormMixin, VersionedFormMixin
from plan.hosting.estimate import DEFAULT_OVERPROVISIONING
from plan.hosting.models import HostingInstance
from plan.hosting.services import HOSTING_INSTANCE_FIELDS


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
        help_text=_("Headroom on the database disk: 5 means five times the estimated size."),
    )


class HostingInstanceForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    version_new_records = True  # one per program: two people may fill it in at once

    class Meta:
        model = HostingInstance
        fields = HOSTING_INSTANCE_FIELDS
        widgets = {"domain_renews_on": DateInput(), "tls_expires_on": DateInput()}
