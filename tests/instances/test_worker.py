"""The real path: a Celery worker with its embedded beat, on Redis, polls a CHT on loopback by
itself — the beat's `instances.poll_all` fans out `instances.poll_instance` on the instances
queue — and snapshots appear; polls of one slot are recorded once.

The worker must see the test's data: committed (`transaction=True`) in PostgreSQL."""

import os
import subprocess
import sys

import pytest

from instances import services
from instances.models import Snapshot
from tests.factories import ProgramFactory
from tests.reports.test_reports_worker import (
    require_postgresql,
    require_redis_broker,
    worker_database_url,
)
from tests.services import ROOT, stop_process, wait_for

from .fakecht import monitoring

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def test_a_real_worker_polls_on_beat(settings, tmp_path, cht_server):
    require_postgresql()
    broker = require_redis_broker(settings)
    queue = f"instances-{os.getpid()}"
    cht_server.expect_request("/cht/api/v2/monitoring").respond_with_json(
        monitoring("5.2.0", sentinel=700)
    )
    program = ProgramFactory(slug="worker-siaya")
    instance = services.instance_create(program=program, base_url=cht_server.url_for("/cht"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "INSTANCES_QUEUE": queue,
        "INSTANCES_POLL_MINUTES": "0.05",  # a beat every 3 s
        "INSTANCES_ALLOW_PRIVATE_ADDRESSES": "true",
        "DATABASE_URL": worker_database_url(),
    }
    worker = subprocess.Popen(  # noqa: S603 — our own command line
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--beat",
            f"--schedule={tmp_path / 'beat-schedule'}",
            "--loglevel=INFO",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "-n",
            f"instances-test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log = ""
    try:
        assert wait_for(lambda: Snapshot.objects.filter(instance=instance).count() >= 2, 60), (
            "the beat did not poll the instance twice in time"
        )
    finally:
        log = stop_process(worker)
        print(log)  # shown by pytest when the test fails
    snapshots = list(Snapshot.objects.filter(instance=instance).order_by("polled_at"))
    assert all(s.status == "up" and s.sentinel_backlog == 700 for s in snapshots)
    slots = [s.slot for s in snapshots]
    assert None not in slots and len(set(slots)) == len(slots)
    assert "instances.poll_all" in log and "instances.poll_instance" in log
    instance.refresh_from_db()
    assert instance.latest_snapshot_id == snapshots[-1].pk
    assert instance.flag_history.get(cleared_at=None).code == "sentinel_backlog"
