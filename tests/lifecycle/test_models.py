import pytest
from django.db import DatabaseError, connection, transaction

from lifecycle.models import (
    TRANSITION_METHODS,
    AppendOnlyError,
    GateReview,
    Lifecycle,
    StageTransition,
)
from lifecycle.services import lifecycle_advance, lifecycle_hold
from lifecycle.stages import WORK_STAGES, Stage, TransitionName, earlier_stages, next_stage

from .conftest import meet_gate

pytestmark = pytest.mark.django_db


def test_direct_assignment_to_the_stage_raises(program):
    lifecycle = program.lifecycle
    with pytest.raises(AttributeError, match="Direct stage modification is not allowed"):
        lifecycle.stage = Stage.CLOSED
    fresh = Lifecycle.objects.get(pk=lifecycle.pk)
    with pytest.raises(AttributeError):
        fresh.stage = Stage.PLANNING
    assert Lifecycle.objects.get(pk=lifecycle.pk).stage == Stage.INITIATION


def test_refresh_from_db_still_works_on_the_protected_field(program):
    lifecycle = program.lifecycle
    lifecycle.refresh_from_db()
    assert lifecycle.stage == Stage.INITIATION


def test_the_transition_graph(program):
    """Every edge of the state machine, as docs/lifecycle.md draws it."""
    edges = {
        (transition.name, transition.source, target)
        for transition in program.lifecycle.get_all_stage_transitions()
        for target in getattr(transition.target, "allowed_states", [transition.target])
    }
    expected = set()
    for source in WORK_STAGES:
        if next_stage(source):
            expected.add(("advance", source, next_stage(source)))
        for earlier in earlier_stages(source):
            expected.add(("send_back", source, earlier))
        expected.add(("hold", source, Stage.ON_HOLD))
        expected.add(("resume", Stage.ON_HOLD, source))
        expected.add(("cancel", source, Stage.CANCELLED))
    expected.add(("cancel", Stage.ON_HOLD, Stage.CANCELLED))
    expected.add(("close", Stage.CLOSEOUT, Stage.CLOSED))
    assert edges == expected
    assert set(TRANSITION_METHODS) == set(TransitionName.values)
    sources = {source for _name, source, _target in edges}
    assert Stage.CLOSED not in sources
    assert Stage.CANCELLED not in sources


def _history_row(program, head):
    meet_gate(program, Stage.INITIATION, head)
    return lifecycle_advance(lifecycle=program.lifecycle, by=head, note="original")


def test_history_rows_cannot_be_changed_or_deleted_through_the_orm(program, head):
    row = _history_row(program, head)
    row.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        StageTransition.objects.filter(pk=row.pk).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        StageTransition.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        GateReview.objects.all().update(note="rewritten")
    assert StageTransition.objects.get(pk=row.pk).note == "original"


def test_the_database_refuses_to_rewrite_history(program, head):
    row = _history_row(program, head)
    table = StageTransition._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", ["rewritten", row.pk])  # noqa: S608
    assert StageTransition.objects.get(pk=row.pk).note == "original"
    reviews = GateReview._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {reviews} SET note = %s", ["rewritten"])  # noqa: S608


def test_hold_remembers_the_stage_and_the_rail_stage(program, head):
    lifecycle = program.lifecycle
    lifecycle_hold(lifecycle=lifecycle, by=head, note="x")
    stored = Lifecycle.objects.get(pk=lifecycle.pk)
    assert stored.stage == Stage.ON_HOLD
    assert stored.held_from == Stage.INITIATION
    assert stored.last_stage == Stage.INITIATION


def test_the_pages_stage_colours_are_the_one_python_palette():
    """static/css/app.css repeats lifecycle.charts.STAGE_COLOURS for the pages: the same
    colour for each stage, in rails and badges as in charts and the PDF."""
    import re
    from pathlib import Path

    from lifecycle.charts import STAGE_COLOURS
    from lifecycle.stages import WORK_STAGES

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text()
    declared = {
        name: colour.upper()
        for name, colour in re.findall(r"--stage-([a-z_]+):\s*(#[0-9a-fA-F]{6})", css)
    }
    assert set(STAGE_COLOURS) == set(WORK_STAGES)
    assert declared == {stage: colour.upper() for stage, colour in STAGE_COLOURS.items()}
