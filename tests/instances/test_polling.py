"""Polling real servers on loopback that answer like CHT 3.17, 4.x and 5.x, and every way a
server can fail: each instance ends in the right status, nothing crashes, and the others are
still polled."""

import io

import pytest
from django.core.management import call_command

from instances import services
from instances.models import Instance, InstanceFlag, Snapshot
from tests.factories import ProgramFactory

from .fakecht import Streamed, impact, monitoring, slow, unknown_everywhere

pytestmark = pytest.mark.django_db


def serve(server, prefix, answer, month=None):
    path = f"{prefix}/api/v2/monitoring"
    server.expect_request(path, query_string="connected_user_interval=7").respond_with_json(answer)
    month = month if month is not None else {**answer, "connected_users": {"count": 45}}
    server.expect_request(path, query_string="connected_user_interval=30").respond_with_json(month)


def add(program, url, **fields):
    return services.instance_create(program=program, base_url=url, **fields)


@pytest.fixture
def fast(settings):
    settings.INSTANCES_CONNECT_TIMEOUT = 1.0
    settings.INSTANCES_READ_TIMEOUT = 0.5
    settings.INSTANCES_MAX_RESPONSE_BYTES = 1_000_000


def test_every_kind_of_server_ends_in_its_status_and_all_are_polled(cht_server, dead_url, fast):
    program = ProgramFactory(slug="siaya")
    base = cht_server.url_for("").rstrip("/")
    serve(cht_server, "/v317", monitoring("3.17.1"))
    serve(cht_server, "/v4", monitoring("4.12.0", docs=200_000, fragmentation=1.5))
    serve(cht_server, "/v5", monitoring("5.2.0", connected=30))
    cht_server.expect_request("/v5/api/v1/impact").respond_with_json(impact(users=60))
    serve(cht_server, "/unknown", unknown_everywhere())
    cht_server.expect_request("/slow/api/v2/monitoring").respond_with_handler(slow(2))
    cht_server.expect_request("/login/api/v2/monitoring").respond_with_data(
        "", status=302, headers={"Location": f"{base}/medic/login?redirect=x"}
    )
    cht_server.expect_request("/broken/api/v2/monitoring").respond_with_data(
        "Internal Server Error", status=500
    )
    cht_server.expect_request("/html/api/v2/monitoring").respond_with_data(
        "<html><body>Welcome to nginx!</body></html>", content_type="text/html"
    )
    cht_server.expect_request("/json/api/v2/monitoring").respond_with_json({"ok": True})
    huge = Streamed(100 * 1024 * 1024)
    cht_server.expect_request("/huge/api/v2/monitoring").respond_with_handler(huge)

    expected = {
        f"{base}/v317": "up",
        f"{base}/v4": "up",
        f"{base}/v5": "up",
        f"{base}/unknown": "up",
        dead_url: "unreachable",
        f"{base}/slow": "unreachable",
        f"{base}/login": "login_redirect",
        f"{base}/broken": "down",
        f"{base}/html": "not_cht",
        f"{base}/json": "not_cht",
        f"{base}/huge": "not_cht",
    }
    for url in expected:
        add(program, url)
    v5 = Instance.objects.get(base_url=f"{base}/v5")
    services.instance_update(instance=v5, impact_username="impact", impact_password="s3cret!")

    out = io.StringIO()
    call_command("cht_instances", "poll", "--program", "siaya", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == len(expected)
    found = {
        instance.base_url: instance.latest_snapshot
        for instance in Instance.objects.select_related("latest_snapshot")
    }
    assert {url: snapshot.status for url, snapshot in found.items()} == expected
    for line in lines:
        url, status = line.split("\t")[1:3]
        assert expected[url] == status

    old = found[f"{base}/v317"]
    assert (old.app_version, old.medic_doc_count, old.medic_file_bytes) == ("3.17.1", 120_000, None)
    assert old.docs_per_gb is None  # 3.17 sends no sizes
    assert old.connected_users_7d == 40 and old.connected_users_30d == 45
    assert old.users_count == 50  # _users documents less the CHT's two
    assert old.fragmentation == 1.4
    assert old.raw["version"]["app"] == "3.17.1"

    four = found[f"{base}/v4"]
    assert four.medic_file_bytes == int(200_000 * 4000 * 1.5)
    assert four.docs_per_gb == round(200_000 / (200_000 * 4000 * 1.5 / 1e9))
    assert four.impact is None

    five = found[f"{base}/v5"]
    assert five.users_count == 60  # from /api/v1/impact
    assert five.impact["contacts"]["by_type"][0] == {"type": "person", "count": 1000}
    assert five.replication_failure_count == 0
    impact_request = next(r for r, _ in cht_server.log if r.path == "/v5/api/v1/impact")
    assert impact_request.authorization.username == "impact"

    unknown = found[f"{base}/unknown"]
    for name in (
        "medic_doc_count",
        "medic_file_bytes",
        "fragmentation",
        "sentinel_backlog",
        "outbound_push_backlog",
        "feedback_count",
        "conflict_count",
        "connected_users_7d",
        "users_count",
        "messages_delivered",
    ):
        assert getattr(unknown, name) is None, name
    assert unknown.app_version == "" and unknown.couchdb_version == ""

    assert "Timed out" in found[f"{base}/slow"].error
    assert "/medic/login" in found[f"{base}/login"].error
    assert found[f"{base}/broken"].http_status == 500
    assert "not JSON" in found[f"{base}/html"].error
    assert "not the CHT's monitoring answer" in found[f"{base}/json"].error
    assert "limit" in found[f"{base}/huge"].error
    assert huge.sent < 20 * 1024 * 1024
    assert "Could not connect" in found[dead_url].error
    # Nobody followed the redirect to the login page.
    assert not any(r.path.startswith("/medic/login") for r, _ in cht_server.log)
    # Down and unreachable instances are flagged "down"; the others "not monitorable".
    flags = dict(
        InstanceFlag.objects.filter(cleared_at=None).values_list("instance__base_url", "code")
    )
    assert flags[dead_url] == "down" and flags[f"{base}/broken"] == "down"
    assert flags[f"{base}/login"] == "not_monitorable"


def test_a_poll_for_a_beat_slot_records_once(cht_server):
    program = ProgramFactory()
    serve(cht_server, "/cht", monitoring("4.22.0"))
    instance = add(program, cht_server.url_for("/cht"))
    first = services.instance_poll(instance_id=instance.pk, slot=123)
    again = services.instance_poll(instance_id=instance.pk, slot=123)
    assert first is not None and first.status == "up"
    assert again is None
    assert Snapshot.objects.filter(instance=instance).count() == 1
    # A snapshot for that slot stored by someone else meanwhile: the second one is dropped.
    polled = services.poll_network(instance)
    assert services.snapshot_record(instance=instance, polled=polled, slot=123) is None
    assert services.instance_poll(instance_id=instance.pk, slot=124) is not None
    assert Snapshot.objects.filter(instance=instance).count() == 2


def test_a_deleted_instance_is_skipped():
    assert services.instance_poll(instance_id=987654) is None


def test_the_credentials_never_reach_the_logs(cht_server, caplog):
    program = ProgramFactory()
    serve(cht_server, "/cht", monitoring("5.1.0"))
    cht_server.expect_request("/cht/api/v1/impact").respond_with_json(impact())
    instance = add(
        program,
        cht_server.url_for("/cht"),
        impact_username="monitor-user",
        impact_password="Very-Secret-42",
    )
    caplog.set_level("DEBUG")
    snapshot = services.instance_poll(instance_id=instance.pk)
    assert snapshot.users_count == 48
    assert "Very-Secret-42" not in caplog.text
    assert "Very-Secret-42" not in repr(instance) and "Very-Secret-42" not in str(instance)
    assert "Very-Secret-42" not in instance.impact_credentials  # encrypted at rest


def test_a_hostile_answer_is_stored_as_unknowns_not_a_crash(cht_server):
    """NaN, NUL characters and numbers too large for any column, as a real server sends them."""
    body = (
        '{"version": {"app": "4.\\u00002.0", "node": "v20", "couchdb": "3.3.3"},'
        ' "couchdb": {"medic": {"doc_count": 1e30, "fragmentation": NaN,'
        ' "sizes": {"file": 99999999999999999999999, "active": -1}},'
        ' "users": {"doc_count": 4000000000}},'
        ' "date": {"current": 1e300, "uptime": Infinity},'
        ' "connected_users": {"count": 3000000000}, "sentinel": {"backlog": "12"}}'
    )
    cht_server.expect_request("/odd/api/v2/monitoring").respond_with_data(
        body, content_type="application/json"
    )
    instance = add(ProgramFactory(), cht_server.url_for("/odd"))
    snapshot = services.instance_poll(instance_id=instance.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == "up"
    assert snapshot.app_version == "4.2.0"
    assert snapshot.raw is None  # not storable as it came; the figures were kept
    for name in (
        "medic_doc_count",
        "fragmentation",
        "medic_file_bytes",
        "clock_skew_seconds",
        "uptime_seconds",
        "connected_users_7d",
        "users_count",
        "sentinel_backlog",
    ):
        assert getattr(snapshot, name) is None, name
