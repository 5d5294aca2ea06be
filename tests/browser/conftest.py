import contextlib

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


# Every page a browser test opens runs under the site's Content Security Policy (cxplatform/security_headers.py):
# a violation (an inline script, style or handler; eval; a source the policy does not list) fails the test, so
# that a page which only works because the browser was lenient is caught here rather than by a user.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cxCspViolation({
    page: location.pathname + location.search,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile ? event.sourceFile + ":" + event.lineNumber : "",
    sample: event.sample,
  });
}, true);
"""


def watch_csp(context, seen: list) -> None:
    context.expose_binding("__cxCspViolation", lambda source, violation: seen.append(violation))
    context.add_init_script(CSP_LISTENER)

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            seen.append({"console": message.text})

    context.on("console", on_console)


@pytest.fixture(autouse=True)
def csp_violations(request, monkeypatch):
    """The violations seen in the test's browser contexts (its `page`, and any it opens with browser.new_context);
    the test fails at teardown if there is one."""
    names = request.fixturenames
    if "page" not in names and "browser" not in names:
        yield []
        return
    seen: list = []
    contexts = []
    if "page" in names:
        context = request.getfixturevalue("context")
        watch_csp(context, seen)
        contexts.append(context)
    if "browser" in names:
        browser = request.getfixturevalue("browser")
        original = browser.new_context

        def new_context(*args, **kwargs):
            context = original(*args, **kwargs)
            watch_csp(context, seen)
            contexts.append(context)
            return context

        monkeypatch.setattr(browser, "new_context", new_context)
    yield seen
    # A report that is on its way is delivered while Playwright waits for an answer from the page.
    for context in contexts:
        for open_page in context.pages:
            with contextlib.suppress(Exception):  # a page the test closed or left mid-navigation
                open_page.evaluate("0")
    if seen:
        counts: dict[str, int] = {}
        for violation in seen:
            key = str(violation)[:400]
            counts[key] = counts.get(key, 0) + 1
        lines = "\n".join(f"  {count} x {violation}" for violation, count in counts.items())
        pytest.fail(f"Content Security Policy violations in the browser:\n{lines}", pytrace=False)
