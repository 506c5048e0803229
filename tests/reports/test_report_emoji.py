"""Emoji in a program's texts print in the closeout PDF with the font shipped in reports/fonts/
(Noto Emoji), not as empty boxes; the PDF still fetches nothing else."""

import pytest

from reports import render as reports
from tests.factories import ProgramFactory, UserFactory

from .reporting import pdf_reader, pdf_text

pytestmark = pytest.mark.django_db


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts the PDF embeds ("Noto-Emoji", without the subset tag)."""
    names = set()
    for page in pdf_reader(pdf).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_the_emoji_font_is_shipped_with_its_licence():
    font = reports.BUNDLED_FONTS["noto-emoji"]
    assert font.exists() and font.stat().st_size > 100_000
    assert "SIL OPEN FONT LICENSE" in (font.parent / "OFL.txt").read_text()


def test_a_report_whose_texts_have_emoji_embeds_the_emoji_font():
    program = ProgramFactory(
        head=UserFactory(), name="Kenya CHV 🌍", summary="Households reached 🎉 — targets met ✅"
    )
    rendered = reports.render_report(program=program)
    assert rendered.refused_urls == ()
    assert "Noto-Emoji" in embedded_fonts(rendered.pdf)
    assert "🌍" in pdf_text(rendered.pdf)


def test_a_report_without_emoji_does_not_embed_it():
    program = ProgramFactory(head=UserFactory(), name="Kenya CHV", summary="Households reached")
    assert "Noto-Emoji" not in embedded_fonts(reports.render_report(program=program).pdf)


def test_the_fetcher_serves_only_the_listed_fonts():
    fetcher = reports.make_fetcher()
    assert fetcher.fetch("bundled-font:noto-emoji").read()[:4] == b"\x00\x01\x00\x00"
    for url in ("bundled-font:../../settings.py", "bundled-font:/etc/passwd", "bundled-font:"):
        with pytest.raises(reports.RefusedURL):
            fetcher.fetch(url)
