"""Stored dashboards through the dashboard API (issue 11), on SQLite and PostgreSQL: listed and
computed for those who may see them, "not found" for the others, figures with the viewer's rights.
"""

from datetime import UTC, datetime

from sqlalchemy import Engine, select, text
from starlette.testclient import TestClient

from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.stored import Audience, create_dashboard, set_audience
from leadboard.db.schema import associates
from leadboard.domain.users import INTEGRATION
from tests.api.conftest import OWNER, USER, token_headers

NOW = datetime(2026, 3, 15, 12, tzinfo=UTC).replace(tzinfo=None)
BUILT_IN = ["marketing", "lead-nurturing", "sales"]


def _ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(associates.c.email, associates.c.id)).all()
    return {row.email: row.id for row in rows}


def _store(engine: Engine, slug: str, owner_id: int) -> None:
    """Someone's own dashboard with one tile: the number of leads created this year."""
    definition = Dashboard.model_validate(
        {
            "slug": slug,
            "name": {"en": "Mine", "nl": "Van mij"},
            "tiles": [
                {
                    "key": "new-leads",
                    "name": {"en": "New leads", "nl": "Nieuwe leads"},
                    "chart": "number",
                    "entity": "leads",
                    "date_field": "created_at",
                    "period": "ytd",
                }
            ],
        }
    )
    with engine.begin() as conn:
        create_dashboard(conn, definition, owner_id, NOW)


def _lead(client: TestClient, email: str, owner: str | None) -> None:
    body = {"email": email, "first_name": "X"} | ({"owner": owner} if owner else {})
    assert client.post("/api/leads", json=body).status_code == 201


def test_a_stored_dashboard_for_its_owner_only(client: TestClient, engine: Engine) -> None:
    ids = _ids(engine)
    _store(engine, "anns", ids[USER])
    ann, sam = token_headers(engine, "ann", ids[USER]), token_headers(engine, "sam", ids[OWNER])

    listed = client.get("/api/dashboards", headers=ann).json()["dashboards"]
    assert [d["dashboard"] for d in listed] == [*BUILT_IN, "anns"]
    assert listed[-1]["name"] == "Mine"
    others = client.get("/api/dashboards", headers=sam).json()["dashboards"]
    assert [d["dashboard"] for d in others] == BUILT_IN
    # an integration token (no user) sees every dashboard
    every = client.get("/api/dashboards").json()["dashboards"]
    assert [d["dashboard"] for d in every] == [*BUILT_IN, "anns"]

    assert client.get("/api/dashboards/anns", headers=ann).status_code == 200
    hidden = client.get("/api/dashboards/anns", headers=sam)
    assert hidden.status_code == 404
    assert hidden.json()["error"]["field"] == "slug"
    records = (
        "/api/tiles/anns/"
        + client.get("/api/dashboards/anns", headers=ann).json()["tiles"][0]["key"]
        + "/records"
    )
    assert client.get(records, headers=ann).status_code == 200
    assert client.get(records, headers=sam).status_code == 404


def test_shared_figures_follow_each_viewers_rights(client: TestClient, engine: Engine) -> None:
    ids = _ids(engine)
    _store(engine, "shared", ids[OWNER])
    with engine.begin() as conn:
        set_audience(conn, "shared", "visible", Audience(everyone=True), INTEGRATION, NOW)
        conn.execute(
            text("UPDATE associates SET role = 'user', group_id = NULL WHERE id IN (:a, :b)"),
            {"a": ids[USER], "b": ids[OWNER]},
        )
    for i in range(3):
        _lead(client, f"ann{i}@lead.example", USER)
    _lead(client, "sam@lead.example", OWNER)
    _lead(client, "nobody@lead.example", None)

    def figure(headers: dict[str, str] | None) -> int:
        tiles = client.get("/api/dashboards/shared", headers=headers).json()["tiles"]
        value: int = tiles[0]["value"]
        return value

    with engine.connect() as conn:
        count = (
            "SELECT count(*) FROM leads l JOIN associates a ON a.id = l.owner_id WHERE a.email = :e"
        )
        anns = conn.execute(text(count), {"e": USER}).scalar_one()
        sams = conn.execute(text(count), {"e": OWNER}).scalar_one()
        everyone = conn.execute(text("SELECT count(*) FROM leads")).scalar_one()
    assert (anns, sams, everyone) == (3, 1, 5)
    assert figure(token_headers(engine, "ann", ids[USER])) == anns
    assert figure(token_headers(engine, "sam", ids[OWNER])) == sams
    assert figure(None) == everyone
