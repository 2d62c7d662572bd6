"""Browser checks of the admin pages (issue 10 item 3, acceptance): the admin adds a user on
/admin/users and that user logs in and sees the dashboards; every admin page is readable at
390 px (wide tables scroll inside their wrapper, the page itself does not) and axe finds no
WCAG AA problem on it.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, select

from leadboard.db.schema import (
    associates,
    dashboard_favourites,
    dashboard_visits,
    sessions,
)
from tests.browser.conftest import Console, Server, new_page
from tests.browser.support import tiles, wait_ready
from tests.browser.test_accessibility import run_axe

pytestmark = pytest.mark.browser

NEW_USER = "browser.added@example.com"
NEW_PASSWORD = "added-in-the-browser"
ADMIN_PAGES = [
    "/admin",
    "/admin/users",
    "/admin/users/admin@example.com",
    "/admin/groups",
    "/admin/roles",
    "/admin/statuses",
    "/admin/rates",
]


@pytest.fixture
def added_user(server: Server) -> Iterator[str]:
    """The user the test adds, removed again afterwards (the demo database is shared)."""
    yield NEW_USER
    engine = server.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        found = conn.execute(select(associates.c.id).where(associates.c.email == NEW_USER))
        for associate_id in found.scalars().all():
            for table in (sessions, dashboard_favourites, dashboard_visits):
                conn.execute(delete(table).where(table.c.associate_id == associate_id))
            conn.execute(delete(associates).where(associates.c.id == associate_id))


def test_the_admin_adds_a_user_who_logs_in_and_sees_the_dashboards(
    page: Any, browser: Any, server: Server, console: Console, added_user: str
) -> None:
    page.goto("/admin")
    page.get_by_test_id("admin-section-users").click()
    page.wait_for_url("**/admin/users")
    form = page.get_by_test_id("add-user")
    form.get_by_label("Email", exact=True).fill(added_user)
    form.get_by_label("Name", exact=True).fill("Browser Added")
    form.get_by_label("Role", exact=True).select_option("user")
    form.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    form.get_by_role("button", name="Add").click()
    page.wait_for_url("**/admin/users")
    assert page.get_by_test_id("admin-notice").inner_text() == f"User {added_user} added."
    row = page.locator(f'[data-testid=admin-users] tr[data-email="{added_user}"]')
    assert row.locator("td").nth(1).inner_text() == "Browser Added"

    context, other = new_page(browser, server, None, console)
    try:
        other.goto("/login")
        other.fill("#login-email", added_user)
        other.fill("#login-password", NEW_PASSWORD)
        other.click("form.login-form button[type=submit]")
        other.wait_for_url("**/dashboards/**")
        wait_ready(other)
        shown = tiles(other)
        assert shown, "no tiles on the new user's dashboard"
        assert all(t["state"] != "error" for t in shown.values()), shown
        assert "Browser Added" in other.locator(".who").inner_text()
        # A user, not an admin (asked beside the page: a 403 page would log a console error).
        assert other.request.get("/admin").status == 403
    finally:
        context.close()


def test_admin_pages_read_at_390_px_without_accessibility_problems(
    browser: Any, server: Server, signed_in: dict[str, Any], console: Console
) -> None:
    context, page = new_page(
        browser, server, signed_in, console, viewport={"width": 390, "height": 844}
    )
    problems: dict[str, Any] = {}
    try:
        for path in ADMIN_PAGES:
            answer = page.goto(path)
            assert answer is not None
            assert answer.status == 200, path
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width} px wide"
            for wrap in page.locator(".admin-table").all():
                box = wrap.bounding_box()
                assert box is not None
                assert box["x"] >= 0
                assert box["x"] + box["width"] <= 390, path
            found = run_axe(page)
            if found:
                problems[path] = found
    finally:
        context.close()
    assert problems == {}
