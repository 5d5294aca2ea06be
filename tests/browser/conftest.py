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


@pytest.fixture
def asgi_live_server(transactional_db):
    """The site served over ASGI in this process (uvicorn in a thread, the same application and HTTP protocol as
    cxplatform/web_server.py), on the test database: what pytest-django's WSGI live_server cannot do, the live
    map's WebSockets. `.url` like live_server."""
    import threading
    import types

    import uvicorn

    from cxplatform.web_server import ClientTimeoutH11Protocol
    from tests.services import free_port, wait_for

    port = free_port()
    config = uvicorn.Config(
        "cxplatform.asgi:application",
        host="127.0.0.1",
        port=port,
        http=ClientTimeoutH11Protocol,
        lifespan="off",
        loop="asyncio",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="asgi-live-server", daemon=True)
    thread.start()
    wait_for(lambda: server.started, timeout=30, interval=0.05, what="the ASGI live server to start")
    yield types.SimpleNamespace(url=f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=15)
