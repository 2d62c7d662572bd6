"""The dashboard pages in Chromium (issue 11 item 1): make a dashboard with the form, find it
in the tabs and the list, change its columns, duplicate it, share it with a group and see a
member of that group open it while a user outside gets 404; the pages are usable at 390 px
(no sideways scrolling, axe finds no WCAG AA problem) in both languages."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, insert, select

from leadboard.auth.passwords import hash_password
from leadboard.cli.demo import DEMO_ADMIN
from leadboard.db.schema import (
    associates,
    dashboard_favourites,
    dashboard_shares,
    dashboard_visits,
    dashboards,
    sessions,
)
from leadboard.demo import demo_logins
from tests.browser.conftest import PASSWORD, Console, Server, new_page
from tests.browser.test_accessibility import run_axe

pytestmark = pytest.mark.browser

NAME = "Browser <b>board</b>"
OUTSIDER = "outside.dadmin@example.com"


@pytest.fixture
def cleanup(server: Server) -> Iterator[None]:
    """Dashboards made here and the outsider are gone afterwards (the demo database is shared)."""
    engine = server.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        before = set(conn.execute(select(dashboards.c.id)).scalars())
    yield
    with engine.begin() as conn:
        made = [i for i in conn.execute(select(dashboards.c.id)).scalars() if i not in before]
        conn.execute(delete(dashboard_shares).where(dashboard_shares.c.dashboard_id.in_(made)))
        conn.execute(delete(dashboards).where(dashboards.c.id.in_(made)))
        found = conn.execute(select(associates.c.id).where(associates.c.email == OUTSIDER))
        for associate_id in found.scalars().all():
            for table in (sessions, dashboard_favourites, dashboard_visits):
                conn.execute(delete(table).where(table.c.associate_id == associate_id))
            conn.execute(delete(associates).where(associates.c.id == associate_id))


def _log_in(browser: Any, server: Server, console: Console, email: str) -> tuple[Any, Any]:
    context, page = new_page(browser, server, None, console)
    page.goto("/login")
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url("**/dashboards/**")
    return context, page


def _slug(page: Any) -> str:
    path = page.url.split("?")[0]
    return str(path.rsplit("/", 1)[1])


def test_make_change_duplicate_and_share_a_dashboard(
    page: Any, browser: Any, server: Server, console: Console, cleanup: None
) -> None:
    engine = server.app.state.engine  # type: ignore[attr-defined]
    # -- make it with the form, from the list
    page.goto("/dashboards")
    page.get_by_test_id("new-dashboard").click()
    page.wait_for_url("**/dashboards/new")
    form = page.get_by_test_id("new-dashboard-form")
    form.get_by_label("Name (English)").fill(NAME)
    form.get_by_label("Number of columns").fill("13")
    form.get_by_test_id("create-dashboard").click()
    page.get_by_test_id("error-columns").wait_for()  # 422: the form again, the message by it
    # the browser logs the 422 it was meant to get; nothing else may be there
    assert console.errors == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
    console.errors.clear()
    assert form.get_by_label("Name (English)").input_value() == NAME
    form.get_by_label("Number of columns").fill("2")
    form.get_by_test_id("create-dashboard").click()
    page.wait_for_url("**/dashboards/browser-b-board-b")
    slug = _slug(page)
    assert page.locator("#dashboard-title").inner_text() == NAME  # text, not markup
    assert page.locator("#tiles").get_attribute("data-columns") == "2"
    notice = page.get_by_test_id("dash-notice")
    assert NAME in notice.inner_text()
    page.get_by_test_id("dash-actions").get_by_test_id("action-settings").wait_for()
    assert page.locator(f'[data-testid=tab][data-slug="{slug}"]').count() == 1
    page.get_by_test_id("tab-more").click()
    page.wait_for_url("**/dashboards")
    assert page.locator(f'[data-testid=dash-entry][data-slug="{slug}"]').count() == 1
    page.get_by_label("Name or description").fill("BROWSER")
    page.get_by_test_id("dash-search-submit").click()
    page.wait_for_url("**/dashboards?q=BROWSER")
    assert page.get_by_test_id("dash-entry").count() == 1

    # -- change the number of columns
    page.goto(f"/dashboards/{slug}")
    page.get_by_test_id("action-settings").click()
    page.wait_for_url(f"**/dashboards/{slug}/settings")
    page.get_by_label("Number of columns").fill("1")
    page.get_by_label("Name (Dutch)").fill("Browserbord")
    page.get_by_test_id("save-settings").click()
    page.wait_for_url(f"**/dashboards/{slug}")
    assert page.locator("#tiles").get_attribute("data-columns") == "1"
    with engine.connect() as conn:
        stored = conn.execute(select(dashboards.c.definition).where(dashboards.c.slug == slug))
        definition = stored.scalar_one()
    assert (definition["columns"], definition["name"]["nl"]) == (1, "Browserbord")

    # -- duplicate it
    page.get_by_test_id("action-duplicate").click()
    page.wait_for_url(f"**/dashboards/{slug}-2")
    assert page.locator("#dashboard-title").inner_text() == f"{NAME} 2"
    assert "not shared" in page.get_by_test_id("dash-notice").inner_text()

    # -- share the first with a demo group
    with engine.connect() as conn:
        group_login = next(x for x in demo_logins(conn, DEMO_ADMIN) if x.kind == "group")
        conn.rollback()
    assert group_login.group
    page.goto(f"/dashboards/{slug}")
    page.get_by_test_id("action-sharing").click()
    page.wait_for_url(f"**/dashboards/{slug}/sharing")
    visible = page.get_by_test_id("share-visible")
    visible.locator(f'[data-testid=visible-group][data-name="{group_login.group}"]').check()
    page.get_by_test_id("save-sharing").click()
    page.wait_for_url(f"**/dashboards/{slug}/sharing")
    page.get_by_test_id("dash-notice").wait_for()

    member_context, member = _log_in(browser, server, console, group_login.email)
    try:
        opened = member.goto(f"/dashboards/{slug}?lang=en")
        assert opened is not None
        assert opened.status == 200
        assert member.locator("#dashboard-title").inner_text() == NAME
        # not theirs: only Duplicate
        member.get_by_test_id("action-duplicate").wait_for()
        assert member.get_by_test_id("action-settings").count() == 0
        assert member.get_by_test_id("action-sharing").count() == 0
    finally:
        member_context.close()

    with engine.begin() as conn:
        conn.execute(
            insert(associates).values(
                email=OUTSIDER,
                name="Outside",
                role="user",
                language="en",
                active=True,
                password_hash=hash_password(PASSWORD),
            )
        )
    # its own console: the browser logs the 404 it is meant to get
    outside_context, outsider = _log_in(browser, server, Console(), OUTSIDER)
    try:
        answer = outsider.goto(f"/dashboards/{slug}")
        assert answer is not None
        assert answer.status == 404
    finally:
        outside_context.close()

    # -- delete the copy, confirmed
    page.goto(f"/dashboards/{slug}-2")
    page.get_by_test_id("action-delete").click()
    page.wait_for_url(f"**/dashboards/{slug}-2/delete")
    page.get_by_test_id("confirm-delete").click()
    page.wait_for_url("**/dashboards")
    assert f"{NAME} 2" in page.get_by_test_id("dash-notice").inner_text()
    assert page.locator(f'[data-testid=dash-entry][data-slug="{slug}-2"]').count() == 0


def test_the_pages_at_390_px_in_both_languages(
    browser: Any, server: Server, signed_in: dict[str, Any], console: Console, cleanup: None
) -> None:
    context, page = new_page(
        browser, server, signed_in, console, viewport={"width": 390, "height": 844}
    )
    problems: dict[str, Any] = {}
    try:
        page.goto("/dashboards/new")
        page.get_by_label("Name (English)").fill("Narrow")
        page.get_by_test_id("create-dashboard").click()
        page.wait_for_url("**/dashboards/narrow")
        page.get_by_test_id("dash-actions").wait_for()
        for lang, title in (("en", "New dashboard"), ("nl", "Nieuw dashboard")):
            for path in (
                "/dashboards",
                "/dashboards/new",
                "/dashboards/narrow/settings",
                "/dashboards/narrow/sharing",
                "/dashboards/narrow/delete",
            ):
                answer = page.goto(f"{path}?lang={lang}")
                assert answer is not None
                assert answer.status == 200, path
                width = page.evaluate("() => document.documentElement.scrollWidth")
                assert width <= 390, f"{path}?lang={lang} is {width} px wide"
                for button in page.locator("main button, main a.button-primary").all():
                    box = button.bounding_box()
                    assert box is not None
                    assert box["x"] >= 0
                    assert box["x"] + box["width"] <= 390, path
                found = run_axe(page)
                if found:
                    problems[f"{path}?lang={lang}"] = found
            page.goto(f"/dashboards/new?lang={lang}")
            assert page.locator("h1").inner_text() == title
        assert problems == {}
    finally:
        context.close()
