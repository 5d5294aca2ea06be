"""`make run`, the newcomer's first command, serves the product: DEBUG off, a real ASGI server, a secret key it
generated and kept, static files through WhiteNoise, and the branded 404 page instead of Django's debug page that
lists every URL pattern. Still SQLite and in-process tasks without DATABASE_URL / REDIS_URL."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import stat
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from tests.services import PROJECT_ROOT, free_port, require, stop_process, wait_for
from tests.stack.test_procfile_stack import get


def log_in(base: str, username: str, password: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    _status, login_page = get(f"{base}/login/", opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{base}/login/", data=form, headers={"Referer": f"{base}/login/"})
    with opener.open(request, timeout=30) as response:
        assert response.status == 200
    return opener


@pytest.mark.services
def test_make_run_serves_the_demo_like_the_product(tmp_path):
    require(bool(shutil.which("make")), "make is not installed")
    port = free_port()
    key_file = tmp_path / "var" / "secret_key"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PORT=str(port), SECRET_KEY_FILE=str(key_file))
    started = time.monotonic()
    # -o install: the test's virtualenv is the one to use; never reinstall it from here.
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-o", "install", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    output = ""
    try:
        wait_for(lambda: get(f"{base}/login/")[0] == 200, timeout=180, what="make run to serve the login page")
        print(f"make run: the login page answered after {time.monotonic() - started:.0f} s")

        # The key was generated once, readable by its owner only.
        assert key_file.read_text().strip() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
        # WhiteNoise serves the static files with DEBUG off.
        assert get(f"{base}/static/css/app.css")[0] == 200

        # The demo user whose password seed_demo printed opens a journey that does not exist.
        stop_reading_at = time.monotonic() + 5
        while time.monotonic() < stop_reading_at and "CX Platform: http" not in output:
            output += process.stdout.read1(65536).decode(errors="replace")
        password = re.search(r"^\s*CX editor\s+editor\s+(\S+)\s*$", output, re.MULTILINE).group(1)
        opener = log_in(base, "editor", password)
        status, page = get(f"{base}/journeys/999999/", opener)
        assert status == 404
        assert "<h1>Page not found</h1>" in page and 'class="brand"' in page
        assert "URLconf" not in page and "api/v1/" not in page  # Django's debug page lists the URL patterns

        # A chart page's Plotly, collected: a hashed name, gzipped, cached for good (static/vendor/plotly).
        status, dashboard = get(f"{base}/", opener)
        assert status == 200
        script = re.search(r'<script src="(/static/vendor/plotly/plotly\.min\.[0-9a-f]{12}\.js)"', dashboard).group(1)
        request = urllib.request.Request(f"{base}{script}", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            assert response.headers["Content-Encoding"] == "gzip"
            assert "max-age=315360000" in response.headers["Cache-Control"], response.headers["Cache-Control"]
        print(f"make run: Plotly travels as {len(body):,} bytes gzipped")
        assert len(body) < 600_000
    finally:
        output += stop_process(process)
    assert "Using worker: cxplatform.web_server.AsgiWorker" in output, output[-3000:]
