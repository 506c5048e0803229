"""`make bench`: the app under load at 1,000 and 10,000 programs, on PostgreSQL.

1. Two databases (BENCH_DATABASE_URL's server, names `<name>_bench1k` and `<name>_bench10k`):
   made once and reused. 1k: `seed_demo --programs 1000`; 10k: a copy of 1k grown tenfold by
   `bench/replicate.py` (every program copied with everything it owns: the same shape, in
   seconds rather than the half hour of seeding 10,000 through the services). Then `migrate`
   and `rebuild_portfolio_summary`, so a database made by an older version is brought up to date.
2. gunicorn (production settings, DEBUG off, 2 workers) on each database.
3. wrk (-t2 -c8, BENCH_SECONDS a page) on each page, alternating the databases and the pages in
   BENCH_ROUNDS rounds; each figure is the median over the rounds.
4. The table: req/s, p50/p95 latency, page/healthz throughput and t(10k)/t(1k) (the ratio of
   mean request times), the SQL queries of each page (in-process, same data, nothing cached),
   the dashboard's time when worked out (nothing cached: the first load after a change), the CSV
   export's memory while streamed, the hourly digest run with every digest due and the closeout
   PDF's time against a trivial WeasyPrint page."""

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chtprograms")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WRK = os.environ.get("WRK", "wrk")
HOST = "bench.example.org"
SIZES = {"1k": 1000, "10k": 10000}
CSV = "CSV export (reviewer, all)"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status
    + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def database_url(size: str) -> str:
    parsed = urlparse(BASE_URL)
    return parsed._replace(path=f"{parsed.path.rstrip('/')}_bench{size}").geturl()


def psql(sql: str, database: str = "postgres") -> str:
    parsed = urlparse(BASE_URL)
    command = ["psql", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432)]
    command += ["-U", parsed.username or "postgres", "-d", database, "-Atc", sql]
    env = {**os.environ, **({"PGPASSWORD": parsed.password} if parsed.password else {})}
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def db_name(size: str) -> str:
    return urlparse(database_url(size)).path.lstrip("/")


def env_for(size: str, production: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(DATABASE_URL=database_url(size), CELERY_BROKER_URL="memory://")
    if production:
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DJANGO_SECRET_KEY=SECRET,
            DJANGO_ALLOWED_HOSTS=HOST,
            TRUSTED_PROXY_COUNT="1",
            STATIC_ROOT=str(STATIC),
            MEDIA_ROOT=str(STATIC / "media"),
        )
    else:
        env.update(DJANGO_SETTINGS_MODULE="config.settings.local")
    return env


def run(*command: str, env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def manage(*args: str, size: str, production: bool = False) -> str:
    return run(PYTHON, "manage.py", *args, env=env_for(size, production))


def probe(*args: str, size: str) -> object:
    output = run(PYTHON, "bench/probe.py", *args, env=env_for(size, production=True))
    return json.loads(output.strip().splitlines()[-1])


def live_programs(size: str) -> int:
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{db_name(size)}'").strip()
    if not exists:
        return -1
    try:
        return int(
            psql(
                "SELECT count(*) FROM chtprograms_program WHERE archived_at IS NULL", db_name(size)
            )
        )
    except subprocess.CalledProcessError:
        return 0


def prepare(size: str) -> None:
    wanted = SIZES[size]
    have = live_programs(size)
    if have >= wanted:
        print(f"{size}: reusing {db_name(size)} ({have} programs)", flush=True)
    else:
        if have >= 0:
            psql(f'DROP DATABASE "{db_name(size)}" WITH (FORCE)')
        started = time.monotonic()
        if size == "1k":
            psql(f'CREATE DATABASE "{db_name(size)}"')
            manage("migrate", "--noinput", size=size)
            manage("seed_demo", "--programs", str(wanted), size=size)
        else:
            prepare("1k")
            psql(f'CREATE DATABASE "{db_name(size)}" TEMPLATE "{db_name("1k")}"')
            run(PYTHON, "bench/replicate.py", "--times", str(wanted // SIZES["1k"]),
                env=env_for(size, production=False))  # fmt: skip
        print(f"{size}: seeded in {time.monotonic() - started:.0f} s", flush=True)
    manage("migrate", "--noinput", size=size)
    manage("rebuild_portfolio_summary", size=size)
    psql("ANALYZE", db_name(size))


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


def start_gunicorn(size: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env_for(size, production=True),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                return process, port
        time.sleep(0.2)
    process.kill()
    sys.exit("gunicorn did not start")


def warm(port: int, path: str, cookie: str, wait: float = 180) -> None:
    """GET the page until it answers 200 (workers still starting, first templates compiled)."""
    headers = {
        "Host": HOST,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "127.0.0.1",
        "Cookie": f"__Host-sessionid={cookie}",
    }
    deadline = time.monotonic() + wait
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            answer.read()
            if answer.status == 200:
                return
            problem = f"status {answer.status}"
        except OSError as error:
            problem = str(error)
        finally:
            connection.close()
        if time.monotonic() > deadline:
            sys.exit(f"{path} does not answer 200: {problem}")
        time.sleep(1)


def wrk(port: int, path: str, cookie: str) -> dict[str, float]:
    headers = ["-H", f"Host: {HOST}", "-H", "X-Forwarded-Proto: https"]
    headers += ["-H", "X-Forwarded-For: 127.0.0.1", "-H", f"Cookie: __Host-sessionid={cookie}"]
    command = [WRK, "-t2", "-c8", f"-d{SECONDS}s", "--timeout", "30s", "-s", str(SCRIPT)]
    output = subprocess.run(
        [*command, *headers, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requests, duration, p50, p95, errors = map(int, re.search(r"BENCH (.+)", output)[1].split())
    if errors or not requests:
        sys.exit(f"{path}: {errors} errors of {requests} requests\n{output}")
    return {"rps": requests / (duration / 1e6), "p50": p50 / 1000, "p95": p95 / 1000}


def main() -> None:
    if not shutil.which(WRK):
        sys.exit("wrk is needed (Debian: apt-get install wrk)")
    for size in SIZES:
        prepare(size)
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0",
        env=env_for("1k", production=True))  # fmt: skip
    overview = {size: probe("programs", size=size)["overview"] for size in SIZES}
    pages = {
        "/healthz": "/healthz",
        "/portfolio/ (reviewer)": "/portfolio/",
        "/portfolio/ (reviewer, filtered)": "/portfolio/?stage=building&type=accompanied",
        "/portfolio/ (head)": "/portfolio/",
        "/programs/": "/programs/",
        "My programs (head)": "/",
        "a program overview": None,
        CSV: "/portfolio/export.csv",
    }
    users = {name: "head" if "(head)" in name else "reviewer" for name in pages}
    results: dict[tuple[str, str], list[dict]] = {}
    servers = {size: start_gunicorn(size) for size in SIZES}
    try:
        cookies = {
            (size, user): probe("session", user, size=size)
            for size in SIZES
            for user in set(users.values())
        }
        for name, path in pages.items():
            for size in SIZES:
                cookie = cookies[(size, users[name])]
                for _worker in range(4):  # each of the 2 workers, probably
                    warm(servers[size][1], path or overview[size], cookie)
        for round_number in range(1, ROUNDS + 1):
            print(f"round {round_number}/{ROUNDS}", flush=True)
            for name, path in pages.items():
                for size in SIZES:
                    port = servers[size][1]
                    url = path or overview[size]
                    figures = wrk(port, url, cookies[(size, users[name])])
                    results.setdefault((name, size), []).append(figures)
    finally:
        for process, _port in servers.values():
            process.terminate()
            process.wait(timeout=30)
    asked = {
        size: {name: f"{users[name]}|{path or overview[size]}" for name, path in pages.items()}
        for size in SIZES
    }
    counted = {size: probe("queries", *asked[size].values(), size=size) for size in SIZES}
    queries = {size: {name: counted[size][asked[size][name]] for name in pages} for size in SIZES}
    dashboards = ["/portfolio/", pages["/portfolio/ (reviewer, filtered)"]]
    fresh = {size: probe("worked_out", *dashboards, size=size) for size in SIZES}
    pdf = probe("pdf", size="1k")
    memory = {size: probe("csv_memory", pages[CSV], size=size) for size in SIZES}
    digests = {size: probe("reminders", size=size) for size in SIZES}
    report(pages, results, queries, overview, pdf, fresh, memory, digests)


def median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def report(pages, results, queries, overview, pdf, fresh, memory, digests) -> None:
    print()
    print(f"wrk -t2 -c8 -d{SECONDS}s, {ROUNDS} alternating rounds (medians), gunicorn 2 workers")
    print(
        "| page | 1k req/s | 1k p50/p95 ms | 10k req/s | 10k p50/p95 ms "
        "| ×healthz 1k | ×healthz 10k | t(10k)/t(1k) | queries 1k/10k |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    healthz = {size: median(results[("/healthz", size)], "rps") for size in SIZES}
    for name in pages:
        one, ten = results[(name, "1k")], results[(name, "10k")]
        rps1, rps10 = median(one, "rps"), median(ten, "rps")
        q1, q10 = queries["1k"][name], queries["10k"][name]
        print(
            f"| {name} | {rps1:.1f} | {median(one, 'p50'):.0f}/{median(one, 'p95'):.0f} "
            f"| {rps10:.1f} | {median(ten, 'p50'):.0f}/{median(ten, 'p95'):.0f} "
            f"| {rps1 / healthz['1k']:.2f} | {rps10 / healthz['10k']:.2f} "
            f"| {rps1 / rps10:.2f} | {q1}/{q10} |"
        )
    print()
    for url in fresh["1k"]:
        one, ten = fresh["1k"][url], fresh["10k"][url]
        print(
            f"{url} worked out (the first load after a change; reviewer, in-process, median of"
            f" 3): 1k {one * 1000:.0f} ms, 10k {ten * 1000:.0f} ms ({ten / one:.2f}×)"
        )
    rows = {size: memory[size]["rows"] for size in SIZES}
    seconds_per_row = {size: 1 / median(results[(CSV, size)], "rps") / rows[size] for size in SIZES}
    print(
        f"{CSV}, streamed (in-process, tracemalloc): 1k {rows['1k']} rows, peak "
        f"{memory['1k']['peak_kb']} KB; 10k {rows['10k']} rows, peak {memory['10k']['peak_kb']} KB;"
        f" time per row t(10k)/t(1k) {seconds_per_row['10k'] / seconds_per_row['1k']:.2f}"
    )
    for size in SIZES:
        run = digests[size]
        print(
            f"hourly digest run with every digest due, {size}: {run['seconds']:.1f} s, peak memory"
            f" {run['peak_mb']} MB (+{run['growth_mb']} MB), {run['digests']} e-mails to send; the"
            f" head's: {run['head_items']} items kept, {run['head_email_bytes'] / 1024:.0f} KB"
        )
    print(
        f"closeout PDF: {pdf['closeout_seconds']:.2f} s; a trivial WeasyPrint page: "
        f"{pdf['trivial_seconds']:.2f} s ({pdf['closeout_seconds'] / pdf['trivial_seconds']:.1f}×)"
    )


if __name__ == "__main__":
    SECRET = secrets.token_urlsafe(50)
    # Static files collected once under var/ (collectstatic compresses them: minutes).
    STATIC = ROOT / "var" / "bench" / "static"
    STATIC.mkdir(parents=True, exist_ok=True)
    SCRIPT = Path(tempfile.mkdtemp(prefix="bench-")) / "report.lua"
    SCRIPT.write_text(LUA, encoding="utf-8")
    main()
