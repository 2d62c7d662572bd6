"""Fresh figures (issue 12): GET /dashboards/{slug}/versions gives each tile's data version, 304
while nothing changed, a new version for exactly the tiles a write can change; the tiles
fragment with `only=` computes just those tiles; the versions cover every table a tile's
queries read (planned with every quick filter and rights scope), so no tile can go stale."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, insert, select
from starlette.testclient import TestClient

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.freshness import tile_groups
from leadboard.dashboards.service import FilterInput, open_executor
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.db.schema import associates, chat_sessions, data_versions, leads, sales
from leadboard.semantic.catalog import ENTITIES
from leadboard.semantic.executors.cached import groups_read
from leadboard.semantic.plan import plan
from leadboard.semantic.spec import ALL, Scope, Tile
from leadboard.settings import Settings
from tests.web.conftest import TODAY

NOW = datetime(2026, 11, 27, 11, tzinfo=UTC).replace(tzinfo=None)


def _versions(client: TestClient, slug: str, etag: str | None = None) -> Any:
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"/dashboards/{slug}/versions", headers=headers)


def test_versions_answer_304_until_a_write_moves_the_tiles_it_can_change(
    client: TestClient, pages_app: Any
) -> None:
    first = _versions(client, "sales")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-cache"
    tiles = first.json()["tiles"]
    assert list(tiles) == [t.key for t in builtin_dashboards()["sales"].tiles]
    etag = first.headers["etag"]
    assert _versions(client, "sales", etag).status_code == 304

    engine = pages_app.state.engine
    with engine.begin() as conn:
        chat = conn.execute(
            insert(chat_sessions).values(started_at=NOW).returning(chat_sessions.c.id)
        ).scalar_one()
    sale = -1
    try:
        # a chat changes no tile of the sales dashboard (no tile there reads chats)
        assert _versions(client, "sales", etag).status_code == 304
        with engine.begin() as conn:
            sale = conn.execute(
                insert(sales)
                .values(
                    title="Fresh",
                    amount_cents=100,
                    currency="EUR",
                    status="open",
                    sale_date=NOW,
                    created_at=NOW,
                )
                .returning(sales.c.id)
            ).scalar_one()
        moved = _versions(client, "sales", etag)
        assert moved.status_code == 200
        assert moved.headers["etag"] != etag
        after = moved.json()["tiles"]
        sales_tiles = {t.key for t in builtin_dashboards()["sales"].tiles if t.entity == "sales"}
        changed = {key for key in tiles if tiles[key] != after[key]}
        assert sales_tiles <= changed  # every tile that reads sales has a new version
        lead_tiles_reading_sales = {
            t.key
            for t in builtin_dashboards()["sales"].tiles
            if t.entity == "leads" and "sales" in tile_groups(t)
        }
        assert changed == sales_tiles | lead_tiles_reading_sales
    finally:
        with engine.begin() as conn:
            conn.execute(delete(chat_sessions).where(chat_sessions.c.id == chat))
            conn.execute(delete(sales).where(sales.c.id == sale))


def test_versions_need_a_session_and_the_right_to_see_the_dashboard(
    pages_app: Any, client: TestClient
) -> None:
    with TestClient(pages_app) as anonymous:
        answer = anonymous.get("/dashboards/sales/versions", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")
    assert client.get("/dashboards/no-such-dashboard/versions").status_code == 404


def test_only_computes_the_tiles_asked_for(client: TestClient) -> None:
    every = client.get("/dashboards/marketing/tiles")
    keys = re.findall(r'<article[^>]*data-tile-key="([^"]+)"', every.text)
    assert len(keys) == len(builtin_dashboards()["marketing"].tiles)
    asked = [keys[3], keys[0]]
    some = client.get("/dashboards/marketing/tiles", params={"only": ",".join(asked)})
    assert some.status_code == 200
    assert re.findall(r'<article[^>]*data-tile-key="([^"]+)"', some.text) == [
        keys[0],
        keys[3],
    ]  # page order
    versions = client.get("/dashboards/marketing/versions").json()["tiles"]
    for key in asked:
        shown = re.search(rf'id="tile-{key}"[^>]*', some.text, re.S)
        assert shown is not None
        found = re.search(r'data-version="([^"]+)"', shown.group(0))
        assert found is not None
        assert found.group(1) == versions[key]
    # the same figures as in the whole fragment
    for key in asked:
        rows = re.compile(rf'id="tile-{key}".*?data-rows="([^"]*)"', re.S)
        whole, alone = rows.search(every.text), rows.search(some.text)
        assert whole is not None
        assert alone is not None
        assert whole.group(1) == alone.group(1)
    assert "tile-" not in client.get("/dashboards/marketing/tiles?only=nothing-here").text


def test_a_group_without_its_row_is_marked_untracked(client: TestClient, pages_app: Any) -> None:
    engine = pages_app.state.engine
    with engine.begin() as conn:
        row = conn.execute(data_versions.select().where(data_versions.c.name == "chats")).one()
        conn.execute(delete(data_versions).where(data_versions.c.name == "chats"))
    try:
        assert client.get("/dashboards/sales/versions").status_code == 200
    finally:
        with engine.begin() as conn:
            conn.execute(insert(data_versions).values(name=row.name, version=row.version))


# -- the versions cover what the queries read ----------------------------------------------------


def _tiles() -> list[Tile]:
    found = [tile for d in builtin_dashboards().values() for tile in d.tiles]
    for entity in ENTITIES:  # a tile over each entity, grouped by each of its offered fields
        for name, field in ENTITIES[entity].fields.items():
            if not field.offered or field.type == "date":
                continue
            spec = {
                "key": f"{entity}-{name}".replace("_", "-"),
                "name": {"en": name, "nl": name},
                "chart": "column",
                "entity": entity,
                "group_by": name,
            }
            try:
                found.append(Tile.model_validate(spec))
            except ValueError:
                continue  # not a grouping (an amount is a measure)
    return found


@pytest.mark.parametrize("every_filter", [False, True], ids=["no-filter", "every-filter"])
@pytest.mark.parametrize(
    "scope", [ALL, Scope(leads=(1,), sales=(1,), rights=("own", "own"))], ids=["all", "own"]
)
def test_the_groups_of_a_tile_cover_every_table_its_queries_read(
    pages_app: Any, every_filter: bool, scope: Scope
) -> None:
    filters = FilterInput()
    if every_filter:
        with pages_app.state.engine.connect() as conn:
            owner = conn.execute(select(associates.c.email).order_by(associates.c.id)).scalar()
        filters = FilterInput(country="NL", owner=owner, status="open", period="previous-year")
    settings = Settings(database_url=str(pages_app.state.engine.url), executor="base")
    clock = end_of_day_clock(TODAY, settings.tz)
    checked = 0
    with pages_app.state.engine.connect() as conn:
        executor, run = open_executor(conn, settings, clock, filters, current_user_id=1)
        for tile in _tiles():
            try:
                planned = plan(tile, run.filters, executor.ctx, scope=scope)
            except ValueError:
                continue  # a tile this filter does not apply to: nothing is read
            for query in planned.queries.values():
                read = groups_read(query) or ()
                assert set(read) <= set(tile_groups(tile)), (tile.key, read)
                checked += 1
    assert checked > 50


def test_a_submission_or_chat_moves_only_the_tiles_over_them(pages_app: Any) -> None:
    """The version of a leads tile ignores chats and form submissions; theirs does not."""
    engine = pages_app.state.engine
    from leadboard.dashboards.freshness import tile_versions

    chats_tile = Tile.model_validate(
        {"key": "c", "name": {"en": "c", "nl": "c"}, "chart": "number", "entity": "chats"}
    )
    lead_tile = builtin_dashboards()["marketing"].tiles[0]
    with engine.connect() as conn:
        before = tile_versions(conn, [chats_tile, lead_tile])
    with engine.begin() as conn:
        chat = conn.execute(
            insert(chat_sessions).values(started_at=NOW).returning(chat_sessions.c.id)
        ).scalar_one()
    with engine.connect() as conn:
        after = tile_versions(conn, [chats_tile, lead_tile])
    with engine.begin() as conn:
        conn.execute(delete(chat_sessions).where(chat_sessions.c.id == chat))
        lead = conn.execute(
            insert(leads)
            .values(
                status_id=1,
                status_since=NOW,
                statuses_held=1,
                created_at=NOW - timedelta(minutes=1),
                created_via="api",
            )
            .returning(leads.c.id)
        ).scalar_one()
    with engine.connect() as conn:
        later = tile_versions(conn, [chats_tile, lead_tile])
    with engine.begin() as conn:
        conn.execute(delete(leads).where(leads.c.id == lead))
    assert after["c"] != before["c"]
    assert after[lead_tile.key] == before[lead_tile.key]
    assert later[lead_tile.key] != after[lead_tile.key]
    assert later["c"] != after["c"]  # a chat shows its lead's country and owner
