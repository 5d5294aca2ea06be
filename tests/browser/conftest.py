import pytest

from tests.services import PROJECT_ROOT, chromium_or_skip

SCREENSHOTS = PROJECT_ROOT / "test-results" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download a browser of its own here."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_or_skip(),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def screenshot(page):
    """page.screenshot into test-results/screenshots/<name>.png, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


class AsgiLiveServer:
    """The site served over ASGI in this process: uvicorn in a thread, with the application and HTTP protocol of
    cxplatform/web_server.py, on the test database. Browser tests see the product as it is served (the pages and
    the live map's WebSockets), where pytest-django's WSGI live server has no WebSockets."""

    def __init__(self) -> None:
        import threading

        import uvicorn
        from django.test.utils import modify_settings

        from cxplatform.web_server import ClientTimeoutH11Protocol
        from tests.services import free_port, wait_for

        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        # pytest-django's helper turns these on for each test that uses the live server.
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})
        config = uvicorn.Config(
            "cxplatform.asgi:application",
            host="127.0.0.1",
            port=port,
            http=ClientTimeoutH11Protocol,
            lifespan="off",
            loop="asyncio",
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="asgi-live-server", daemon=True)
        self.thread.start()
        wait_for(lambda: self.server.started, timeout=30, interval=0.05, what="the ASGI live server to start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="session")
def live_server():
    """Replaces pytest-django's live server (same use: `live_server.url`, a transactional database)."""
    server = AsgiLiveServer()
    yield server
    server.stop()
