"""The production stack under a steady load: web (gunicorn), worker and beat as the Procfile starts them, on
PostgreSQL and Redis, with virtual users reading maps, editing touchpoints, loading the dashboard and an ingest
client posting a batch of survey responses every second. Then: was every acknowledged response stored once?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cx_bench REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/load_bench.py [--users 50] [--seconds 60] [--batch 100]

DATABASE_URL must name a PostgreSQL database whose name contains "bench" (the bench writes to it) and REDIS_URL
a Redis database of the bench's own (cache and broker of the stack). The data are dashboard_bench's: the demo
organisation with its responses copied up to BENCH_ROWS (default 1,000,000; made when missing, which takes a
minute). The stack gets the queue CELERY_QUEUE (default cx-load-bench), so no other worker takes its tasks.

1. The stack: each line of the Procfile (web, worker, beat) run by bash as written, with the production
   settings (cxplatform.settings.base, DEBUG off), web on a free port of 127.0.0.1 (HOST, PORT), the beat
   schedule in a temporary directory; the logs go to files there (shown when something fails).
2. The load, for --seconds: --users virtual users, each a thread with its own HTTP connection that pauses 1 s
   after every answer: one ingest client (a batch of --batch responses, each with an external_id of this run,
   posted to /api/v1/responses/ with an editor's token: a steady stream, as webhooks would); editors (half of
   the rest) who open a journey map page, read a touchpoint through the API and save an edited description with
   the version they read (several editors share a few touchpoints: 409 Conflict is expected, and counted apart);
   managers (the others) who load the dashboard with one of a few filter views.
3. Afterwards: requests, answers by status, p50/p95/max per kind; the external ids acknowledged (201) against
   those stored (counted by external_id: every acknowledged one exactly once), and once the recompute has
   caught up (at most 2 minutes), whether the KPI snapshots add up to every response. The CPU used by the
   stack, the database, the client and other processes (other work on the machine skews latencies).
4. The stack is stopped (SIGTERM to each process group, SIGKILL after 30 s); the run's responses are deleted
   and the snapshots rebuilt, so that the database is as dashboard_bench left it (--keep keeps them).

Targets: no server error, no acknowledged response lost or doubled, p95 under 500 ms for map pages and dashboard
loads. Never fails on time: the figures are for people.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import benchlib
from benchstack import DatabaseCpu, stack_cpu, start_stack, stop_stack

ROOT = benchlib.ROOT
os.environ["DJANGO_SETTINGS_MODULE"] = "cxplatform.settings.base"  # production's, as the Procfile runs it
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ.setdefault("CELERY_QUEUE", "cx-load-bench")
os.environ["DEBUG"] = "false"

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
SOURCE = "load-bench"  # the source of this bench's responses; dashboard_bench's copies are "bench"
COPIES = "bench"
EDITOR, MANAGER = "editor", "manager"  # the demo's people (cxplatform/accounts/demo.py)
SHARED_TOUCHPOINTS = 6  # the editors edit these few touchpoints between them: conflicts happen
PAUSE = 1.0
TIMEOUT = 30.0
P95_TARGET_MS = 500.0
MAP, TOUCHPOINT_READ, TOUCHPOINT_EDIT, DASHBOARD, INGEST = (
    "map page", "touchpoint read (API)", "touchpoint edit (API)", "dashboard", "ingest batch (API)",
)  # fmt: skip
KINDS = (MAP, TOUCHPOINT_READ, TOUCHPOINT_EDIT, DASHBOARD, INGEST)
EXPECTED = {TOUCHPOINT_EDIT: {200, 409}, INGEST: {201}}  # any other kind: 200


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="virtual users, the ingest client included (>= 3)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load lasts")
    parser.add_argument("--batch", type=int, default=100, help="responses per ingest batch")
    parser.add_argument("--keep", action="store_true", help="keep the run's responses in the database")
    args = parser.parse_args()
    if args.users < 3 or not 1 <= args.seconds <= 3600 or not 1 <= args.batch <= 1000:
        parser.error("--users must be at least 3, --seconds 1 to 3600, --batch 1 to 1000")
    return args


# --- the data -------------------------------------------------------------------------------------------------


def prepare() -> dict:
    """The data, the people's credentials, and what the users ask for."""
    benchlib.setup_bench_database()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from cxplatform.accounts.models import User
    from cxplatform.accounts.services import token_create
    from journeys.models import Journey, JourneyState, Touchpoint

    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL must point at a Redis database of the bench's own: the stack's cache and broker.")
    remove_own_responses()  # of an interrupted run
    steps = benchlib.seed_demo_copies(ROWS, COPIES, snapshots=True)
    if steps.keys() - {"seed_demo"}:
        print("seeding: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in steps.items()))
    editor, manager = User.objects.get(username=EDITOR), User.objects.get(username=MANAGER)
    token = token_create(user=editor).key

    def session(user) -> dict[str, str]:
        client = Client()
        client.force_login(user)
        return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    journeys = list(Journey.objects.filter(state=JourneyState.CURRENT).order_by("id"))
    touchpoints = list(
        Touchpoint.objects.filter(journey__in=journeys, channel__isnull=False)
        .select_related("channel")
        .order_by("journey_id", "stage__position", "position", "id")
    )
    home = reverse("home")
    busiest = journeys[0]
    return {
        "token": token,
        "editor_cookies": session(editor),
        "manager_cookies": session(manager),
        "maps": [reverse("journeys:map", args=[journey.pk]) for journey in journeys],
        "shared": [touchpoint.pk for touchpoint in touchpoints[:SHARED_TOUCHPOINTS]],
        "ingest_targets": [(t.journey_id, t.pk, t.channel.slug) for t in touchpoints],
        "dashboards": [
            home,
            f"{home}?period=12m",
            f"{home}?period=30d",
            f"{home}?period=90d&journey={busiest.pk}",
            f"{home}?period=12m&group={busiest.group_id}",
        ],
    }


def remove_own_responses() -> int:
    """Delete the responses of this bench (and the follow-up cases they opened), and rebuild the snapshots."""
    from django.db import transaction

    from metrics.models import FollowUpCase, SurveyResponse
    from metrics.services.recompute import snapshots_rebuild_all

    with transaction.atomic():
        FollowUpCase.objects.filter(response__source=SOURCE).delete()
        deleted, _ = SurveyResponse.objects.filter(source=SOURCE).delete()
    if deleted:
        snapshots_rebuild_all()
    return deleted


# --- the users ------------------------------------------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.examples: dict[tuple[str, int], str] = {}
        self.acknowledged: set[str] = set()
        self.sent: set[str] = set()

    def record(self, kind: str, started: float, status: int, body: str = "") -> None:
        ms = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[kind].append(ms)
            self.statuses[kind][status] += 1
            if status not in EXPECTED.get(kind, {200}) and (kind, status) not in self.examples:
                self.examples[(kind, status)] = body[:200].replace("\n", " ")


def request(session, results: Results, kind: str, method: str, url: str, **kwargs):
    """One request; its latency and status (0: no answer) are recorded. Returns the response or None."""
    started = time.perf_counter()
    try:
        response = session.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
    except Exception as error:  # any failure to get an answer counts as status 0
        results.record(kind, started, 0, f"{type(error).__name__}: {error}")
        return None
    results.record(kind, started, response.status_code, response.text)
    return response


def pause(stop_at: float) -> bool:
    """Wait PAUSE seconds (less at the end); False once the load is over."""
    time.sleep(max(min(PAUSE, stop_at - time.monotonic()), 0))
    return time.monotonic() < stop_at


def editor(base: str, plan: dict, results: Results, stop_at: float, seed: int) -> None:
    import requests

    rng = random.Random(seed)
    with requests.Session() as session:
        session.cookies.update(plan["editor_cookies"])
        api = {"Authorization": f"Token {plan['token']}"}
        edits = 0
        while time.monotonic() < stop_at:
            request(session, results, MAP, "GET", base + rng.choice(plan["maps"]))
            if not pause(stop_at):
                break
            url = f"{base}/api/v1/touchpoints/{rng.choice(plan['shared'])}/"
            read = request(session, results, TOUCHPOINT_READ, "GET", url, headers=api)
            if not pause(stop_at):
                break
            if read is not None and read.status_code == 200:
                edits += 1
                body = {"description": f"Edited by editor {seed}, edit {edits}.", "version": read.json()["version"]}
                request(session, results, TOUCHPOINT_EDIT, "PATCH", url, json=body, headers=api)
                if not pause(stop_at):
                    break


def manager(base: str, plan: dict, results: Results, stop_at: float, seed: int) -> None:
    import requests

    rng = random.Random(seed)
    with requests.Session() as session:
        session.cookies.update(plan["manager_cookies"])
        while time.monotonic() < stop_at:
            request(session, results, DASHBOARD, "GET", base + rng.choice(plan["dashboards"]))
            if not pause(stop_at):
                break


def ingester(base: str, plan: dict, results: Results, stop_at: float, batch: int, run: str) -> None:
    """A batch of `batch` responses of today, spread over the demo's touchpoints, every second."""
    import requests
    from django.utils import timezone

    rng = random.Random(run)
    scales = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
    number = 0
    with requests.Session() as session:
        headers = {"Authorization": f"Token {plan['token']}"}
        while time.monotonic() < stop_at:
            records = []
            now = timezone.now().replace(microsecond=0)
            for _ in range(batch):
                number += 1
                journey, touchpoint, channel = rng.choice(plan["ingest_targets"])
                metric = rng.choice(list(scales))
                records.append({
                    "metric": metric, "score": rng.randint(*scales[metric]), "journey": journey,
                    "touchpoint": touchpoint, "channel": channel, "source": SOURCE,
                    "external_id": f"{run}-{number}", "respondent": f"{run}-r{number}",
                    "responded_at": (now - datetime.timedelta(seconds=rng.randint(0, 600))).isoformat(),
                })  # fmt: skip
            ids = {record["external_id"] for record in records}
            with results.lock:
                results.sent |= ids
            answer = request(session, results, INGEST, "POST", f"{base}/api/v1/responses/", json=records,
                             headers=headers)  # fmt: skip
            if answer is not None and answer.status_code == 201:
                with results.lock:
                    results.acknowledged |= ids
            if not pause(stop_at):
                break


def run_load(port: int, plan: dict, args: argparse.Namespace, run: str) -> Results:
    base = f"http://127.0.0.1:{port}"
    results = Results()
    others = args.users - 1
    editors = others // 2
    stop_at = time.monotonic() + args.seconds
    threads = [threading.Thread(target=ingester, args=(base, plan, results, stop_at, args.batch, run))]
    threads += [threading.Thread(target=editor, args=(base, plan, results, stop_at, i)) for i in range(editors)]
    threads += [
        threading.Thread(target=manager, args=(base, plan, results, stop_at, i)) for i in range(others - editors)
    ]
    print(f"load: {args.users} users (1 ingest client, {editors} editors, {others - editors} managers) for "
          f"{args.seconds:.0f} s, {PAUSE:.0f} s pause after each answer, batches of {args.batch}")  # fmt: skip
    for number, thread in enumerate(threads):
        thread.daemon = True
        thread.start()
        if number % 10 == 9:
            time.sleep(0.05)  # not all at the same instant
    for thread in threads:
        thread.join(timeout=args.seconds + TIMEOUT * 3 + 10)
    return results


# --- the checks -----------------------------------------------------------------------------------------------


def stored_counts(run: str) -> dict[str, int]:
    from django.db.models import Count

    from metrics.models import SurveyResponse

    rows = (
        SurveyResponse.objects.filter(external_id__startswith=f"{run}-")
        .values("external_id")
        .annotate(n=Count("id"))
        .values_list("external_id", "n")
    )
    return dict(rows)


def wait_for_recompute(seconds: float = 120) -> tuple[bool, float]:
    """Until no recompute is pending and the snapshots add up to every response (bounded): (added up, seconds)."""
    from metrics.models import SurveyResponse

    started = time.monotonic()
    while True:
        if benchlib.snapshots_add_up(SurveyResponse.objects.count()):
            return True, time.monotonic() - started
        if time.monotonic() - started > seconds:
            return False, time.monotonic() - started
        time.sleep(1)


def percentiles(samples: list[float]) -> tuple[float, float]:
    if len(samples) < 2:
        return (samples[0], samples[0]) if samples else (float("nan"), float("nan"))
    return benchlib.p50_p95(samples)


def main() -> None:
    args = arguments()
    began = time.perf_counter()
    plan = prepare()
    from django.db import connection

    run = f"lb{int(time.time())}"
    load_before = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"database {connection.settings_dict['NAME']}; queue {os.environ['CELERY_QUEUE']}; {os.cpu_count()} CPUs, "
          f"load average before {load_before}")  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="load-bench-"))
    port = benchlib.free_port()
    processes = start_stack(workdir, port)
    print(f"stack up: web on 127.0.0.1:{port}, worker, beat (logs in {workdir})")
    stopped: dict[str, int] = {}
    try:
        for path in plan["dashboards"][:2] + plan["maps"][:1]:  # warm: imports, templates, query plans
            benchlib.http_get(port, path, plan["manager_cookies"])
        cpu = {"stack": stack_cpu(processes), "machine": benchlib.machine_cpu()}
        database = DatabaseCpu(connection.settings_dict["NAME"])
        window = time.perf_counter()
        client_cpu = time.process_time()
        results = run_load(port, plan, args, run)
        window = time.perf_counter() - window
        used = {
            "stack": benchlib.cpu_used(cpu["stack"], stack_cpu(processes)),
            "database": database.stop(),
            "client": time.process_time() - client_cpu,
        }
        used["others"] = max(benchlib.machine_cpu() - cpu["machine"] - sum(used.values()), 0)
        load_after = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        caught_up, catch_up_seconds = wait_for_recompute()
    finally:
        stopped = stop_stack(processes)
    counts = stored_counts(run)
    lost = results.acknowledged - counts.keys()
    doubled = {external_id for external_id, n in counts.items() if n > 1}
    unacknowledged = counts.keys() - results.acknowledged
    removed = 0 if args.keep else remove_own_responses()

    lines = [f"SUMMARY load bench: {args.users} users for {args.seconds:.0f} s against web + worker + beat "
             f"(Procfile), {ROWS:,} responses in the database"]  # fmt: skip
    lines.append(f"{'kind':<24} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}   answers by status")
    server_errors = 0
    for kind in KINDS:
        samples, statuses = results.latencies.get(kind, []), results.statuses.get(kind, collections.Counter())
        p50, p95 = percentiles(samples)
        server_errors += sum(n for status, n in statuses.items() if status >= 500 or status == 0)
        by_status = ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(statuses.items()))
        lines.append(f"{kind:<24} {len(samples):>8} {p50:>8.0f} {p95:>8.0f} {max(samples, default=0):>8.0f}   "
                     f"{by_status}")  # fmt: skip
    total = sum(len(samples) for samples in results.latencies.values())
    lines.append(f"{'all':<24} {total:>8}   ({total / window:.1f} requests/s)")
    lines.append(f"server errors (5xx or no answer): {server_errors}; target 0: {benchlib.met(server_errors == 0)}")
    for (kind, status), example in list(results.examples.items())[:6]:
        lines.append(f"  unexpected {status or 'no answer'} on {kind}: {example}")
    lines.append(
        f"ingest: {len(results.sent):,} responses sent, {len(results.acknowledged):,} acknowledged (201), "
        f"{sum(counts.values()):,} stored; lost {len(lost)}, doubled {len(doubled)}, stored without an "
        f"acknowledgement {len(unacknowledged)}; target 0 lost or doubled: {benchlib.met(not lost and not doubled)}"
    )
    lines.append(
        f"snapshots {'add up to every response' if caught_up else 'did NOT add up to the responses'} "
        f"{catch_up_seconds:.0f} s after the load (recompute by the worker)"
    )
    for kind in (MAP, DASHBOARD):
        p95 = percentiles(results.latencies.get(kind, []))[1]
        lines.append(
            f"p95 of {kind}: {p95:.0f} ms; target < {P95_TARGET_MS:.0f} ms: {benchlib.met(p95 < P95_TARGET_MS)}"
        )
    cores = os.cpu_count() or 1
    lines.append(
        f"CPU, cores busy on average ({cores} cores): stack {used['stack'] / window:.2f}, database "
        f"{used['database'] / window:.2f}, this client {used['client'] / window:.2f}, other processes "
        f"{used['others'] / window:.2f}; load average {load_before} before, {load_after} after"
    )
    lines.append(f"stack stopped: {', '.join(f'{name} {status}' for name, status in stopped.items())}; "
                 f"{removed:,} responses of the run removed; total runtime {time.perf_counter() - began:.0f} s")  # fmt: skip
    if used["others"] / window > 0.25:
        lines.append(f"WARNING: other processes kept {used['others'] / window:.2f} of {cores} cores busy: the "
                     "latencies are not reliable, run the bench again on a quiet machine")  # fmt: skip
    print("\n" + "=" * 110)
    print("\n  ".join(lines))
    print("=" * 110)
    if server_errors or lost or doubled:
        for name in ("web", "worker", "beat"):
            log = workdir / f"{name}.log"
            if log.exists():
                print(f"--- last lines of {name}.log ---")
                print("\n".join(log.read_text(errors="replace").splitlines()[-15:]))
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
