"""Numbers too big for the database in page URLs (issue 13 item 5): 404 or 422, never 500.

`/leads/99999999999999999999` and `/leads/9223372036854775808` (and their `.json`) answered 500:
SQLite cannot bind an integer past 64 bits. The REST API bounds ids; the pages now do too, and
treat an id past the largest one the database can hold (2**31 - 1 on PostgreSQL) as any unknown
lead. Page numbers in `?page=` are bounded like the REST API's.
"""

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import csrf_of

HUGE = ["99999999999999999999", "9223372036854775808", "2147483648"]
TILE = "new-leads-by-creation-source-ytd"


@pytest.mark.parametrize("number", HUGE)
def test_a_lead_id_past_the_database_is_an_unknown_lead(client: TestClient, number: str) -> None:
    page = client.get(f"/leads/{number}")
    assert page.status_code == 404
    twin = client.get(f"/leads/{number}.json")
    assert twin.status_code == 404
    assert twin.json()["error"]["field"] == "lead_id"
    token = csrf_of(client.get("/leads").text)
    for action, data in (("status", {"status": "open"}), ("owner", {"owner": "none"})):
        posted = client.post(f"/leads/{number}/{action}", data={**data, "csrf_token": token})
        assert posted.status_code == 404, action


@pytest.mark.parametrize("number", HUGE[:2])
def test_a_page_number_past_the_database_is_refused(client: TestClient, number: str) -> None:
    for url in (f"/leads?page={number}", f"/leads.json?page={number}"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert "page" in response.text


@pytest.fixture
def selection(client: TestClient) -> Iterator[str]:
    token = csrf_of(client.get("/leads").text)
    made = client.post(
        f"/dashboards/marketing/tiles/{TILE}/records/selection",
        data={"csrf_token": token, "name": "Big numbers"},
        headers={"X-CSRF-Token": token},
    )
    assert made.status_code == 303, made.text[:300]
    found = re.fullmatch(r"/selections/([a-z0-9-]+)", made.headers["location"])
    assert found
    yield found.group(1)
    gone = client.delete(f"/api/selections/{found.group(1)}", headers={"X-CSRF-Token": token})
    assert gone.status_code == 204, gone.text[:300]


@pytest.mark.parametrize("number", HUGE[:2])
def test_selection_pages_and_board_moves_bound_their_numbers(
    client: TestClient, selection: str, number: str
) -> None:
    for url in (
        f"/selections/{selection}?page={number}",
        f"/selections/{selection}.json?page={number}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url  # the page past the last: no records
    token = csrf_of(client.get("/leads").text)
    moved = client.post(
        f"/selections/{selection}/board/move",
        data={"lead_id": number, "status": "open", "csrf_token": token},
    )
    assert moved.status_code == 404
