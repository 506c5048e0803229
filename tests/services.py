"""Real external services for the tests: find them, or skip (fail with REQUIRE_SERVICES=1).

Import these helpers from tests; `conftest.py` builds fixtures on top of them."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def missing(service: str, how_to_get_it: str) -> None:
    """Skip the test, or fail it when the run requires every service."""
    message = f"{service} is not available: {how_to_get_it}"
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 and {message}")
    pytest.skip(message)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def redis_url() -> str:
    """The Redis to use: CELERY_BROKER_URL when it is Redis, else the local default."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        url = "redis://127.0.0.1:6379/0"
    parsed = urlparse(url)
    if not port_open(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        missing(
            "Redis",
            "install and start redis-server (Debian: apt-get install redis-server) "
            "or set CELERY_BROKER_URL=redis://host:port/db",
        )
    return url


def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing("Chromium", "install Debian's chromium (apt-get install chromium)")
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


def start_celery_worker(
    env_overrides: dict[str, str], queues: str = "celery", pool: str = "solo"
) -> subprocess.Popen:
    """Start a real Celery worker in a subprocess (`pool`: "solo", or "prefork" with two
    processes, a worker that stays busy while its connection to the broker breaks)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env_overrides}
    pool_args = ["--pool=solo"] if pool == "solo" else ["--pool=prefork", "--concurrency=2"]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=INFO",
            *pool_args,
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queues,
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process


def _worker_ports(first: int, per_worker: int) -> range:
    """Ports of this test process's own: each pytest-xdist worker (gw0, gw1…) gets its own
    range, so a server one worker restarts can never be taken meanwhile by another's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    start = first + index * per_worker
    return range(start, start + per_worker)


class PrivateRedis:
    """A redis-server of the test's own, on a free port of its xdist worker's range from 6390
    up, without persistence (a restart loses every queued message, like a crash): tests that
    stop or restart Redis use it, never the shared one."""

    def __init__(self, tmp_path: Path):
        if not shutil.which("redis-server"):
            missing("redis-server", "install it (Debian: apt-get install redis-server)")
        self.dir = tmp_path
        ports = _worker_ports(6390, 50)
        self.port = next(port for port in ports if not port_open("127.0.0.1", port))
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_for(lambda: port_open("127.0.0.1", self.port), 20):
            raise RuntimeError(f"redis-server did not start on port {self.port}")
        return self

    def has_consumer_for(self, queue: str) -> bool:
        """Whether a worker has declared `queue` (messages sent before that are dropped)."""
        import redis

        try:
            return bool(redis.Redis(port=self.port).exists(f"_kombu.binding.{queue}"))
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def restart(self, down_for: float = 2.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()


def stop_process(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or ""


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
