"""The board of a selection in Chromium (issue 11 acceptance): drag an Open lead's card to the
Qualified column, see it there after a reload, and see the lead-nurturing funnel's Qualified step
grow by one, counted independently with SQL here; in English and in Dutch."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select, update

from leadboard.dashboards.selections import SelectionDefinition, create_selection
from leadboard.db.schema import (
    associates,
    lead_status_history,
    lead_statuses,
    leads,
    selection_shares,
    selections,
)
from tests.browser.conftest import TODAY
from tests.browser.support import api

pytestmark = pytest.mark.browser

AMS = ZoneInfo("Europe/Amsterdam")


def _qualified_ytd(engine: Any) -> int:
    """Leads created this year (Amsterdam time, up to now) that ever held Qualified."""
    start = datetime(TODAY.year, 1, 1, tzinfo=AMS).astimezone(UTC).replace(tzinfo=None)
    with engine.connect() as conn:
        qualified = conn.execute(
            select(lead_statuses.c.id).where(lead_statuses.c.key == "qualified")
        ).scalar_one()
        rows = conn.execute(
            select(leads.c.statuses_held).where(leads.c.created_at >= start)
        ).scalars()
        return sum(1 for held in rows if int(held) & (1 << qualified))


@pytest.fixture
def board_lead(server: Any) -> Iterator[dict[str, Any]]:
    """An Open lead created this year that never held Qualified, on a selection of a few leads
    around it; the lead, its history and the selection are put back afterwards."""
    engine = server.app.state.engine
    start = datetime(TODAY.year, 1, 1, tzinfo=AMS).astimezone(UTC).replace(tzinfo=None)
    with engine.connect() as conn:
        status = dict(conn.execute(select(lead_statuses.c.key, lead_statuses.c.id)).all())
        candidates = conn.execute(
            select(leads.c.id, leads.c.status_since, leads.c.statuses_held)
            .where(
                leads.c.status_id == status["open"],
                leads.c.created_at >= start,
                leads.c.anonymised_at.is_(None),
            )
            .order_by(leads.c.id)
        ).all()
        row = next(r for r in candidates if not int(r.statuses_held) & (1 << status["qualified"]))
        last = conn.execute(select(func.max(lead_status_history.c.id))).scalar() or 0
        admin = (
            conn.execute(
                select(associates.c.id)
                .where(associates.c.role == "admin")
                .order_by(associates.c.id)
            )
            .scalars()
            .first()
        )
    assert admin is not None
    definition = SelectionDefinition.model_validate(
        {
            "slug": "board-test",
            "name": {"en": "Board test", "nl": "Bordtest"},
            "entity": "leads",
            "criteria": [[{"field": "id", "op": "between", "value": [row.id - 3, row.id + 3]}]],
        }
    )
    with engine.begin() as conn:
        create_selection(conn, definition, int(admin), datetime(2026, 11, 27, 12))
    yield {"id": row.id, "status": status}
    with engine.begin() as conn:
        conn.execute(
            delete(lead_status_history).where(
                lead_status_history.c.lead_id == row.id, lead_status_history.c.id > last
            )
        )
        conn.execute(
            update(leads)
            .where(leads.c.id == row.id)
            .values(
                status_id=status["open"],
                status_since=row.status_since,
                statuses_held=row.statuses_held,
            )
        )
        conn.execute(delete(selection_shares))
        conn.execute(delete(selections).where(selections.c.slug == "board-test"))


def _funnel_qualified(page: Any) -> int:
    data = api(page, "/api/dashboards/lead-nurturing")
    funnel = next(t for t in data["tiles"] if t["key"] == "lead-qualification-funnel")
    return int(next(s["value"] for s in funnel["steps"] if s["key"] == "qualified"))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_drag_a_card_to_qualified(
    page: Any, server: Any, board_lead: dict[str, Any], lang: str
) -> None:
    engine = server.app.state.engine
    lead_id = board_lead["id"]
    before = _funnel_qualified(page)
    assert before == _qualified_ytd(engine)
    with engine.connect() as conn:
        label = conn.execute(
            select(lead_statuses.c.name_nl if lang == "nl" else lead_statuses.c.name_en).where(
                lead_statuses.c.key == "qualified"
            )
        ).scalar_one()
    page.goto(f"/selections/board-test/board?lang={lang}")
    qualified = page.locator(".board-column[data-status='qualified']")
    assert qualified.locator("h2").inner_text().startswith(label)
    card = page.locator(f".board-card[data-lead-id='{lead_id}']")
    assert card.locator("xpath=ancestor::section").get_attribute("data-status") == "open"
    with page.expect_response(lambda r: r.url.endswith("/board/move") or "/board/move?" in r.url):
        card.drag_to(qualified.locator(".board-cards"), source_position={"x": 4, "y": 4})
    page.wait_for_selector(
        f".board-column[data-status='qualified'] .board-card[data-lead-id='{lead_id}']"
    )
    page.reload()
    assert qualified.locator(f".board-card[data-lead-id='{lead_id}']").count() == 1
    with engine.connect() as conn:
        now_status = conn.execute(
            select(leads.c.status_id).where(leads.c.id == lead_id)
        ).scalar_one()
        history = conn.execute(
            select(func.count())
            .select_from(lead_status_history)
            .where(
                lead_status_history.c.lead_id == lead_id,
                lead_status_history.c.to_status_id == board_lead["status"]["qualified"],
            )
        ).scalar_one()
    assert now_status == board_lead["status"]["qualified"]
    assert history == 1
    after = _funnel_qualified(page)
    assert after == before + 1
    assert after == _qualified_ytd(engine)
