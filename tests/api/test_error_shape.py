"""One error shape for every JSON error (issue 8 item 3): `{"error": {"field", "message"},
"errors": [...]}` for 401, 403, 404, 405, 422, 429 and 500 on every /api path, the JSON twins
and unknown paths; never FastAPI's `{"detail": ...}`.

Error shaping does not touch the database, so one SQLite app serves the whole module.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, HTTPException
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.settings import Settings
from tests.api.conftest import error_field
from tests.conftest import bearer_headers


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    path: Path = tmp_path_factory.mktemp("errors") / "errors.db"
    app = create_app(Settings(database_url=f"sqlite:///{path}"))

    # Routes that fail the ways no real route can be made to on demand.
    @app.get("/api/test-forbidden")
    def forbidden() -> None:
        raise HTTPException(403, detail="this token may not do that")

    @app.get("/api/test-busy")
    def busy() -> None:
        raise HTTPException(429, detail="too many requests", headers={"Retry-After": "7"})

    @app.get("/api/test-crash")
    def crash() -> None:
        raise RuntimeError("boom")

    yield app
    app.state.engine.dispose()


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    headers = bearer_headers(app.state.engine)
    with TestClient(app, headers=headers, raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(
    "url",
    [
        "/api/dashboards",
        "/api/dashboards/marketing",
        "/api/tiles/sales/qualified-without-sale/records",
        "/api/leads",
        "/api/sales",
        "/api/forms",
        "/dashboards/marketing.json",
        "/leads/1.json",
        "/dashboards/marketing/tiles/top-10-forms-ytd.csv",
    ],
)
def test_401_has_the_error_shape(anonymous: TestClient, url: str) -> None:
    answer = anonymous.get(url)
    assert answer.status_code == 401
    assert error_field(answer) == "Authorization"
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("method", "url", "status", "field"),
    [
        ("GET", "/api/nope", 404, "path"),
        ("GET", "/api/leads/1/nope", 404, "path"),
        ("GET", "/no/such/path", 404, "path"),  # not a browser: JSON too
        ("DELETE", "/api/dashboards", 405, "method"),
        ("PUT", "/api/leads", 405, "method"),
        ("GET", "/api/dashboards/nope", 404, "slug"),
        ("GET", "/api/dashboards/sales?lang=fr", 422, "lang"),
        ("GET", "/api/dashboards/sales?period=fortnight", 422, "period"),
        ("GET", "/api/tiles/lead-nurturing/leads-by-status/records?key=open&page=0", 422, "page"),
        ("GET", "/api/leads?page=x", 422, "page"),
        ("GET", "/api/leads/999999", 404, "lead_id"),
        ("GET", "/leads/999999.json", 404, "lead_id"),
        ("GET", "/dashboards/nope.json", 404, "slug"),
        ("GET", "/api/test-forbidden", 403, "Authorization"),
        ("GET", "/api/test-busy", 429, "rate"),
        ("GET", "/api/test-crash", 500, "server"),
    ],
)
def test_every_error_has_the_error_shape(
    client: TestClient, method: str, url: str, status: int, field: str
) -> None:
    answer = client.request(method, url)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert error_field(answer) == field
    assert "detail" not in answer.json()


def test_405_names_the_allowed_methods(client: TestClient) -> None:
    # Every method of the path (GET and POST are two routes), not the first route's only.
    answer = client.delete("/api/dashboards")
    assert answer.headers["allow"] == "GET, POST"
    assert answer.json()["error"]["message"] == "DELETE is not allowed here; use GET, POST"


def test_unknown_paths_are_named(client: TestClient) -> None:
    answer = client.get("/api/nope")
    assert answer.json()["error"]["message"] == "no such endpoint: /api/nope"


def test_429_keeps_its_retry_after(client: TestClient) -> None:
    answer = client.get("/api/test-busy")
    assert answer.headers["retry-after"] == "7"
    assert answer.json()["error"]["message"] == "too many requests"


def test_500_tells_nothing_of_the_exception(client: TestClient) -> None:
    body = client.get("/api/test-crash").json()
    assert "boom" not in str(body)
    assert "RuntimeError" not in str(body)


def test_a_browser_keeps_json_on_api_paths(client: TestClient) -> None:
    answer = client.get("/api/nope", headers={"Accept": "text/html,*/*;q=0.8"})
    assert answer.status_code == 404
    assert error_field(answer) == "path"


def test_the_documented_401_of_the_dashboards_is_the_error_model(app: FastAPI) -> None:
    operation = app.openapi()["paths"]["/api/dashboards/{slug}"]["get"]
    for status in ("401", "404", "422"):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/ErrorOut")
    assert operation["security"] == [{"HTTPBearer": []}]
