"""Working on leads in Chromium (issue 10 item 5): log in, open Leads from the navigation bar,
search, open a lead, change its status and see the history line; the lead list, the forms list
and a lead page at 390 px (the nav bar wraps, nothing scrolls sideways) and under axe-core
(WCAG 2.1 A/AA) in both themes."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import delete, func, select, update

from leadboard.cli.demo import DEMO_ADMIN
from leadboard.db.schema import lead_status_history, lead_statuses, leads
from tests.browser.conftest import ARTIFACTS, PASSWORD, Console, new_page
from tests.browser.support import api
from tests.browser.test_accessibility import run_axe

pytestmark = pytest.mark.browser


@pytest.fixture
def open_lead(server: Any) -> Iterator[dict[str, Any]]:
    """An Open lead with a company and an email; its status is put back afterwards."""
    engine = server.app.state.engine
    with engine.connect() as conn:
        row = conn.execute(
            select(leads.c.id, leads.c.email, leads.c.status_id, leads.c.status_since)
            .join(lead_statuses, lead_statuses.c.id == leads.c.status_id)
            .where(
                lead_statuses.c.key == "open",
                leads.c.email.is_not(None),
                leads.c.anonymised_at.is_(None),
            )
            .order_by(leads.c.id.desc())
        ).first()
        held = conn.execute(select(leads.c.statuses_held).where(leads.c.id == row.id)).scalar()
        last = conn.execute(select(func.max(lead_status_history.c.id))).scalar()
    assert row is not None
    yield {"id": row.id, "email": row.email}
    with engine.begin() as conn:
        conn.execute(
            delete(lead_status_history).where(
                lead_status_history.c.lead_id == row.id, lead_status_history.c.id > last
            )
        )
        conn.execute(
            update(leads)
            .where(leads.c.id == row.id)
            .values(status_id=row.status_id, status_since=row.status_since, statuses_held=held)
        )


def test_log_in_search_open_a_lead_and_change_its_status(
    browser: Any, server: Any, console: Console, open_lead: dict[str, Any]
) -> None:
    context, page = new_page(browser, server, None, console)
    page.goto("/login")
    page.fill("#login-email", DEMO_ADMIN)
    page.fill("#login-password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url("**/dashboards/**")
    nav = page.locator("[data-testid=mainnav]")
    assert nav.locator("a[aria-current=page]").inner_text() == "Dashboards"
    assert nav.locator("[data-testid=nav-admin]").count() == 1
    nav.get_by_role("link", name="Leads").click()
    page.wait_for_url("**/leads")
    assert nav.locator("a[aria-current=page]").inner_text() == "Leads"
    everyone = api(page, "/leads.json")
    assert page.locator("[data-testid=leads-total]").get_attribute("data-total") == str(
        everyone["total"]
    )
    query = open_lead["email"].split("@")[0].upper()
    page.fill("#leads-q", query)
    page.click("[data-testid=leads-search-submit]")
    page.wait_for_url("**/leads?q=*")
    found = api(page, "/leads.json?" + urlparse(page.url).query)
    assert open_lead["id"] in [row["id"] for row in found["leads"]]
    assert page.locator("[data-testid=leads-table] tbody tr").count() == len(found["leads"])
    page.locator(f"tr[data-lead-id='{open_lead['id']}'] a").click()
    page.wait_for_url(f"**/leads/{open_lead['id']}")
    assert page.locator("[data-testid=lead-status]").get_attribute("data-status") == "open"
    rows_before = page.locator("[data-testid=lead-history] tbody tr").count()
    page.select_option("#lead-new-status", "qualified")
    page.click("[data-testid=status-submit]")
    page.wait_for_url(f"**/leads/{open_lead['id']}")
    assert page.locator("[data-testid=lead-status]").get_attribute("data-status") == "qualified"
    history = page.locator("[data-testid=lead-history] tbody tr")
    assert history.count() == rows_before + 1
    last = history.nth(rows_before).locator("td")
    assert last.nth(2).inner_text() == "Qualified"
    assert last.nth(3).inner_text() == "Demo Admin"
    twin = api(page, f"/leads/{open_lead['id']}.json")
    assert twin["history"][-1]["to"]["key"] == "qualified"
    assert twin["history"][-1]["by"] == "Demo Admin"
    (ARTIFACTS / "leads").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "leads" / "lead-after-status.png"), full_page=True)
    context.close()
    assert console.errors == []


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/leads", "/forms", "/leads/{id}"])
def test_pages_fit_a_phone_and_pass_axe(
    browser: Any,
    server: Any,
    signed_in: dict[str, Any],
    console: Console,
    open_lead: dict[str, Any],
    path: str,
    theme: str,
) -> None:
    context, page = new_page(
        browser, server, signed_in, console, viewport={"width": 390, "height": 844}
    )
    context.add_cookies([{"name": "leadboard_theme", "value": theme, "url": server.url}])
    page.goto(path.format(id=open_lead["id"]))
    assert run_axe(page) == []
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} at 390px scrolls sideways by {overflow}px"
    links = page.locator("[data-testid=mainnav] a")
    assert links.count() == 5  # dashboards, leads, forms, selections, admin
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390
    (ARTIFACTS / "leads").mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("/", "-").replace("{id}", "lead")
    page.screenshot(path=str(ARTIFACTS / "leads" / f"{name}-390-{theme}.png"), full_page=True)
    context.close()
    assert console.errors == []
