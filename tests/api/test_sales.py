"""POST/GET/PATCH /api/sales and the list's count and sum in the base currency."""

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from leadboard.db.schema import companies, sales
from leadboard.domain.rates import set_rate
from tests.api.conftest import OWNER, USER, error_field

SALE = {"title": "Licence", "amount": "1250.50", "currency": "EUR", "sale_date": "2026-03-20"}


def post(client: TestClient, **changes: Any) -> Any:
    return client.post("/api/sales", json={**SALE, **changes})


def test_create_and_read(client: TestClient) -> None:
    lead = client.post("/api/leads", json={"email": "a@example.com", "company": "Acme"}).json()
    response = post(
        client,
        lead_id=lead["id"],
        owner=OWNER,
        probability=40,
        stage="proposal",
        currency="usd",
        amount="1000.05",
    )
    assert response.status_code == 201, response.text
    sale = response.json()
    assert sale["amount"] == "1000.05"
    assert sale["currency"] == "USD"
    assert sale["weighted_amount"] == "400.02"  # 400.02 exactly: 1000.05 × 40 % = 400.020
    assert (sale["probability"], sale["stage"], sale["status"]) == (40, "proposal", "open")
    assert sale["company"] == lead["company"]  # the lead's company when none is given
    assert (sale["owner"], sale["lead_id"], sale["sale_date"]) == (OWNER, lead["id"], "2026-03-20")
    assert sale["created_at"] == "2026-03-15T12:00:00Z"
    assert client.get(f"/api/sales/{sale['id']}").json() == sale


def test_amount_is_exact_and_stored_in_cents(client: TestClient, engine: Any) -> None:
    sale = post(client, amount="0.1", probability=50).json()
    assert (sale["amount"], sale["weighted_amount"]) == ("0.10", "0.05")
    big = post(client, amount="999999999999.99").json()
    assert big["amount"] == "999999999999.99"
    with engine.connect() as conn:
        stored = conn.execute(select(sales.c.amount_cents).order_by(sales.c.id)).scalars().all()
    assert stored == [10, 99999999999999]


def test_weighted_amount_rounds_half_up(client: TestClient) -> None:
    assert post(client, amount="0.05", probability=50).json()["weighted_amount"] == "0.03"


def test_status_sets_the_default_probability(client: TestClient) -> None:
    assert post(client, status="sold").json()["probability"] == 100
    assert post(client, status="lost").json()["probability"] == 0
    sale = post(client, probability=30).json()
    sold = client.patch(f"/api/sales/{sale['id']}", json={"status": "sold"}).json()
    assert (sold["status"], sold["probability"], sold["weighted_amount"]) == (
        "sold",
        100,
        "1250.50",
    )
    stalled = client.patch(f"/api/sales/{sale['id']}", json={"status": "stalled"}).json()
    assert stalled["probability"] == 100  # only sold and lost imply a probability


def test_patch(client: TestClient, engine: Any) -> None:
    sale = post(client, company="Acme", owner=OWNER, reason="x").json()
    lead = client.post("/api/leads", json={"email": "a@example.com"}).json()
    response = client.patch(
        f"/api/sales/{sale['id']}",
        json={
            "title": "Bigger licence",
            "amount": "2000",
            "currency": "gbp",
            "sale_date": "2026-04-01",
            "owner": USER,
            "company": "Beta",
            "lead_id": lead["id"],
            "reason": None,
        },
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["title"], changed["amount"], changed["currency"]) == (
        "Bigger licence",
        "2000.00",
        "GBP",
    )
    assert (changed["sale_date"], changed["owner"], changed["company"]["name"]) == (
        "2026-04-01",
        USER,
        "Beta",
    )
    assert (changed["lead_id"], changed["reason"], changed["created_at"]) == (
        lead["id"],
        None,
        sale["created_at"],
    )
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(companies)).scalar() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "12.345"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1e3"}, "amount"),
        ({"amount": 12.5}, "amount"),  # a JSON number: refused, amounts are strings
        ({"amount": "1000000000000.00"}, "amount"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "ABC"}, "currency"),  # not an ISO 4217 code
        ({"sale_date": "2026-13-01"}, "sale_date"),
        ({"sale_date": "20 March 2026"}, "sale_date"),
        ({"sale_date": "1066-10-14"}, "sale_date"),
        ({"status": "won"}, "status"),
        ({"probability": 101}, "probability"),
        ({"probability": "50"}, "probability"),
        ({"probability": True}, "probability"),
        ({"lead_id": 12345}, "lead_id"),
        ({"lead_id": 0}, "lead_id"),
        ({"owner": "ghost@example.com"}, "owner"),
        ({"title": " "}, "title"),
        ({"origin": "crm"}, "origin"),
        ({"weighted_amount": "1"}, "weighted_amount"),
    ],
)
def test_create_errors(client: TestClient, engine: Any, body: dict[str, Any], field: str) -> None:
    response = post(client, **body)
    assert response.status_code == 422, response.text
    assert error_field(response) == field
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(sales)).scalar() == 0


@pytest.mark.parametrize("missing", ["title", "amount", "currency", "sale_date"])
def test_required_fields(client: TestClient, missing: str) -> None:
    body = {k: v for k, v in SALE.items() if k != missing}
    response = client.post("/api/sales", json=body)
    assert response.status_code == 422
    assert error_field(response) == missing


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"amount": None}, 422, "amount"),
        ({"status": None}, 422, "status"),
        ({"currency": "usdd"}, 422, "currency"),
        ({"lead_id": 999}, 422, "lead_id"),
        ({"created_at": "2026-01-01T00:00:00Z"}, 422, "created_at"),
    ],
)
def test_patch_errors(client: TestClient, body: dict[str, Any], status: int, field: str) -> None:
    sale = post(client).json()
    response = client.patch(f"/api/sales/{sale['id']}", json=body)
    assert response.status_code == status, response.text
    assert error_field(response) == field
    assert client.get(f"/api/sales/{sale['id']}").json() == sale


def test_unknown_sale_and_auth(client: TestClient) -> None:
    for method, url, body in (("GET", "/api/sales/77", None), ("PATCH", "/api/sales/77", {})):
        response = client.request(method, url, json=body)
        assert response.status_code == 404
        assert error_field(response) == "sale_id"
        response = client.request(method, url, json=body, headers={"Authorization": "Bearer x"})
        assert response.status_code == 401
        assert error_field(response) == "Authorization"
    for method, url in (("GET", "/api/sales"), ("POST", "/api/sales")):
        response = client.request(method, url, json=SALE, headers={"Authorization": ""})
        assert response.status_code == 401


def test_external_id_conflict(client: TestClient) -> None:
    assert post(client, external_id="opp-1", origin="crm").status_code == 201
    response = post(client, external_id="opp-1", origin="crm")
    assert response.status_code == 409
    assert error_field(response) == "external_id"
    assert post(client, external_id="opp-1").json()["origin"] == "api"


def _seed(client: TestClient) -> dict[str, int]:
    rows = {
        "a": dict(amount="100.00", status="sold", owner=OWNER, sale_date="2026-01-10"),
        "b": dict(amount="200.00", currency="USD", status="sold", sale_date="2026-02-01"),
        "c": dict(amount="50.25", status="open", owner=OWNER, sale_date="2026-02-28"),
        "d": dict(amount="10.00", currency="GBP", status="lost", sale_date="2026-03-01"),
        "e": dict(amount="1.00", status="stalled", owner=USER, sale_date="2026-03-31"),
    }
    ids = {}
    for name, body in rows.items():
        response = post(client, **body)
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
    return ids


def rates(engine: Any, **values: str) -> None:
    with engine.begin() as conn:
        for currency, rate in values.items():
            set_rate(conn, currency, rate, "EUR")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=sold", ["b", "a"]),  # latest sale date first
        ("status=open", ["c"]),
        ("owner=sam@example.com", ["c", "a"]),
        ("sale_date_from=2026-02-01&sale_date_to=2026-02-28", ["c", "b"]),
        ("sale_date_to=2026-01-31", ["a"]),
        ("status=sold&sale_date_from=2026-01-11", ["b"]),
    ],
)
def test_list_filters_count_and_sum(
    client: TestClient, engine: Any, query: str, expected: list[str]
) -> None:
    rates(engine, USD="0.9", GBP="1.17")
    ids = _seed(client)
    body = client.get(f"/api/sales?{query}").json()
    names = {v: k for k, v in ids.items()}
    assert [names[s["id"]] for s in body["sales"]] == expected
    amounts = {"a": "100", "b": "180", "c": "50.25", "d": "11.70", "e": "1"}  # in EUR
    assert body["count"] == len(expected)
    assert Decimal(body["sum"]) == sum((Decimal(amounts[n]) for n in expected), Decimal(0))
    assert body["base_currency"] == "EUR"


def test_sum_covers_every_page(client: TestClient, engine: Any) -> None:
    rates(engine, USD="0.9", GBP="1.17")
    _seed(client)
    first = client.get("/api/sales?page_size=2").json()
    last = client.get("/api/sales?page_size=2&page=3").json()
    assert (len(first["sales"]), len(last["sales"])) == (2, 1)
    assert first["count"] == last["count"] == 5
    assert first["sum"] == last["sum"] == "342.95"  # 100 + 180 + 50.25 + 11.70 + 1


def test_each_sale_keeps_its_own_currency(client: TestClient, engine: Any) -> None:
    rates(engine, USD="0.9", GBP="1.17")
    _seed(client)
    body = client.get("/api/sales?status=sold").json()
    assert [(s["amount"], s["currency"]) for s in body["sales"]] == [
        ("200.00", "USD"),
        ("100.00", "EUR"),
    ]
    assert body["sum"] == "280.00"


def test_a_missing_rate_is_an_error_naming_the_currency(client: TestClient, engine: Any) -> None:
    rates(engine, USD="0.9")  # no GBP rate
    _seed(client)
    assert client.get("/api/sales?status=sold").json()["sum"] == "280.00"
    response = client.get("/api/sales")
    assert response.status_code == 422
    assert error_field(response) == "currency"
    assert "GBP" in response.json()["error"]["message"]


def test_empty_list(client: TestClient) -> None:
    body = client.get("/api/sales").json()
    assert (body["sales"], body["count"], body["sum"]) == ([], 0, "0.00")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=won", "status"),
        ("owner=ghost@example.com", "owner"),
        ("sale_date_from=tomorrow", "sale_date_from"),
        ("sale_date_from=2026-03-02&sale_date_to=2026-03-01", "sale_date_to"),
        ("page_size=0", "page_size"),
        ("lead_id=-1", "lead_id"),
    ],
)
def test_list_errors(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/api/sales?{query}")
    assert response.status_code == 422, response.text
    assert error_field(response) == field
