"""What `bench/run.py` needs from inside the app, printed as JSON on the last line:

    python bench/probe.py session USERNAME     → a signed-in session's key
    python bench/probe.py queries USER|URL…    → SQL queries per page worked out, as that user
    python bench/probe.py worked_out URL…      → seconds for a page worked out (nothing cached)
    python bench/probe.py pdf                  → seconds for a closeout PDF and a trivial page
    python bench/probe.py csv_memory URL       → a streamed CSV's rows, and the peak of Python
                                                 memory while reading it (tracemalloc)
    python bench/probe.py reminders            → the hourly digest run when every digest is due
                                                 (seconds, peak memory, digests) and the head's
                                                 e-mail (items, bytes); rolled back afterwards
    python bench/probe.py programs             → live programs, and one program's address

Run with the same environment as the server (settings module, DATABASE_URL…)."""

import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,  # noqa: E402
)
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from chtprograms.models import Program  # noqa: E402
from personas.sessions import SESSION_SEEN, SESSION_STARTED  # noqa: E402

BACKEND = "django.contrib.auth.backends.ModelBackend"


def session(username: str) -> str:
    from importlib import import_module

    user = get_user_model().objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # As at a login (`personas.sessions.stamp_session`): started and last used now.
    store[SESSION_STARTED] = store[SESSION_SEEN] = int(time.time())
    store.create()
    return store.session_key


def queries(pages: list[str]) -> dict[str, int]:
    """Each page given as USERNAME|URL: its queries as that user, keyed by the argument."""
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="127.0.0.1")
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
    counts = {}
    for page in pages:
        username, url = page.split("|", 1)
        client.force_login(get_user_model().objects.get(username=username), backend=BACKEND)
        cache.clear()  # the queries of a page worked out, not of one cached (core.data_version)
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url, secure=True, HTTP_HOST=host)
            if hasattr(answer, "streaming_content"):
                b"".join(answer.streaming_content)
        if answer.status_code != 200:
            raise SystemExit(f"{url}: status {answer.status_code}")
        counts[page] = len(captured)
    return counts


def worked_out(urls: list[str], rounds: int = 3) -> dict[str, float]:
    """The median time of each page as the reviewer when nothing is cached: the first load after
    a change (the dashboard and the program list are cached by the data version,
    `core.data_version`)."""
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="reviewer"), backend=BACKEND)
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
    seconds = {}
    for url in urls:
        times = []
        for _round in range(rounds):
            cache.clear()
            started = time.perf_counter()
            answer = client.get(url, secure=True, HTTP_HOST=host)
            if answer.status_code != 200:
                raise SystemExit(f"{url}: status {answer.status_code}")
            times.append(time.perf_counter() - started)
        seconds[url] = statistics.median(times)
    return seconds


def csv_memory(url: str) -> dict[str, int]:
    """Read the CSV export as the reviewer, streamed, under tracemalloc: its rows and the peak
    of memory allocated meanwhile (flat in the number of rows when it streams)."""
    import tracemalloc

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="reviewer"), backend=BACKEND)
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
    client.get("/healthz", secure=True, HTTP_HOST=host)  # imports and connections before
    tracemalloc.start()
    answer = client.get(url, secure=True, HTTP_HOST=host)
    rows = sum(chunk.count(b"\n") for chunk in answer.streaming_content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rows": rows, "peak_kb": peak // 1024}


def reminders() -> dict:
    """`digests_send_due` at a time when everyone's digest is due (12:00 UTC on a Monday: after
    08:00 in the time zones the demo uses, weekly digests included), then the head's e-mail as
    it would be sent, all in a transaction rolled back at the end: the database is unchanged."""
    import datetime
    import resource

    from django.db import transaction
    from django.utils import timezone

    from personas.services import profile_get
    from reminders.digest import digest_message
    from reminders.models import DigestDispatch
    from reminders.services import digests_send_due

    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    now = datetime.datetime.combine(monday, datetime.time(12), tzinfo=datetime.UTC)

    class Rollback(Exception):
        """Raised at the end to undo every write of the run."""

    figures: dict = {}
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with contextlib.suppress(Rollback), transaction.atomic():
        started = time.perf_counter()
        run = digests_send_due(now=now)
        figures["seconds"] = time.perf_counter() - started
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        figures["growth_mb"] = (
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_kb
        ) // 1024
        figures["digests"] = run.claimed  # with something to say and an address
        dispatch = DigestDispatch.objects.select_related("person").get(
            person__username="head", period=monday
        )
        notifications = dispatch.notifications.select_related("program").order_by("position", "id")
        message = digest_message(
            dispatch=dispatch,
            notifications=notifications,
            profile=profile_get(user=dispatch.person),
            user=dispatch.person,
        )
        figures["head_items"] = notifications.count()
        figures["head_email_bytes"] = len(message.message().as_bytes())
        raise Rollback
    return figures


def pdf() -> dict[str, float]:
    from reports.render import html_to_pdf, render_report

    program = Program.objects.filter(archived_at__isnull=True).order_by("pk").first()
    html_to_pdf("<p>warm-up</p>", time_limit_seconds=120)

    def best_of(work, rounds=3) -> float:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    closeout = best_of(lambda: render_report(program=program, time_limit_seconds=120))
    trivial = best_of(
        lambda: html_to_pdf("<h1>Trivial</h1><p>One line.</p>", time_limit_seconds=120)
    )
    return {"closeout_seconds": closeout, "trivial_seconds": trivial}


def programs() -> dict:
    live = Program.objects.filter(archived_at__isnull=True)
    # A program in the middle of the list, the same one at both sizes (the first copy).
    first = live.order_by("pk").first()
    return {"programs": live.count(), "overview": first.get_absolute_url() if first else ""}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {
        "session": lambda: session(args[0]),
        "queries": lambda: queries(args),
        "worked_out": lambda: worked_out(args),
        "pdf": pdf,
        "csv_memory": lambda: csv_memory(args[0]),
        "reminders": reminders,
        "programs": programs,
    }[command]()
    print(json.dumps(result))
