"""Pages of a dashboard a user made (issue 11): its owner opens it with every tile, drill-down
and export; anyone else gets 404 until it is shared; pinned, it is a tab for its audience."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, delete, update
from starlette.testclient import TestClient

from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import Audience, create_dashboard, delete_dashboard, set_audience
from leadboard.db.schema import associates, dashboard_favourites, dashboard_visits, sessions
from tests.web.conftest import csrf_of, log_in, make_user

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC).replace(tzinfo=None)
SLUG = "anns-board"


@pytest.fixture
def board(pages_app: FastAPI) -> Iterator[dict[str, int]]:
    """Ann's own dashboard: the marketing dashboard's first three tiles, named in both
    languages; Bob is another user (rights: their group). Both and the dashboard are gone
    after the test."""
    engine: Engine = pages_app.state.engine
    ann = make_user(engine, "ann.board@example.com")
    bob = make_user(engine, "bob.board@example.com")
    marketing = builtin_dashboards()["marketing"].model_dump(mode="json", exclude_defaults=True)
    definition = Dashboard.model_validate(
        {
            **marketing,
            "slug": SLUG,
            "name": {"en": "Ann's <board>", "nl": "Bord van Ann"},
            "tiles": marketing["tiles"][:3],
        }
    )
    with engine.begin() as conn:  # a dashboard admin: all rights, so her tiles have rows
        conn.execute(
            update(associates).where(associates.c.id == ann).values(role="dashboard-admin")
        )
        create_dashboard(conn, definition, ann, NOW)
    yield {"ann": ann, "bob": bob}
    with engine.begin() as conn:
        delete_dashboard(conn, SLUG, None)
        for table in (dashboard_favourites, dashboard_visits, sessions):
            conn.execute(delete(table).where(table.c.associate_id.in_([ann, bob])))
        conn.execute(delete(associates).where(associates.c.id.in_([ann, bob])))


def _as(client: TestClient, email: str) -> TestClient:
    client.cookies.clear()
    log_in(client, email)
    return client


def _tile_urls(client: TestClient) -> list[str]:
    page = client.get(f"/dashboards/{SLUG}")
    assert page.status_code == 200, page.text
    data = client.get(f"/dashboards/{SLUG}.json").json()["data"]["tiles"]
    keys = [tile["key"] for tile in data]
    assert len(keys) == 3
    # the records behind each tile's first row (a tile without rows: all of its records)
    first = {tile["key"]: (tile.get("rows") or [{}])[0].get("key") for tile in data}
    return [
        f"/dashboards/{SLUG}/tiles",
        f"/dashboards/{SLUG}.json",
        *(f"/dashboards/{SLUG}/tiles/{key}.csv" for key in keys),
        *(f"/dashboards/{SLUG}/tiles/{key}/figures" for key in keys),
        *(f"/dashboards/{SLUG}/tiles/{key}/records" for key in keys),
        *(
            f"/dashboards/{SLUG}/tiles/{key}/records.csv" + (f"?key={row}" if row else "")
            for key, row in first.items()
        ),
    ]


def test_the_owner_opens_it_others_get_404(anonymous: TestClient, board: dict[str, int]) -> None:
    ann = _as(anonymous, "ann.board@example.com")
    urls = _tile_urls(ann)
    page = ann.get(f"/dashboards/{SLUG}")
    assert "Ann&#39;s &lt;board&gt;" in page.text  # escaped, and the open one is a tab
    assert f'data-slug="{SLUG}"' in page.text
    for url in urls:
        assert ann.get(url).status_code == 200, url
    assert ann.get(f"/dashboards/{SLUG}?lang=nl").text.count("Bord van Ann") >= 1

    bob = _as(anonymous, "bob.board@example.com")
    for url in [f"/dashboards/{SLUG}", *urls]:
        assert bob.get(url).status_code == 404, url
    marketing = bob.get("/dashboards/marketing")
    assert marketing.status_code == 200
    assert f'data-slug="{SLUG}"' not in marketing.text


def test_pinned_for_everyone_it_is_everyones_tab(
    pages_app: FastAPI,
    anonymous: TestClient,
    board: dict[str, int],
) -> None:
    engine: Engine = pages_app.state.engine
    with engine.begin() as conn:
        set_audience(conn, SLUG, "pinned", Audience(everyone=True), None, NOW)
    bob = _as(anonymous, "bob.board@example.com")
    marketing = bob.get("/dashboards/marketing")
    assert f'data-slug="{SLUG}"' in marketing.text
    assert bob.get(f"/dashboards/{SLUG}").status_code == 200
    listed = bob.get("/dashboards/marketing.json").json()["tabs"]
    assert [tab["slug"] for tab in listed][:4] == ["marketing", "lead-nurturing", "sales", SLUG]
    # the star works for a stored dashboard too
    token = csrf_of(bob.get(f"/dashboards/{SLUG}").text)
    starred = bob.post(f"/dashboards/{SLUG}/favourite", data={"csrf_token": token})
    assert starred.status_code == 303
    assert bob.get("/dashboards/marketing.json").json()["favourites"] == [SLUG]
