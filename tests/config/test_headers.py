"""Security headers on every page: Content-Security-Policy (django-csp), Permissions-Policy
(django-permissions-policy), and templates that need nothing the policy forbids."""

import re

import pytest
from django.urls import reverse

from chtprograms.stages import Stage
from core.charts import Series, bar_chart
from lifecycle.templatetags.lifecycle_tags import stage_bg, stage_fg
from tests.factories import ProgramFactory, UserFactory
from tests.services import ROOT

# Templates a browser receives (the PDF report and the e-mails are read elsewhere, no CSP there).
BROWSER_TEMPLATES = [
    path
    for path in ROOT.glob("**/templates/**/*.html")
    if ".venv" not in path.parts and not {"reports", "emails"} & set(path.parts)
]
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_every_page_carries_a_strict_content_security_policy(client, who):
    url = reverse("login")
    if who == "member":
        user = UserFactory()
        client.force_login(user)
        url = reverse("chtprograms:program-detail", args=[ProgramFactory(head=user).slug])
    policy = directives(client.get(url))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


@pytest.mark.django_db
def test_every_page_carries_a_permissions_policy(client):
    header = client.get(reverse("login"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header


@pytest.mark.parametrize("template", BROWSER_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_handler_or_style(template):
    """script-src 'self' and style-src 'self': the browser would refuse any of these."""
    text = template.read_text(encoding="utf-8")
    assert not INLINE_HANDLER.search(text), "inline event handler: use a script in static/js/"
    assert not STYLE_ATTRIBUTE.search(text), "style attribute: use a class in static/css/app.css"
    assert not INLINE_SCRIPT.search(text), "inline <script>: use a file in static/js/"
    assert "<style" not in text, "<style> element: use static/css/app.css"


def test_the_svg_charts_carry_no_style_attribute():
    chart = bar_chart(
        title="Spent", description="by category", categories=["A"], series=[Series("x", [3])]
    )
    assert " style=" not in chart
    assert 'width="525"' in chart  # 1.25 × its 420 units; app.css keeps it within the page


def test_each_stage_colour_class_matches_the_stage_filters():
    """The pill, the badge and the rail take their colours from a class per stage (no style
    attribute); the classes hold the same colours the `stage_bg`/`stage_fg` filters give."""
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    for stage in Stage.values:
        colours = f"--stage-color: {stage_bg(stage)}; --stage-fg: {stage_fg(stage)};"
        assert f".stage-c-{stage} {{ {colours} }}" in css, stage
