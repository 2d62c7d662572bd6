"""A shared dashboard shows each viewer their own rights' figures (issue 11 acceptance), in
Chromium: the demo admin makes a dashboard through POST /api/dashboards with a number tile and a
tile grouped by status, over leads, and shares it on the sharing page with the group of the
demo's `own` login (a sales rep whose role sees only their own leads). That member opens it and
sees the figures of their own leads, equal to the API's and to a count in SQL here; the owner
(admin: `all`) sees every lead's figure on the same dashboard; a user outside the group gets 404
on the page and on the API."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, insert, select

from leadboard.auth.passwords import hash_password
from leadboard.cli.demo import DEMO_ADMIN
from leadboard.db.schema import (
    associates,
    dashboard_favourites,
    dashboard_shares,
    dashboard_visits,
    dashboards,
    lead_statuses,
    leads,
    sessions,
)
from leadboard.demo import demo_logins
from tests.browser.conftest import PASSWORD, Console, Server, new_page
from tests.browser.support import api, open_dashboard, tiles

pytestmark = pytest.mark.browser

SLUG = "browser-shared-rights"
OUTSIDER = "outside.rights@example.com"
DEFINITION = {
    "slug": SLUG,
    "name": {"en": "Shared rights", "nl": "Gedeelde rechten"},
    "columns": 2,
    "tiles": [
        {
            "key": "all-leads",
            "name": {"en": "Leads", "nl": "Leads"},
            "chart": "number",
            "entity": "leads",
        },
        {
            "key": "per-status",
            "name": {"en": "Leads per status", "nl": "Leads per status"},
            "chart": "column",
            "entity": "leads",
            "group_by": "status",
        },
    ],
}


@pytest.fixture
def cleanup(server: Server) -> Iterator[None]:
    """The dashboard, its visits and the outsider are gone afterwards (the demo is shared)."""
    yield
    engine = server.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        made = conn.execute(select(dashboards.c.id).where(dashboards.c.slug == SLUG)).scalars()
        ids = list(made)
        conn.execute(delete(dashboard_shares).where(dashboard_shares.c.dashboard_id.in_(ids)))
        conn.execute(delete(dashboards).where(dashboards.c.id.in_(ids)))
        for table in (dashboard_favourites, dashboard_visits):
            conn.execute(delete(table).where(table.c.slug == SLUG))
        found = conn.execute(select(associates.c.id).where(associates.c.email == OUTSIDER))
        for associate_id in found.scalars().all():
            conn.execute(delete(sessions).where(sessions.c.associate_id == associate_id))
            conn.execute(delete(associates).where(associates.c.id == associate_id))


def csrf(page: Any) -> str:
    headers = json.loads(page.get_attribute("body", "hx-headers") or "{}")
    return str(headers["X-CSRF-Token"])


def log_in(browser: Any, server: Server, console: Console, email: str) -> tuple[Any, Any]:
    context, page = new_page(browser, server, None, console)
    page.goto("/login")
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url("**/dashboards/**")
    return context, page


def counted(engine: Engine, owner_id: int | None) -> tuple[int, dict[str, int]]:
    """Independently: the leads (of this owner; None: every lead) and their count per status
    key, straight from the tables."""
    query = (
        select(lead_statuses.c.key, func.count())
        .select_from(leads)
        .join(lead_statuses, lead_statuses.c.id == leads.c.status_id)
    )
    if owner_id is not None:
        query = query.where(leads.c.owner_id == owner_id)
    with engine.connect() as conn:
        per_status = {key: int(n) for key, n in conn.execute(query.group_by(lead_statuses.c.key))}
    return sum(per_status.values()), per_status


def shown_figures(page: Any) -> tuple[int, dict[str, int]]:
    """What the page shows: the number tile's figure and the grouped tile's rows."""
    shown = tiles(page)
    assert shown["all-leads"]["state"] == "ready", shown["all-leads"]
    assert shown["per-status"]["state"] == "ready", shown["per-status"]
    number = int(re.sub(r"\D", "", shown["all-leads"]["number"]))
    rows = {row["key"]: row["value"] for row in shown["per-status"]["rows"]}
    computed = {t["key"]: t for t in api(page, f"/api/dashboards/{SLUG}")["tiles"]}
    assert computed["all-leads"]["value"] == number  # the page shows what the API gives
    assert {r["key"]: r["value"] for r in computed["per-status"]["rows"]} == rows
    return number, rows


def test_a_group_member_sees_their_own_figures_an_outsider_gets_404(
    page: Any, browser: Any, server: Server, console: Console, cleanup: None
) -> None:
    engine = server.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        own = next(x for x in demo_logins(conn, DEMO_ADMIN) if x.kind == "own")
        conn.rollback()
    assert own.group
    assert own.rights.leads == "own"

    page.goto("/leads")
    made = page.request.post(
        "/api/dashboards",
        data=json.dumps(DEFINITION),
        headers={"Content-Type": "application/json", "X-CSRF-Token": csrf(page)},
    )
    assert made.status == 201, made.text()

    # The owner, an admin with `all` lead rights: every lead.
    open_dashboard(page, f"/dashboards/{SLUG}")
    everyone_total, everyone_rows = counted(engine, None)
    assert shown_figures(page) == (everyone_total, everyone_rows)

    # Shared with the member's group on the sharing page.
    page.goto(f"/dashboards/{SLUG}/sharing")
    visible = page.get_by_test_id("share-visible")
    visible.locator(f'[data-testid=visible-group][data-name="{own.group}"]').check()
    page.get_by_test_id("save-sharing").click()
    page.wait_for_url(f"**/dashboards/{SLUG}/sharing")
    page.get_by_test_id("dash-notice").wait_for()

    member_context, member = log_in(browser, server, console, own.email)
    try:
        open_dashboard(member, f"/dashboards/{SLUG}?lang=en")
        own_total, own_rows = counted(engine, own.id)
        assert 0 < own_total < everyone_total
        assert shown_figures(member) == (own_total, own_rows)
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
    # its own console: the browser logs the 404s it is meant to get
    outside_context, outsider = log_in(browser, server, Console(), OUTSIDER)
    try:
        answer = outsider.goto(f"/dashboards/{SLUG}")
        assert answer is not None
        assert answer.status == 404
        assert "Shared rights" not in outsider.content()
        assert outsider.request.get(f"/api/dashboards/{SLUG}").status == 404
    finally:
        outside_context.close()
