"""Markup in chart labels and tooltips stays text (issue 11 security acceptance), in Chromium: a
bar chart whose only bar is a campaign named with markup, on a dashboard and tile named with
markup; hovering the bar shows the tooltip with the text, and no element is injected, no script
runs, no dialog opens."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select, update

from leadboard.cli.demo import DEMO_ADMIN
from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.stored import create_dashboard, delete_dashboard
from leadboard.db.schema import associates, dashboard_visits, leads
from tests.browser.conftest import Server
from tests.browser.support import ITEM_POINT, open_dashboard, tiles

pytestmark = pytest.mark.browser

SLUG = "browser-xss"
CAMPAIGN = '"><img src=x onerror="window.__xss=1"><svg onload="window.__xss=2">'
TILE_NAME = "<script>window.__xss=3</script> per campaign"
INJECTED = """() => ({
  xss: window.__xss ?? null,
  img: document.querySelectorAll('img[src="x"], img[onerror]').length,
  svg: document.querySelectorAll('svg[onload]').length,
  script: [...document.scripts].filter(s => s.textContent.includes('__xss')).length,
})"""


@pytest.fixture
def marked(server: Server) -> Iterator[int]:
    """One lead's campaign set to markup (restored afterwards) and a dashboard counting leads
    of that campaign per campaign, as a bar chart."""
    engine: Engine = server.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        lead = conn.execute(select(leads.c.id, leads.c.lc_campaign).order_by(leads.c.id)).first()
        assert lead is not None
        conn.execute(update(leads).where(leads.c.id == lead.id).values(lc_campaign=CAMPAIGN))
        admin_id = conn.execute(
            select(associates.c.id).where(associates.c.email == DEMO_ADMIN)
        ).scalar_one()
        board = Dashboard.model_validate(
            {
                "slug": SLUG,
                "name": {"en": "<img src=x onerror=window.__xss=4> board", "nl": "bord"},
                "tiles": [
                    {
                        "key": "per-campaign",
                        "name": {"en": TILE_NAME, "nl": TILE_NAME},
                        "chart": "bar",
                        "entity": "leads",
                        "group_by": "campaign",
                        "criteria": [[{"field": "campaign", "op": "equals", "value": CAMPAIGN}]],
                    }
                ],
            }
        )
        create_dashboard(conn, board, admin_id, datetime(2026, 11, 27, tzinfo=UTC))
    yield lead.id
    with engine.begin() as conn:
        conn.execute(
            update(leads).where(leads.c.id == lead.id).values(lc_campaign=lead.lc_campaign)
        )
        delete_dashboard(conn, SLUG, None)
        conn.execute(delete(dashboard_visits).where(dashboard_visits.c.slug == SLUG))


def test_a_bar_labelled_with_markup_shows_it_as_text(page: Any, marked: int) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    open_dashboard(page, f"/dashboards/{SLUG}")
    shown = tiles(page)["per-campaign"]
    assert shown["state"] == "ready"
    assert shown["name"] == TILE_NAME  # the title is the text itself
    assert len(shown["rows"]) == 1  # the one lead of that campaign
    assert shown["rows"][0]["value"] == 1
    label = shown["rows"][0]["label"]
    assert "<img" in label  # the label holds the markup, as text

    point = page.evaluate(ITEM_POINT, ["per-campaign", 0])
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("[data-tile-key=per-campaign] .chart > div").filter(has_text="<img")
    tooltip.first.wait_for(state="visible")
    assert label in tooltip.first.inner_text()
    assert page.evaluate(INJECTED) == {"xss": None, "img": 0, "svg": 0, "script": 0}
    assert dialogs == []
