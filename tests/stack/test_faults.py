"""Nothing lost under faults, against the real stack: a Redis of the test's own stopped and started again, a
worker killed with SIGKILL in the middle of a recompute, and a worker's process group killed under honcho.

Every wait polls with a generous timeout; no test passes or fails on how fast the machine is.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import uuid
from datetime import date

import pytest
from django.db import connection, transaction

from cxplatform import celery_app
from metrics.models import PendingRecompute, SurveyResponse
from metrics.services.recompute import RECOMPUTE_LOCK_KEY, snapshots_rebuild_all
from metrics.services.recompute_requests import recompute_request
from tests.metrics.recompute_data import add_responses, at, build_org
from tests.services import (
    postgres_or_skip,
    redis_url_or_skip,
    stop_process,
    wait_for,
)
from tests.stack.fault_helpers import (
    OwnRedis,
    alive,
    api,
    children,
    command_line,
    descendants,
    fresh_and_equal_to_the_table,
    log_in,
    nps_count,
    parent,
    snapshot_n,
    stack_env,
    stack_user,
    start_celery,
    summary_of,
)
from tests.stack.test_procfile_stack import get, staff_opener, start

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


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
