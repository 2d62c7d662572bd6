"""Browser checks of issue 8: /docs works offline, GET /logout offers a button that logs out."""

from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from leadboard.cli.demo import DEMO_ADMIN
from leadboard.db.schema import forms
from tests.browser.conftest import PASSWORD, Console, Server, new_page
from tests.browser.test_accessibility import run_axe

pytestmark = pytest.mark.browser


def test_docs_render_every_operation_with_other_hosts_blocked(
    browser: Any, server: Server, console: Console
) -> None:
    context, page = new_page(browser, server, None, console)
    elsewhere: list[str] = []  # a CDN, a validator badge, fonts: none may be needed
    ours = urlparse(server.url).netloc
    context.route("**/*", lambda route: _only_ours(route, ours, elsewhere))
    try:
        page.goto(server.url + "/docs")
        page.wait_for_selector(".swagger-ui .opblock", state="attached")
        spec = page.request.get(server.url + "/openapi.json").json()
        expected = sum(
            1
            for operations in spec["paths"].values()
            for method in operations
            if method in ("get", "post", "put", "patch", "delete")
        )
        page.wait_for_function(
            "(n) => document.querySelectorAll('.swagger-ui .opblock').length >= n", arg=expected
        )
        summaries = page.locator(".opblock-summary-path").all_inner_texts()
        assert any("/api/leads" in s for s in summaries)
        assert page.locator(".swagger-ui .info .title").inner_text().startswith("Leadboard")
    finally:
        context.close()
    assert elsewhere == []
    assert console.errors == []


def _only_ours(route: Any, ours: str, elsewhere: list[str]) -> None:
    if urlparse(route.request.url).netloc == ours:
        route.continue_()
    else:
        elsewhere.append(route.request.url)
        route.abort()


def test_logout_page_logs_out_with_its_button(
    browser: Any, server: Server, console: Console
) -> None:
    # A log-in of its own: logging out ends the (server-side) session, which the shared
    # `signed_in` state of the other tests must keep.
    context, page = new_page(browser, server, None, console)
    try:
        page.goto(server.url + "/login")
        page.fill("#login-email", DEMO_ADMIN)
        page.fill("#login-password", PASSWORD)
        page.click("form.login-form button[type=submit]")
        page.wait_for_url("**/dashboards/**")
        page.goto(server.url + "/logout?lang=nl")
        assert page.locator("html").get_attribute("lang") == "nl"
        button = page.get_by_test_id("logout-confirm")
        assert button.inner_text() == "Afmelden"
        button.click()
        page.wait_for_url("**/login?logged_out=1")
        page.goto(server.url + "/dashboards/marketing")
        assert urlparse(page.url).path == "/login"
    finally:
        context.close()
    assert console.errors == []


def test_logout_forms_and_hosted_pages_pass_axe(
    browser: Any, server: Server, signed_in: dict[str, Any], console: Console
) -> None:
    with server.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        key = conn.execute(select(forms.c.key).where(forms.c.active).order_by(forms.c.id)).scalar()
    context, page = new_page(browser, server, signed_in, console)
    problems: dict[str, Any] = {}
    try:
        for path in [
            "/logout?lang=nl",
            f"/forms/{key}?lang=nl",
            f"/forms/{key}",
            f"/f/{key}?lang=nl",
            f"/f/{key}",
        ]:
            page.goto(server.url + path)
            problems[path] = run_axe(page)
    finally:
        context.close()
    assert {path: found for path, found in problems.items() if found} == {}
