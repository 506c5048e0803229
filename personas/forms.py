from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from chtprograms.forms import PersonChoiceField, StyledFormMixin

from .models import Membership, PersonaRole


class MembershipAddForm(StyledFormMixin, forms.ModelForm):
    user = PersonChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name", "username"),
    )

    class Meta:
        model = Membership
        fields = ["user", "role"]


class MembershipRoleForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PersonaRole.choices)
