"""Rights through the web (issue 10 item 4): the dashboard JSON API, the page's JSON twin (its owner
filter choices), drill-down records and the CSV exports, for an API token acting as a sales rep
(`own` rights) against the admin with the owner filter set to that rep; a token without a user
sees everything.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, select
from starlette.testclient import TestClient

from leadboard.auth.tokens import create_token
from leadboard.db.schema import api_tokens, associates, leads
from tests.web.conftest import TODAY

SLUGS = ("marketing", "lead-nurturing", "sales")


@pytest.fixture
def bare(pages_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client without the admin's cookie (`client` and `anonymous` are one client)."""
    with TestClient(pages_app, follow_redirects=False) as c:
        yield c


def _figures(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The tiles without their filter marks (the admin's are marked, the rep's rights are not)."""
    return [{k: v for k, v in tile.items() if k != "filtered"} for tile in body["tiles"]]


@pytest.fixture
def rep(pages_app) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """A demo sales rep (own rights) with an API token; the token is removed afterwards."""
    engine = pages_app.state.engine
    with engine.begin() as conn:
        row = conn.execute(
            select(associates.c.id, associates.c.email)
            .where(associates.c.role == "sales-rep", associates.c.active.is_(True))
            .order_by(associates.c.id)
        ).first()
        assert row is not None
        secret = create_token(conn, "rights test", pages_app.state.clock.now(), row.id)
    yield {"id": row.id, "email": row.email, "headers": {"Authorization": f"Bearer {secret}"}}
    with engine.begin() as conn:
        conn.execute(delete(api_tokens).where(api_tokens.c.name == "rights test"))


@pytest.fixture
def integration(pages_app) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    with pages_app.state.engine.begin() as conn:
        secret = create_token(conn, "rights integration", pages_app.state.clock.now())
    yield {"Authorization": f"Bearer {secret}"}
    with pages_app.state.engine.begin() as conn:
        conn.execute(delete(api_tokens).where(api_tokens.c.name == "rights integration"))


def test_api_dashboards_as_an_own_user(
    client: TestClient, bare: TestClient, rep: dict[str, Any]
) -> None:
    for slug in SLUGS:
        admin = client.get(f"/api/dashboards/{slug}", params={"owner": rep["email"]})
        assert admin.status_code == 200
        mine = bare.get(f"/api/dashboards/{slug}", headers=rep["headers"])
        assert mine.status_code == 200, mine.text
        assert _figures(mine.json()) == _figures(admin.json()), slug
        everything = client.get(f"/api/dashboards/{slug}")
        assert _figures(everything.json()) != _figures(mine.json()), slug


def test_integration_token_sees_what_the_admin_sees(
    client: TestClient, bare: TestClient, integration: dict[str, str]
) -> None:
    admin = client.get("/api/dashboards/sales").json()
    token = bare.get("/api/dashboards/sales", headers=integration).json()
    assert token == admin


def test_twin_offers_only_the_viewer_as_owner(bare: TestClient, rep: dict[str, Any]) -> None:
    body = bare.get("/dashboards/sales.json", headers=rep["headers"]).json()
    owners = [o["value"] for o in body["filters"]["options"]["owner"]]
    assert owners == ["", rep["email"]]


def test_records_and_csv_as_an_own_user(
    client: TestClient, bare: TestClient, rep: dict[str, Any]
) -> None:
    tile = "/api/tiles/marketing/new-leads-from-forms-ytd/records"
    admin = client.get(tile, params={"owner": rep["email"], "page_size": 100}).json()
    mine = bare.get(tile, params={"page_size": 100}, headers=rep["headers"]).json()
    assert mine["total"] == admin["total"] > 0
    assert mine["records"] == admin["records"]
    everything = client.get(tile).json()
    assert everything["total"] > mine["total"]
    for path in (
        "/dashboards/marketing/tiles/new-leads-from-forms-ytd/records.csv",
        "/dashboards/sales/tiles/pipeline-by-creation-source.csv",
    ):
        # ?lang=en: the rep's own language may be Dutch
        mine_csv = bare.get(path, params={"lang": "en"}, headers=rep["headers"])
        admin_csv = client.get(path, params={"owner": rep["email"], "lang": "en"})
        assert mine_csv.status_code == admin_csv.status_code == 200
        assert mine_csv.text == admin_csv.text, path


def test_owner_filter_outside_the_rights_is_empty(
    client: TestClient, bare: TestClient, rep: dict[str, Any]
) -> None:
    other = client.get("/api/dashboards/sales").json()
    assert not all(t["empty"] for t in other["tiles"])
    with bare.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        someone = conn.execute(
            select(associates.c.email).where(associates.c.id != rep["id"]).limit(1)
        ).scalar()
    body = bare.get(
        "/api/dashboards/sales", params={"owner": someone}, headers=rep["headers"]
    ).json()
    assert all(t["empty"] for t in body["tiles"])
    assert TODAY  # the app's clock (conftest): the demo's last day


def test_lead_page_outside_the_rights_is_404(
    client: TestClient, bare: TestClient, rep: dict[str, Any]
) -> None:
    with bare.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        mine = conn.execute(select(leads.c.id).where(leads.c.owner_id == rep["id"])).scalar()
        other = conn.execute(
            select(leads.c.id).where(leads.c.owner_id != rep["id"]).order_by(leads.c.id)
        ).scalar()
    assert bare.get(f"/leads/{mine}.json", headers=rep["headers"]).status_code == 200
    hidden = bare.get(f"/leads/{other}.json", headers=rep["headers"])
    unknown = bare.get("/leads/999999.json", headers=rep["headers"])
    assert hidden.status_code == unknown.status_code == 404
    assert client.get(f"/leads/{other}.json").status_code == 200  # the admin sees it
