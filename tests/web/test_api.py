"""The JSON API: same JSON as the CLI, errors as 4xx naming the field."""

from datetime import date
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.settings import Settings
from leadboard.web.present import dashboard_json
from tests.conftest import bearer_headers


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}")


@pytest.fixture
def client(settings: Settings):  # type: ignore[no-untyped-def]
    app = create_app(settings, end_of_day_clock(date(2026, 11, 27), settings.tz))
    with TestClient(app, headers=bearer_headers(app.state.engine)) as c:
        yield c


@pytest.mark.parametrize(
    "url",
    ["/api/dashboards", "/api/dashboards/sales", "/api/tiles/sales/qualified-without-sale/records"],
)
def test_api_needs_a_session_or_token(settings: Settings, url: str) -> None:
    app = create_app(settings)
    with TestClient(app) as anonymous:
        assert anonymous.get(url).status_code == 401
        wrong = anonymous.get(url, headers={"Authorization": "Bearer lb_not-a-real-token"})
        assert wrong.status_code == 401


def test_list(client: TestClient) -> None:
    body = client.get("/api/dashboards?lang=nl").json()
    assert [d["name"] for d in body["dashboards"]] == ["Marketing", "Leads koesteren", "Verkoop"]


def test_dashboard_equals_service_json(client: TestClient, settings: Settings) -> None:
    got = client.get("/api/dashboards/sales?country=nl&period=previous-year").json()
    clock = end_of_day_clock(date(2026, 11, 27), settings.tz)
    expected = dashboard_json(
        client.app.state.engine,  # type: ignore[attr-defined]  # TestClient.app is the ASGI callable
        settings,
        clock,
        "sales",
        FilterInput(country="nl", period="previous-year"),
    )
    assert got == expected
    assert got["filters"]["country"] == "NL"
    dated = [t for t in got["tiles"] if "period" in t]
    assert dated
    assert all(t["period"]["name"] == "previous-year" for t in dated)
    assert all("period" in t["filtered"] for t in dated)
    snapshot = next(t for t in got["tiles"] if t["key"] == "pipeline-by-creation-source")
    assert snapshot["filtered"] == ["country"]


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/dashboards/nope", 404, "slug"),
        ("/api/dashboards/sales?country=XX", 422, "country"),
        ("/api/dashboards/sales?owner=ghost@example.com", 422, "owner"),
        ("/api/dashboards/sales?status=won", 422, "status"),
        ("/api/dashboards/sales?period=fortnight", 422, "period"),
        ("/api/dashboards/sales?lang=fr", 422, "lang"),
        ("/api/tiles/sales/nope/records?key=x", 404, "tile_key"),
        ("/api/tiles/nope/leads-by-status/records?key=open", 404, "slug"),
        ("/api/tiles/lead-nurturing/leads-by-status/records?key=won", 422, "key"),
        ("/api/tiles/lead-nurturing/leads-by-status/records", 422, "key"),
        ("/api/tiles/lead-nurturing/lead-qualification-funnel/records?key=re-nurture", 422, "key"),
        ("/api/tiles/lead-nurturing/new-leads-per-week/records?key=1999-W01", 422, "key"),
    ],
)
def test_errors_name_the_field(client: TestClient, url: str, status: int, field: str) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("query", ["page=0", "page_size=101", "page=x"])
def test_paging_errors(client: TestClient, query: str) -> None:
    response = client.get(f"/api/tiles/lead-nurturing/leads-by-status/records?key=open&{query}")
    assert response.status_code == 422
    assert "page" in response.text
    assert "page_size" in response.text or "page" in query


def test_drilldown_on_empty_database(client: TestClient) -> None:
    body = client.get("/api/tiles/lead-nurturing/leads-by-status/records?key=open").json()
    assert (body["total"], body["measure"], body["records"]) == (0, 0, [])
