"""What every bench script does first: put the project on sys.path, create the PostgreSQL database named in
DATABASE_URL when it does not exist yet, set Django up and migrate. Set DJANGO_SETTINGS_MODULE before calling.

Below that, helpers for benches that measure over HTTP: start and stop gunicorn, and LoadClient, a load
generator of several processes that checks every response."""

from __future__ import annotations

import io
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ensure_database(*, postgres_required: str | None = None) -> None:
    """Create the database; without a PostgreSQL DATABASE_URL, exit with `postgres_required` (or carry on on
    whatever database the settings choose when it is None)."""
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not parts.scheme.startswith("postgres"):
        if postgres_required:
            sys.exit(postgres_required)
        return
    import psycopg

    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(*, postgres_required: str | None = None) -> None:
    ensure_database(postgres_required=postgres_required)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# --- Percentiles, gunicorn and an HTTP load client (bench/dashboard_bench.py) ---------------------------------


def p50_p95(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


def met(ok: bool) -> str:
    """A target's verdict in a summary line."""
    return "MET" if ok else "NOT MET"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    *, app: str, env: dict[str, str], port: int, workers: int = 2, pythonpath: Path | None = None, ready_path: str
) -> subprocess.Popen:
    """gunicorn serving `app` on 127.0.0.1:`port` (sync workers, as the Procfile; no access log), once it
    answers `ready_path` with any status. Stop it with stop_process()."""
    command = [str(Path(sys.executable).parent / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers",
               str(workers), "--chdir", str(ROOT), "--timeout", "60", "--log-level", "warning"]  # fmt: skip
    if pythonpath is not None:
        command += ["--pythonpath", str(pythonpath)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode} before it answered")
        try:
            http_get(port, ready_path)
            return process
        except OSError:
            if time.monotonic() > deadline:
                stop_process(process)
                raise RuntimeError("gunicorn did not answer within 60 s") from None
            time.sleep(0.1)


def stop_process(process: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM (gunicorn: graceful shutdown), SIGKILL after `timeout` seconds; returns the exit status."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def process_cpu(pids: Iterable[int] = (), *, children_of: int | None = None) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each live process of `pids`, and by `children_of` and all its
    descendants (the Procfile's respawn supervisor, gunicorn's master and its workers). Compare two readings with
    cpu_used()."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds, parents = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after "(comm)": state, ppid, ..., utime (12th), stime (13th)
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
    wanted = set(pids)
    if children_of is not None:
        family = {children_of}
        grew = True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in family} - family
            family |= more
            grew = bool(more)
        wanted |= family
    return {pid: seconds[pid] for pid in wanted if pid in seconds}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two process_cpu() readings (a process that started in between counts from zero)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def machine_cpu() -> float:
    """CPU seconds all processes on the machine have used (every core, idle and I/O wait excluded), so that a
    bench can tell how much of the machine other processes took while it measured."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def http_request_bytes(port: int, path: str, cookies: dict[str, str] | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: text/html", "Accept-Encoding: identity"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items()))
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _read_response(sock: socket.socket) -> tuple[int, dict[bytes, bytes], bytes]:
    """One HTTP/1.1 response (Content-Length or read to the end; no chunked bodies: Django sets the length)."""
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection before a response")
        buffer += chunk
    head, _separator, rest = buffer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _colon, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        raise ConnectionError("chunked responses are not supported by the bench client")
    parts = [rest]
    if b"content-length" in headers:
        missing = int(headers[b"content-length"]) - len(rest)
        while missing > 0:
            chunk = sock.recv(max(missing, 65536))
            if not chunk:
                raise ConnectionError("the server closed the connection in the middle of a body")
            parts.append(chunk)
            missing -= len(chunk)
    else:
        while chunk := sock.recv(65536):
            parts.append(chunk)
        headers[b"connection"] = b"close"
    return status, headers, b"".join(parts)


def http_get(port: int, path: str, cookies: dict[str, str] | None = None) -> tuple[int, dict[bytes, bytes], bytes]:
    """One GET on a new connection: (status, headers with lower-case names, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(http_request_bytes(port, path, cookies))
        return _read_response(sock)


def _load_client(
    port: int, requests: list[tuple[bytes, list[bytes]]], start_at: float, stop_at: float
) -> dict[str, object]:
    """One client process: requests one after another (round robin over `requests`, each with its markers) on
    one connection, kept alive while the server allows it (gunicorn's sync workers close it after each
    response), from `start_at` to `stop_at` (time.time()). A response counts as good when its status is 200
    and its body holds every marker of its request; any other is an error."""
    while (wait := start_at - time.time()) > 0:
        time.sleep(min(wait, 0.05))
    late = time.time() - start_at
    cpu = time.process_time()
    sock: socket.socket | None = None
    ok = errors = 0
    latencies: list[float] = []
    examples: list[str] = []
    i = 0
    while time.time() < stop_at:
        request, markers = requests[i % len(requests)]
        i += 1
        started = time.perf_counter()
        for attempt in (1, 2):  # a kept-alive connection the server has just closed is retried once, fresh
            reused = sock is not None
            try:
                if sock is None:
                    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.sendall(request)
                status, headers, body = _read_response(sock)
            except OSError as error:
                if sock is not None:
                    sock.close()
                    sock = None
                if reused and attempt == 1:
                    continue
                status, headers, body = 0, {}, str(error).encode()
            break
        if sock is not None and headers.get(b"connection", b"").lower() == b"close":
            sock.close()
            sock = None
        latencies.append(time.perf_counter() - started)
        if status == 200 and all(marker in body for marker in markers):
            ok += 1
        else:
            errors += 1
            if len(examples) < 3:
                examples.append(f"{status}: {body[:120]!r}")
    if sock is not None:
        sock.close()
    return {"ok": ok, "errors": errors, "latencies": latencies, "examples": examples, "late": late,
            "cpu": time.process_time() - cpu}  # fmt: skip


def _noop(_index: int) -> int:
    return os.getpid()


class LoadClient:
    """`processes` client processes (spawned once, reused by every run()), each with one connection, so that
    the client is not held back by one Python process's GIL. Use as a context manager."""

    def __init__(self, processes: int) -> None:
        import multiprocessing

        self.processes = processes
        self.pool = multiprocessing.get_context("spawn").Pool(processes)
        self.pool.map(_noop, range(processes * 4), chunksize=1)  # they are up and have imported this module

    def __enter__(self) -> LoadClient:
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if exc_type is None:
            self.pool.close()
        else:  # interrupted: the clients may be in the middle of a run
            self.pool.terminate()
        self.pool.join()

    def run(self, *, port: int, targets: list[tuple[str, list[bytes]]], cookies: dict[str, str] | None,
            seconds: float) -> dict[str, object]:  # fmt: skip
        """Hammer the (path, markers) targets for `seconds`: requests/s of the good responses, the number of
        errors with a few examples, the latencies in ms (sorted) and the CPU seconds the client used."""
        requests = [(http_request_bytes(port, path, cookies), markers) for path, markers in targets]
        start_at = time.time() + 0.5
        stop_at = start_at + seconds
        # Each process starts elsewhere in the list, so that the whole mix is being served all the time.
        jobs = [(port, requests[k:] + requests[:k], start_at, stop_at) for k in range(self.processes)]
        results = self.pool.starmap(_load_client, jobs, chunksize=1)
        ok = sum(result["ok"] for result in results)
        return {
            "seconds": seconds,
            "rps": ok / seconds,
            "ok": ok,
            "errors": sum(result["errors"] for result in results),
            "examples": [example for result in results for example in result["examples"]][:3],
            "latencies": sorted(ms * 1000 for result in results for ms in result["latencies"]),
            "client_cpu": sum(result["cpu"] for result in results),
            "late": max(result["late"] for result in results),
        }


# --- the demo organisation with a million responses (dashboard_bench, drivers_bench) ------------------------


def setup_bench_database() -> None:
    """setup_django on a PostgreSQL database whose name says it is a bench's (the benches write to it)."""
    name = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    if "bench" not in name:
        sys.exit(
            'DATABASE_URL must name a PostgreSQL bench database (with "bench" in its name): the bench writes to it.'
        )
    setup_django(postgres_required="DATABASE_URL must point at a PostgreSQL database.")


# Copy k of a demo response: the respondent's whole visit moved back by the same 0-365 days (a hash of the
# respondent and k), so that the copies of one visit stay together (the key driver analysis relates them).
COPY_SQL = """
    INSERT INTO metrics_surveyresponse
        (metric, score, journey_id, touchpoint_id, channel_id, responded_at, day, respondent, comment, source,
         external_id, created_at)
    SELECT r.metric, r.score, r.journey_id, r.touchpoint_id, r.channel_id, x.at, (x.at AT TIME ZONE %(tz)s)::date,
           r.respondent || '~' || c.k, r.comment, %(source)s, '', x.at
    FROM generate_series(1, %(copies)s) AS c(k)
    CROSS JOIN metrics_surveyresponse r
    CROSS JOIN LATERAL (
        SELECT r.responded_at - mod(abs(hashtext(r.respondent || '~' || c.k)::bigint), 366) * interval '1 day' AS at
    ) x
    WHERE r.source = %(demo)s
    LIMIT %(rows)s
"""


def snapshots_add_up(total: int) -> bool:
    """The day cells count every response and no recompute is pending: the snapshots are current."""
    from django.db.models import Sum

    from metrics.models import KpiSnapshot, PendingRecompute, Period

    counted = KpiSnapshot.objects.filter(period=Period.DAY).aggregate(n=Sum("n"))["n"] or 0
    return counted == total and not PendingRecompute.objects.exists()


def seed_demo_copies(rows: int, source: str, *, reseed: bool = False, snapshots: bool = True) -> dict[str, float]:
    """The demo organisation (seed_demo) and `rows` responses in all: the demo's own and copies of them under
    `source`, made again when there are not `rows` (or `reseed`); with `snapshots`, KPI snapshots that add up
    to them. Returns the seconds each step that ran took."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from metrics.demo.responses import SOURCE as DEMO_SOURCE
    from metrics.models import SurveyResponse
    from metrics.services.recompute import snapshots_rebuild_all

    steps: dict[str, float] = {}
    started = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())  # idempotent: a seeded database is left as it is
    steps["seed_demo"] = time.perf_counter() - started
    total = SurveyResponse.objects.count()
    reseed = total != rows or reseed
    if reseed:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM metrics_surveyresponse WHERE source = %s", [source])
        total = SurveyResponse.objects.count()
        demo = SurveyResponse.objects.filter(source=DEMO_SOURCE).count()
        if total > rows or not demo:
            sys.exit(f"cannot make {rows:,} responses: {total:,} are not the bench's own, {demo:,} are demo ones.")
        with connection.cursor() as cursor:
            cursor.execute(
                COPY_SQL,
                {"tz": settings.TIME_ZONE, "source": source, "demo": DEMO_SOURCE,
                 "copies": (rows - total) // demo + 1, "rows": rows - total},
            )  # fmt: skip
            cursor.execute("VACUUM ANALYZE metrics_surveyresponse")
        total = SurveyResponse.objects.count()
        steps["copy responses"] = time.perf_counter() - started
    if snapshots and (reseed or not snapshots_add_up(total)):
        started = time.perf_counter()
        snapshots_rebuild_all()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE metrics_kpisnapshot")
        steps["rebuild snapshots"] = time.perf_counter() - started
    return steps
