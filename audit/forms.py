from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .selectors import kind_choices


class TrailFilterForm(StyledFormMixin, forms.Form):
    """What the History tab shows: one kind of record, one person's changes, or everything."""

    kind = forms.ChoiceField(label=_("What"), required=False)
    person = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *kind_choices()]
        self.fields["person"].choices = [("", _("Everyone"))] + [
            (str(user.pk), user.get_full_name() or user.username) for user in people
        ]
