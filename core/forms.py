"""Form widgets and mixins every app uses, and how a service's errors reach a form."""

from django import forms
from django.core.exceptions import ValidationError

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


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the form's fields (or at the top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
