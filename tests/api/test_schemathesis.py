"""schemathesis against the REST API's OpenAPI schema: no 5xx, every answer matches the schema
(body and documented status code), for valid and invalid generated requests.

The schema is the app's own `/openapi.json` (read once, from an app on an in-memory database,
because schemathesis' fixture-based loader does not work with pytest 9). The requests go to an
app on a SQLite file with a few records seeded, so that generated ids and the schema's examples
(id 1, sam@example.com) reach the code behind the 404s.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.clock import FixedClock
from leadboard.settings import Settings
from tests.api.conftest import OWNER, add_associate, token_headers

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
TAGS = ["leads", "sales", "forms", "campaigns"]
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    app = create_app(Settings(database_url=f"sqlite:///{path}"), FixedClock(NOW))
    engine = app.state.engine
    owner = add_associate(engine, OWNER)
    headers = token_headers(engine, "schemathesis", owner)
    with TestClient(app, headers=headers) as client:
        # Owned by the token's user (own rights): else its reads and writes would all be 404.
        lead = {"email": "ann@example.com", "company": "Acme", "created_at": "2026-01-01T00:00:00Z"}
        assert client.post("/api/leads", json={**lead, "owner": OWNER}).status_code == 201
        sale = {"title": "T", "amount": "10.00", "currency": "EUR", "sale_date": "2026-03-01"}
        sale["owner"] = OWNER
        assert client.post("/api/sales", json={**sale, "lead_id": 1}).status_code == 201
        assert client.post("/api/forms", json={"name": "Contact"}).status_code == 201
        assert client.post("/api/campaigns", json={"key": "spring"}).status_code == 201
    yield app, headers
    engine.dispose()


# A generated request against one operation (schemathesis' parameters say nothing to us).
Case = schemathesis.Case[schemathesis.APIOperation[Any, Any, Any, Any]]

schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(database_url="sqlite://"))
).include(tag=TAGS)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: Case, fuzzed: tuple[FastAPI, dict[str, str]]) -> None:
    app, auth = fuzzed
    case.call_and_validate(headers=auth, checks=CHECKS, app=app)
