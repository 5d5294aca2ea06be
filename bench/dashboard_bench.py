"""How fast is the management dashboard ("/") over 1,000,000 survey responses, in the page and through gunicorn?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cx_bench REDIS_URL=redis://127.0.0.1:6379/15 \
        .venv/bin/python bench/dashboard_bench.py

DATABASE_URL must name a PostgreSQL database whose name contains "bench": the bench creates it when missing,
migrates it and writes to it; no other database is touched. REDIS_URL is optional (the cache the pages use;
without it each process has a local-memory cache); anything the pages enqueue goes to the queue
CELERY_QUEUE (default cx-dashboard-bench), which no worker reads.

1. Data. `manage.py seed_demo` (idempotent) loads the demo organisation: journeys, stages, touchpoints,
   channels, people, teams, actions, custom KPIs, business cases, follow-up cases and a year of about 50,000
   demo responses. The bench then copies the demo responses, each respondent's visit moved back by 0-365 days
   as a whole (so the copies span about two years and keep the demo's mix of journeys, touchpoints, channels,
   metrics and scores), until there are BENCH_ROWS responses (default 1,000,000), and rebuilds the KPI
   snapshots (snapshots_rebuild_all). A database that already holds BENCH_ROWS responses with snapshots that
   add up to them is reused as it is (BENCH_RESEED=1 copies and rebuilds anyway). Seeding an empty database
   takes about 15 s (2 cores).
2. Page time, in-process (django.test.Client, logged in as the demo manager, settings with DEBUG off): a mix of
   filter views (default, 12 months, a journey group, a journey, a channel, 30 days, 90 days with journey and
   channel, year to date, a custom range), warmed up, then BENCH_N requests in turn (default 270): p50, p95
   and max ms, and the queries of each view (CaptureQueriesContext); and the CPU the page used per request
   (this process's, p50 and p95, and its database backend's on average), which other work on the machine
   hardly skews (it slows the page by queueing for a core, not by using more CPU). Beside it, the raw-SQL baseline: the one
   GROUP BY over the snapshot cells the page needs at the least (12 months, by journey, touchpoint, channel
   and metric), and the ratio. Target: p95 under 100 ms.
3. Throughput: gunicorn with 2 sync workers (as the Procfile, without its access log) on a free local port,
   with bench_settings (DEBUG off, the bench database) and bench_urls (the product's URLs plus
   /bench/trivial/, a view returning "ok"). A session of the manager is made in the database (force_login).
   BENCH_CLIENTS client processes (default 4, one connection each) request, BENCH_SECONDS each (default 10),
   BENCH_ROUNDS times (default 2) in turn, after a warm-up: the trivial view without cookies (the floor of
   the stack: no session, no query), the trivial view with the manager's cookies (as the browser that opens
   the dashboard asks it: LoginRequiredMiddleware loads the session and the user, 2 queries), and the mix of
   dashboard views. Every response must be a 200 (the dashboard's must hold the page's <title> and the logout
   form: the real page, logged in); anything else is an error. Prints requests/s, latencies under load, CPU
   ms per request (gunicorn + its PostgreSQL backends) and the CPU used by gunicorn, the database, the client
   (it must not be the bottleneck) and other processes (other work on the machine makes requests/s
   unreliable: the summary warns; CPU per request is hardly affected). The ratio dashboard / trivial (target:
   at least 1/3) is given against both trivial runs. gunicorn is stopped at the end (SIGTERM, graceful).
4. A summary block with every figure and whether each target is met.

Takes about 2 minutes (2 cores), most of it the throughput rounds. Never fails on time: the figures are
for people; run it on a quiet machine.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import benchlib
from benchrounds import combine, cpu_reading, print_run

ROOT = benchlib.ROOT
BENCH_DIR = ROOT / "bench"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"  # never the product's settings: the trivial view is here
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ.setdefault("CELERY_QUEUE", "cx-dashboard-bench")

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
RESEED = bool(os.environ.get("BENCH_RESEED"))
N = int(os.environ.get("BENCH_N", "270"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
WARMUP_SECONDS = 2.0
WORKERS = 2
MANAGER = "manager"  # the demo's manager (cxplatform/accounts/demo.py)
SOURCE = "bench"  # the copies; the demo's own responses keep source "demo"
P95_TARGET_MS = 100.0
RATIO_TARGET = 1 / 3
TRIVIAL, TRIVIAL_SESSION, DASHBOARD = "trivial, no cookie", "trivial, session", "dashboard"
OTHER_CPU_WARNING = 0.25  # cores other processes may use while requests/s are measured before the summary warns


def setup_django() -> None:
    benchlib.setup_bench_database()
    import cxplatform.wsgi  # noqa: F401  the production start-up path (it freezes the start-up objects for gc)


# --- 1. data ------------------------------------------------------------------------------------------------


def seed() -> dict[str, float]:
    """Make sure there are ROWS responses and current snapshots; returns the seconds each step that ran took."""
    return benchlib.seed_demo_copies(ROWS, SOURCE, reseed=RESEED, snapshots=True)


def describe_data() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT COUNT(*), COUNT(DISTINCT journey_id), COUNT(DISTINCT touchpoint_id), COUNT(DISTINCT channel_id),
                      MIN(day), MAX(day) FROM metrics_surveyresponse"""
        )
        rows, journeys, touchpoints, channels, first, last = cursor.fetchone()
        cursor.execute("SELECT period, COUNT(*) FROM metrics_kpisnapshot GROUP BY period ORDER BY period")
        cells = ", ".join(f"{count:,} {period}" for period, count in cursor.fetchall())
    return (
        f"{rows:,} responses, {journeys} journeys, {touchpoints} touchpoints, {channels} channels, "
        f"{first} to {last}; snapshot cells: {cells}"
    )


# --- 2. page time in-process --------------------------------------------------------------------------------


def dashboard_views() -> list[tuple[str, str]]:
    """(what, URL) of the filter views a manager opens."""
    from django.db.models import Sum
    from django.urls import reverse
    from django.utils import timezone

    from journeys.models import Journey, JourneyState
    from metrics.models import KpiSnapshot

    home = reverse("home")
    journey = Journey.objects.filter(state=JourneyState.CURRENT, name="Report a claim").first()
    journey = journey or Journey.objects.filter(state=JourneyState.CURRENT).order_by("id").first()
    channel = (
        KpiSnapshot.objects.exclude(channel_id=0)
        .values("channel_id")
        .annotate(n=Sum("n"))
        .order_by("-n")
        .values_list("channel_id", flat=True)
        .first()
    )
    today = timezone.localdate()
    custom = {"from": str(today - datetime.timedelta(days=200)), "to": str(today - datetime.timedelta(days=17))}
    views = [
        ("default", {}),
        ("12 months", {"period": "12m"}),
        ("12 months, a journey group", {"period": "12m", "group": journey.group_id}),
        ("12 months, a journey", {"period": "12m", "journey": journey.pk}),
        ("12 months, a channel", {"period": "12m", "channel": channel}),
        ("30 days", {"period": "30d"}),
        ("90 days, a journey and a channel", {"period": "90d", "journey": journey.pk, "channel": channel}),
        ("year to date", {"period": "ytd"}),
        ("custom range (200 to 17 days ago)", {"period": "custom", **custom}),
    ]
    return [(what, f"{home}?{urlencode(query)}" if query else home) for what, query in views]


def page_markers(content: bytes) -> list[bytes]:
    """What shows a response is the dashboard a logged-in user sees: its <title> and the logout form."""
    from django.urls import reverse

    title = re.search(rb"<title>.*?</title>", content, re.S)
    logout = f'action="{reverse("logout")}"'.encode()
    return [title.group(0), logout] if title else [logout]


def measure_pages(client, views: list[tuple[str, str]]) -> dict[str, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get(url: str):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
        return response

    per_view = {}
    for what, url in views:
        response = get(url)
        with CaptureQueriesContext(connection) as queries:
            get(url)
        per_view[url] = {"what": what, "queries": len(queries), "kb": len(response.content) / 1024,
                         "markers": page_markers(response.content), "samples": []}  # fmt: skip
        for _ in range(3):  # warm: templates, URL resolver, query plans
            get(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    samples, cpu_samples = [], []
    machine, ours, window = benchlib.machine_cpu(), benchlib.process_cpu([os.getpid(), backend]), time.perf_counter()
    database = benchlib.process_cpu([backend])
    for i in range(max(N, len(views))):
        url = views[i % len(views)][1]
        started, cpu = time.perf_counter(), time.process_time()
        get(url)
        ms = (time.perf_counter() - started) * 1000
        cpu_samples.append((time.process_time() - cpu) * 1000)
        per_view[url]["samples"].append(ms)
        samples.append(ms)
    # Cores other processes kept busy meanwhile: this process and its database backend excluded.
    other = benchlib.machine_cpu() - machine - benchlib.cpu_used(ours, benchlib.process_cpu([os.getpid(), backend]))
    # The page's own CPU (this process: Django, the selectors, the templates) per request, and its database
    # backend's on average (the kernel counts it in 10 ms ticks): what other work on the machine hardly skews.
    database_ms = benchlib.cpu_used(database, benchlib.process_cpu([backend])) * 1000 / len(samples)
    p50, p95 = benchlib.p50_p95(samples)
    cpu_p50, cpu_p95 = benchlib.p50_p95(cpu_samples)
    return {"views": per_view, "n": len(samples), "p50": p50, "p95": p95, "max": max(samples),
            "cpu_p50": cpu_p50, "cpu_p95": cpu_p95, "database_ms": database_ms,
            "other_cpu": max(other, 0) / (time.perf_counter() - window)}  # fmt: skip


BASELINE_SQL = """
    SELECT journey_id, touchpoint_id, channel_id, metric,
           SUM(n), SUM(low), SUM(high), SUM(total), SUM(total_sq), MAX(computed_at)
    FROM metrics_kpisnapshot
    WHERE {cover}
    GROUP BY journey_id, touchpoint_id, channel_id, metric
"""


def measure_baseline() -> dict[str, float]:
    """The one query the page needs at the least: the 12 months' cells (whole months, weeks at the edges, days
    for the rest, as kpi_summary covers a range) summed by journey, touchpoint, channel and metric."""
    from django.db import connection
    from django.utils import timezone

    from metrics.periods import cover

    today = timezone.localdate()
    ranges = cover(today - datetime.timedelta(days=364), today)
    sql = BASELINE_SQL.format(cover=" OR ".join(["(period = %s AND period_start BETWEEN %s AND %s)"] * len(ranges)))
    params = [value for r in ranges for value in (r.period, r.first, r.last)]

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    groups = run()
    samples = []
    for _ in range(max(N // 3, 30)):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = benchlib.p50_p95(samples)
    return {"p50": p50, "p95": p95, "groups": groups}


# --- 3. throughput through gunicorn -------------------------------------------------------------------------


def measure_http(client, views: list[tuple[str, str]], markers: dict[str, list[bytes]]) -> dict[str, object]:
    from django.conf import settings
    from django.urls import reverse

    trivial_path = reverse("bench-trivial")
    port = benchlib.free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings"}
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    started = time.perf_counter()
    server = benchlib.start_gunicorn(
        app="cxplatform.wsgi:application", env=env, port=port, workers=WORKERS, pythonpath=BENCH_DIR,
        ready_path=trivial_path,
    )  # fmt: skip
    print(f"gunicorn: {WORKERS} workers on 127.0.0.1:{port}, up in {time.perf_counter() - started:.1f} s")
    try:
        # The session works through gunicorn, and the CSRF cookie a browser would send back from now on.
        status, headers, body = benchlib.http_get(port, views[0][1], cookies)
        if status != 200 or not all(marker in body for marker in markers[views[0][1]]):
            sys.exit(f"gunicorn: GET {views[0][1]} with the manager's session answered {status}: {body[:300]!r}")
        jar = SimpleCookie(headers.get(b"set-cookie", b"").decode())
        cookies.update({name: morsel.value for name, morsel in jar.items() if name == settings.CSRF_COOKIE_NAME})
        # The trivial view twice: without cookies (the floor of the stack: no session, no query), and with the
        # manager's cookies, as the browser that opens the dashboard asks it (LoginRequiredMiddleware then loads
        # the session and the user: 2 queries).
        loads = {
            TRIVIAL: ([(trivial_path, [b"ok"])], None),
            TRIVIAL_SESSION: ([(trivial_path, [b"ok"])], cookies),
            DASHBOARD: ([(url, markers[url]) for _what, url in views], cookies),
        }
        runs: dict[str, list[dict]] = {name: [] for name in loads}
        with benchlib.LoadClient(CLIENTS) as load:
            for targets, with_cookies in loads.values():  # the workers warm: imports, templates, query plans
                load.run(port=port, targets=targets, cookies=with_cookies, seconds=WARMUP_SECONDS)
            for round_ in range(ROUNDS):
                for name, (targets, with_cookies) in loads.items():
                    before, window = cpu_reading(server), time.perf_counter()
                    result = load.run(port=port, targets=targets, cookies=with_cookies, seconds=SECONDS)
                    after, result["window"] = cpu_reading(server), time.perf_counter() - window
                    result["server_cpu"] = benchlib.cpu_used(before["server"], after["server"])
                    result["database_cpu"] = benchlib.cpu_used(before["database"], after["database"])
                    # Other processes' share (other work on the machine), over the whole window read here: the
                    # load, and the half second before it in which the client processes wait for their start.
                    result["other_cpu"] = max(
                        after["machine"] - before["machine"]
                        - result["server_cpu"] - result["database_cpu"] - result["client_cpu"],
                        0,
                    )  # fmt: skip
                    runs[name].append(result)
                    print_run(round_, name, result, SECONDS)
    finally:
        status = benchlib.stop_process(server)
    print(f"gunicorn stopped (exit status {status})")
    return {name: combine(results) for name, results in runs.items()}


# --- 4. the run ---------------------------------------------------------------------------------------------


def main() -> None:
    began = time.perf_counter()
    setup_django()
    from django.db import connection
    from django.test import Client

    from cxplatform.accounts.models import User

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"database: PostgreSQL {version}, {connection.settings_dict['NAME']}; {os.cpu_count()} CPUs, load {load}")
    steps = seed()
    seeding = sum(steps.values())
    print(f"seeding: {seeding:.1f} s (" + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in steps.items()) + ")")
    print(f"data: {describe_data()}")

    client = Client()
    client.force_login(User.objects.get(username=MANAGER))
    views = dashboard_views()
    from django.test import override_settings

    # The page as it is built when the data changed (cache off), and as it is served until then.
    with override_settings(REPORT_CACHE_SECONDS=0):
        pages = measure_pages(client, views)
    cached = measure_pages(client, views)
    baseline = measure_baseline()
    for title, result in (("built afresh (cache off)", pages), ("served from the cache", cached)):
        print(f"\nin-process, logged in as {MANAGER!r}, {title}: {result['n']} requests over {len(views)} views")
        print(f"{'view':<46} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'KB':>6}")
        for url, view in result["views"].items():
            p50, p95 = benchlib.p50_p95(view["samples"])
            print(f"{view['what']:<46} {p50:>8.1f} {p95:>8.1f} {max(view['samples']):>8.1f} {view['queries']:>8} "
                  f"{view['kb']:>6.0f}  {url}")  # fmt: skip
        print(f"{'all views':<46} {result['p50']:>8.1f} {result['p95']:>8.1f} {result['max']:>8.1f}"
              f"   (other processes kept {result['other_cpu']:.2f} of {os.cpu_count()} cores busy meanwhile)")  # fmt: skip
        print(f"{'  CPU of the page (Python), per request':<46} {result['cpu_p50']:>8.1f} {result['cpu_p95']:>8.1f}"
              f"            database backend {result['database_ms']:.1f} ms per request on average")  # fmt: skip
    print(f"{'raw SQL baseline: 12 months of cells, 1 GROUP BY':<46} {baseline['p50']:>8.1f} {baseline['p95']:>8.1f}"
          f" {'':>8} {1:>8}   ({baseline['groups']:,} groups)")  # fmt: skip

    print(f"\nthroughput: {CLIENTS} client processes, {ROUNDS} rounds of {SECONDS:.0f} s per target after a warm-up")
    markers = {url: view["markers"] for url, view in pages["views"].items()}
    # gunicorn serves with the cache on, as in production: each view is built once in the warm-up.
    http = measure_http(client, views, markers)
    queries = sorted({view["queries"] for view in pages["views"].values()})
    total = time.perf_counter() - began

    reused = "copy responses" not in steps and "rebuild snapshots" not in steps
    lines = [
        f"SUMMARY dashboard bench: {describe_data().split(';')[0]}",
        f"seeding                {seeding:.1f} s" + (" (the seeded database was reused)" if reused else ""),
        f"page time in-process   p50 {pages['p50']:.1f} ms, p95 {pages['p95']:.1f} ms, max {pages['max']:.1f} ms "
        f"({pages['n']} requests, {len(views)} filter views, built afresh: cache off); target p95 < "
        f"{P95_TARGET_MS:.0f} ms: " + benchlib.met(pages["p95"] < P95_TARGET_MS),
        f"  CPU per fresh build   Python p50 {pages['cpu_p50']:.1f} ms, p95 {pages['cpu_p95']:.1f} ms; database "
        f"{pages['database_ms']:.1f} ms on average (hardly skewed by other work on the machine)",
        f"  from the cache       p50 {cached['p50']:.1f} ms, p95 {cached['p95']:.1f} ms, max {cached['max']:.1f} ms "
        "(until the next committed write to the data)",
        "queries per request    "
        + (f"{queries[0]} in every view" if len(queries) == 1 else f"{queries[0]} to {queries[-1]} (differs by view)"),
        f"raw SQL baseline       p50 {baseline['p50']:.2f} ms (one GROUP BY over 12 months of snapshot cells); "
        f"page p50 = {pages['p50'] / baseline['p50']:.1f} x baseline",
        f"gunicorn, {WORKERS} workers     {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'requests':>9} "
        f"{'CPU ms/req':>10}   cores busy: gunicorn, database, client, others (of {os.cpu_count()})",
    ]
    for name, result in http.items():
        lines.append(
            f"  {name:<20} {result['rps']:>9.1f} {result['p50']:>8.1f} {result['p95']:>8.1f} {result['errors']:>7} "
            f"{result['requests']:>9,} {result['cpu_ms']:>10.2f}   {result['server_cpu']:.2f}, "
            f"{result['database_cpu']:.2f}, {result['client_cpu']:.2f}, {result['other_cpu']:.2f}"
        )
    dashboard = http[DASHBOARD]
    for name in (TRIVIAL_SESSION, TRIVIAL):
        trivial = http[name]
        ratio = dashboard["rps"] / trivial["rps"] if trivial["rps"] else float("nan")
        clean = trivial["errors"] == 0 and dashboard["errors"] == 0
        lines.append(
            f"ratio vs {name + ':':<19} dashboard / trivial req/s = {ratio:.3f}; target >= 1/3 with no errors: "
            f"{benchlib.met(ratio >= RATIO_TARGET and clean)} (by CPU per request, which other load does not skew: "
            f"{trivial['cpu_ms'] / max(dashboard['cpu_ms'], 1e-9):.3f})"
        )
    lines.append(f"total runtime          {total:.0f} s")
    if pages["other_cpu"] > OTHER_CPU_WARNING:
        lines.append(
            f"WARNING: other processes kept {pages['other_cpu']:.2f} of {os.cpu_count()} cores busy while the page "
            "times were measured: they are not reliable, run the bench again on a quiet machine"
        )
    busy = max(result["other_cpu"] for result in http.values())
    if busy > OTHER_CPU_WARNING:
        lines.append(
            f"WARNING: other processes kept {busy:.2f} of {os.cpu_count()} cores busy during the throughput rounds: "
            "these requests/s are not reliable, run the bench again on a quiet machine"
        )
    print("\n" + "=" * 110)
    print("\n  ".join(lines))
    print("=" * 110)


if __name__ == "__main__":
    main()
