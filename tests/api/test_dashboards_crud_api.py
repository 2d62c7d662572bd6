"""REST for dashboards users build (issue 11 item 4), on SQLite and PostgreSQL: create, read the
definition, replace, delete, duplicate, share, transfer, and the tiles with their grid place.
Every effect is read back with SQL written here (or through `dashboard export`); rights: the
owner, another user who may open it (403), one who may not (404), a dashboard admin sharing, a
user sharing (403), an integration token; bad bodies are 422 naming the field; a signed-in user's
writes need X-CSRF-Token.
"""

import re
from typing import Any

import yaml
from sqlalchemy import Engine, insert, select, text, update
from starlette.testclient import TestClient

from leadboard.auth.passwords import hash_password
from leadboard.dashboards.code import export_dashboards
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.db.schema import associate_groups, associates, dashboard_shares, dashboards
from tests.api.conftest import OWNER, USER, add_associate, error_field, token_headers

ADMIN = "ada@example.com"
DASH = "dana@example.com"
PASSWORD = "correct horse battery"
TILE: dict[str, Any] = {
    "key": "new-leads",
    "name": {"en": "New leads", "nl": "Nieuwe leads"},
    "chart": "number",
    "entity": "leads",
    "date_field": "created_at",
    "period": "ytd",
}


def definition(slug: str = "anns", **more: Any) -> dict[str, Any]:
    return {"slug": slug, "name": {"en": "Mine", "nl": "Van mij"}, "tiles": [TILE]} | more


class World:
    """Ann (user, group North), Sam (user), Ada (admin), Dana (dashboard admin, group North);
    a token for each and the integration's client."""

    def __init__(self, client: TestClient, engine: Engine) -> None:
        self.api = client
        self.engine = engine
        add_associate(engine, ADMIN)
        add_associate(engine, DASH)
        with engine.begin() as conn:
            self.north = int(
                conn.execute(
                    insert(associate_groups).values(name="North").returning(associate_groups.c.id)
                ).scalar_one()
            )
            conn.execute(insert(associate_groups).values(name="South"))
            conn.execute(
                update(associates)
                .where(associates.c.email.in_([USER, DASH]))
                .values(group_id=self.north)
            )
            conn.execute(update(associates).where(associates.c.email == ADMIN).values(role="admin"))
            conn.execute(
                update(associates).where(associates.c.email == DASH).values(role="dashboard-admin")
            )
            rows = conn.execute(select(associates.c.email, associates.c.id)).all()
        self.ids = {row.email: row.id for row in rows}
        self.tokens = {
            email: token_headers(engine, email, self.ids[email])
            for email in (USER, OWNER, ADMIN, DASH)
        }

    def as_(self, email: str | None, method: str, path: str, body: Any = None) -> Any:
        headers = self.tokens[email] if email else None
        if body is None:
            return self.api.request(method, path, headers=headers)
        return self.api.request(method, path, json=body, headers=headers)

    def row(self, slug: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(dashboards).where(dashboards.c.slug == slug)).first()

    def shares(self, slug: str) -> set[tuple[str, str | None, str | None]]:
        query = text(
            "SELECT s.mode, g.name, a.email FROM dashboard_shares s"
            " JOIN dashboards d ON d.id = s.dashboard_id"
            " LEFT JOIN associate_groups g ON g.id = s.group_id"
            " LEFT JOIN associates a ON a.id = s.associate_id WHERE d.slug = :slug"
        )
        with self.engine.connect() as conn:
            return {(r[0], r[1], r[2]) for r in conn.execute(query, {"slug": slug})}

    def share_with_everyone(self, slug: str) -> None:
        body = {"visible_for": {"everyone": True}, "pinned_for": {}}
        assert self.as_(None, "PUT", f"/api/dashboards/{slug}/sharing", body).status_code == 200


def world(client: TestClient, engine: Engine) -> World:
    return World(client, engine)


def test_create_then_read_the_definition(client: TestClient, engine: Engine) -> None:
    w = world(client, engine)
    made = w.as_(USER, "POST", "/api/dashboards", definition(columns=4, theme="dark"))
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["owner"] == USER
    assert body["builtin"] is False
    assert body["visible_for"] == {"everyone": False, "groups": [], "users": []}
    row = w.row("anns")
    assert row.owner_id == w.ids[USER]
    assert row.definition["name"] == {"en": "Mine", "nl": "Van mij"}
    assert (row.definition["columns"], row.definition["theme"]) == (4, "dark")
    assert [t["key"] for t in row.definition["tiles"]] == ["new-leads"]
    assert w.shares("anns") == set()  # visible to its owner only

    read = w.as_(USER, "GET", "/api/dashboards/anns/definition").json()
    assert read == body
    assert w.as_(OWNER, "GET", "/api/dashboards/anns/definition").status_code == 404
    assert w.as_(ADMIN, "GET", "/api/dashboards/anns/definition").status_code == 200
    # the computed dashboard stays where it was
    computed = w.as_(USER, "GET", "/api/dashboards/anns").json()
    assert computed["dashboard"] == "anns"
    assert "value" in computed["tiles"][0]

    builtin = w.as_(OWNER, "GET", "/api/dashboards/sales/definition").json()
    assert builtin["builtin"] is True
    assert builtin["owner"] is None
    assert builtin["visible_for"] is None
    expected = builtin_dashboards()["sales"].model_dump(mode="json")
    assert {k: v for k, v in builtin.items() if k in expected} == expected


def test_create_refusals(client: TestClient, engine: Engine) -> None:
    w = world(client, engine)
    assert w.as_(USER, "POST", "/api/dashboards", definition()).status_code == 201
    taken = w.as_(OWNER, "POST", "/api/dashboards", definition())
    assert (taken.status_code, error_field(taken)) == (409, "slug")
    builtin = w.as_(OWNER, "POST", "/api/dashboards", definition("marketing"))
    assert (builtin.status_code, error_field(builtin)) == (409, "slug")
    # an integration names the owner
    nobody = w.as_(None, "POST", "/api/dashboards", definition("team"))
    assert (nobody.status_code, error_field(nobody)) == (422, "owner")
    unknown = w.as_(None, "POST", "/api/dashboards", definition("team", owner="x@example.com"))
    assert (unknown.status_code, error_field(unknown)) == (422, "owner")
    made = w.as_(None, "POST", "/api/dashboards", definition("team", owner=OWNER.upper()))
    assert made.status_code == 201
    assert w.row("team").owner_id == w.ids[OWNER]
    # a user makes their own dashboards only
    other = w.as_(USER, "POST", "/api/dashboards", definition("for-sam", owner=OWNER))
    assert (other.status_code, error_field(other)) == (403, "owner")
    assert w.row("for-sam") is None

    bad: list[tuple[dict[str, Any], str]] = [
        ({"slug": "x", "tiles": []}, "name"),
        (definition("Bad Slug"), "slug"),
        (definition("x" * 101), "slug"),
        (definition(columns=13), "columns"),
        (definition(colour="red"), "colour"),
        (definition("x", tiles=[TILE | {"chart": "radar"}]), "tiles[0].chart"),
        (definition("x", tiles=[TILE | {"x": -1}]), "tiles[0].x"),
        (definition("x", tiles=[TILE, TILE]), "tiles"),
    ]
    for payload, field in bad:
        answer = w.as_(USER, "POST", "/api/dashboards", payload)
        assert (answer.status_code, error_field(answer)) == (422, field), answer.text
    nul = w.as_(USER, "POST", "/api/dashboards", definition("x", name={"en": "a\x00", "nl": "b"}))
    assert (nul.status_code, error_field(nul)) == (422, "body")
    assert nul.json()["error"]["message"] == "name.en: must not contain NUL characters"
    with engine.connect() as conn:
        slugs = set(conn.execute(select(dashboards.c.slug)).scalars())
    assert slugs == {"anns", "team"}


def test_replace_by_the_owner_only_and_markup_stays_text(
    client: TestClient, engine: Engine
) -> None:
    w = world(client, engine)
    assert w.as_(USER, "POST", "/api/dashboards", definition()).status_code == 201
    markup = {"en": "<script>alert(1)</script> & co", "nl": '<b onmouseover="x">Mijn</b>'}
    tile = TILE | {"name": {"en": "<img src=x onerror=alert(1)>", "nl": "Nieuw"}}
    changed = definition(name=markup, description=markup, tiles=[tile])

    hidden = w.as_(OWNER, "PUT", "/api/dashboards/anns", changed)
    assert (hidden.status_code, error_field(hidden)) == (404, "slug")
    w.share_with_everyone("anns")
    refused = w.as_(OWNER, "PUT", "/api/dashboards/anns", changed)
    assert (refused.status_code, error_field(refused)) == (403, "owner")
    admin = w.as_(ADMIN, "PUT", "/api/dashboards/anns", changed)
    assert admin.status_code == 403
    assert w.row("anns").definition["name"] == {"en": "Mine", "nl": "Van mij"}

    done = w.as_(USER, "PUT", "/api/dashboards/anns", changed)
    assert done.status_code == 200, done.text
    assert done.json()["name"] == markup
    row = w.row("anns")
    assert row.definition["name"] == markup
    assert row.definition["description"] == markup
    assert row.definition["tiles"][0]["name"]["en"] == "<img src=x onerror=alert(1)>"
    assert w.as_(OWNER, "GET", "/api/dashboards/anns/definition").json()["name"] == markup
    with engine.connect() as conn:
        exported = yaml.safe_load(export_dashboards(conn, ["anns"]))["dashboards"][0]
    assert exported["name"] == markup
    assert exported["owner"] == USER
    assert exported["visible_for"] == {"everyone": True}  # sharing survives a new definition

    # a new slug renames it; a taken one is a conflict
    renamed = w.as_(USER, "PUT", "/api/dashboards/anns", definition("ann-2", name=markup))
    assert renamed.status_code == 200
    assert w.row("anns") is None
    assert w.row("ann-2").owner_id == w.ids[USER]
    w.as_(None, "POST", "/api/dashboards", definition("sams", owner=OWNER))
    clash = w.as_(USER, "PUT", "/api/dashboards/ann-2", definition("sams"))
    assert (clash.status_code, error_field(clash)) == (409, "slug")
    builtin = w.as_(None, "PUT", "/api/dashboards/sales", definition("sales"))
    assert (builtin.status_code, error_field(builtin)) == (409, "slug")
    bad = w.as_(USER, "PUT", "/api/dashboards/ann-2", {"slug": "ann-2", "name": markup})
    assert (bad.status_code, error_field(bad)) == (422, "tiles")


def test_delete(client: TestClient, engine: Engine) -> None:
    w = world(client, engine)
    assert w.as_(USER, "POST", "/api/dashboards", definition()).status_code == 201
    assert w.as_(OWNER, "DELETE", "/api/dashboards/anns").status_code == 404
    w.share_with_everyone("anns")
    refused = w.as_(OWNER, "DELETE", "/api/dashboards/anns")
    assert (refused.status_code, error_field(refused)) == (403, "owner")
    assert w.row("anns") is not None
    builtin = w.as_(None, "DELETE", "/api/dashboards/marketing")
    assert (builtin.status_code, error_field(builtin)) == (409, "slug")
    gone = w.as_(USER, "DELETE", "/api/dashboards/anns")
    assert (gone.status_code, gone.content) == (204, b"")
    assert w.row("anns") is None
    with engine.connect() as conn:
        assert conn.execute(select(dashboard_shares)).first() is None
    assert w.as_(USER, "GET", "/api/dashboards/anns").status_code == 404
    # an integration deletes anyone's
    w.as_(None, "POST", "/api/dashboards", definition("sams", owner=OWNER))
    assert w.as_(None, "DELETE", "/api/dashboards/sams").status_code == 204
    assert w.row("sams") is None


def test_duplicate(client: TestClient, engine: Engine) -> None:
    w = world(client, engine)
    first = w.as_(USER, "POST", "/api/dashboards/sales/duplicate")
    assert first.status_code == 201, first.text
    sales = builtin_dashboards()["sales"]
    row = w.row("sales-2")
    assert row.owner_id == w.ids[USER]
    assert row.definition["name"] == {"en": f"{sales.name.en} 2", "nl": f"{sales.name.nl} 2"}
    assert [t["key"] for t in row.definition["tiles"]] == [t.key for t in sales.tiles]
    again = w.as_(OWNER, "POST", "/api/dashboards/sales/duplicate").json()
    assert again["slug"] == "sales-3"
    assert w.row("sales-3").owner_id == w.ids[OWNER]
    assert w.row("sales-3").definition["name"]["en"] == f"{sales.name.en} 3"

    # a shared dashboard of someone else: the copy is the caller's, shared with nobody
    w.as_(None, "POST", "/api/dashboards", definition("sams", owner=OWNER))
    assert w.as_(USER, "POST", "/api/dashboards/sams/duplicate").status_code == 404
    w.share_with_everyone("sams")
    copy = w.as_(USER, "POST", "/api/dashboards/sams/duplicate")
    assert copy.status_code == 201
    assert copy.json()["owner"] == USER
    assert copy.json()["visible_for"] == {"everyone": False, "groups": [], "users": []}
    assert w.row("sams-2").owner_id == w.ids[USER]
    assert w.row("sams-2").definition["name"] == {"en": "Mine 2", "nl": "Van mij 2"}
    assert w.shares("sams-2") == set()
    assert w.shares("sams") == {("visible", None, None)}
    # an integration names the copy's owner
    nobody = w.as_(None, "POST", "/api/dashboards/sams/duplicate")
    assert (nobody.status_code, error_field(nobody)) == (422, "owner")
    given = w.as_(None, "POST", "/api/dashboards/sams/duplicate", {"owner": DASH})
    assert given.status_code == 201
    assert w.row("sams-3").owner_id == w.ids[DASH]


def test_sharing_needs_the_dashboard_admin_role(client: TestClient, engine: Engine) -> None:
    w = world(client, engine)
    assert w.as_(USER, "POST", "/api/dashboards", definition()).status_code == 201
    assert w.as_(DASH, "POST", "/api/dashboards", definition("danas")).status_code == 201
    body = {
        "visible_for": {"groups": ["North"], "users": [OWNER]},
        "pinned_for": {"everyone": True},
    }
    refused = w.as_(USER, "PUT", "/api/dashboards/anns/sharing", body)
    assert (refused.status_code, error_field(refused)) == (403, "role")
    assert w.shares("anns") == set()
    # a dashboard admin shares their own, not someone else's they cannot even see
    assert w.as_(DASH, "PUT", "/api/dashboards/anns/sharing", body).status_code == 404
    assert w.as_(OWNER, "GET", "/api/dashboards/danas").status_code == 404
    done = w.as_(DASH, "PUT", "/api/dashboards/danas/sharing", body)
    assert done.status_code == 200, done.text
    assert done.json()["visible_for"] == {"everyone": False, "groups": ["North"], "users": [OWNER]}
    assert done.json()["pinned_for"] == {"everyone": True, "groups": [], "users": []}
    assert w.shares("danas") == {
        ("visible", "North", None),
        ("visible", None, OWNER),
        ("pinned", None, None),
    }
    assert w.as_(OWNER, "GET", "/api/dashboards/danas").status_code == 200
    assert w.as_(USER, "GET", "/api/dashboards/danas").status_code == 200  # pinned, North

    narrow = {"visible_for": {"groups": ["North"]}, "pinned_for": {}}
    assert w.as_(DASH, "PUT", "/api/dashboards/danas/sharing", narrow).status_code == 200
    assert w.shares("danas") == {("visible", "North", None)}
    assert w.as_(USER, "GET", "/api/dashboards/danas").status_code == 200  # in North
    assert w.as_(OWNER, "GET", "/api/dashboards/danas").status_code == 404  # outside it
    # the dashboard admin may open it but is not the owner: 403
    w.share_with_everyone("anns")
    other = w.as_(DASH, "PUT", "/api/dashboards/anns/sharing", narrow)
    assert (other.status_code, error_field(other)) == (403, "owner")

    for audience, field in [
        ({"groups": ["North", "West"]}, "visible_for.groups[1]"),
        ({"users": ["nobody@example.com"]}, "visible_for.users[0]"),
        ({"teams": []}, "visible_for.teams"),
    ]:
        answer = w.as_(
            DASH, "PUT", "/api/dashboards/danas/sharing", narrow | {"visible_for": audience}
        )
        assert (answer.status_code, error_field(answer)) == (422, field), answer.text
    missing = w.as_(DASH, "PUT", "/api/dashboards/danas/sharing", {"visible_for": {}})
    assert (missing.status_code, error_field(missing)) == (422, "pinned_for")
    assert w.shares("danas") == {("visible", "North", None)}
    builtin = w.as_(None, "PUT", "/api/dashboards/sales/sharing", narrow)
    assert (builtin.status_code, error_field(builtin)) == (409, "slug")
    # admins share anyone's; so do integrations
    assert w.as_(ADMIN, "PUT", "/api/dashboards/anns/sharing", narrow).status_code == 200
    assert w.shares("anns") == {("visible", "North", None)}


def test_transfer(client: TestClient, engine: Engine) -> None:
    w = world(client, engine)
    assert w.as_(USER, "POST", "/api/dashboards", definition()).status_code == 201
    assert w.as_(OWNER, "PUT", "/api/dashboards/anns/owner", {"owner": OWNER}).status_code == 404
    w.share_with_everyone("anns")
    refused = w.as_(OWNER, "PUT", "/api/dashboards/anns/owner", {"owner": OWNER})
    assert (refused.status_code, error_field(refused)) == (403, "owner")
    assert w.row("anns").owner_id == w.ids[USER]
    unknown = w.as_(USER, "PUT", "/api/dashboards/anns/owner", {"owner": "x@example.com"})
    assert (unknown.status_code, error_field(unknown)) == (422, "owner")
    empty = w.as_(USER, "PUT", "/api/dashboards/anns/owner", {})
    assert (empty.status_code, error_field(empty)) == (422, "owner")
    given = w.as_(USER, "PUT", "/api/dashboards/anns/owner", {"owner": OWNER})
    assert (given.status_code, given.json()["owner"]) == (200, OWNER)
    assert w.row("anns").owner_id == w.ids[OWNER]
    assert w.as_(ADMIN, "PUT", "/api/dashboards/anns/owner", {"owner": DASH}).status_code == 200
    assert w.row("anns").owner_id == w.ids[DASH]
    builtin = w.as_(None, "PUT", "/api/dashboards/sales/owner", {"owner": DASH})
    assert (builtin.status_code, error_field(builtin)) == (409, "slug")


def test_tiles_with_their_grid_place(client: TestClient, engine: Engine) -> None:
    w = world(client, engine)
    assert w.as_(USER, "POST", "/api/dashboards", definition()).status_code == 201
    listed = w.as_(USER, "GET", "/api/dashboards/anns/tiles").json()["tiles"]
    assert [(t["key"], t["x"], t["y"], t["w"], t["h"]) for t in listed] == [
        ("new-leads", None, None, 1, 1)
    ]
    sales = builtin_dashboards()["sales"]
    builtin = w.as_(OWNER, "GET", "/api/dashboards/sales/tiles").json()["tiles"]
    assert [(t["key"], t["w"], t["h"]) for t in builtin] == [
        (t.key, t.width, t.height) for t in sales.tiles
    ]
    assert w.as_(OWNER, "GET", "/api/dashboards/anns/tiles").status_code == 404

    tile = {
        "key": "by-country",
        "name": {"en": "By <country>", "nl": "Per land"},
        "chart": "bar",
        "entity": "leads",
        "group_by": "country",
        "x": 1,
        "y": 0,
        "w": 2,
        "h": 3,
    }
    added = w.as_(USER, "POST", "/api/dashboards/anns/tiles", tile)
    assert added.status_code == 201, added.text
    assert {k: added.json()[k] for k in tile} == tile
    stored = w.row("anns").definition["tiles"]
    assert [t["key"] for t in stored] == ["new-leads", "by-country"]
    assert (stored[1]["x"], stored[1]["y"], stored[1]["width"], stored[1]["height"]) == (1, 0, 2, 3)
    assert stored[1]["name"]["en"] == "By <country>"
    assert w.as_(USER, "GET", "/api/dashboards/anns/tiles/by-country").json() == added.json()

    twice = w.as_(USER, "POST", "/api/dashboards/anns/tiles", tile)
    assert (twice.status_code, error_field(twice)) == (409, "key")
    for wrong, field in [
        (tile | {"key": "w", "width": 2}, "width"),
        (tile | {"key": "x", "x": -1}, "x"),
        (tile | {"key": "h", "h": 13}, "h"),
        (tile | {"key": "c", "chart": "radar"}, "chart"),
        ({k: v for k, v in tile.items() if k != "entity"}, "entity"),
    ]:
        answer = w.as_(USER, "POST", "/api/dashboards/anns/tiles", wrong)
        assert (answer.status_code, error_field(answer)) == (422, field), answer.text
    assert len(w.row("anns").definition["tiles"]) == 2

    moved = w.as_(USER, "PUT", "/api/dashboards/anns/tiles/by-country", tile | {"x": 0, "y": 2})
    assert moved.status_code == 200
    stored = w.row("anns").definition["tiles"]
    assert (stored[1]["key"], stored[1]["x"], stored[1]["y"]) == ("by-country", 0, 2)
    renamed = w.as_(USER, "PUT", "/api/dashboards/anns/tiles/by-country", tile | {"key": "land"})
    assert renamed.status_code == 200
    assert [t["key"] for t in w.row("anns").definition["tiles"]] == ["new-leads", "land"]
    clash = w.as_(USER, "PUT", "/api/dashboards/anns/tiles/land", tile | {"key": "new-leads"})
    assert (clash.status_code, error_field(clash)) == (409, "key")
    unknown = w.as_(USER, "GET", "/api/dashboards/anns/tiles/nope")
    assert (unknown.status_code, error_field(unknown)) == (404, "tile_key")
    assert w.as_(USER, "DELETE", "/api/dashboards/anns/tiles/nope").status_code == 404

    # others: 404 unseen, 403 seen but not theirs; built-in dashboards are read-only
    assert (
        w.as_(OWNER, "POST", "/api/dashboards/anns/tiles", tile | {"key": "z"}).status_code == 404
    )
    w.share_with_everyone("anns")
    assert w.as_(OWNER, "GET", "/api/dashboards/anns/tiles/land").status_code == 200
    for method, path, body in [
        ("POST", "/api/dashboards/anns/tiles", tile | {"key": "z"}),
        ("PUT", "/api/dashboards/anns/tiles/land", tile),
        ("DELETE", "/api/dashboards/anns/tiles/land", None),
    ]:
        answer = w.as_(OWNER, method, path, body)
        assert (answer.status_code, error_field(answer)) == (403, "owner"), path
        readonly = w.as_(None, method, path.replace("anns", "sales"), body)
        assert (readonly.status_code, error_field(readonly)) == (409, "slug"), path
    assert [t["key"] for t in w.row("anns").definition["tiles"]] == ["new-leads", "land"]

    gone = w.as_(USER, "DELETE", "/api/dashboards/anns/tiles/land")
    assert gone.status_code == 204
    assert [t["key"] for t in w.row("anns").definition["tiles"]] == ["new-leads"]
    # an integration edits anyone's tiles
    assert w.as_(None, "POST", "/api/dashboards/anns/tiles", tile).status_code == 201
    with engine.connect() as conn:
        exported = yaml.safe_load(export_dashboards(conn, ["anns"]))["dashboards"][0]
    assert (exported["tiles"][1]["x"], exported["tiles"][1]["width"]) == (1, 2)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def test_a_signed_in_user_writes_with_the_csrf_header(client: TestClient, engine: Engine) -> None:
    w = world(client, engine)
    with engine.begin() as conn:
        conn.execute(
            update(associates)
            .where(associates.c.email == USER)
            .values(password_hash=hash_password(PASSWORD))
        )
    with TestClient(client.app) as browser:
        token = _csrf(browser.get("/login").text)
        login = {"email": USER, "password": PASSWORD, "csrf_token": token, "next": "/"}
        assert browser.post("/login", data=login, follow_redirects=False).status_code == 303
        missing = browser.post("/api/dashboards", json=definition())
        assert (missing.status_code, error_field(missing)) == (403, "X-CSRF-Token")
        wrong = browser.post("/api/dashboards", json=definition(), headers={"X-CSRF-Token": "x"})
        assert wrong.status_code == 403
        assert w.row("anns") is None
        assert browser.get("/api/dashboards/sales/definition").status_code == 200  # reads: none
        csrf = {"X-CSRF-Token": _csrf(browser.get("/leads").text)}
        made = browser.post("/api/dashboards", json=definition(), headers=csrf)
        assert made.status_code == 201, made.text
        assert w.row("anns").owner_id == w.ids[USER]
        assert browser.delete("/api/dashboards/anns").status_code == 403
        assert browser.delete("/api/dashboards/anns", headers=csrf).status_code == 204
    anonymous = TestClient(client.app)
    nobody = anonymous.post("/api/dashboards", json=definition())
    assert (nobody.status_code, error_field(nobody)) == (401, "Authorization")


def test_every_route_is_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        "/api/dashboards": {"get", "post"},
        "/api/dashboards/{slug}": {"get", "put", "delete"},
        "/api/dashboards/{slug}/definition": {"get"},
        "/api/dashboards/{slug}/duplicate": {"post"},
        "/api/dashboards/{slug}/sharing": {"put"},
        "/api/dashboards/{slug}/owner": {"put"},
        "/api/dashboards/{slug}/tiles": {"get", "post"},
        "/api/dashboards/{slug}/tiles/{key}": {"get", "put", "delete"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods - {"get"}:
            assert {"401", "403", "404", "409", "422"} <= set(paths[path][method]["responses"])
    tile = client.get("/openapi.json").json()["components"]["schemas"]["TileIO"]["properties"]
    assert {"x", "y", "w", "h"} <= set(tile)
    assert not {"width", "height"} & set(tile)
