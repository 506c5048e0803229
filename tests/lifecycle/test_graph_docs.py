"""The state diagram in docs/ is the one the state machine draws (`manage.py graph_transitions`)."""

from io import StringIO

from django.core.management import call_command

from tests.services import ROOT


def test_committed_graph_matches_the_state_machine():
    out = StringIO()
    call_command("graph_transitions", "lifecycle.Lifecycle.stage", stdout=out)
    drawn = set(out.getvalue().splitlines())
    committed = set((ROOT / "docs" / "lifecycle.dot").read_text().splitlines())
    assert drawn == committed, "regenerate docs/lifecycle.dot as docs/lifecycle.md shows"
    assert any("-> " in line and "label=advance" in line for line in drawn)
