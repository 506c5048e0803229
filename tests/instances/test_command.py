"""`manage.py cht_instances add | poll | show` against a real server on loopback."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from instances.models import Instance
from tests.factories import ProgramFactory

from .fakecht import monitoring

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("cht_instances", *args, stdout=out)
    return out.getvalue()


def test_add_poll_and_show_as_json(cht_server):
    ProgramFactory(slug="siaya")
    cht_server.expect_request("/cht/api/v2/monitoring").respond_with_json(
        monitoring("4.21.1", sentinel=640)
    )
    url = cht_server.url_for("/cht")
    assert run("add", "siaya", url + "/", "--kind", "training") == (
        f"Added {url} (training) to siaya.\n"
    )
    assert Instance.objects.get().kind == "training"

    line = run("poll", "--program", "siaya").strip()
    assert line.startswith(f"siaya\t{url}\tup\t4.21.1\t")
    assert "flags: sentinel_backlog,end_of_life" in line

    shown = json.loads(run("show", "siaya", "--json"))
    (row,) = shown["instances"]
    assert shown["program"] == "siaya"
    assert (row["base_url"], row["kind"], row["support"]) == (url, "training", "end_of_life")
    assert row["end_of_life"] == "2026-01-10"
    assert {flag["code"] for flag in row["flags"]} == {"sentinel_backlog", "end_of_life"}
    assert row["latest_snapshot"]["status"] == "up"
    assert row["latest_snapshot"]["sentinel_backlog"] == 640
    assert row["latest_snapshot"]["feedback_growth_24h"] is None  # one snapshot: unknown
    assert "impact_credentials" not in json.dumps(shown)


def test_bad_input_is_a_clear_error():
    ProgramFactory(slug="siaya")
    with pytest.raises(CommandError, match="No program with the short name 'nope'"):
        run("add", "nope", "https://cht.example.org")
    with pytest.raises(CommandError, match="Enter the instance's web address"):
        run("add", "siaya", "ftp://cht.example.org")
    assert run("poll").strip() == "No instance to poll."
