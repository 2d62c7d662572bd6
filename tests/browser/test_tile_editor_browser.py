"""The tile editor and the grid in Chromium (issue 11 acceptance): on a new dashboard (made
through POST /api/dashboards) add a library tile and a tile built with the criteria editor (new
leads this quarter from country NL per campaign, as a bar chart) whose figures equal the API's
and a count in SQL here; move and resize a tile, save, reload: same place; at 390 px the editor
is usable; the editor in both languages."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from leadboard.dashboards.stored import delete_dashboard, find_stored
from leadboard.db.schema import companies, leads
from tests.browser.conftest import TODAY, Console, new_page
from tests.browser.support import api, tiles, wait_ready

AMS = ZoneInfo("Europe/Amsterdam")
SLUG = "browser-editor"


def csrf(page: Any) -> str:
    headers = json.loads(page.get_attribute("body", "hx-headers") or "{}")
    return str(headers["X-CSRF-Token"])


@pytest.fixture
def board(page: Any, server: Any) -> Iterator[str]:
    """A new, empty dashboard of the admin's, made through the REST API with the session."""
    page.goto("/leads")
    made = page.request.post(
        "/api/dashboards",
        data=json.dumps(
            {"slug": SLUG, "name": {"en": "Editor test", "nl": "Editortest"}, "tiles": []}
        ),
        headers={"Content-Type": "application/json", "X-CSRF-Token": csrf(page)},
    )
    assert made.status == 201, made.text()
    yield SLUG
    with server.app.state.engine.begin() as conn:
        delete_dashboard(conn, SLUG, None)


def nl_this_quarter(engine: Engine) -> dict[str, int]:
    """Independently: leads created from 1 October 2026 (Amsterdam) to the end of the clock's
    day whose own country, else their company's, is NL, per campaign (the key; none: not set)."""
    start = datetime(2026, 10, 1, tzinfo=AMS)
    with engine.connect() as conn:
        country_of = {
            r.id: r.country for r in conn.execute(select(companies.c.id, companies.c.country))
        }
        rows = conn.execute(
            select(leads.c.created_at, leads.c.country, leads.c.company_id, leads.c.lc_campaign)
        ).all()
    counts: dict[str, int] = {}
    for row in rows:
        moment = row.created_at.replace(tzinfo=UTC)
        country = row.country or country_of.get(row.company_id)
        if country == "NL" and start <= moment and moment.astimezone(AMS).date() <= TODAY:
            key = row.lc_campaign or "__not_set__"
            counts[key] = counts.get(key, 0) + 1
    return counts


def save_and_back(page: Any, slug: str) -> None:
    page.click("[data-testid=save-tile]")
    page.wait_for_url(f"**/dashboards/{slug}")
    wait_ready(page)


def build_nl_tile(page: Any, slug: str) -> None:
    """The editor from an empty leads tile: the criteria line country is one of NL, the period,
    then the layout tab: a bar chart per campaign."""
    page.goto(f"/dashboards/{slug}/tiles/new")
    page.click("[data-testid=library-empty] a[data-entity=leads]")
    page.wait_for_selector("#tile-form")
    page.select_option("#tf-date_field", "created_at")
    page.fill("#tf-period", "this-quarter")
    page.click("#criteria-c [data-testid=add-or]")  # no line yet: "+ line"
    page.wait_for_selector("select[name=c-0-0-field]")
    with page.expect_navigation():
        page.select_option("select[name=c-0-0-field]", "country")  # redraws the line
    assert page.locator("[data-testid=criteria-line]").get_attribute("data-active") == "false"
    assert page.locator("[data-testid=inactive]").count() == 1  # no value yet: inactive
    page.select_option("select[name=c-0-0-op]", "in")
    page.select_option("select[name=c-0-0-value]", ["NL"])
    page.click("#tab-layout")
    page.fill("#tf-name_en", "New NL leads per campaign")
    page.fill("#tf-name_nl", "Nieuwe NL-leads per campagne")
    page.select_option("#tf-chart", "bar")
    page.select_option("#tf-group_by", "campaign")
    # the live preview draws the tile as it will be
    page.wait_for_function(
        "() => { const t = document.querySelector('#tiles [data-tile-key]');"
        " return t && t.dataset.chart === 'bar' && t.dataset.state === 'ready'; }"
    )
    save_and_back(page, slug)


def test_library_tile_and_criteria_tile_equal_the_api_and_sql(
    page: Any, server: Any, board: str
) -> None:
    page.goto(f"/dashboards/{board}/tiles/new")
    page.click("a[data-tile=new-leads-by-channel-ytd]")
    page.wait_for_selector("#tile-form")
    save_and_back(page, board)
    build_nl_tile(page, board)
    shown = tiles(page)
    assert list(shown) == ["new-leads-per-channel-ytd", "new-nl-leads-per-campaign"]
    computed = {t["key"]: t for t in api(page, f"/api/dashboards/{board}")["tiles"]}
    for key, tile in shown.items():
        assert tile["rows"] == computed[key]["rows"], key
        assert tile["state"] == "ready", key
    expected = nl_this_quarter(server.app.state.engine)
    assert sum(expected.values()) > 0
    rows = shown["new-nl-leads-per-campaign"]["rows"]
    assert {row["key"]: row["value"] for row in rows} == expected
    assert shown["new-nl-leads-per-campaign"]["chart"] == "bar"


# Where gridstack has each tile (its node: gridstack leaves out attributes at their defaults).
GRID = """() => [...document.querySelectorAll('.grid-stack-item')].map(el => ({
  key: el.getAttribute('gs-id'), x: el.gridstackNode.x, y: el.gridstackNode.y,
  w: el.gridstackNode.w, h: el.gridstackNode.h}))"""


def test_move_and_resize_then_reload_in_the_same_place(page: Any, server: Any, board: str) -> None:
    for tile in ("new-leads-by-channel-ytd", "new-leads-from-chats-ytd"):
        page.goto(f"/dashboards/{board}/tiles/new?source=marketing&tile={tile}")
        save_and_back(page, board)
    page.click("[data-testid=edit-layout]")
    page.wait_for_selector("[data-testid=save-layout]:visible")
    first = page.locator(".grid-stack-item").nth(0)
    second = page.locator(".grid-stack-item").nth(1)
    # drag the second tile (by its title) to the start of the second row
    box = first.bounding_box()
    handle = second.locator(".tile-title").bounding_box()
    page.mouse.move(handle["x"] + 10, handle["y"] + 5)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] + 60, steps=12)
    page.mouse.up()
    # resize the first tile by its corner to two columns wide
    first.hover()
    corner = first.locator(".ui-resizable-se").bounding_box()
    page.mouse.move(corner["x"] + corner["width"] / 2, corner["y"] + corner["height"] / 2)
    page.mouse.down()
    page.mouse.move(corner["x"] + box["width"] * 0.9, corner["y"] + 5, steps=12)
    page.mouse.up()
    before = {item["key"]: item for item in page.evaluate(GRID)}
    assert before["new-leads-per-channel-ytd"]["w"] == 2
    moved = before["new-leads-from-chats-ytd"]
    assert moved["x"] == 0, "dragged to the first column"
    assert moved["y"] >= 1, "dragged below the first row"
    page.click("[data-testid=save-layout]")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=layout-status]').textContent.trim() !== ''"
    )
    page.reload()
    wait_ready(page)
    after = {item["key"]: item for item in page.evaluate(GRID)}
    assert after == before
    with server.app.state.engine.connect() as conn:
        stored = {t.key: t for t in find_stored(conn, board).definition.tiles}
    for key, place in before.items():
        saved = stored[key]
        assert (saved.x, saved.y, saved.width, saved.height) == (
            place["x"],
            place["y"],
            place["w"],
            place["h"],
        )


def test_the_editor_at_390_px_and_in_dutch(
    browser: Any, server: Any, signed_in: dict[str, Any], board: str
) -> None:
    console = Console()
    context, phone = new_page(
        browser, server, signed_in, console, viewport={"width": 390, "height": 844}
    )
    try:
        phone.goto(f"/dashboards/{board}/tiles/new?entity=leads&lang=nl")
        phone.wait_for_selector("#tiles [data-tile-key]")
        assert phone.locator("[data-testid=save-tile]").inner_text() == "Tegel opslaan"
        assert phone.locator("#tab-dataset").inner_text() == "Gegevens"
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide"
        phone.click("#criteria-c [data-testid=add-or]")
        phone.wait_for_selector("select[name=c-0-0-field]")
        with phone.expect_navigation():
            phone.select_option("select[name=c-0-0-field]", "email")
        phone.fill("input[name=c-0-0-value]", "example")
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
        phone.click("#tab-layout")
        phone.fill("#tf-name_en", "Example leads")
        phone.fill("#tf-name_nl", "Voorbeeldleads")
        phone.locator("[data-testid=save-tile]").scroll_into_view_if_needed()
        phone.click("[data-testid=save-tile]")
        phone.wait_for_url(f"**/dashboards/{board}?lang=nl")
        assert phone.locator("[data-tile-key=example-leads]").count() == 1
        english = phone.goto(f"/dashboards/{board}/tiles/example-leads/edit?lang=en")
        assert english.status == 200
        assert phone.locator("#tab-layout").inner_text() == "Layout"
    finally:
        context.close()
    assert console.errors == [], console.errors
