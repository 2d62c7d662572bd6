"""The pages that find, make, change, duplicate, delete and share dashboards (issue 11 item 1):
every page and its JSON twin, with the rights of the REST API (owner; another user 403 when
they may open it, else 404; sharing needs the dashboard-admin role; admins as stored.py says),
CSRF on every POST, 422 naming the field, markup escaped, both languages. Expected values come
from the database (SQL in the test) or from Python over the inputs, never from the pages."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import Engine, delete, func, insert, select, update
from starlette.testclient import TestClient

from leadboard.cli.demo import DEMO_ADMIN
from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import (
    RESERVED_SLUGS,
    Audience,
    create_dashboard,
    free_slug,
    set_audience,
)
from leadboard.db.schema import (
    associate_groups,
    associates,
    dashboard_favourites,
    dashboard_shares,
    dashboard_visits,
    dashboards,
    sessions,
)
from leadboard.errors import Conflict
from tests.web.conftest import csrf_of, log_in, make_user

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC).replace(tzinfo=None)
ANN, BOB, DANA, CARL, ERIN = (
    f"{name}.dadmin@example.com" for name in ("ann", "bob", "dana", "carl", "erin")
)
TILE: dict[str, Any] = {"name": {"en": "Leads", "nl": "Leads"}, "chart": "number"}


@dataclass
class World:
    """Ann (user), Bob (user, group North), Dana (dashboard admin), Carl (user, group North),
    Erin (user, no group) and the demo admin; everything they made is gone after the test."""

    app: FastAPI
    client: TestClient
    ids: dict[str, int]
    north: int

    @property
    def engine(self) -> Engine:
        engine: Engine = self.app.state.engine
        return engine

    def as_(self, email: str) -> TestClient:
        self.client.cookies.clear()
        log_in(self.client, email)
        return self.client

    def board(self, slug: str, owner: str, **more: Any) -> None:
        definition = {
            "slug": slug,
            "name": {"en": f"Board {slug}", "nl": f"Bord {slug}"},
            "tiles": [],
        } | more
        with self.engine.begin() as conn:
            create_dashboard(conn, Dashboard.model_validate(definition), self.ids[owner], NOW)

    def share(self, slug: str, mode: str = "visible", **audience: Any) -> None:
        with self.engine.begin() as conn:
            set_audience(conn, slug, mode, Audience(**audience), None, NOW)  # type: ignore[arg-type]

    def row(self, slug: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(dashboards).where(dashboards.c.slug == slug)).first()

    def shares(self, slug: str) -> set[tuple[str, int | None, int | None]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(dashboard_shares)
                .join(dashboards, dashboards.c.id == dashboard_shares.c.dashboard_id)
                .where(dashboards.c.slug == slug)
            )
            return {(r.mode, r.group_id, r.associate_id) for r in rows}

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(dashboards)).scalar_one())


@pytest.fixture
def world(pages_app: FastAPI, anonymous: TestClient) -> Iterator[World]:
    engine: Engine = pages_app.state.engine
    ids = {email: make_user(engine, email) for email in (ANN, BOB, DANA, CARL, ERIN)}
    with engine.begin() as conn:
        north = int(
            conn.execute(
                insert(associate_groups)
                .values(name="North dadmin")
                .returning(associate_groups.c.id)
            ).scalar_one()
        )
        conn.execute(
            update(associates).where(associates.c.id == ids[DANA]).values(role="dashboard-admin")
        )
        conn.execute(
            update(associates)
            .where(associates.c.id.in_([ids[BOB], ids[CARL]]))
            .values(group_id=north)
        )
        admin = conn.execute(select(associates.c.id).where(associates.c.email == DEMO_ADMIN))
        ids[DEMO_ADMIN] = int(admin.scalar_one())
    before = {r.slug for r in _all_slugs(engine)}
    yield World(pages_app, anonymous, ids, north)
    people = [ids[e] for e in (ANN, BOB, DANA, CARL, ERIN)]
    with engine.begin() as conn:
        made = [r.id for r in _all_slugs(engine, conn) if r.slug not in before]
        conn.execute(delete(dashboard_shares).where(dashboard_shares.c.dashboard_id.in_(made)))
        conn.execute(delete(dashboards).where(dashboards.c.id.in_(made)))
        for table in (dashboard_favourites, dashboard_visits, sessions):
            conn.execute(delete(table).where(table.c.associate_id.in_(people)))
        conn.execute(delete(associates).where(associates.c.id.in_(people)))
        conn.execute(delete(associate_groups).where(associate_groups.c.id == north))
    anonymous.cookies.clear()


def _all_slugs(engine: Engine, conn: Any = None) -> list[Any]:
    if conn is not None:
        return list(conn.execute(select(dashboards.c.id, dashboards.c.slug)))
    with engine.connect() as fresh:
        return list(fresh.execute(select(dashboards.c.id, dashboards.c.slug)))


def _post(client: TestClient, path: str, data: dict[str, Any], page: str | None = None) -> Any:
    """A form POST with the CSRF token of `page` (the form's page; default `path`)."""
    token = csrf_of(client.get(page or path).text)
    return client.post(path, data={**data, "csrf_token": token})


def _error_fields(html: str) -> set[str]:
    return set(re.findall(r'data-testid="error-([a-z_]+)"', html))


def _slug_of(location: str) -> str:
    found = re.fullmatch(r"/dashboards/([a-z0-9-]+)(\?.*)?", location)
    assert found, location
    return found.group(1)


FORM = {
    "name_en": "Pipeline North",
    "name_nl": "",
    "description_en": "",
    "description_nl": "",
    "theme": "dark",
    "columns": "4",
}


# -- slugs ---------------------------------------------------------------------------------------


def test_no_page_route_word_can_become_a_slug(world: World) -> None:
    """Every literal word after /dashboards/ in the app's routes is reserved, and refused."""
    words = set()
    for route in iter_route_contexts(world.app.routes):
        parts = str(route.path).split("/")
        if len(parts) > 2 and parts[1] == "dashboards" and not parts[2].startswith("{"):
            words.add(parts[2].removesuffix(".json"))
    assert "new" in words
    assert words <= RESERVED_SLUGS, words - RESERVED_SLUGS
    with world.engine.begin() as conn:
        new = Dashboard.model_validate({"slug": "new", "name": {"en": "N", "nl": "N"}, "tiles": []})
        with pytest.raises(Conflict, match="address of a page"):
            create_dashboard(conn, new, world.ids[ANN], NOW)
        assert free_slug(conn, "New") == "new-2"
        assert free_slug(conn, "Sales") == "sales-2"  # a built-in's slug is taken
        assert free_slug(conn, "Verkoop Zuid-Oost & Ünïcode") == "verkoop-zuid-oost-unicode"
        assert free_slug(conn, "<>!") == "dashboard"


# -- new -----------------------------------------------------------------------------------------


def test_create_a_dashboard_from_the_form(world: World) -> None:
    ann = world.as_(ANN)
    page = ann.get("/dashboards/new")
    assert page.status_code == 200
    assert 'name="name_en"' in page.text
    assert ann.get("/dashboards/new.json").json()["form"]["columns"] == "3"
    before = world.count()

    refused = ann.post("/dashboards/new", data=FORM)  # no CSRF token
    assert refused.status_code == 403
    for wrong, field in [
        ({"name_en": "  "}, "name_en"),
        ({"columns": "0"}, "columns"),
        ({"columns": "13"}, "columns"),
        ({"columns": "three"}, "columns"),
        ({"theme": "purple"}, "theme"),
        ({"name_en": "x" * 201}, "name_en"),
        ({"description_nl": "a\x00b"}, "description_nl"),
    ]:
        answer = _post(ann, "/dashboards/new", FORM | wrong, "/dashboards/new")
        assert answer.status_code == 422, (wrong, answer.text)
        assert _error_fields(answer.text) == {field}, wrong
        # the form comes back with what was typed
        assert 'value="Pipeline North"' in answer.text or field == "name_en"
    assert world.count() == before

    made = _post(ann, "/dashboards/new", FORM, "/dashboards/new")
    assert made.status_code == 303
    slug = _slug_of(made.headers["location"])
    assert slug == "pipeline-north"
    row = world.row(slug)
    assert row.owner_id == world.ids[ANN]
    definition = row.definition
    assert definition["name"] == {"en": "Pipeline North", "nl": "Pipeline North"}  # nl from en
    assert (definition.get("columns"), definition.get("theme"), definition["tiles"]) == (
        4,
        "dark",
        [],
    )
    assert world.shares(slug) == set()  # the owner's only until shared
    opened = ann.get(made.headers["location"])
    assert opened.status_code == 200
    actions = ann.get(f"/dashboards/{slug}/actions")
    assert "Dashboard “Pipeline North” created." in actions.text  # the notice, once
    assert "created" not in ann.get(f"/dashboards/{slug}/actions").text

    again = _post(ann, "/dashboards/new", FORM, "/dashboards/new")
    assert _slug_of(again.headers["location"]) == "pipeline-north-2"
    new_word = _post(ann, "/dashboards/new", FORM | {"name_en": "New"}, "/dashboards/new")
    assert _slug_of(new_word.headers["location"]) == "new-2"

    erin = world.as_(ERIN)
    assert erin.get(f"/dashboards/{slug}").status_code == 404


# -- the list and its search ---------------------------------------------------------------------


def _expected(q: str, extra: dict[str, Dashboard]) -> set[str]:
    """Slugs whose names or descriptions in en or nl hold every word of q (lower-cased here)."""
    found = set()
    for slug, d in {**builtin_dashboards(), **extra}.items():
        texts = [
            d.name.en,
            d.name.nl,
            *([d.description.en, d.description.nl] if d.description else []),
        ]
        text = " ".join(texts).lower()
        if all(word in text for word in q.lower().split()):
            found.add(slug)
    return found


def test_the_list_finds_by_english_and_dutch_words(world: World) -> None:
    mine = {
        "slug": "pipe-dadmin",
        "name": {"en": "Pipeline North", "nl": "Pijplijn Noord"},
        "description": {"en": "Deals by week", "nl": "Kansen per week"},
        "tiles": [],
    }
    world.board(**mine, owner=ANN)  # type: ignore[arg-type]
    world.board("bobs-dadmin", BOB)
    extra = {"pipe-dadmin": Dashboard.model_validate(mine)}
    ann = world.as_(ANN)
    everything = ann.get("/dashboards.json").json()["dashboards"]
    slugs = [d["slug"] for d in everything]
    assert slugs[:3] == list(builtin_dashboards())
    assert "pipe-dadmin" in slugs
    assert "bobs-dadmin" not in slugs  # Bob's, not shared
    mine_listed = next(d for d in everything if d["slug"] == "pipe-dadmin")
    assert (mine_listed["mine"], mine_listed["shared"], mine_listed["builtin"]) == (
        True,
        False,
        False,
    )
    assert mine_listed["may"] == {
        "settings": True,
        "duplicate": True,
        "sharing": False,
        "owner": True,
        "delete": True,
    }
    for q in ("PIJPLIJN", "noord", "deals", "kansen WEEK", "lead", "verkoop", "zzz-nothing"):
        found = {
            d["slug"] for d in ann.get("/dashboards.json", params={"q": q}).json()["dashboards"]
        }
        own = {s for s in found if s not in builtin_dashboards()}
        assert found == _expected(q, extra) & (set(builtin_dashboards()) | own), q
        assert ("pipe-dadmin" in found) == bool(_expected(q, extra) & {"pipe-dadmin"}), q
    html = ann.get("/dashboards", params={"q": "pijplijn"}).text
    assert 'data-slug="pipe-dadmin"' in html
    assert "Pipeline North" in html
    dutch = ann.get("/dashboards", params={"q": "noord", "lang": "nl"}).text
    assert "Pijplijn Noord" in dutch
    assert "Alle dashboards" in dutch
    none = ann.get("/dashboards", params={"q": "<zzz>"}).text
    assert "&lt;zzz&gt;" in none
    assert "<zzz>" not in none
    # the nav bar and the tabs lead here
    dash = ann.get("/dashboards/marketing").text
    assert 'data-testid="tab-more"' in dash
    assert re.search(r'<nav class="mainnav".*?href="/dashboards"', dash, re.S)


def test_pinned_shared_and_favourite_marks(world: World) -> None:
    world.board("pinned-dadmin", DANA)
    world.share("pinned-dadmin", "pinned", group_ids=frozenset({world.north}))
    bob = world.as_(BOB)
    token = csrf_of(bob.get("/dashboards/pinned-dadmin").text)
    bob.post("/dashboards/pinned-dadmin/favourite", data={"csrf_token": token})
    listed = {d["slug"]: d for d in bob.get("/dashboards.json").json()["dashboards"]}
    entry = listed["pinned-dadmin"]
    assert (entry["pinned"], entry["shared"], entry["favourite"], entry["mine"]) == (
        True,
        True,
        True,
        False,
    )
    assert entry["owner"] == "Dana.Dadmin"
    assert entry["may"]["settings"] is False
    html = bob.get("/dashboards").text
    block = html.split('data-slug="pinned-dadmin"')[1].split("</li>")[0]
    assert 'data-testid="mark-pinned"' in block
    assert "★" in block


# -- settings ------------------------------------------------------------------------------------


def _cells(tile: dict[str, Any]) -> set[tuple[int, int]]:
    x, y, w, h = tile.get("x"), tile.get("y"), tile.get("width", 1), tile.get("height", 1)
    if x is None or y is None:
        return set()
    return {(c, r) for c in range(x, x + w) for r in range(y, y + h)}


def test_settings_change_columns_and_reflow_the_tiles(world: World) -> None:
    tiles = [
        TILE | {"key": "a", "entity": "leads", "x": 0, "y": 0, "width": 2},
        TILE | {"key": "b", "entity": "leads", "x": 2, "y": 0},
        TILE | {"key": "c", "entity": "sales", "x": 0, "y": 1, "width": 3},
        TILE | {"key": "d", "entity": "leads"},  # no place: it flows
    ]
    world.board("grid-dadmin", ANN, tiles=tiles, columns=3)
    ann = world.as_(ANN)
    page = ann.get("/dashboards/grid-dadmin/settings")
    assert page.status_code == 200
    twin = ann.get("/dashboards/grid-dadmin/settings.json").json()
    assert twin["form"]["columns"] == "3"
    assert twin["owner"]["email"] == ANN

    form = {
        "name_en": "Grid <b>",
        "name_nl": "Rooster",
        "description_en": "",
        "description_nl": "Alleen Nederlands",
        "theme": "light",
        "columns": "1",
    }
    refused = _post(ann, "/dashboards/grid-dadmin/settings", form | {"columns": "13"})
    assert (refused.status_code, _error_fields(refused.text)) == (422, {"columns"})
    assert world.row("grid-dadmin").definition.get("columns", 3) == 3
    saved = _post(ann, "/dashboards/grid-dadmin/settings", form)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/dashboards/grid-dadmin"
    definition = world.row("grid-dadmin").definition
    assert definition["columns"] == 1
    assert definition["name"] == {"en": "Grid <b>", "nl": "Rooster"}
    assert definition["description"] == {"en": "Alleen Nederlands", "nl": "Alleen Nederlands"}
    stored = definition["tiles"]
    assert [t["key"] for t in stored] == ["a", "b", "c", "d"]  # none dropped
    covered: set[tuple[int, int]] = set()
    for tile in stored:
        cells = _cells(tile)
        assert all(col == 0 for col, _ in cells), tile
        assert not cells & covered, tile
        covered |= cells
    assert stored[3].get("x") is None
    assert stored[3].get("y") is None
    assert "Grid &lt;b&gt;" in ann.get("/dashboards/grid-dadmin").text

    # another user: 404 while unshared, 403 once they may open it; the admin is not the owner
    erin = world.as_(ERIN)
    assert erin.get("/dashboards/grid-dadmin/settings").status_code == 404
    assert erin.get("/dashboards/grid-dadmin/settings.json").status_code == 404
    world.share("grid-dadmin", everyone=True)
    erin = world.as_(ERIN)
    assert erin.get("/dashboards/grid-dadmin/settings").status_code == 403
    token = csrf_of(erin.get("/dashboards/grid-dadmin").text)
    posted = erin.post(
        "/dashboards/grid-dadmin/settings", data=form | {"csrf_token": token, "columns": "5"}
    )
    assert posted.status_code == 403
    assert world.row("grid-dadmin").definition["columns"] == 1
    admin = world.as_(DEMO_ADMIN)
    assert admin.get("/dashboards/grid-dadmin/settings").status_code == 403
    assert admin.get("/dashboards/marketing/settings").status_code == 403  # built-in: read-only
    assert world.client.get("/dashboards/sales/settings.json").status_code == 403
    world.client.cookies.clear()
    assert world.client.get("/dashboards/grid-dadmin/settings.json").status_code == 401
    assert world.client.get("/dashboards/grid-dadmin/settings").status_code == 303  # to log in


def test_the_rest_put_reflows_too(world: World) -> None:
    """PUT /api/dashboards/{slug} goes through stored.replace: fewer columns, tiles kept apart."""
    world.board(
        "api-dadmin",
        ANN,
        columns=3,
        tiles=[
            TILE | {"key": "a", "entity": "leads", "x": 0, "y": 0},
            TILE | {"key": "b", "entity": "leads", "x": 2, "y": 0},
        ],
    )
    ann = world.as_(ANN)
    token = csrf_of(ann.get("/dashboards/api-dadmin").text)
    definition = world.row("api-dadmin").definition | {"columns": 2}
    answer = ann.put("/api/dashboards/api-dadmin", json=definition, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200, answer.text
    stored = world.row("api-dadmin").definition["tiles"]
    assert [(t["x"], t["y"]) for t in stored] == [(0, 0), (1, 0)]  # b moved in from column 2


# -- duplicate -----------------------------------------------------------------------------------


def test_duplicate_built_in_and_stored(world: World) -> None:
    ann = world.as_(ANN)
    refused = ann.post("/dashboards/marketing/duplicate")
    assert refused.status_code == 403
    copy = _post(ann, "/dashboards/marketing/duplicate", {}, "/dashboards/marketing")
    assert copy.status_code == 303
    slug = _slug_of(copy.headers["location"])
    number = int(slug.removeprefix("marketing-"))
    row = world.row(slug)
    marketing = builtin_dashboards()["marketing"]
    assert row.owner_id == world.ids[ANN]
    assert row.definition["name"] == {
        "en": f"{marketing.name.en} {number}",
        "nl": f"{marketing.name.nl} {number}",
    }
    assert [t["key"] for t in row.definition["tiles"]] == [t.key for t in marketing.tiles]
    assert world.shares(slug) == set()
    assert "not shared" in ann.get(f"/dashboards/{slug}/actions").text

    world.board("bobs-dadmin", BOB)
    assert (
        _post(ann, "/dashboards/bobs-dadmin/duplicate", {}, "/dashboards/marketing").status_code
        == 404
    )
    world.share("bobs-dadmin", user_ids=frozenset({world.ids[ANN]}))
    mine = _post(ann, "/dashboards/bobs-dadmin/duplicate", {}, "/dashboards/marketing")
    assert mine.headers["location"] == "/dashboards/bobs-dadmin-2"
    assert world.row("bobs-dadmin-2").owner_id == world.ids[ANN]
    assert world.row("bobs-dadmin-2").definition["name"]["nl"] == "Bord bobs-dadmin 2"


# -- delete --------------------------------------------------------------------------------------


def test_delete_is_confirmed_and_the_owners(world: World) -> None:
    world.board("gone-dadmin", ANN, name={"en": "Gone <i>soon</i>", "nl": "Weg"})
    erin = world.as_(ERIN)
    assert erin.get("/dashboards/gone-dadmin/delete").status_code == 404
    world.share("gone-dadmin", everyone=True)
    for email in (ERIN, DEMO_ADMIN):  # may open it, not delete it (stored.py: the owner only)
        other = world.as_(email)
        assert other.get("/dashboards/gone-dadmin/delete").status_code == 403
        token = csrf_of(other.get("/dashboards/gone-dadmin").text)
        assert (
            other.post("/dashboards/gone-dadmin/delete", data={"csrf_token": token}).status_code
            == 403
        )
    assert world.row("gone-dadmin") is not None

    ann = world.as_(ANN)
    confirm = ann.get("/dashboards/gone-dadmin/delete")
    assert confirm.status_code == 200
    assert "Gone &lt;i&gt;soon&lt;/i&gt;" in confirm.text
    assert "<i>soon" not in confirm.text
    assert (
        ann.get("/dashboards/gone-dadmin/delete.json").json()["dashboard"]["name"]
        == "Gone <i>soon</i>"
    )
    assert "Weg" in ann.get("/dashboards/gone-dadmin/delete?lang=nl").text
    assert ann.post("/dashboards/gone-dadmin/delete", data={}).status_code == 403
    assert world.row("gone-dadmin") is not None
    done = _post(ann, "/dashboards/gone-dadmin/delete", {})
    assert (done.status_code, done.headers["location"]) == (303, "/dashboards")
    assert world.row("gone-dadmin") is None
    assert world.shares("gone-dadmin") == set()
    listed = ann.get("/dashboards").text
    assert "Dashboard “Gone &lt;i&gt;soon&lt;/i&gt;” deleted." in listed
    assert ann.get("/dashboards/gone-dadmin").status_code == 404
    assert ann.get("/dashboards/marketing/delete").status_code == 403


# -- sharing and the owner -----------------------------------------------------------------------


def test_sharing_needs_the_dashboard_admin_role(world: World) -> None:
    world.board("anns-dadmin", ANN)
    ann = world.as_(ANN)
    assert ann.get("/dashboards/anns-dadmin/sharing").status_code == 403
    assert ann.get("/dashboards/anns-dadmin/sharing.json").status_code == 403
    assert 'data-testid="action-sharing"' not in ann.get("/dashboards/anns-dadmin/actions").text
    token = csrf_of(ann.get("/dashboards/anns-dadmin").text)
    posted = ann.post(
        "/dashboards/anns-dadmin/sharing", data={"csrf_token": token, "visible_everyone": "yes"}
    )
    assert posted.status_code == 403
    assert world.shares("anns-dadmin") == set()
    # Dana is a dashboard admin, but it is not hers; the admin may share anyone's
    world.share("anns-dadmin", everyone=True)
    dana = world.as_(DANA)
    assert dana.get("/dashboards/anns-dadmin/sharing").status_code == 403
    admin = world.as_(DEMO_ADMIN)
    assert admin.get("/dashboards/anns-dadmin/sharing").status_code == 200
    assert admin.get("/dashboards/marketing/sharing").status_code == 403


def test_share_with_a_group_and_pin_to_a_user(world: World) -> None:
    world.board("danas-dadmin", DANA, name={"en": "Dana's <board>", "nl": "Dana's bord"})
    dana = world.as_(DANA)
    page = dana.get("/dashboards/danas-dadmin/sharing")
    assert page.status_code == 200
    assert "Dana&#39;s &lt;board&gt;" in page.text
    assert "Zichtbaar voor" in dana.get("/dashboards/danas-dadmin/sharing?lang=nl").text
    assert 'data-testid="action-sharing"' in dana.get("/dashboards/danas-dadmin/actions").text

    assert (
        dana.post(
            "/dashboards/danas-dadmin/sharing", data={"visible_groups": str(world.north)}
        ).status_code
        == 403
    )
    wrong = _post(dana, "/dashboards/danas-dadmin/sharing", {"visible_groups": ["999999"]})
    assert (wrong.status_code, _error_fields(wrong.text)) == (422, {"visible_groups"})
    wrong = _post(dana, "/dashboards/danas-dadmin/sharing", {"pinned_users": ["x"]})
    assert (wrong.status_code, _error_fields(wrong.text)) == (422, {"pinned_users"})
    assert world.shares("danas-dadmin") == set()

    saved = _post(
        dana,
        "/dashboards/danas-dadmin/sharing",
        {"visible_groups": [str(world.north)], "pinned_users": [str(world.ids[ERIN])]},
    )
    assert (saved.status_code, saved.headers["location"]) == (
        303,
        "/dashboards/danas-dadmin/sharing",
    )
    assert world.shares("danas-dadmin") == {
        ("visible", world.north, None),
        ("pinned", None, world.ids[ERIN]),
    }
    twin = dana.get("/dashboards/danas-dadmin/sharing.json").json()
    assert twin["visible"] == {"everyone": False, "groups": [world.north], "users": []}
    assert twin["pinned"] == {"everyone": False, "groups": [], "users": [world.ids[ERIN]]}
    assert "is saved." in dana.get(saved.headers["location"]).text  # the notice

    carl = world.as_(CARL)  # in the group
    assert carl.get("/dashboards/danas-dadmin").status_code == 200
    erin = world.as_(ERIN)  # pinned: a tab, and she may open it
    assert 'data-slug="danas-dadmin"' in erin.get("/dashboards/marketing").text
    world.share("danas-dadmin", "pinned")  # unpinned again: Erin is outside the group
    assert world.as_(ERIN).get("/dashboards/danas-dadmin").status_code == 404

    everyone = _post(
        dana := world.as_(DANA), "/dashboards/danas-dadmin/sharing", {"visible_everyone": "yes"}
    )
    assert everyone.status_code == 303
    assert world.shares("danas-dadmin") == {("visible", None, None)}


def test_transfer_the_owner(world: World) -> None:
    world.board("moving-dadmin", ANN)
    ann = world.as_(ANN)
    settings = ann.get("/dashboards/moving-dadmin/settings").text
    assert 'data-testid="owner-form"' in settings
    wrong = _post(
        ann, "/dashboards/moving-dadmin/owner", {"owner": "0"}, "/dashboards/moving-dadmin/settings"
    )
    assert (wrong.status_code, _error_fields(wrong.text)) == (422, {"owner"})
    moved = _post(
        ann,
        "/dashboards/moving-dadmin/owner",
        {"owner": str(world.ids[BOB])},
        "/dashboards/moving-dadmin/settings",
    )
    assert (moved.status_code, moved.headers["location"]) == (303, "/dashboards")  # not hers now
    assert world.row("moving-dadmin").owner_id == world.ids[BOB]
    assert ann.get("/dashboards/moving-dadmin").status_code == 404
    # another user who may open it may not take it; the admin may give it to anyone
    world.share("moving-dadmin", everyone=True)
    erin = world.as_(ERIN)
    token = csrf_of(erin.get("/dashboards/moving-dadmin").text)
    taken = erin.post(
        "/dashboards/moving-dadmin/owner", data={"csrf_token": token, "owner": str(world.ids[ERIN])}
    )
    assert taken.status_code == 403
    admin = world.as_(DEMO_ADMIN)
    given = _post(
        admin,
        "/dashboards/moving-dadmin/owner",
        {"owner": str(world.ids[CARL]), "back": "sharing"},
        "/dashboards/moving-dadmin/sharing",
    )
    assert given.status_code == 303
    assert world.row("moving-dadmin").owner_id == world.ids[CARL]


# -- the dashboard page's buttons ----------------------------------------------------------------


def _actions(client: TestClient, slug: str) -> set[str]:
    html = client.get(f"/dashboards/{slug}/actions").text
    return set(re.findall(r'data-testid="action-([a-z]+)"', html))


def test_the_buttons_show_what_the_user_may_do(world: World) -> None:
    world.board("anns-dadmin", ANN)
    world.board("danas-dadmin", DANA)
    world.share("anns-dadmin", everyone=True)
    ann = world.as_(ANN)
    page = ann.get("/dashboards/anns-dadmin").text
    assert 'hx-get="/dashboards/anns-dadmin/actions"' in page
    assert (
        'hx-get="/dashboards/anns-dadmin/actions?lang=nl"'
        in ann.get("/dashboards/anns-dadmin?lang=nl").text
    )
    assert _actions(ann, "marketing") == {"duplicate"}
    assert _actions(ann, "anns-dadmin") == {"settings", "duplicate", "delete"}
    assert ann.get("/dashboards/danas-dadmin/actions").status_code == 404
    assert "Dupliceren" in ann.get("/dashboards/anns-dadmin/actions?lang=nl").text
    dana = world.as_(DANA)
    assert _actions(dana, "danas-dadmin") == {"settings", "duplicate", "sharing", "delete"}
    assert _actions(dana, "anns-dadmin") == {"duplicate"}
    admin = world.as_(DEMO_ADMIN)
    assert _actions(admin, "anns-dadmin") == {"duplicate", "sharing"}


def test_dutch_pages(world: World) -> None:
    world.board("nl-dadmin", ANN, name={"en": "English name", "nl": "Nederlandse naam"})
    ann = world.as_(ANN)
    new = ann.get("/dashboards/new?lang=nl").text
    assert "Nieuw dashboard" in new
    assert "Aantal kolommen" in new
    assert 'action="/dashboards/new?lang=nl"' in new
    settings = ann.get("/dashboards/nl-dadmin/settings?lang=nl").text
    assert "Instellingen van “Nederlandse naam”" in settings
    refused = _post(
        ann, "/dashboards/new?lang=nl", FORM | {"columns": "0"}, "/dashboards/new?lang=nl"
    )
    assert "Een geheel getal van 1 tot en met 12." in refused.text
    made = _post(
        ann, "/dashboards/new?lang=nl", FORM | {"name_nl": "Pijplijn"}, "/dashboards/new?lang=nl"
    )
    assert made.headers["location"].endswith("?lang=nl")
    listed = ann.get("/dashboards.json?lang=nl").json()["dashboards"]
    assert {"Nederlandse naam", "Pijplijn"} <= {d["name"] for d in listed}
