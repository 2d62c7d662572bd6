"""Fresh figures without a reload (issue 12): an open dashboard shows a new chat and a new lead
written by another connection, and fetches again only the tiles whose data changed.

Each tile element gets a mark in the page; a tile swapped in by the server loses it. A new chat
session without a lead changes only the chats group: the chats tile is replaced, the leads tile
keeps its element (it was neither fetched nor redrawn). A new lead changes both (a chat's
country and owner come from its lead)."""

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, insert

from leadboard.db.schema import chat_sessions, leads
from leadboard.db.times import to_db
from tests.browser.conftest import TODAY
from tests.browser.support import open_dashboard

pytestmark = pytest.mark.browser
SLUG = "browser-fresh"
TILES: list[dict[str, Any]] = [
    {
        "key": "chats-today",
        "name": {"en": "Chats today", "nl": "Chats vandaag"},
        "chart": "number",
        "entity": "chats",
        "date_field": "started_at",
        "period": "today",
    },
    {
        "key": "leads-today",
        "name": {"en": "Leads today", "nl": "Leads vandaag"},
        "chart": "number",
        "entity": "leads",
        "date_field": "created_at",
        "period": "today",
    },
]
MARK = "() => document.querySelectorAll('[data-tile-key]').forEach(t => { t.__mark = true; })"
MARKED = '(key) => !!document.querySelector(`[data-tile-key="${key}"]`).__mark'
VALUE = '(key) => document.querySelector(`[data-tile-key="${key}"]`).dataset.rows'


@pytest.fixture
def board(page: Any, server: Any) -> Any:
    page.goto("/dashboards/marketing")
    headers_attr = page.get_attribute("body", "hx-headers") or "{}"
    headers = {"X-CSRF-Token": json.loads(headers_attr)["X-CSRF-Token"]}
    page.request.delete(f"/api/dashboards/{SLUG}", headers=headers)
    body = {"slug": SLUG, "name": {"en": "Fresh", "nl": "Vers"}, "columns": 2, "tiles": TILES}
    made = page.request.post("/api/dashboards", data=body, headers=headers)
    assert made.status == 201, made.text()
    written: dict[str, list[int]] = {"chats": [], "leads": []}
    yield page, written
    engine = server.app.state.engine
    with engine.begin() as conn:
        conn.execute(delete(chat_sessions).where(chat_sessions.c.id.in_(written["chats"])))
        conn.execute(delete(leads).where(leads.c.id.in_(written["leads"])))
    page.request.delete(f"/api/dashboards/{SLUG}", headers=headers)


def _noon() -> datetime:
    """Noon of the browser server's fixed day, as the database stores moments (UTC)."""
    from zoneinfo import ZoneInfo

    local = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))
    return to_db(local)


def _number(page: Any, key: str) -> int:
    return int(json.loads(page.evaluate(VALUE, key))["value"])


def test_a_write_elsewhere_shows_on_the_open_page_and_only_its_tiles_are_fetched(
    board: Any, server: Any
) -> None:
    page, written = board
    fetched: list[str] = []
    page.on(
        "request",
        lambda r: fetched.append(r.url) if f"/dashboards/{SLUG}/tiles?" in r.url else None,
    )
    open_dashboard(page, f"/dashboards/{SLUG}")
    chats, leads_now = _number(page, "chats-today"), _number(page, "leads-today")
    page.evaluate(MARK)
    engine = server.app.state.engine

    with engine.begin() as conn:
        written["chats"].append(
            conn.execute(
                insert(chat_sessions)
                .values(visitor_name="Fresh visitor", started_at=_noon())
                .returning(chat_sessions.c.id)
            ).scalar_one()
        )
    page.wait_for_function(
        '([k, n]) => { const t = document.querySelector(`[data-tile-key="${k}"]`);'
        " return !t.__mark && Number(JSON.parse(t.dataset.rows).value) === n; }",
        arg=["chats-today", chats + 1],
        timeout=10_000,
    )
    assert _number(page, "chats-today") == chats + 1
    assert page.evaluate(MARKED, "leads-today"), "the leads tile was fetched again"
    assert _number(page, "leads-today") == leads_now
    assert fetched[-1].endswith("only=chats-today")

    page.evaluate(MARK)
    with engine.begin() as conn:
        written["leads"].append(
            conn.execute(
                insert(leads)
                .values(
                    status_id=1,
                    status_since=_noon(),
                    statuses_held=1,
                    created_at=_noon() + timedelta(minutes=1),
                    created_via="api",
                )
                .returning(leads.c.id)
            ).scalar_one()
        )
    page.wait_for_function(
        '(k) => !document.querySelector(`[data-tile-key="${k}"]`).__mark',
        arg="leads-today",
        timeout=10_000,
    )
    page.wait_for_function(
        "(k) => document.querySelector(`[data-tile-key=\"${k}\"]`).dataset.state !== 'loading'",
        arg="leads-today",
    )
    assert _number(page, "leads-today") == leads_now + 1
    assert _number(page, "chats-today") == chats + 1
