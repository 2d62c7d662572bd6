"""Browser tests: Debian's Chromium (Playwright, sync API) against a real uvicorn server.

The server runs in a thread of the test process on a free port, over a demo database of 5000
leads ending on 27 November 2026, with the clock fixed at the end of that day. Each test gets a
fresh browser context that is already signed in (cookies from one log-in), and fails when the
page logs a console error. Screenshots of failures and of each dashboard go to artifacts/.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from leadboard.app import create_app
from leadboard.cli.demo import DEMO_ADMIN, ensure_demo_admin
from leadboard.clock import end_of_day_clock
from leadboard.db.engine import make_engine
from leadboard.demo import generate_demo
from leadboard.settings import Settings
from tests.conftest import missing

CHROMIUM = os.environ.get("LEADBOARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TODAY = date(2026, 11, 27)
PASSWORD = "leadboard-browser"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


class Server:
    """uvicorn in a thread on a socket we bound ourselves (no race for the port)."""

    def __init__(self, app: Any) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.socket.close()


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    path = tmp_path_factory.mktemp("browser") / "demo.db"
    settings = Settings(database_url=f"sqlite:///{path}", secret_key="browser-tests")
    engine = make_engine(settings.database_url)
    generate_demo(engine, leads=5000, seed=5, today=TODAY, tz=settings.tz)
    ensure_demo_admin(engine, PASSWORD)
    engine.dispose()
    return settings


# Package scope: Playwright's sync API allows one running instance per thread, so it is stopped
# when this package's tests are done (other packages start their own).
@pytest.fixture(scope="package")
def server(demo_settings: Settings) -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium fonts-dejavu-core)")
    app = create_app(demo_settings, end_of_day_clock(TODAY, demo_settings.tz))
    running = Server(app)
    running.start()
    running.app = app  # type: ignore[attr-defined]
    yield running
    running.stop()
    app.state.engine.dispose()


@pytest.fixture(scope="package")
def browser(server: Server) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra pins it
        missing("playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="package")
def signed_in(browser: Any, server: Server) -> dict[str, Any]:
    """The storage state (session cookie) of one log-in as the demo admin."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#login-email", DEMO_ADMIN)
    page.fill("#login-password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url("**/dashboards/**")
    state: dict[str, Any] = context.storage_state()
    context.close()
    return state


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class Console:
    """Console errors and uncaught exceptions of a page."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))


def new_page(
    browser: Any, server: Server, state: dict[str, Any] | None, console: Console, **options: Any
) -> tuple[Any, Any]:
    context = browser.new_context(
        base_url=server.url,
        storage_state=state,
        viewport=options.pop("viewport", {"width": 1280, "height": 800}),
        accept_downloads=True,
        **options,
    )
    context.set_default_timeout(45_000)  # a busy 2-core machine is slow, not broken
    page = context.new_page()
    console.watch(page)
    return context, page


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    browser: Any,
    server: Server,
    signed_in: dict[str, Any],
    console: Console,
) -> Iterator[Any]:
    """A signed-in page at 1280x800; the test fails on any console error."""
    context, page = new_page(browser, server, signed_in, console)
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        folder = ARTIFACTS / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert console.errors == [], f"console errors: {console.errors}"
