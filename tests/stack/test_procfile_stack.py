"""The Procfile stack (gunicorn web, Celery worker and beat) against the real Postgres and Redis."""

import http.cookiejar
import json
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from tests.cxplatform.factories import PASSWORD, UserFactory, api_key_for
from tests.services import (
    PROJECT_ROOT,
    VENV_BIN,
    executable,
    free_port,
    postgres_or_skip,
    redis_url_or_skip,
    stop_process,
    wait_for,
)


def database_url() -> str:
    s = connection.settings_dict
    password = f":{urllib.parse.quote(s['PASSWORD'])}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def get(url: str, opener=None) -> tuple[int, str]:
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def staff_opener() -> urllib.request.OpenerDirector:
    """An opener that calls as monitoring with a staff user's token: /health/ shows the details to staff only."""
    key = api_key_for(UserFactory(username=f"monitor-{uuid.uuid4().hex[:8]}", is_staff=True))
    opener = urllib.request.build_opener()
    opener.addheaders = [("Authorization", f"Token {key}")]
    return opener


def start(processes: list[str], tmp_path, **env_overrides: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "cxplatform.settings.base",
        "SECRET_KEY": "stack-test-secret-key",
        "DEBUG": "0",
        "HOST": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "CELERY_QUEUE": f"stack-{uuid.uuid4().hex[:8]}",
        "BEAT_HEARTBEAT_SECONDS": "1",
        "BEAT_SCHEDULE_FILE": str(tmp_path / "celerybeat-schedule"),
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "1",
        **env_overrides,
    }
    process = subprocess.Popen(
        [executable("honcho"), "start", "-f", "Procfile", "-p", str(port), *processes],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture
def services():
    postgres_or_skip()
    return redis_url_or_skip()


@pytest.mark.django_db(transaction=True)
def test_the_stack_serves_logs_in_and_answers_health_with_everything_up(services, tmp_path, settings):
    # The stack runs the production settings, whose password hasher the quick test hasher is not.
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory(username="stack-user", first_name="Stacy")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    process, base = start(["web", "worker", "beat"], tmp_path, REDIS_URL=services)
    try:
        # Healthy means: Postgres answers, Redis caches, and a worker ran the ping task.
        wait_for(lambda: get(f"{base}/health/")[0] == 200, timeout=90, what="/health/ to answer 200")
        monitor = staff_opener()
        status, body = get(f"{base}/health/", monitor)
        report = json.loads(body)
        assert {k: v["status"] for k, v in report["components"].items()} == {
            "database": "up",
            "cache": "up",
            "queue": "up",
            "recompute": "up",
        }
        assert report["components"]["database"]["engine"] == "postgresql"
        assert report["components"]["cache"]["backend"] == "ResilientRedisCache"
        assert report["components"]["queue"]["mode"] == "worker"
        # beat schedules the heartbeat every second; the worker runs it; health shows it.
        wait_for(
            lambda: json.loads(get(f"{base}/health/", monitor)[1])["components"]["queue"].get("beat_last_seen"),
            timeout=30,
            what="a beat heartbeat",
        )

        # A person logs in through gunicorn, with CSRF, and sees the dashboard.
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        status, login_page = get(f"{base}/login/", opener)
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode(
            {"username": "stack-user", "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/"}
        ).encode()
        request = urllib.request.Request(f"{base}/login/", data=form, headers={"Referer": f"{base}/login/"})
        with opener.open(request, timeout=30) as response:
            page = response.read().decode()
        assert "<h1>Dashboard</h1>" in page and "Stacy" in page
        # Static files are served by WhiteNoise in the stack.
        assert get(f"{base}/static/css/app.css")[0] == 200
    finally:
        output = stop_process(process)
    assert "Booting worker" in output, output[-3000:]
    assert "celery@" in output or "ready." in output, output[-3000:]
    assert "beat: Starting" in output, output[-3000:]


@pytest.mark.django_db(transaction=True)
def test_health_answers_503_when_the_web_process_cannot_reach_redis(services, tmp_path):
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    process, base = start(["web"], tmp_path, REDIS_URL=unreachable)
    try:
        wait_for(lambda: get(f"{base}/health/")[0] not in (0, 502), timeout=60, what="the web process to answer")
        status, body = get(f"{base}/health/")
        assert status == 503
        report = json.loads(body)
        assert report["status"] == "unavailable"
        assert report["components"]["database"]["status"] == "up"
        assert report["components"]["cache"]["status"] == "down"
        assert report["components"]["queue"]["status"] == "down"
    finally:
        stop_process(process)
