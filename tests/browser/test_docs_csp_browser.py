"""The Content-Security-Policy at work in Chromium (issue 13 items 5 and 6; web/headers.py).

/docs: Swagger UI starts with FastAPI's inline script, which the page's policy allows by its hash
and nothing else: the operations render, and no policy violation is reported; an inline script
added afterwards is refused (so the policy is really in force). The hosted form: a page on one
of the form's allowed origins shows it in a frame, and the answer to a post made in that frame
shows there too; a page on another origin gets no form.

The partner site is a tiny HTTP server on another port of 127.0.0.1 (the form's allowed origin);
the same server reached as `localhost` is another origin. (Loopback both: Chromium's Local
Network Access would refuse a public page framing the server before the CSP has its say.)
"""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import delete

from leadboard.db.schema import forms
from leadboard.domain.form_admin import create_form
from tests.browser.conftest import Console, Server, new_page

pytestmark = pytest.mark.browser

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
FORM_KEY = "csp-framed"
FORM_NAME = "Framed on a partner site"
# Every violation of the policy, as the page sees it (added before any page script runs).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI));
"""


def test_docs_render_under_their_policy(browser: Any, server: Server, console: Console) -> None:
    context, page = new_page(browser, server, None, console)  # anonymous: /docs is public
    try:
        page.add_init_script(WATCH_VIOLATIONS)
        response = page.goto(server.url + "/docs")
        assert response is not None
        csp = response.headers["content-security-policy"]
        script_src = next(d for d in csp.split(";") if d.split()[0] == "script-src").split()
        assert script_src[1] == "'self'"
        assert all(source.startswith("'sha256-") for source in script_src[2:]), script_src
        document = page.request.get(server.url + "/openapi.json").json()
        operations = sum(
            1 for item in document["paths"].values() for method in item if method in METHODS
        )
        assert operations > 20
        page.wait_for_function(
            "(n) => document.querySelectorAll('.opblock').length === n", arg=operations
        )
        assert page.locator(".opblock-summary-path").first.is_visible()
        assert page.evaluate("() => window.__violations") == []
        assert console.errors == [], console.errors
        # The control: a script the page did not bring is refused, and reported.
        ran = page.evaluate(
            """() => {
              const s = document.createElement('script');
              s.textContent = 'window.__ran = 1';
              document.body.append(s);
              return window.__ran ?? null;
            }"""
        )
        assert ran is None
        page.wait_for_function("() => window.__violations.length > 0")
        assert page.evaluate("() => window.__violations")[0].startswith("script-src")
    finally:
        context.close()


class FramingPage(BaseHTTPRequestHandler):
    """GET /?src=URL: a page with URL in an iframe (anything else: 404)."""

    def do_GET(self) -> None:
        found = parse_qs(urlsplit(self.path).query).get("src")
        if not found:  # the browser's /favicon.ico
            self.send_error(404)
            return
        src = found[0]
        body = (
            '<!doctype html><title>site</title><link rel="icon" href="data:,">'
            f'<iframe src="{src}" width="600" height="600"></iframe>'
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: Any) -> None:  # quiet: no access log
        pass


@pytest.fixture
def partner_site() -> Iterator[int]:
    """The partner site's port."""
    site = ThreadingHTTPServer(("127.0.0.1", 0), FramingPage)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield site.server_address[1]
    finally:
        site.shutdown()
        site.server_close()


@pytest.fixture
def framed_form(server: Server, partner_site: int) -> Iterator[str]:
    """A form that the partner site (http://127.0.0.1:PORT) may frame."""
    engine = server.app.state.engine  # type: ignore[attr-defined]
    allowed = [f"http://127.0.0.1:{partner_site}"]
    with engine.begin() as conn:
        create_form(conn, FORM_NAME, datetime.now(UTC), key=FORM_KEY, allowed_origins=allowed)
    try:
        yield FORM_KEY
    finally:
        with engine.begin() as conn:
            conn.execute(delete(forms).where(forms.c.key == FORM_KEY))


def test_the_hosted_form_shows_in_a_frame_of_its_allowed_origin(
    browser: Any, server: Server, console: Console, framed_form: str, partner_site: int
) -> None:
    context, page = new_page(browser, server, None, console)
    try:
        page.goto(f"http://127.0.0.1:{partner_site}/?src={server.url}/f/{framed_form}")
        frame = page.frame_locator("iframe")
        assert frame.locator("h1").text_content() == FORM_NAME
        # Posted in the frame (the honeypot filled, so nothing is stored): the answer shows in
        # the frame as well.
        frame.locator("input[name=email]").fill("framed@example.com")
        frame.locator("input[name=lb_website]").fill("a bot", force=True)
        frame.locator("button[type=submit]").click()
        frame.locator("[data-testid=capture-title]").wait_for()
        assert console.errors == [], console.errors
    finally:
        context.close()


def test_the_hosted_form_does_not_show_in_a_frame_of_another_origin(
    browser: Any, server: Server, console: Console, framed_form: str, partner_site: int
) -> None:
    context, page = new_page(browser, server, None, console)
    try:
        with page.expect_response(f"{server.url}/f/{framed_form}") as answer:
            page.goto(f"http://localhost:{partner_site}/?src={server.url}/f/{framed_form}")
        assert answer.value.status == 200  # served, and refused by the browser
        child = next(f for f in page.frames if f is not page.main_frame)
        child.wait_for_load_state()
        assert child.url.startswith("chrome-error://")  # Chromium's "refused to connect"
        assert child.locator("form").count() == 0
        assert child.get_by_text(FORM_NAME).count() == 0
        assert any("frame-ancestors" in error for error in console.errors), console.errors
    finally:
        context.close()
