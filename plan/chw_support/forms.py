"""CHW support form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.currencies import currency_choices
from core.forms import DateInput, MoneyInput, StyledFormMixin, VersionedFormMixin
from plan.chw_support.models import CHWSupport
from plan.chw_support.services import CHW_SUPPORT_FIELDS


class CHWSupportForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    version_new_records = True  # one per program: two people may fill it in at once

    compensation_currency = forms.ChoiceField(label=_("Currency"), choices=(), required=False)

    class Meta:
        model = CHWSupport
        fields = CHW_SUPPORT_FIELDS
        widgets = {
            "last_refresher": DateInput(),
            "next_refresher": DateInput(),
            "last_restock": DateInput(),
            "compensation_amount": MoneyInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compensation_currency"].choices = [("", "---------"), *currency_choices()]
        self.fields["supervisor_count"].help_text = _("Used for the number of CHWs per supervisor.")
