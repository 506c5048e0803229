"""The app as it is deployed: management commands and gunicorn in processes of their own, with the
environment of a given settings module, and plain HTTP requests to it on a loopback port."""

import http.client
import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.services import ROOT, port_open, stop_process, wait_for

# Variables of the test run that must not leak into a process playing production.
NOT_INHERITED = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_DEFAULT_QUEUE",
    "EMAIL_URL",
)


def environment(overrides: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return {**env, **overrides}


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str]):
    """gunicorn on a free loopback port (one worker); yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=environment(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        started = wait_for(lambda: port_open("127.0.0.1", port) or process.poll() is not None, 60)
        if not started or process.poll() is not None:
            raise AssertionError(f"gunicorn did not start:\n{stop_process(process)}")
        yield port
    finally:
        log = stop_process(process)
        if os.environ.get("SHOW_GUNICORN_LOG"):
            print(log)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    set_cookies: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(port: int, method: str, path: str, *, headers=None, body=None) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(
            status=response.status,
            headers=response.headers,
            body=response.read(),
            set_cookies=response.headers.get_all("Set-Cookie") or [],
        )
    finally:
        connection.close()
