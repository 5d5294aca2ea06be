"""Nothing lost under faults, against the real stack: a Redis of the test's own stopped and started again, a
worker killed with SIGKILL in the middle of a recompute, and a worker's process group killed under honcho.

Every wait polls with a generous timeout; no test passes or fails on how fast the machine is.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from cxplatform import celery_app
from metrics.models import KpiSnapshot, PendingRecompute, SurveyResponse
from metrics.services.recompute import RECOMPUTE_LOCK_KEY, snapshots_rebuild_all
from metrics.services.recompute_requests import recompute_request
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.metrics.recompute_data import add_responses, at, build_org
from tests.services import (
    PROJECT_ROOT,
    executable,
    free_port,
    port_open,
    postgres_or_skip,
    redis_url_or_skip,
    require,
    stop_process,
    wait_for,
)
from tests.stack.test_procfile_stack import database_url, get, staff_opener, start

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
SUMMARY = "/api/v1/kpis/summary/"


# --- helpers -------------------------------------------------------------------------------------------------


class OwnRedis:
    """A redis-server of the test's own on a free port, without persistence: stopping it loses everything, as
    a restarted Redis does."""

    def __init__(self, tmp_path: Path) -> None:
        binary = executable("redis-server")
        require(
            Path(binary).exists() or bool(shutil.which(binary)), "redis-server is not installed (apt-get install redis)"
        )
        self.binary, self.dir, self.port = binary, tmp_path, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: port_open("127.0.0.1", self.port), timeout=30, what="the test's Redis to listen")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        wait_for(lambda: not port_open("127.0.0.1", self.port), timeout=30, what="the test's Redis to stop")


def stack_env(**overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxplatform.settings.base",
        "SECRET_KEY": "faults-test-secret-key",
        "DEBUG": "0",
        "DATABASE_URL": database_url(),
        **overrides,
    }


def start_celery(kind: str, env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen:
    """`celery -A cxplatform worker|beat` in a process group of its own, logging into `log`."""
    with log.open("a") as output:
        return subprocess.Popen(
            [executable("celery"), "-A", "cxplatform", kind, "--loglevel", "INFO", *extra],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def parent(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def command_line(pid: int) -> list[str]:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def stack_user():
    # The stack runs the production settings, whose password hasher the quick test hasher is not.
    user = UserFactory(username="faults-admin", first_name="Fay", role="admin", is_staff=True, is_superuser=True)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    return user, Token.objects.create(user=user).key


def log_in(base: str, username: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    status, login_page = get(f"{base}/login/", opener)
    assert status == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf, "next": "/"}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=form, headers={"Referer": f"{base}/login/"})
    with opener.open(request, timeout=30) as response:
        assert response.status == 200
    return opener


def api(base: str, token: str, method: str, path: str, body=None) -> tuple[int, dict | list | None, float]:
    """One API call with the token; returns status, JSON body and how long it took (seconds)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base}{path}",
        data=data,
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    took = time.perf_counter() - started
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    return status, parsed, took


def nps_count(journey) -> int:
    return SurveyResponse.objects.filter(journey=journey, metric="nps").count()


def snapshot_n(journey) -> int:
    """The journey's NPS responses as its month snapshots count them."""
    cells = KpiSnapshot.objects.filter(journey=journey, metric="nps", period="month")
    return sum(cell.n for cell in cells)


def summary_of(base: str, token: str, journey) -> dict:
    status, body, _took = api(base, token, "GET", f"{SUMMARY}?journey={journey.pk}")
    assert status == 200, body
    return body


def fresh_and_equal_to_the_table(base: str, token: str, journey):
    body = summary_of(base, token, journey)
    nps = body["results"][0]["nps"]["n"] if body["results"] else 0
    return body if body["stale"] is False and nps == nps_count(journey) else None


# --- (a) Redis stopped and started ---------------------------------------------------------------------------


def test_with_redis_down_every_page_and_write_answers_normally_and_the_figures_catch_up_when_it_returns(
    tmp_path, settings, org
):
    postgres_or_skip()
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user, token = stack_user()
    redis = OwnRedis(tmp_path)
    redis.start()
    # The Procfile stack (web, worker, beat) on the test's Redis and database; the sweeper every 2 s, for
    # requests older than 5 s (production: 30 s and 60 s).
    process, base = start(
        ["web", "worker", "beat"],
        tmp_path,
        REDIS_URL=redis.url,
        RECOMPUTE_SWEEP_SECONDS=os.environ.get("FAULTS_SWEEP_SECONDS", "2"),
        RECOMPUTE_SWEEP_AFTER_SECONDS=os.environ.get("FAULTS_SWEEP_AFTER_SECONDS", "5"),
    )
    timings: dict[str, float] = {}
    try:
        wait_for(lambda: get(f"{base}/health/")[0] == 200, timeout=120, what="/health/ to answer 200")
        browser = log_in(base, user.username)
        assert fresh_and_equal_to_the_table(base, token, org.complaint)

        redis.stop()

        # Writes answer their normal status, once (a client retry would be a conflict with its own edit).
        batch = [
            {"metric": "nps", "score": score, "journey": org.complaint.pk, "responded_at": at(date(2024, 6, 20)).isoformat()}
            for score in (10, 10, 9, 10, 2)
        ]  # fmt: skip
        status, body, timings["POST /api/v1/responses/ (5 rows)"] = api(
            base, token, "POST", "/api/v1/responses/", batch
        )
        assert status == 201, body
        status, body, timings["PATCH /api/v1/journeys/{id}/"] = api(
            base, token, "PATCH", f"/api/v1/journeys/{org.complaint.pk}/", {"version": 1, "name": "Complain"}
        )
        assert status == 200, body
        assert body["version"] == 2
        # The recompute the ingest asks for could not be queued: it waits in Postgres, and the summary says so.
        assert PendingRecompute.objects.filter(journey=org.complaint).exists()
        assert summary_of(base, token, org.complaint)["stale"] is True
        # Every page renders, uncached.
        for name, path in [("dashboard", "/"), ("map", f"/journeys/{org.complaint.pk}/")]:
            started = time.perf_counter()
            status, page = get(f"{base}{path}", browser)
            timings[f"GET {name}"] = time.perf_counter() - started
            assert status == 200, page[-2000:]
        assert "Complain" in page
        # /health/ says the cache and the queue are down (503), not ok.
        status, body = get(f"{base}/health/", staff_opener())
        assert status == 503
        report = json.loads(body)
        assert report["components"]["cache"]["status"] == "down"
        assert report["components"]["recompute"]["pending"] >= 1

        redis.start()  # a new, empty Redis: whatever was queued is gone; the rows in Postgres are not
        back = time.perf_counter()

        after = wait_for(
            lambda: fresh_and_equal_to_the_table(base, token, org.complaint),
            timeout=120,
            interval=1,
            what="the summary to be fresh and equal to the table once Redis is back",
        )
        timings["Redis back -> summary fresh"] = time.perf_counter() - back
        assert after["results"][0]["nps"]["n"] == nps_count(org.complaint) == 3 + 5
        assert not PendingRecompute.objects.exists()
        wait_for(lambda: get(f"{base}/health/")[0] == 200, timeout=60, what="/health/ to answer 200 again")
    finally:
        output = stop_process(process)
        redis.stop()
        print("with Redis down:", {k: f"{v * 1000:.0f} ms" for k, v in timings.items()})
        print(output[-4000:])


# --- (b) a worker killed with SIGKILL in the middle of a recompute -------------------------------------------


@pytest.fixture
def queue_of_our_own():
    """This process sends tasks to a queue of the test's own on the real Redis, instead of running them."""
    postgres_or_skip()
    redis_url = redis_url_or_skip()
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, queue
    try:
        yield queue, redis_url
    finally:
        conf.task_always_eager, conf.task_default_queue = saved


@pytest.fixture
def org():
    org = build_org()
    add_responses(org)
    snapshots_rebuild_all()
    return org


def recompute_blocked_on(cursor) -> bool:
    """Whether a recompute task has started and waits, in its transaction, for the lock this test holds."""
    cursor.execute(
        """
        SELECT 1 FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
          AND query ILIKE '%%pg_advisory_xact_lock%%'
        """
    )
    return cursor.fetchone() is not None


def ingest_while_holding_the_snapshots(org, day: date, scores: list[int], until) -> None:
    """Ingest (rows and recompute request, as the ingest service does) while another connection holds the
    recompute lock, so that the recompute task the worker starts stops inside its transaction; there `until()`
    is called."""
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        holder.autocommit = False
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECOMPUTE_LOCK_KEY])
        with transaction.atomic():
            SurveyResponse.objects.bulk_create(
                [
                    SurveyResponse(
                        journey=org.complaint, metric="nps", score=s, responded_at=at(day), day=day, source="t"
                    )
                    for s in scores
                ]
            )
            recompute_request(ranges={org.complaint.pk: (day, day)})
        with connection.cursor() as cursor:
            wait_for(lambda: recompute_blocked_on(cursor), timeout=60, what="the worker to be mid-recompute")
        until()
    finally:
        # The lock is released: the killed worker's transaction rolls back; its requests are free again.
        holder.rollback()
        holder.close()


def test_a_worker_killed_mid_recompute_loses_nothing_the_sweeper_queues_it_again(queue_of_our_own, tmp_path, org):
    queue, redis_url = queue_of_our_own
    env = stack_env(REDIS_URL=redis_url, CELERY_QUEUE=queue, RECOMPUTE_SWEEP_SECONDS="1")
    env["RECOMPUTE_SWEEP_AFTER_SECONDS"] = "3"
    log = tmp_path / "celery.log"
    node = ["-n", f"{queue}@{socket.gethostname()}", "--without-gossip", "--without-mingle"]
    worker = start_celery("worker", env, log, "--pool", "solo", *node)
    beat = None
    try:

        def kill_the_worker():
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)

        ingest_while_holding_the_snapshots(org, date(2024, 4, 30), [10, 10, 9, 10], until=kill_the_worker)
        assert worker.returncode == -signal.SIGKILL
        assert PendingRecompute.objects.filter(journey=org.complaint).exists()  # rolled back with the worker

        # A worker comes back (as docker or the respawn supervisor would start it), and beat runs the sweeper.
        worker = start_celery("worker", env, log, "--pool", "solo", *node)
        beat = start_celery("beat", env, log, "--schedule", str(tmp_path / "beat-schedule"))
        wait_for(lambda: not PendingRecompute.objects.exists(), timeout=120, interval=0.5, what="the requests consumed")
        assert snapshot_n(org.complaint) == nps_count(org.complaint)
    finally:
        for process in (worker, beat):
            if process is not None:
                stop_process(process)
        print(log.read_text()[-4000:])
    assert "sweep_pending_recomputes" in log.read_text()


def test_a_killed_pool_process_gives_its_recompute_back_and_it_runs_again(queue_of_our_own, tmp_path, org):
    # No beat here: late acknowledgement alone brings the task back when the process running it dies.
    queue, redis_url = queue_of_our_own
    log = tmp_path / "worker.log"
    env = stack_env(REDIS_URL=redis_url, CELERY_QUEUE=queue)
    worker = start_celery(
        "worker", env, log, "--pool", "prefork", "--concurrency", "1",
        "-n", f"{queue}@{socket.gethostname()}", "--without-gossip", "--without-mingle",
    )  # fmt: skip
    try:
        wait_for(lambda: children(worker.pid), timeout=60, what="the worker's pool process")

        def kill_the_pool_process():
            for pid in children(worker.pid):  # the pool process running the recompute
                os.kill(pid, signal.SIGKILL)

        ingest_while_holding_the_snapshots(org, date(2024, 4, 30), [0, 1, 10], until=kill_the_pool_process)
        wait_for(lambda: not PendingRecompute.objects.exists(), timeout=120, interval=0.5, what="the requests consumed")
        assert snapshot_n(org.complaint) == nps_count(org.complaint)
    finally:
        stop_process(worker)
        print(log.read_text()[-4000:])
    assert "WorkerLostError" in log.read_text()


# --- (c) the Procfile stack survives a killed worker ---------------------------------------------------------


def test_killing_the_workers_process_group_leaves_web_and_beat_running_and_the_worker_comes_back(tmp_path):
    postgres_or_skip()
    redis_url = redis_url_or_skip()
    process, base = start(["web", "worker", "beat"], tmp_path, REDIS_URL=redis_url)
    try:
        wait_for(lambda: get(f"{base}/health/")[0] == 200, timeout=120, what="/health/ to answer 200")

        def is_celery_worker(pid: int) -> bool:
            words = command_line(pid)
            celery = any(w.endswith("celery") for w in words) and "cxplatform.respawn" not in words
            return celery and "worker" in words

        def celery_worker() -> int | None:
            """The worker's main process (its pool processes are celery workers too, children of it)."""
            for pid in descendants(process.pid):
                if is_celery_worker(pid) and not is_celery_worker(parent(pid)) and alive(pid):
                    return pid
            return None

        def program(name: str) -> list[int]:
            return [pid for pid in descendants(process.pid) if name in " ".join(command_line(pid)) and alive(pid)]

        first = wait_for(celery_worker, timeout=60, what="the celery worker's process")
        web_and_beat = program("gunicorn") + program(" beat ")
        assert len(program("gunicorn")) >= 2 and program(" beat ")  # master and worker; beat

        os.killpg(os.getpgid(first), signal.SIGKILL)  # the worker's process group, as `kill -9 -<pgid>`

        # The worker comes back as a new process, and the queue answers again through it.
        second = wait_for(lambda: (pid := celery_worker()) and pid != first and pid, timeout=60, what="a new worker")
        wait_for(lambda: get(f"{base}/health/")[0] == 200, timeout=120, what="/health/ to answer 200 again")
        assert second != first
        # Web and beat never stopped: the same processes still run, and honcho with them.
        assert all(alive(pid) for pid in web_and_beat)
        assert process.poll() is None
        assert get(f"{base}/login/")[0] == 200
    finally:
        output = stop_process(process)
        print(output[-4000:])
    assert "respawn: celery was killed by signal 9" in output
