"""Helpers for the closeout report's PDF template."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lifecycle.charts import STAGE_COLOURS
from reports.render import TEXT_CLIPS

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


@register.filter
def clip(value, kind: str = "note") -> str:
    """`value` cut to what the report prints of a text of this kind (`TEXT_CLIPS`: characters
    and lines), at a word, followed by "… continued in the app". Not marked safe: the template
    still escapes it."""
    text = str(value or "")
    limit, max_lines = TEXT_CLIPS[kind]
    lines = text.split("\n")
    if len(text) <= limit and len(lines) <= max_lines:
        return text
    cut = "\n".join(lines[:max_lines])[:limit]
    space = cut.rfind(" ", int(len(cut) * 0.9))
    if space > 0 and len(cut) < len(text):
        cut = cut[:space]
    return f"{cut.rstrip()} {_('… continued in the app')}"
