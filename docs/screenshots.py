"""Retake the README's screenshots: `make screenshots`.

Seeds the demo into a throwaway SQLite database (in-process tasks, no Redis), runs the ASGI app (uvicorn, as
`make dev` does, so the map's live connection works) on a free port, logs in as the demo CX editor in Chromium (Playwright) and saves, in docs/:

- screenshot-map.png: the map of the demo journey "Report a claim", with its measured layer (scores on the
  touchpoint cards against their targets, the designed and the measured emotion curves);
- screenshot-dashboard.png: the top of the dashboard (headline figures, charts, journey health).

Run from the project root with the project's virtualenv; needs Chromium at /usr/bin/chromium (`make chromium`).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
JOURNEY = "Report a claim"
USERNAME = "editor"
VIEWPORT = {"width": 1440, "height": 900}
MAP_WIDTH = 1920  # wide enough for the journey's six stages side by side


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database: Path) -> dict[str, str]:
    """The development configuration on a database of its own: nothing of the caller's services is touched."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_QUEUE", "DJANGO_SETTINGS_MODULE", "EMAIL_URL"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DEBUG="1",
        LANGUAGE_CODE="en",
        SECRET_KEY=secrets.token_urlsafe(50),  # a throwaway key for a throwaway database
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def editor_password(seed_output: str) -> str:
    match = re.search(rf"^\s+.+?\s{{2,}}{USERNAME}\s+(\S+)$", seed_output, flags=re.MULTILINE)
    if not match:
        raise SystemExit(f"seed_demo printed no password for {USERNAME!r}:\n{seed_output}")
    return match.group(1)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own development server)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The development server did not answer at {url}")


def log_in(page: Page, base: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation").first).to_be_visible()


def shoot_map(page: Page, base: str) -> Path:
    page.set_viewport_size({**VIEWPORT, "width": MAP_WIDTH})
    page.goto(f"{base}/journeys/")
    page.get_by_role("link", name=JOURNEY, exact=True).first.click()
    # The measured layer is drawn: scores on the cards, and both emotion curves.
    expect(page.locator(".tp-card .tp-score").first).to_be_visible()
    expect(page.locator(".emotion-curve .scatterlayer .trace")).to_have_count(2)
    page.evaluate("window.scrollTo(0, 0)")
    path = DOCS / "screenshot-map.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def shoot_dashboard(page: Page, base: str) -> Path:
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{base}/")
    charts = page.locator(".chart")
    expect(charts.first).to_be_visible()
    expect(page.locator(".chart.is-drawn")).to_have_count(charts.count())
    page.evaluate("window.scrollTo(0, 0)")
    # Down to the journey health panel (the headline figures, the first charts, the heatmap); the page goes on.
    bottom = page.evaluate(
        """() => {
          const heading = [...document.querySelectorAll("h2")].find((h) => h.textContent.trim() === "Journey health");
          const panel = heading.closest("section, .panel") || heading.parentElement;
          return Math.ceil(panel.getBoundingClientRect().bottom + window.scrollY + 16);
        }"""
    )
    path = DOCS / "screenshot-dashboard.png"
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": bottom})
    return path


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cx-screenshots-") as tmp:
        env = environment(Path(tmp) / "demo.sqlite3")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        password = editor_password(manage(env, "seed_demo", "--reset-passwords"))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "cxplatform.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"{base}/health/")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT, locale="en-GB")
                log_in(page, base, password)
                for path in (shoot_map(page, base), shoot_dashboard(page, base)):
                    print(f"saved {path.relative_to(ROOT)}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
