"""Idempotency-Key on POST: a retried request never creates a duplicate."""

from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from leadboard.db.schema import (
    campaigns,
    forms,
    idempotency_keys,
    lead_status_history,
    leads,
    sales,
)
from tests.api.conftest import error_field, token_headers


def count(engine: Any, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.mark.parametrize(
    ("url", "body", "table"),
    [
        ("/api/leads", {"email": "a@example.com"}, leads),
        (
            "/api/sales",
            {"title": "T", "amount": "1", "currency": "EUR", "sale_date": "2026-01-01"},
            sales,
        ),
        ("/api/forms", {"name": "Contact"}, forms),  # its key is random: the replay keeps it
        ("/api/campaigns", {"key": "spring"}, campaigns),
    ],
)
def test_a_retry_gets_the_first_answer(
    client: TestClient, engine: Any, url: str, body: dict[str, Any], table: Any
) -> None:
    key = {"Idempotency-Key": "retry-1"}
    first = client.post(url, json=body, headers=key)
    second = client.post(url, json=dict(reversed(body.items())), headers=key)  # same request
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert count(engine, table) == 1
    assert count(engine, idempotency_keys) == 1


def test_same_key_with_another_body_is_refused(client: TestClient, engine: Any) -> None:
    key = {"Idempotency-Key": "k"}
    assert (
        client.post("/api/leads", json={"email": "a@example.com"}, headers=key).status_code == 201
    )
    response = client.post("/api/leads", json={"email": "b@example.com"}, headers=key)
    assert response.status_code == 422
    assert error_field(response) == "Idempotency-Key"
    # ... or on another endpoint
    response = client.post("/api/campaigns", json={"key": "x"}, headers=key)
    assert response.status_code == 422
    assert error_field(response) == "Idempotency-Key"
    assert count(engine, leads) == 1
    assert count(engine, campaigns) == 0


def test_keys_belong_to_their_token(client: TestClient, engine: Any) -> None:
    key = {"Idempotency-Key": "k"}
    client.post("/api/leads", json={"email": "a@example.com"}, headers=key)
    other = {**token_headers(engine, "other"), **key}
    response = client.post("/api/leads", json={"email": "b@example.com"}, headers=other)
    assert response.status_code == 201
    assert count(engine, leads) == 2


def test_a_refused_request_stores_nothing(client: TestClient, engine: Any) -> None:
    key = {"Idempotency-Key": "k"}
    body = {"email": "a@example.com", "owner": "new@example.com"}
    response = client.post("/api/leads", json=body, headers=key)
    assert response.status_code == 422
    assert count(engine, idempotency_keys) == 0
    # fixed (the owner now exists), the same request with the same key goes through
    from tests.api.conftest import add_associate

    add_associate(engine, "new@example.com")
    assert client.post("/api/leads", json=body, headers=key).status_code == 201


def test_status_change_is_not_recorded_twice(client: TestClient, engine: Any) -> None:
    lead = client.post(
        "/api/leads", json={"email": "a@example.com", "created_at": "2026-03-01T00:00:00Z"}
    ).json()
    url = f"/api/leads/{lead['id']}/status"
    key = {"Idempotency-Key": "status-1"}
    first = client.post(
        url, json={"status": "contacting", "at": "2026-03-02T00:00:00Z"}, headers=key
    )
    client.post(url, json={"status": "open", "at": "2026-03-03T00:00:00Z"})
    retry = client.post(
        url, json={"status": "contacting", "at": "2026-03-02T00:00:00Z"}, headers=key
    )
    assert retry.json() == first.json()
    assert count(engine, lead_status_history) == 3  # created, contacting, open: no 4th


@pytest.mark.parametrize("value", ["", "x" * 201, "has space"])
def test_bad_keys(client: TestClient, engine: Any, value: str) -> None:
    response = client.post(
        "/api/leads", json={"email": "a@example.com"}, headers={"Idempotency-Key": value}
    )
    assert response.status_code == 422
    assert error_field(response) == "Idempotency-Key"
    assert count(engine, leads) == 0
