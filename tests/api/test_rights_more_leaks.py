"""Two more places where rights must hold (issue 10 item 4), on SQLite and PostgreSQL:

* a lead's page (and its JSON twin) lists only the sales within the viewer's sales rights: a role
  may see every lead but only its own sales;
* a refused duplicate (email, external id) does not say which lead has it, since that lead may be
  outside the writer's rights.
"""

from typing import Any

from sqlalchemy import Engine, insert, select, text, update
from starlette.testclient import TestClient

from leadboard.db.schema import associates, roles
from tests.api.conftest import OWNER, USER, token_headers

ROLE = "all-leads-own-sales"


def _ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {r.email: r.id for r in conn.execute(select(associates.c.email, associates.c.id))}


def _role(engine: Engine, email: str) -> None:
    with engine.begin() as conn:
        if conn.execute(select(roles.c.key).where(roles.c.key == ROLE)).first() is None:
            conn.execute(
                insert(roles).values(
                    key=ROLE, name="Leads", leads_rights="all", sales_rights="own", builtin=False
                )
            )
        conn.execute(update(associates).where(associates.c.email == email).values(role=ROLE))


def _sale(client: TestClient, title: str, owner: str, lead_id: int) -> None:
    body: dict[str, Any] = {
        "title": title,
        "amount": "10.00",
        "currency": "EUR",
        "sale_date": "2026-03-01",
        "status": "open",
        "owner": owner,
        "lead_id": lead_id,
    }
    response = client.post("/api/sales", json=body)
    assert response.status_code == 201, response.text


def test_lead_page_lists_only_the_sales_within_the_sales_rights(
    client: TestClient, engine: Engine
) -> None:
    _role(engine, USER)
    lead = client.post("/api/leads", json={"email": "l@lead.example", "owner": OWNER}).json()
    _sale(client, "ann's", USER, lead["id"])
    _sale(client, "sam's", OWNER, lead["id"])
    ids = _ids(engine)
    with engine.connect() as conn:
        expected = set(
            conn.execute(
                text("SELECT title FROM sales WHERE lead_id = :l AND owner_id = :o"),
                {"l": lead["id"], "o": ids[USER]},
            ).scalars()
        )
    assert expected == {"ann's"}
    ann = token_headers(engine, "ann", ids[USER])
    mine = client.get(f"/leads/{lead['id']}.json", headers=ann)
    assert mine.status_code == 200, mine.text  # every lead: leads rights `all`
    assert {sale["title"] for sale in mine.json()["sales"]} == expected
    every = client.get(f"/leads/{lead['id']}.json").json()  # the integration: all rights
    assert {sale["title"] for sale in every["sales"]} == {"ann's", "sam's"}


def test_a_refused_duplicate_does_not_name_the_lead(client: TestClient, engine: Engine) -> None:
    ids = _ids(engine)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE associates SET role = 'user', group_id = NULL WHERE id = :a"),
            {"a": ids[USER]},
        )
    hidden = client.post(
        "/api/leads",
        json={"email": "taken@lead.example", "owner": OWNER, "external_id": "X-1"},
    ).json()
    ann = token_headers(engine, "ann", ids[USER])
    for body, field in [
        ({"email": "taken@lead.example"}, "email"),
        ({"email": "new@lead.example", "external_id": "X-1"}, "external_id"),
    ]:
        response = client.post("/api/leads", json=body, headers=ann)
        assert response.status_code == 409, response.text
        error = response.json()["error"]
        assert error["field"] == field
        assert f"lead {hidden['id']}" not in error["message"]
        assert "exists already" in error["message"]
