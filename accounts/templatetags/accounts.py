"""`{{ field|bootstrap }}`: an allauth form's widget with Bootstrap's classes and its errors
tied to it, without subclassing each of allauth's forms."""

from django import forms, template

register = template.Library()


@register.filter
def bootstrap(bound_field):
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described_by.append(f"{bound_field.auto_id}_error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag
def password_reset_minutes() -> int:
    """How long a password-reset link works, in minutes (PASSWORD_RESET_TIMEOUT)."""
    from django.conf import settings

    return max(1, settings.PASSWORD_RESET_TIMEOUT // 60)
