"""Form widgets and mixins every app uses, and how a service's errors reach a form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.concurrency import EditConflict, read_version, version_of
from core.validators import DATE_MAX, DATE_MIN, validate_date_in_range


def bound_dates(form) -> None:
    """Every date field of `form` accepts only DATE_MIN..DATE_MAX: the message beside the
    field, and the date picker's `min` / `max`."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            if validate_date_in_range not in field.validators:
                field.validators.append(validate_date_in_range)
            field.widget.attrs.setdefault("min", DATE_MIN.isoformat())
            field.widget.attrs.setdefault("max", DATE_MAX.isoformat())


class StyledFormMixin:
    """Bootstrap classes on every widget, `is-invalid` on the fields that have errors, and
    every date within the range the app accepts (`bound_dates`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_dates(self)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def person_label(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_label(obj)


class MoneyInput(forms.NumberInput):
    def __init__(self, **kwargs):
        super().__init__(attrs={"step": "0.01", "min": "0", "inputmode": "decimal", **kwargs})


class ValueInput(forms.NumberInput):
    def __init__(self, **kwargs):
        super().__init__(attrs={"step": "any", "inputmode": "decimal", **kwargs})


class VersionedFormMixin:
    """A hidden `version` field: the record as it was when the form was opened.

    The service compares it with the record when saving (`core.concurrency.ensure_unchanged`),
    so an edit made meanwhile by someone else is never overwritten silently. The record is the
    ModelForm's instance, or `record=` for a plain form. New records carry none, unless the form
    sets `version_new_records` (one record per program, made by whoever saves first)."""

    version_new_records = False

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        record = record if record is not None else getattr(self, "instance", None)
        if record is None or (record.pk is None and not self.version_new_records):
            return
        model_fields = {field.name for field in record._meta.concrete_fields}
        self.fields["version"] = forms.CharField(
            required=False,
            widget=forms.HiddenInput,
            initial=version_of(record, [name for name in self.fields if name in model_fields]),
        )

    def clean_version(self) -> str:
        version = self.cleaned_data.get("version") or ""
        if version and read_version(version) is None:
            raise ValidationError(
                _("This form is out of date: reload the page and make your change again.")
            )
        return version

    def apply_conflict(self, conflict: EditConflict) -> None:
        """After a conflict: carry the record's version now, and show in their boxes the new
        values of the fields only the other person changed (the user's own stay as typed)."""
        data = self.data.copy()
        data[self.add_prefix("version")] = conflict.version
        for name, value in conflict.theirs.items():
            if name in self.fields:
                data[self.add_prefix(name)] = self.fields[name].prepare_value(value)
        self.data = data


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the form's fields (or at the top)."""
    if isinstance(error, EditConflict) and hasattr(form, "apply_conflict"):
        form.apply_conflict(error)
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
