"""What the fault tests (tests/stack/test_faults.py) drive the real stack with: a Redis of their own, the Procfile's
processes and their children, a logged-in user of the stack, its API and the figures to compare."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.contrib.auth.hashers import make_password

from metrics.models import KpiSnapshot, SurveyResponse
from tests.cxplatform.factories import PASSWORD, UserFactory, api_key_for
from tests.services import (
    PROJECT_ROOT,
    executable,
    free_port,
    port_open,
    require,
    stop_process,
    wait_for,
)
from tests.stack.test_procfile_stack import database_url, get

SUMMARY = "/api/v1/kpis/summary/"


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
    return user, api_key_for(user)


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
