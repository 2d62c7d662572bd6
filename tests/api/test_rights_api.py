"""The REST API within the viewer's rights (issue 10 item 4): a token acts as its user. Outside the
rights a lead or sale does not exist: a read or write is 404 (never 403) and nothing changes."""

from typing import Any

from sqlalchemy import insert, select, update
from starlette.testclient import TestClient

from leadboard.db.schema import associate_groups, associates, leads, sales
from tests.api.conftest import OWNER, USER, token_headers


def _setup(client: TestClient, engine: Any) -> dict[str, Any]:
    """Leads of Sam, of Ann and of no one, a sale of each of Sam and Ann; a token for Ann (role
    `user`: group rights, and without a group her own)."""
    ids = {}
    for name, owner in (("sam", OWNER), ("ann", USER), ("none", None)):
        body = {"email": f"{name}@lead.example", "company": "Acme"}
        if owner:
            body["owner"] = owner
        response = client.post("/api/leads", json=body)
        assert response.status_code == 201, response.text
        ids[f"lead_{name}"] = response.json()["id"]
    for name, owner in (("sam", OWNER), ("ann", USER)):
        sale = {"title": name, "amount": "100.00", "currency": "EUR", "sale_date": "2026-03-01"}
        response = client.post(
            "/api/sales", json={**sale, "owner": owner, "lead_id": ids[f"lead_{name}"]}
        )
        assert response.status_code == 201, response.text
        ids[f"sale_{name}"] = response.json()["id"]
    with engine.connect() as conn:
        ann = conn.execute(select(associates.c.id).where(associates.c.email == USER)).scalar()
    ids["ann"] = ann
    ids["headers"] = token_headers(engine, "ann", ann)
    return ids


def _snapshot(engine: Any) -> Any:
    with engine.connect() as conn:
        return (
            conn.execute(select(leads).order_by(leads.c.id)).all(),
            conn.execute(select(sales).order_by(sales.c.id)).all(),
        )


def test_reads_as_an_own_user(client: TestClient, engine: Any) -> None:
    ids = _setup(client, engine)
    h = ids["headers"]
    listed = client.get("/api/leads", headers=h).json()
    assert [lead["id"] for lead in listed["leads"]] == [ids["lead_ann"]]
    assert listed["total"] == 1
    assert client.get(f"/api/leads/{ids['lead_ann']}", headers=h).status_code == 200
    for lead in ("lead_sam", "lead_none"):
        for path in (f"/api/leads/{ids[lead]}", f"/api/leads/{ids[lead]}/history"):
            response = client.get(path, headers=h)
            assert response.status_code == 404, path
            assert response.json()["error"] == {
                "field": "lead_id",
                "message": f"no lead with id {ids[lead]}",
            }
    got = client.get("/api/sales", headers=h).json()
    assert [s["id"] for s in got["sales"]] == [ids["sale_ann"]]
    assert (got["count"], got["sum"]) == (1, "100.00")
    assert client.get(f"/api/sales/{ids['sale_sam']}", headers=h).status_code == 404
    assert client.get(f"/api/sales/{ids['sale_ann']}", headers=h).status_code == 200
    # The integration token (the client's own) still sees everything.
    assert client.get("/api/leads").json()["total"] == 3
    assert client.get("/api/sales").json()["count"] == 2


def test_writes_outside_the_rights_are_404_and_change_nothing(
    client: TestClient, engine: Any
) -> None:
    ids = _setup(client, engine)
    h = ids["headers"]
    before = _snapshot(engine)
    lead, sale = ids["lead_sam"], ids["sale_sam"]
    for method, path, body in (
        ("PATCH", f"/api/leads/{lead}", {"first_name": "Changed"}),
        ("POST", f"/api/leads/{lead}/status", {"status": "contacting"}),
        ("PATCH", f"/api/sales/{sale}", {"title": "Changed"}),
    ):
        response = client.request(method, path, json=body, headers=h)
        assert response.status_code == 404, (path, response.text)
    assert _snapshot(engine) == before
    # Within the rights the same writes work.
    own = ids["lead_ann"]
    response = client.post(f"/api/leads/{own}/status", json={"status": "contacting"}, headers=h)
    assert response.status_code == 200, response.text


def test_a_group_user_sees_the_group(client: TestClient, engine: Any) -> None:
    ids = _setup(client, engine)
    with engine.begin() as conn:
        group = conn.execute(
            insert(associate_groups).values(name="Team").returning(associate_groups.c.id)
        ).scalar_one()
        conn.execute(update(associates).values(group_id=group))
    listed = client.get("/api/leads", headers=ids["headers"]).json()
    assert {lead["id"] for lead in listed["leads"]} == {ids["lead_sam"], ids["lead_ann"]}
    assert client.get(f"/api/leads/{ids['lead_none']}", headers=ids["headers"]).status_code == 404
    assert client.get("/api/sales", headers=ids["headers"]).json()["count"] == 2


def test_a_sale_on_a_lead_outside_the_rights_is_refused_like_an_unknown_lead(
    client: TestClient, engine: Any
) -> None:
    ids = _setup(client, engine)
    sale = {"title": "x", "amount": "1.00", "currency": "EUR", "sale_date": "2026-03-01"}
    hidden = client.post(
        "/api/sales", json={**sale, "lead_id": ids["lead_sam"]}, headers=ids["headers"]
    )
    unknown = client.post("/api/sales", json={**sale, "lead_id": 999999}, headers=ids["headers"])
    assert hidden.status_code == unknown.status_code == 422
    assert hidden.json()["error"]["field"] == unknown.json()["error"]["field"] == "lead_id"
    moved = client.patch(
        f"/api/sales/{ids['sale_ann']}", json={"lead_id": ids["lead_sam"]}, headers=ids["headers"]
    )
    assert moved.status_code == 422
    assert client.get(f"/api/sales/{ids['sale_ann']}").json()["lead_id"] == ids["lead_ann"]
    own = client.post(
        "/api/sales", json={**sale, "lead_id": ids["lead_ann"]}, headers=ids["headers"]
    )
    assert own.status_code == 201, own.text
