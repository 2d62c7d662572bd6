"""POST/GET/PATCH /api/forms and /api/campaigns."""

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.api.conftest import error_field

FORM = {
    "name": "Request a demo",
    "allowed_origins": [
        "HTTPS://WWW.Example.com/",
        "https://example.com:443",
        "http://localhost:8080",
    ],
    "fields": [{"name": "email", "required": True}, {"name": "company", "label": "Company"}],
    "thank_you_url": "https://www.example.com/thanks?x=1",
}


def test_form_create_read_list_update(client: TestClient) -> None:
    response = client.post("/api/forms", json=FORM)
    assert response.status_code == 201, response.text
    form = response.json()
    assert form["key"].startswith("f_")
    assert len(form["key"]) > 8
    assert form["capture_path"] == f"/capture/forms/{form['key']}"
    assert form["allowed_origins"] == [
        "https://www.example.com",
        "https://example.com",
        "http://localhost:8080",
    ]
    assert form["fields"] == [
        {"name": "email", "required": True, "label": None},
        {"name": "company", "required": False, "label": "Company"},
    ]
    assert (form["active"], form["created_at"]) == (True, "2026-03-15T12:00:00Z")
    assert client.get(f"/api/forms/{form['id']}").json() == form
    other = client.post("/api/forms", json={"name": "Newsletter", "key": "news_1"}).json()
    assert (other["key"], other["allowed_origins"], other["fields"]) == ("news_1", [], [])
    changed = client.patch(
        f"/api/forms/{form['id']}",
        json={"active": False, "thank_you_url": None, "fields": [{"name": "email"}]},
    ).json()
    assert (changed["active"], changed["thank_you_url"], changed["name"]) == (
        False,
        None,
        FORM["name"],
    )
    assert changed["fields"] == [{"name": "email", "required": False, "label": None}]
    listed = client.get("/api/forms").json()
    assert [f["id"] for f in listed["forms"]] == [form["id"], other["id"]]
    assert listed["total"] == 2
    inactive = client.get("/api/forms?active=false").json()
    assert [f["key"] for f in inactive["forms"]] == [form["key"]]
    assert client.get("/api/forms?page_size=1&page=2").json()["forms"][0]["id"] == other["id"]


def test_form_keys_are_unique(client: TestClient) -> None:
    client.post("/api/forms", json={"name": "A", "key": "same"})
    response = client.post("/api/forms", json={"name": "B", "key": "same"})
    assert response.status_code == 409
    assert error_field(response) == "key"
    other = client.post("/api/forms", json={"name": "C"}).json()
    response = client.patch(f"/api/forms/{other['id']}", json={"key": "same"})
    assert response.status_code == 409
    assert error_field(response) == "key"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"key": "has space"}, "key"),
        ({"key": "x" * 65}, "key"),
        ({"active": "yes"}, "active"),
        ({"allowed_origins": ["https://ok.example", "ftp://example.com"]}, "allowed_origins[1]"),
        ({"allowed_origins": ["https://example.com/path"]}, "allowed_origins[0]"),
        ({"allowed_origins": ["example.com"]}, "allowed_origins[0]"),
        ({"allowed_origins": ["https://user@example.com"]}, "allowed_origins[0]"),
        ({"allowed_origins": ["https://example.com:99999"]}, "allowed_origins[0]"),
        ({"allowed_origins": "https://example.com"}, "allowed_origins"),
        ({"thank_you_url": "javascript:alert(1)"}, "thank_you_url"),
        ({"thank_you_url": "/thanks"}, "thank_you_url"),
        ({"fields": [{"name": "Email"}]}, "fields[0].name"),
        ({"fields": [{"name": "email", "type": "text"}]}, "fields[0].type"),
        ({"fields": [{"name": "email"}, {"name": "email"}]}, "fields[1].name"),
        ({"submissions": 3}, "submissions"),
    ],
)
def test_form_errors(client: TestClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/api/forms", json={"name": "Form", **body})
    assert response.status_code == 422, response.text
    assert error_field(response) == field
    assert client.get("/api/forms").json()["total"] == 0


def test_form_404_401_and_null(client: TestClient) -> None:
    for method, url in (("GET", "/api/forms/5"), ("PATCH", "/api/forms/5")):
        response = client.request(method, url, json={})
        assert response.status_code == 404
        assert error_field(response) == "form_id"
        response = client.request(method, url, json={}, headers={"Authorization": ""})
        assert response.status_code == 401
    form = client.post("/api/forms", json={"name": "A"}).json()
    response = client.patch(f"/api/forms/{form['id']}", json={"name": None})
    assert response.status_code == 422
    assert error_field(response) == "name"


def test_campaigns(client: TestClient) -> None:
    body: dict[str, Any] = {"key": " Spring-2026 ", "name": "Spring", "starts_on": "2026-03-01"}
    response = client.post("/api/campaigns", json=body)
    assert response.status_code == 201, response.text
    campaign = response.json()
    assert campaign == {
        "id": campaign["id"],
        "key": "spring-2026",
        "name": "Spring",
        "starts_on": "2026-03-01",
        "ends_on": None,
    }
    assert client.get(f"/api/campaigns/{campaign['id']}").json() == campaign
    response = client.post("/api/campaigns", json={"key": "SPRING-2026"})
    assert response.status_code == 409
    assert error_field(response) == "key"
    client.post("/api/campaigns", json={"key": "autumn"})
    changed = client.patch(
        f"/api/campaigns/{campaign['id']}", json={"ends_on": "2026-05-31", "name": None}
    ).json()
    assert (changed["ends_on"], changed["name"], changed["key"]) == (
        "2026-05-31",
        None,
        "spring-2026",
    )
    listed = client.get("/api/campaigns").json()
    assert [c["key"] for c in listed["campaigns"]] == ["autumn", "spring-2026"]
    assert client.get("/api/campaigns?q=SPRING").json()["total"] == 1
    response = client.patch(f"/api/campaigns/{campaign['id']}", json={"ends_on": "2026-02-01"})
    assert response.status_code == 422
    assert error_field(response) == "ends_on"
    response = client.patch(f"/api/campaigns/{campaign['id']}", json={"key": "Autumn"})
    assert response.status_code == 409
    assert error_field(response) == "key"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "key"),
        ({"key": "  "}, "key"),
        ({"key": "x", "starts_on": "2026-03-02", "ends_on": "2026-03-01"}, "ends_on"),
        ({"key": "x", "starts_on": "March"}, "starts_on"),
        ({"key": "x", "budget": 10}, "budget"),
        ({"key": 12}, "key"),
    ],
)
def test_campaign_errors(client: TestClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/api/campaigns", json=body)
    assert response.status_code == 422, response.text
    assert error_field(response) == field


def test_campaign_404(client: TestClient) -> None:
    for method in ("GET", "PATCH"):
        response = client.request(method, "/api/campaigns/3", json={})
        assert response.status_code == 404
        assert error_field(response) == "campaign_id"
