"""The real services some tests need. Locally a missing one skips the test with the reason; in CI (CI=true)
it fails the run instead, so a green CI always means the real parts ran."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs this and it is missing: {reason}", pytrace=False)
    pytest.skip(reason)


def redis_url_or_skip() -> str:
    url = os.environ.get("REDIS_URL")
    require(bool(url), "REDIS_URL is not set: this test needs a real Redis")
    parts = urlsplit(url)
    require(port_open(parts.hostname, parts.port or 6379), f"Redis does not answer at {url}")
    return url


def postgres_or_skip() -> None:
    from django.db import connection

    require(connection.vendor == "postgresql", "DATABASE_URL is not a PostgreSQL URL: this test needs Postgres")


def chromium_or_skip() -> str:
    require(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


def port_open(host: str | None, port: int) -> bool:
    try:
        with socket.create_connection((host or "127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def executable(name: str) -> str:
    path = VENV_BIN / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def wait_for(predicate, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll until predicate() is truthy; the value is returned. Timing out fails with `what`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last value: {last!r})")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command's name: [state, ppid, ...]; empty when it is gone."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def descendants(pid: int) -> list[tuple[int, str]]:
    """Every process below `pid` (from /proc), children first, each with its start time (to know it again)."""
    stats = {int(entry.name): _stat(int(entry.name)) for entry in Path("/proc").iterdir() if entry.name.isdigit()}
    found: list[tuple[int, str]] = []
    frontier = [pid]
    while frontier:
        below = [child for child, fields in stats.items() if len(fields) > 19 and int(fields[1]) in frontier]
        found += [(child, stats[child][19]) for child in below]
        frontier = below
    return found


def stop_process(process: subprocess.Popen, timeout: float = 10) -> str:
    """Stop a process group started with start_new_session=True; returns what it printed.

    What it started in sessions of their own (honcho starts each Procfile process so) is killed too if it is still
    there once the group is gone: on a busy machine honcho may be killed before its children have stopped."""
    below = descendants(process.pid) if process.poll() is None else []
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=timeout)
    for pid, started in below:
        fields = _stat(pid)
        if len(fields) > 19 and fields[19] == started:  # still that process, not a new one with its number
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, 9)
    output = process.stdout.read() if process.stdout else ""
    return output.decode(errors="replace") if isinstance(output, bytes) else (output or "")


@contextlib.contextmanager
def celery_worker(*, database_url: str, log: Path, **env: str) -> Iterator[str]:
    """A real Celery worker process on a queue of its own, on `database_url` (the test database), its output in
    `log`, with `env` on top of this process's environment; meanwhile this process sends tasks to that queue
    instead of running them in-process. Yields the queue's name once the worker answers a ping."""
    # Imported here: this module is loaded by the conftest before Django's settings are configured.
    from cxplatform import celery_app
    from cxplatform.tasks import ping

    postgres_or_skip()
    redis_url = redis_url_or_skip()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxplatform.settings.base",
        "SECRET_KEY": "worker-test-key",
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "DATABASE_URL": database_url,
        **env,
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [executable("celery"), "-A", "cxplatform", "worker", "--pool", "solo", "--loglevel", "INFO",
             "-n", f"{queue}@{socket.gethostname()}", "--without-gossip", "--without-mingle"],
            cwd=PROJECT_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, queue
    try:
        ping.apply_async(queue=queue).get(timeout=60)  # the worker is up
        yield queue
    finally:
        conf.task_always_eager, conf.task_default_queue = saved
        stop_process(process)
        print(log.read_text()[-3000:])
