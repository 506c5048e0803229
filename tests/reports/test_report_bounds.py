"""The closeout report lays out in bounded time whatever people wrote: every text at its
maximum, and rows of megabytes saved before texts were bounded, are cut with "… continued in
the app"."""

import pytest
from django.apps import apps
from django.db import models
from django.template import Context, Template

from chtprograms.models import Consideration
from chtprograms.services import consideration_update, program_update
from core.validators import LONG_TEXT, TEXT
from lifecycle.models import AppendOnlyModel, StageTransition
from lifecycle.services import gate_review_stay, lifecycle_hold, lifecycle_resume
from plan.chw_support.services import chw_support_save
from plan.risks.services import lesson_create, risk_create, scaling_decision_record
from reports import render as reports

from .reporting import grow_program, pdf_text

pytestmark = pytest.mark.django_db

CONTINUED = "… continued in the app"
#: The text of a big paste: words, sentences and a line break now and then.
PARAGRAPH = "The CHVs visited every household of the village and wrote down what they saw. "
#: What was measured before the fix: one 2.3 MB field made the render run 270 s and fail.
MEGABYTES = 2_300_000


def text_of(length: int) -> str:
    line = PARAGRAPH * 3
    return "\n".join([line] * (length // (len(line) + 1) + 1))[:length]


def fill_every_text(program, head, *, size: int | None) -> None:
    """Every text people write that the report prints: at its maximum (through the services,
    which validate), or `size` characters straight into the database."""
    lifecycle = program.lifecycle
    if size is None:
        program_update(
            program=program,
            regions=text_of(TEXT),
            goals=text_of(LONG_TEXT),
            summary=text_of(LONG_TEXT),
        )
        for consideration in program.considerations.all():
            consideration_update(
                consideration=consideration,
                status=consideration.status,
                risk=consideration.risk,
                owner=None,
                notes=text_of(LONG_TEXT),
            )
        for _round in range(2):
            lifecycle_hold(lifecycle=lifecycle, by=head, note=text_of(TEXT))
            lifecycle_resume(lifecycle=lifecycle, by=head, note=text_of(TEXT))
        gate_review_stay(lifecycle=lifecycle, by=head, note=text_of(TEXT))
        for _index in range(2):
            risk_create(
                program=program,
                description=text_of(TEXT),
                likelihood="high",
                impact="high",
                mitigation=text_of(TEXT),
                status="open",
            )
            lesson_create(
                program=program,
                by=head,
                stage="design",
                what_happened=text_of(LONG_TEXT),
                what_we_learned=text_of(LONG_TEXT),
                recorded_on="2027-02-01",
            )
        chw_support_save(program=program, notes=text_of(LONG_TEXT))
        scaling_decision_record(
            program=program,
            decision="hand_over",
            rationale=text_of(LONG_TEXT),
            decided_by=head,
            decided_on="2026-01-01",
        )
        return
    # Straight into the database, as rows saved before the bound: one unbreakable run of
    # characters (a pasted link gone wrong), the rest words.
    # The history is append-only: its old rows are inserted as they were.
    StageTransition.objects.bulk_create(
        StageTransition(
            lifecycle=lifecycle, transition=name, source=source, target=target, by=head,
            note=text_of(size),
        )
        for name, source, target in (("hold", "initiation", "on_hold"),
                                     ("resume", "on_hold", "initiation"))
    )  # fmt: skip
    for config in apps.get_app_configs():
        if config.label not in ("chtprograms", "lifecycle", "plan"):
            continue
        for model in config.get_models():
            if issubclass(model, AppendOnlyModel):
                continue
            texts = [f.name for f in model._meta.concrete_fields if type(f) is models.TextField]
            if texts:
                model._base_manager.update(**dict.fromkeys(texts, text_of(size)))
    type(program)._base_manager.filter(pk=program.pk).update(goals="x" * size)


@pytest.fixture
def full_program(program, head):
    grow_program(program, head, size=2)
    return program


def test_every_text_at_its_maximum_renders_a_bounded_report(full_program, head):
    """The work is bounded by what is laid out (HTML size, pages), not by a clock: the render's
    time is measured by `make bench`, never asserted on a shared machine."""
    fill_every_text(full_program, head, size=None)
    program = type(full_program).objects.get(pk=full_program.pk)
    assert len(reports.render_html(program=program)) < 250_000
    rendered = reports.render_report(program=program)
    assert rendered.page_count < 60
    text = pdf_text(rendered.pdf)
    assert CONTINUED in text  # goals of 5,000 characters print their first 3,000
    assert PARAGRAPH.strip()[:40] in text


def test_rows_of_megabytes_saved_before_the_bound_are_cut(full_program, head):
    fill_every_text(full_program, head, size=MEGABYTES)
    program = type(full_program).objects.get(pk=full_program.pk)
    assert len(program.summary) == MEGABYTES
    html = reports.render_html(program=program)
    # The template prints a bounded part of each text: without the cut, over 2 MB per text.
    assert len(html) < 250_000, len(html)
    # considerations, 2 risks × 2, 2 lessons × 2, 2 decision notes, regions, goals, summary, CHWs
    assert html.count(CONTINUED) >= 6 + 4 + 4 + 2 + 4
    rendered = reports.render_report(program=program)
    assert rendered.page_count < 60
    assert CONTINUED in pdf_text(rendered.pdf)


def test_risks_and_lessons_beyond_the_report_s_share_are_counted_not_printed(program, head):
    for index in range(reports.MAX_RISKS + 3):
        risk_create(
            program=program,
            description=f"Risk {index}",
            likelihood="low",
            impact="low",
            mitigation="",
            status="open",
        )
    html = reports.render_html(program=program)
    assert "3 more risks are on the program's Risks page." in html
    assert html.count('<td class="wrap">Risk ') == reports.MAX_RISKS


# --- the cut itself ---------------------------------------------------------------------------


def clip(value, kind="note") -> str:
    return Template("{% load report_tags %}{{ value|clip:kind }}").render(
        Context({"value": value, "kind": kind})
    )


def test_a_short_text_is_printed_whole():
    assert clip("Phones arrive in March.") == "Phones arrive in March."
    assert clip("") == ""
    assert clip(None) == ""


def test_a_long_text_is_cut_at_a_word_and_says_where_the_rest_is():
    limit, _lines = reports.TEXT_CLIPS["note"]
    cut = clip(PARAGRAPH * 20)
    assert cut.endswith(f" {CONTINUED}")
    kept = cut.removesuffix(f" {CONTINUED}")
    assert len(kept) <= limit
    assert PARAGRAPH.startswith(kept[: len(PARAGRAPH)])
    assert kept.split()[-1] in PARAGRAPH.split()  # a whole word, not half of one


def test_a_text_of_many_short_lines_is_cut_by_lines():
    _limit, lines = reports.TEXT_CLIPS["note"]
    cut = clip("\n".join(f"District {n}" for n in range(200)))
    assert cut.count("\n") == lines - 1
    assert cut.endswith(CONTINUED)


def test_the_cut_text_is_still_escaped():
    cut = clip("<script>alert(1)</script> " * 100)
    assert "<script>" not in cut and "&lt;script&gt;" in cut


def test_consideration_notes_are_cut_in_the_report(program):
    Consideration.objects.filter(program=program).update(notes="word " * 2000)
    html = reports.render_html(program=program)
    assert html.count(CONTINUED) == 6
