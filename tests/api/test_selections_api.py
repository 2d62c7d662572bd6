"""/api/selections (issue 11 item 4), on SQLite and PostgreSQL: create, read, list, replace,
delete and the records, with every effect read back with SQL written here; the records equal a
count in the test within the caller's rights; 401 without a token, 404 for a selection one may not
see, 403 for one one may see but not change, 422 naming the field (criteria lines by their path),
a signed-in user's writes only with X-CSRF-Token; every route in the OpenAPI document."""

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from starlette.testclient import TestClient

from leadboard.auth.passwords import hash_password
from leadboard.db.schema import (
    associate_groups,
    associates,
    lead_statuses,
    leads,
    selection_shares,
    selections,
)
from tests.api.conftest import OWNER, USER, add_associate, error_field, token_headers

PASSWORD = "correct horse battery"
ADMIN = "ada@example.com"


def body(slug: str | None = "nl-leads", **more: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "name": {"en": "Leads in NL", "nl": "Leads in NL"},
        "entity": "leads",
        "criteria": [[{"field": "country", "op": "in", "value": ["NL"]}]],
        "columns": ["id", "name", "country", "status"],
        "order_by": "-id",
    }
    if slug is not None:
        found["slug"] = slug
    return found | more


class World:
    """Sam and Ann (users, own rights; Ann in group North), Ada (admin); ten leads, Sam's and
    Ann's by turns, half of them in NL."""

    def __init__(self, engine: Engine) -> None:
        add_associate(engine, ADMIN)
        with engine.begin() as conn:
            north = conn.execute(
                insert(associate_groups).values(name="North").returning(associate_groups.c.id)
            ).scalar_one()
            conn.execute(
                update(associates).where(associates.c.email == USER).values(group_id=north)
            )
            conn.execute(update(associates).where(associates.c.email == ADMIN).values(role="admin"))
            self.ids: dict[str, int] = dict(
                conn.execute(select(associates.c.email, associates.c.id)).all()
            )
            status = conn.execute(
                select(lead_statuses.c.id).where(lead_statuses.c.key == "open")
            ).scalar_one()
            self.leads = [
                {
                    "id": i,
                    "email": f"l{i}@example.com",
                    "country": "NL" if i % 2 else "BE",
                    "owner_id": self.ids[OWNER if i % 3 else USER],
                    "status_id": status,
                    "status_since": datetime(2026, 3, 1),
                    "statuses_held": 1 << status,
                    "created_at": datetime(2026, 3, 1, i),
                    "created_via": "api",
                }
                for i in range(1, 11)
            ]
            conn.execute(insert(leads), self.leads)
        self.sam = token_headers(engine, "sam", self.ids[OWNER])
        self.ann = token_headers(engine, "ann", self.ids[USER])
        self.ada = token_headers(engine, "ada", self.ids[ADMIN])
        self.engine = engine

    def row(self, slug: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(selections).where(selections.c.slug == slug)).first()

    def nl_ids(self, owner: str | None = None) -> list[int]:
        return sorted(
            (
                r["id"]
                for r in self.leads
                if r["country"] == "NL" and (owner is None or r["owner_id"] == self.ids[owner])
            ),
            reverse=True,
        )


def test_crud_and_records(client: TestClient, engine: Engine) -> None:
    w = World(engine)
    made = client.post("/api/selections", json=body(), headers=w.sam)
    assert made.status_code == 201, made.text
    out = made.json()
    assert (out["slug"], out["owner"], out["editable"]) == ("nl-leads", OWNER, True)
    assert out["visible_for"] == {"everyone": False, "groups": [], "users": []}
    row = w.row("nl-leads")
    assert (row.owner_id, row.entity, row.name_en, row.order_by) == (
        w.ids[OWNER],
        "leads",
        "Leads in NL",
        "-id",
    )
    assert row.criteria == [[{"field": "country", "op": "in", "value": ["NL"]}]]

    records = client.get("/api/selections/nl-leads/records", headers=w.sam).json()
    assert records["total"] == len(w.nl_ids(OWNER))  # Sam's own leads only
    assert [r["id"] for r in records["records"]] == w.nl_ids(OWNER)
    everything = client.get("/api/selections/nl-leads/records?order_by=id&page_size=2").json()
    assert everything["total"] == len(w.nl_ids())  # the integration sees every lead
    assert [r["id"] for r in everything["records"]] == sorted(w.nl_ids())[:2]
    second = client.get("/api/selections/nl-leads/records?order_by=id&page_size=2&page=2")
    assert [r["id"] for r in second.json()["records"]] == sorted(w.nl_ids())[2:4]

    # not shared: Ann does not see it (404, as an unknown one); the admin does
    assert client.get("/api/selections/nl-leads", headers=w.ann).status_code == 404
    assert client.get("/api/selections", headers=w.ann).json() == {"selections": []}
    assert client.get("/api/selections/nl-leads", headers=w.ada).json()["editable"] is True
    # shared with group North: Ann sees it with her own leads, may not change it
    shared = client.put(
        "/api/selections/nl-leads",
        json=body(visible_for={"groups": ["North"]}),
        headers=w.sam,
    )
    assert shared.status_code == 200, shared.text
    with engine.connect() as conn:
        share = conn.execute(select(selection_shares)).one()
    assert (share.selection_id, share.associate_id) == (row.id, None)
    anns = client.get("/api/selections/nl-leads/records", headers=w.ann).json()
    assert [r["id"] for r in anns["records"]] == w.nl_ids(USER)
    listed = client.get("/api/selections?q=in nl", headers=w.ann).json()["selections"]
    assert [(s["slug"], s["editable"]) for s in listed] == [("nl-leads", False)]
    before = w.row("nl-leads")
    changed = client.put("/api/selections/nl-leads", json=body(order_by="id"), headers=w.ann)
    assert (changed.status_code, error_field(changed)) == (403, "owner")
    removed = client.delete("/api/selections/nl-leads", headers=w.ann)
    assert (removed.status_code, error_field(removed)) == (403, "owner")
    assert w.row("nl-leads") == before

    # rename by the owner; delete by the owner
    renamed = client.put("/api/selections/nl-leads", json=body("dutch"), headers=w.sam)
    assert renamed.status_code == 200
    assert w.row("nl-leads") is None
    assert w.row("dutch").id == row.id
    assert client.delete("/api/selections/dutch", headers=w.sam).status_code == 204
    assert w.row("dutch") is None
    gone = client.get("/api/selections/dutch", headers=w.sam)
    assert (gone.status_code, error_field(gone)) == (404, "slug")


def test_errors_name_the_field(client: TestClient, engine: Engine) -> None:
    w = World(engine)
    nobody = TestClient(client.app).get("/api/selections")
    assert (nobody.status_code, error_field(nobody)) == (401, "Authorization")
    bad_field = body(
        criteria=[
            [{"field": "country", "op": "in", "value": ["NL"]}],
            [
                {"field": "country", "op": "in", "value": ["BE"]},
                {"field": "shoe_size", "op": "eq", "value": 3},
            ],
        ]
    )
    answer = client.post("/api/selections", json=bad_field, headers=w.sam)
    assert (answer.status_code, error_field(answer)) == (422, "criteria[1][1].field")
    bad_op = body(criteria=[[{"field": "country", "op": "contains", "value": "N"}]])
    answer = client.post("/api/selections", json=bad_op, headers=w.sam)
    assert (answer.status_code, error_field(answer)) == (422, "criteria[0][0].op")
    bad_value = body(criteria=[[{"field": "status", "op": "in", "value": ["no-such"]}]])
    answer = client.post("/api/selections", json=bad_value, headers=w.sam)
    assert (answer.status_code, error_field(answer)) == (422, "criteria[0][0].value")
    bad_column = client.post("/api/selections", json=body(columns=["salary"]), headers=w.sam)
    assert bad_column.status_code == 422
    assert "columns" in bad_column.json()["error"]["message"]
    bad_sort = client.post("/api/selections", json=body(order_by="lead"), headers=w.sam)
    assert bad_sort.status_code == 422
    bad_entity = client.post("/api/selections", json=body(entity="chats"), headers=w.sam)
    assert (bad_entity.status_code, error_field(bad_entity)) == (422, "entity")
    assert w.row("nl-leads") is None
    # an integration names the owner; the same slug again is a 409
    no_owner = client.post("/api/selections", json=body())
    assert (no_owner.status_code, error_field(no_owner)) == (422, "owner")
    assert client.post("/api/selections", json=body(owner=USER)).status_code == 201
    again = client.post("/api/selections", json=body(owner=USER))
    assert (again.status_code, error_field(again)) == (409, "slug")
    # no slug: made from the name, the next free one
    auto = client.post("/api/selections", json=body(None), headers=w.sam)
    assert auto.json()["slug"] == "leads-in-nl"
    unknown = client.post(
        "/api/selections", json=body("x", visible_for={"users": ["who@nowhere"]}), headers=w.sam
    )
    assert (unknown.status_code, error_field(unknown)) == (422, "visible_for.users[0]")
    sort = client.get("/api/selections/nl-leads/records?order_by=shoe", headers=w.ada)
    assert (sort.status_code, error_field(sort)) == (422, "order_by")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def test_a_session_writes_with_the_csrf_header(client: TestClient, engine: Engine) -> None:
    w = World(engine)
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
        missing = browser.post("/api/selections", json=body())
        assert (missing.status_code, error_field(missing)) == (403, "X-CSRF-Token")
        assert w.row("nl-leads") is None
        csrf = {"X-CSRF-Token": _csrf(browser.get("/leads").text)}
        made = browser.post("/api/selections", json=body(), headers=csrf)
        assert made.status_code == 201, made.text
        assert w.row("nl-leads").owner_id == w.ids[USER]
        assert browser.get("/api/selections/nl-leads/records").status_code == 200  # reads: none
        assert browser.delete("/api/selections/nl-leads").status_code == 403
        assert browser.delete("/api/selections/nl-leads", headers=csrf).status_code == 204


def test_openapi_has_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/api/selections"]) >= {"get", "post"}
    assert set(paths["/api/selections/{slug}"]) >= {"get", "put", "delete"}
    assert "get" in paths["/api/selections/{slug}/records"]
