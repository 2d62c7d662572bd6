"""The tracking script in headless Chromium (SPEC 6.1).

The test site is served on `localhost`, Leadboard on `127.0.0.1`: different cookie hosts, so the
script's cookies are the site's own (first party) and reach Leadboard only through the form post.
The browser's clock is Playwright's `page.clock`; Leadboard's is a clock the test moves alongside.
"""

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from leadboard.db.schema import form_submissions
from leadboard.db.times import to_db
from tests.capture.conftest import START, Leadboard
from tests.conftest import missing

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
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


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Site:
    """A tiny static site on its own port, reached as http://localhost:PORT."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.httpd = ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(QuietHandler, directory=str(root))
        )
        self.port = self.httpd.server_address[1]
        self.url = f"http://localhost:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def page(self, name: str, body: str, script_url: str) -> None:
        (self.root / name).write_text(
            f'<!doctype html><html><head><meta charset="utf-8"><title>{name}</title>'
            f'<script src="{script_url}"></script></head><body>{body}</body></html>'
        )

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    root = tmp_path / "site"
    root.mkdir()
    served = Site(root)
    yield served
    served.stop()


def in_chromium(scenario: Callable[[Any], None]) -> None:
    """Run `scenario(browser)` with Playwright's sync API in a thread of its own.

    Other browser tests of the session may hold a sync Playwright in the main thread (it keeps
    an event loop there, and a second sync Playwright refuses to start beside it); a thread has
    no loop of its own, so both can run. Failures are raised again here.
    """
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium fonts-dejavu-core)")
    from playwright.sync_api import sync_playwright

    failures: list[BaseException] = []

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    scenario(browser)
                finally:
                    browser.close()
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failures.append(exc)

    thread = threading.Thread(target=run, name="chromium")
    thread.start()
    thread.join(timeout=170)
    assert not thread.is_alive(), "the browser scenario did not finish in time"
    if failures:
        raise failures[0]


def build_site(site: Site, leadboard: Leadboard) -> None:
    script = f"{leadboard.url}/t.js"
    site.page("landing.html", '<h1>Welcome</h1><a id="about" href="/about.html">About</a>', script)
    site.page(
        "about.html", '<h1>About</h1><a id="contact" href="/contact.html">Contact</a>', script
    )
    site.page(
        "contact.html",
        f'<form action="{leadboard.url}/capture/forms/contact" method="post">'
        '<input name="first_name"><input name="email" type="email">'
        '<button type="submit">Send</button></form>',
        script,
    )
    (site.root / "thanks.html").write_text("<h1 id='thanks'>Thanks</h1>")


def submit(page: Any, site: Site, email: str, name: str) -> None:
    page.click("#about")
    page.wait_for_url(f"{site.url}/about.html")
    page.click("#contact")
    page.wait_for_url(f"{site.url}/contact.html")
    page.fill("input[name=first_name]", name)
    page.fill("input[name=email]", email)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.url}/thanks.html")


def test_script_keeps_first_touch_and_visits_across_a_conversion(
    site: Site, leadboard: Leadboard, tmp_path: Path
) -> None:
    leadboard.add_form(origins=[site.url], thank_you_url=f"{site.url}/thanks.html")
    build_site(site, leadboard)
    leadboard.clock.advance(minutes=1)  # the server is a minute ahead of the browser
    in_chromium(lambda browser: first_touch_and_conversion(browser, site, leadboard, tmp_path))


def first_touch_and_conversion(browser: Any, site: Site, leadboard: Leadboard, tmp: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.clock.install(time=START - timedelta(minutes=1))
        page.clock.pause_at(START)
        page.goto(
            f"{site.url}/landing.html?utm_source=LinkedIn&utm_medium=paid_social"
            "&utm_campaign=Spring&utm_content=video-a"
        )
        submit(page, site, "ann@example.nl", "Ann")

        with leadboard.engine.connect() as conn:
            first = conn.execute(select(form_submissions)).one()
        assert (first.is_conversion, first.status) == (False, "processed")
        lead = leadboard.lead(first.lead_id)
        landing = ("linkedin", "paid_social", "spring", "video-a", to_db(START))
        assert (lead.ft_source, lead.ft_medium, lead.ft_campaign, lead.ft_content, lead.ft_at) == (
            landing
        )
        assert (lead.lc_source, lead.lc_medium, lead.lc_campaign, lead.lc_content, lead.lc_at) == (
            landing
        )
        assert lead.ft_referrer_domain is None  # the site's own pages are never a referrer
        assert (lead.created_via, lead.first_name, lead.channel) == ("form", "Ann", "paid-social")

        # Within 30 minutes a page view without tags keeps the visit.
        page.clock.fast_forward("10:00")
        page.goto(f"{site.url}/about.html")
        assert page.evaluate("window.leadboard.visit().utm_source") == "LinkedIn"
        # 31 minutes without a page view: the next one starts a new visit.
        page.clock.fast_forward("31:00")
        page.goto(f"{site.url}/about.html")
        visit = page.evaluate("window.leadboard.visit()")
        assert "utm_source" not in visit
        assert int(visit["at"]) == int((START + timedelta(minutes=41)).timestamp() * 1000)

        # Another tagged link, then the form again: a conversion with the new tuple.
        page.clock.fast_forward("31:00")
        leadboard.clock.advance(minutes=72)
        page.goto(f"{site.url}/landing.html?utm_source=facebook&utm_medium=cpc&utm_campaign=autumn")
        converted_at = START + timedelta(minutes=72)
        submit(page, site, "ann@example.nl", "Annie")
        # The cookies are the site's own (localhost), none on Leadboard's host.
        cookies = {c["name"]: c for c in context.cookies(site.url)}
        assert cookies["_lb_ft"]["domain"] == "localhost"
        assert "utm_source=LinkedIn" in unquote(cookies["_lb_ft"]["value"])
        assert "utm_source=facebook" in unquote(cookies["_lb_visit"]["value"])
        assert not [c for c in context.cookies(leadboard.url) if c["name"].startswith("_lb")]

        with leadboard.engine.connect() as conn:
            rows = conn.execute(select(form_submissions).order_by(form_submissions.c.id)).all()
        assert len(rows) == 2
        second = rows[1]
        assert (second.is_conversion, second.lead_id, second.status) == (True, lead.id, "processed")
        assert (second.visit_source, second.visit_medium, second.visit_campaign) == (
            "facebook",
            "cpc",
            "autumn",
        )
        assert second.visit_at == to_db(converted_at)
        assert leadboard.lead(lead.id) == lead  # tuples (and the rest) untouched
        assert leadboard.counts()["leads"] == 1
    except Exception:
        page.screenshot(path=str(tmp / "failure.png"))
        raise
    finally:
        context.close()


def test_fetch_posts_with_cors_from_allowed_origins_only(site: Site, leadboard: Leadboard) -> None:
    leadboard.add_form(origins=[site.url])
    site.page("page.html", "<h1>Page</h1>", f"{leadboard.url}/t.js")
    in_chromium(lambda browser: fetch_posts(browser, site, leadboard))


def fetch_posts(browser: Any, site: Site, leadboard: Leadboard) -> None:
    post = """async (url) => {
        try {
            const body = {email: "fetch@example.org", ...window.leadboard.fields()};
            const answer = await fetch(url, {method: "POST", body: JSON.stringify(body),
                headers: {"Content-Type": "application/json"}});
            return {status: answer.status, body: await answer.json()};
        } catch (error) {
            return {error: String(error)};
        }
    }"""
    endpoint = f"{leadboard.url}/capture/forms/contact"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{site.url}/page.html?utm_source=news&utm_medium=email")
        allowed = page.evaluate(post, endpoint)
        assert allowed["status"] == 201, allowed
        lead = leadboard.lead(allowed["body"]["lead_id"])
        assert (lead.lc_source, lead.lc_medium, lead.channel) == ("news", "email", "email")
        # The same page from another origin (127.0.0.1 is not localhost): the browser refuses.
        counts = leadboard.counts()
        other = context.new_page()
        other.goto(f"http://127.0.0.1:{site.port}/page.html")
        refused = other.evaluate(post, endpoint)
        assert "error" in refused
        assert "Failed to fetch" in refused["error"]
        assert leadboard.counts() == counts
    finally:
        context.close()
