"""The live map under load: --clients WebSocket clients have one journey map open while edits are made at
--rate per second for --seconds. How long from an edit's commit until every client has heard of it, and how
much memory a connection costs the server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cx_live_bench REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/live_bench.py [--clients 50] [--rate 10] [--seconds 30] [--workers 2]

DATABASE_URL must name a PostgreSQL database whose name contains "bench" (created and migrated when missing; the
bench adds a user and a journey to it), REDIS_URL a Redis database of the bench's own (the channel layer).

1. The web process as the Procfile starts it (gunicorn with the ASGI workers of cxplatform/web_server.py, the
   production settings, --workers processes) on a free port, with the Redis channel layer.
2. --clients WebSocket clients, signed in with a session of their own each, connect to the journey's socket
   (ws/journeys/<id>/), spread over the worker processes by the kernel as a browser's would be. The server's
   memory (the resident set of its worker processes) is read before and after they connect.
3. For --seconds, an editor changes a touchpoint's description --rate times a second through the real service
   (journeys.services.touchpoint_update, in this process): after each commit journeys.live announces the change
   through Redis. Each client notes when the change reached it.
4. Printed: p50/p95/max of the time from an edit's commit until the last client heard of it (and until each
   client did), edits missed by any client, and the server's memory per connection.

Target: p95 under 300 ms from commit to every client. Never fails on time: the figures are for people.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import benchlib

ROOT = benchlib.ROOT
os.environ["DJANGO_SETTINGS_MODULE"] = "cxplatform.settings.base"  # production's, as the Procfile runs it
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ.setdefault("CELERY_QUEUE", "cx-live-bench")
os.environ["DEBUG"] = "false"
P95_TARGET_MS = 300.0


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=10.0, help="edits per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="web worker processes (WEB_CONCURRENCY)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 1000 or not 0.1 <= args.rate <= 200 or not 1 <= args.seconds <= 600:
        parser.error("--clients 1 to 1000, --rate 0.1 to 200, --seconds 1 to 600")
    return args


def check_environment() -> None:
    database = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not database.scheme.startswith("postgres") or "bench" not in database.path:
        sys.exit("DATABASE_URL must be a PostgreSQL database whose name contains 'bench'.")
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL must name a Redis database of the bench's own (the live map's channel layer).")


def start_web(port: int, workers: int, log: Path) -> subprocess.Popen:
    line = dict(entry.split(":", 1) for entry in (ROOT / "Procfile").read_text().splitlines() if entry.strip())["web"]
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    # The access log would cost the server more than the live map does: not for a bench.
    command = line.strip().replace(" --access-logfile -", "")
    process = subprocess.Popen(
        ["bash", "-c", f"exec {command}"], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            sys.exit(f"the web process exited with status {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if benchlib.http_get(port, "/login/")[0] == 200:
                return process
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit("the web process did not answer within 60 s")
        time.sleep(0.2)


def worker_pids(master: int) -> list[int]:
    """gunicorn's worker processes: the children of its master, itself a child of the respawn supervisor."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [master]
    while todo:
        pid = todo.pop()
        kids = children.get(pid, [])
        if not kids and pid != master:
            found.append(pid)
        todo.extend(kids)
    return found


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def prepare(clients: int):
    """A journey with a small map, an editor, and a session for each client."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from cxplatform.accounts.models import Role, User
    from journeys.models import Journey, JourneyGroup
    from journeys.services import stage_create, touchpoint_create

    group, _ = JourneyGroup.objects.get_or_create(name="Live bench")
    journey = Journey.objects.create(name=f"Live bench {time.strftime('%H:%M:%S')}", group=group)
    for index in range(4):
        stage = stage_create(journey=journey, name=f"Stage {index + 1}")
        for number in range(5):
            touchpoint_create(stage=stage, name=f"Touchpoint {index + 1}.{number + 1}")
    editor, _ = User.objects.get_or_create(username="live-bench-editor", defaults={"role": Role.ADMIN})
    sessions = []
    for index in range(clients):
        reader, _ = User.objects.get_or_create(
            username=f"live-bench-{index}", defaults={"role": Role.MANAGER, "first_name": f"Reader {index}"}
        )
        store = SessionStore()
        store[SESSION_KEY] = str(reader.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = reader.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return journey, editor, sessions


class Client:
    def __init__(self, index: int) -> None:
        self.index = index
        self.arrivals: dict[int, float] = {}  # revision -> when it arrived (time.perf_counter())
        self.socket = None


async def open_clients(port: int, journey_id: int, sessions: list[str]) -> list[Client]:
    from websockets.asyncio.client import connect

    clients = []
    for index, session in enumerate(sessions):
        client = Client(index)
        client.socket = await connect(
            f"ws://127.0.0.1:{port}/ws/journeys/{journey_id}/",
            additional_headers={"Cookie": f"sessionid={session}", "Origin": f"http://127.0.0.1:{port}"},
            open_timeout=30,
            max_queue=None,
        )
        hello = json.loads(await asyncio.wait_for(client.socket.recv(), 30))
        assert hello["type"] == "hello", hello
        clients.append(client)
    return clients


async def listen(client: Client) -> None:
    try:
        async for raw in client.socket:
            message = json.loads(raw)
            if message["type"] == "changed":
                client.arrivals.setdefault(message["revision"], time.perf_counter())
    except Exception:
        return


def edit(journey, editor, rate: float, seconds: float, commits: dict[int, float], first_revision: int) -> None:
    """The edits, one after the other at `rate` a second, each through the service; the time of each commit
    (before its announcement goes out) by the revision it gets."""
    from django.db import close_old_connections, transaction

    from journeys import live
    from journeys.models import Touchpoint
    from journeys.services import touchpoint_update

    live.act_as(editor)  # the announcements say who edited, as a page's would
    touchpoints = list(Touchpoint.objects.filter(journey=journey).order_by("pk"))
    count = int(rate * seconds)
    started = time.perf_counter()
    for number in range(count):
        time.sleep(max(0.0, started + number / rate - time.perf_counter()))
        touchpoint = Touchpoint.objects.get(pk=touchpoints[number % len(touchpoints)].pk)
        revision = first_revision + number + 1
        with transaction.atomic():
            # Registered first, so it runs first once the transaction has committed: the commit's moment.
            transaction.on_commit(lambda revision=revision: commits.__setitem__(revision, time.perf_counter()))
            touchpoint_update(touchpoint=touchpoint, expected_version=touchpoint.version, description=f"Edit {number}")
    close_old_connections()


def report(clients: list[Client], commits: dict[int, float], rss: tuple[int, int], args) -> None:
    everyone, each, missed = [], [], 0
    for revision, committed in sorted(commits.items()):
        arrivals = [client.arrivals.get(revision) for client in clients]
        if any(arrival is None for arrival in arrivals):
            missed += 1
            continue
        delays = [(arrival - committed) * 1000 for arrival in arrivals]
        everyone.append(max(delays))
        each.extend(delays)
    print(f"\n{len(commits)} edits at {args.rate:g}/s for {args.seconds:g} s, {len(clients)} clients, "
          f"{args.workers} web worker processes")  # fmt: skip
    if everyone:
        p50, p95 = benchlib.p50_p95(everyone)
        print(f"commit -> last client:  p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   max {max(everyone):7.1f} ms")
        p50_each, p95_each = benchlib.p50_p95(each)
        print(f"commit -> each client:  p50 {p50_each:7.1f} ms   p95 {p95_each:7.1f} ms")
        print(f"target p95 < {P95_TARGET_MS:.0f} ms to every client: {benchlib.met(p95 < P95_TARGET_MS)}")
    print(f"edits some client never heard of: {missed}")
    if missed and os.environ.get("LIVE_BENCH_DEBUG"):
        print("commits", sorted(commits)[:5], "client 0 heard", sorted(clients[0].arrivals)[:5])
        print(
            "heard per client",
            [len(c.arrivals) for c in clients],
            [repr(getattr(c, "error", None)) for c in clients][:3],
        )
    before, after = rss
    print(f"server memory (workers' RSS): {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB with the clients: "
          f"{(after - before) / max(1, len(clients)):.0f} KiB per connection")  # fmt: skip


async def main_async(args, port: int, pids: list[int], journey, editor, sessions) -> None:
    from journeys import live

    rss_before = rss_kib(pids)
    clients = await open_clients(port, journey.pk, sessions)
    await asyncio.sleep(2)  # presence settles (every newcomer hears from everyone already there)
    rss_after = rss_kib(pids)
    listeners = [asyncio.create_task(listen(client)) for client in clients]
    commits: dict[int, float] = {}
    first_revision = await asyncio.to_thread(live.current_revision, journey.pk)
    await asyncio.to_thread(edit, journey, editor, args.rate, args.seconds, commits, first_revision)
    await asyncio.sleep(2)  # the last edits arrive
    for client in clients:
        await client.socket.close()
    await asyncio.gather(*listeners)
    report(clients, commits, (rss_before, rss_after), args)


def main() -> None:
    args = arguments()
    check_environment()
    benchlib.setup_django(postgres_required="DATABASE_URL must be a PostgreSQL database")
    journey, editor, sessions = prepare(args.clients)
    port = benchlib.free_port()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"live-bench-web-{port}.log"
    web = start_web(port, args.workers, log)
    try:
        pids = worker_pids(web.pid)
        print(f"web on port {port}: worker processes {pids}; log {log}")
        asyncio.run(main_async(args, port, pids, journey, editor, sessions))
    finally:
        benchlib.stop_process(web)


if __name__ == "__main__":
    main()
