"""Helpers for the closeout report's PDF template."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from lifecycle.charts import STAGE_COLOURS

register = template.Library()


@register.filter
def css_string(value) -> SafeString:
    """`value` as a quoted CSS string: every character but letters, digits and spaces is
    written as a CSS escape, so no text can close the string or the <style> element."""
    escaped = "".join(
        char if char.isalnum() and char.isascii() or char == " " else f"\\{ord(char):06x}"
        for char in str(value)
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 — every other character is escaped above


@register.filter
def stage_colour(stage: str) -> str:
    """The stage's colour in charts and on the cover (the app's palette)."""
    return STAGE_COLOURS.get(stage, "#666666")


@register.filter
def filesize_kb(size: int | None) -> str:
    if not size:
        return "—"
    if size < 1024 * 1024:
        return f"{max(round(size / 1024), 1)} KB"
    return f"{size / (1024 * 1024):.1f} MB"
