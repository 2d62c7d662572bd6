"""Pages of dynamic selections (issue 11 item 3) over the SQLite demo: the list of selections and
the form for a new one, a selection's list (records equal a count in SQL here; sort; columns),
CSV with formula cells neutralised, XLSX read back with openpyxl (text stays text), the board
(a move changes the lead's status and writes a history row; without rights 404, without the
CSRF token 403) and a drill-down saved as a selection, whose records equal the drill-down's."""

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import Engine, delete, func, select, update
from starlette.testclient import TestClient

from leadboard.dashboards.selections import SelectionDefinition, create_selection
from leadboard.db.schema import (
    associates,
    companies,
    lead_status_history,
    lead_statuses,
    leads,
    selection_shares,
    selections,
    sessions,
)
from tests.web.conftest import csrf_of, log_in, make_user

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC).replace(tzinfo=None)


def _engine(app: FastAPI) -> Engine:
    engine: Engine = app.state.engine
    return engine


@pytest.fixture
def cleanup(pages_app: FastAPI) -> Iterator[None]:
    """Every selection made in a test is gone after it."""
    yield
    with _engine(pages_app).begin() as conn:
        conn.execute(delete(selection_shares))
        conn.execute(delete(selections))


def _admin_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(associates.c.id).where(associates.c.role == "admin")).scalar_one()
        )


def _nl_selection(engine: Engine, slug: str = "nl-leads", **more: Any) -> None:
    definition = SelectionDefinition.model_validate(
        {
            "slug": slug,
            "name": {"en": "Leads in <NL>", "nl": "Leads in <NL>"},
            "entity": "leads",
            "criteria": [[{"field": "country", "op": "in", "value": ["NL"]}]],
            **more,
        }
    )
    with engine.begin() as conn:
        create_selection(conn, definition, _admin_id(engine), NOW)


def _nl_ids(engine: Engine) -> list[int]:
    """Leads whose effective country is NL: their own, else their company's (the catalog's
    rule, written here with plain SQL)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                leads.c.id, leads.c.country, companies.c.country.label("company_country")
            ).select_from(leads.outerjoin(companies, companies.c.id == leads.c.company_id))
        ).all()
    return sorted(r.id for r in rows if (r.country or r.company_country) == "NL")


def test_index_and_a_new_selection_from_the_form(
    client: TestClient, pages_app: FastAPI, cleanup: None
) -> None:
    page = client.get("/selections")
    assert page.status_code == 200
    assert 'data-testid="nav-selections"' in page.text
    token = csrf_of(page.text)
    form = {
        "name_en": "Qualified <b>NL</b>",
        "name_nl": "",
        "entity": "leads",
        "field": ["country", "status", ""],
        "op": ["in", "in", ""],
        "value": ["NL", "qualified", ""],
        "group": ["1", "1", "1"],
        "csrf_token": token,
    }
    assert client.post("/selections", data={**form, "csrf_token": "wrong"}).status_code == 403
    made = client.post("/selections", data=form)
    assert made.status_code == 303, made.text
    assert made.headers["location"] == "/selections/qualified-b-nl-b"
    with _engine(pages_app).connect() as conn:
        row = conn.execute(select(selections)).one()
    assert (row.name_en, row.name_nl, row.entity) == ("Qualified <b>NL</b>", row.name_en, "leads")
    assert row.criteria == [
        [
            {"field": "country", "op": "in", "value": ["NL"]},
            {"field": "status", "op": "in", "value": ["qualified"]},
        ]
    ]
    listed = client.get("/selections")
    assert "Qualified &lt;b&gt;NL&lt;/b&gt;" in listed.text
    assert "<b>NL</b>" not in listed.text
    twin = client.get("/selections.json").json()
    assert [s["slug"] for s in twin["selections"]] == ["qualified-b-nl-b"]
    bad = client.post("/selections", data={**form, "value": ["NL", "no-such-status", ""]})
    assert bad.status_code == 422
    assert 'data-field="criteria[0][1].value"' in bad.text


def test_the_list_sorts_and_chooses_columns(
    client: TestClient, pages_app: FastAPI, cleanup: None
) -> None:
    engine = _engine(pages_app)
    _nl_selection(engine)
    expected = _nl_ids(engine)
    assert expected
    twin = client.get("/selections/nl-leads.json?order_by=id").json()
    assert twin["total"] == len(expected)
    assert [r["id"] for r in twin["records"]] == expected[:25]
    down = client.get("/selections/nl-leads.json?order_by=-id&page=2").json()
    assert [r["id"] for r in down["records"]] == sorted(expected, reverse=True)[25:50]
    page = client.get("/selections/nl-leads?order_by=id&columns=id&columns=email")
    assert page.status_code == 200
    assert "Leads in &lt;NL&gt;" in page.text
    assert f'data-count="{len(expected)}"' in page.text
    assert 'data-column="email"' in page.text
    assert 'data-column="status"' not in page.text
    assert 'aria-sort="ascending"' in page.text
    assert 'href="/selections/nl-leads?order_by=-id&amp;columns=id&amp;columns=email"' in page.text
    first = page.text.index(f'data-record-id="{expected[0]}"')
    second = page.text.index(f'data-record-id="{expected[1]}"')
    assert first < second


def test_csv_and_xlsx_keep_formulas_inert(
    client: TestClient, pages_app: FastAPI, cleanup: None
) -> None:
    engine = _engine(pages_app)
    _nl_selection(engine, order_by="id")
    target = _nl_ids(engine)[0]
    with engine.connect() as conn:
        before = conn.execute(select(leads.c.email).where(leads.c.id == target)).scalar_one()
    evil = "=cmd|' /C calc'!A0"
    with engine.begin() as conn:
        conn.execute(update(leads).where(leads.c.id == target).values(email=evil))
    try:
        csv_text = client.get("/selections/nl-leads.csv?columns=id&columns=email").text
        lines = csv_text.lstrip("\ufeff").splitlines()
        assert lines[0] == "id,email,owner_name,status_label"
        assert len(lines) == 1 + len(_nl_ids(engine))
        assert lines[1].startswith(f"{target},'=cmd|")
        xlsx = client.get("/selections/nl-leads.xlsx?columns=id&columns=email")
        assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=False))
        assert [c.value for c in rows[0]] == ["id", "email", "owner_name", "status_label"]
        assert rows[1][0].value == target
        assert (rows[1][1].value, rows[1][1].data_type) == (evil, "s")
        assert len(rows) == 1 + len(_nl_ids(engine))
    finally:
        with engine.begin() as conn:
            conn.execute(update(leads).where(leads.c.id == target).values(email=before))


def _lead_state(engine: Engine, lead_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            select(leads.c.status_id, leads.c.status_since, leads.c.statuses_held).where(
                leads.c.id == lead_id
            )
        ).one()


def test_a_board_move_changes_the_status(
    client: TestClient, pages_app: FastAPI, cleanup: None
) -> None:
    engine = _engine(pages_app)
    _nl_selection(engine)
    with engine.connect() as conn:
        status = dict(conn.execute(select(lead_statuses.c.key, lead_statuses.c.id)).all())
        lead_id = int(
            conn.execute(
                select(func.min(leads.c.id)).where(
                    leads.c.id.in_(_nl_ids(engine)), leads.c.status_id == status["open"]
                )
            ).scalar_one()
        )
        history_before = conn.execute(select(func.max(lead_status_history.c.id))).scalar_one()
    state = _lead_state(engine, lead_id)
    board = client.get("/selections/nl-leads/board")
    assert board.status_code == 200
    with engine.connect() as conn:
        active = conn.execute(
            select(lead_statuses.c.key).where(lead_statuses.c.active).order_by(lead_statuses.c.rank)
        ).scalars()
        active_keys = list(active)
    columns = [
        part.split('"', 1)[0] for part in board.text.split('data-status="')[1:]
    ]  # one column per active status, in rank order
    assert columns == active_keys
    assert f'data-lead-id="{lead_id}"' in board.text
    token = csrf_of(board.text)
    twin = client.get("/selections/nl-leads/board.json").json()
    by_status = {c["status"]: c for c in twin["columns"]}
    assert sum(c["total"] for c in twin["columns"]) == len(_nl_ids(engine))
    assert lead_id in [card["id"] for card in by_status["open"]["cards"]]
    move = {"lead_id": lead_id, "status": "qualified"}
    try:
        no_token = client.post("/selections/nl-leads/board/move", json=move)
        assert no_token.status_code == 403
        assert _lead_state(engine, lead_id) == state
        moved = client.post(
            "/selections/nl-leads/board/move", json=move, headers={"X-CSRF-Token": token}
        )
        assert moved.status_code == 200, moved.text
        assert moved.json() == {"lead_id": lead_id, "status": "qualified", "changed": True}
        with engine.connect() as conn:
            assert (
                conn.execute(select(leads.c.status_id).where(leads.c.id == lead_id)).scalar_one()
                == status["qualified"]
            )
            history = conn.execute(
                select(lead_status_history).where(lead_status_history.c.id > (history_before or 0))
            ).all()
        assert [(h.lead_id, h.from_status_id, h.to_status_id) for h in history] == [
            (lead_id, status["open"], status["qualified"])
        ]
        assert history[0].by_associate_id == _admin_id(engine)
        # the "Move to…" form does the same and goes back to the board
        back = client.post(
            "/selections/nl-leads/board/move",
            data={"lead_id": str(lead_id), "status": "contacting", "csrf_token": token},
        )
        assert back.status_code == 303
        assert back.headers["location"] == "/selections/nl-leads/board"
        unknown = client.post(
            "/selections/nl-leads/board/move",
            json={"lead_id": lead_id, "status": "nope"},
            headers={"X-CSRF-Token": token},
        )
        assert unknown.status_code == 422
    finally:
        with engine.begin() as conn:
            conn.execute(
                delete(lead_status_history).where(lead_status_history.c.id > (history_before or 0))
            )
            conn.execute(
                update(leads)
                .where(leads.c.id == lead_id)
                .values(
                    status_id=state.status_id,
                    status_since=state.status_since,
                    statuses_held=state.statuses_held,
                )
            )


def test_a_viewer_without_rights_cannot_move(
    pages_app: FastAPI, anonymous: TestClient, cleanup: None
) -> None:
    """A user with own rights (no leads of their own) who may see a shared selection: its
    board has no cards for them, and a move of another's lead is 404 with nothing changed; an
    unshared selection is 404 altogether."""
    engine = _engine(pages_app)
    _nl_selection(engine)
    _nl_selection(engine, "nl-shared")
    email = "no.rights.board@example.com"
    user_id = make_user(engine, email)
    with engine.begin() as conn:
        shared = conn.execute(
            select(selections.c.id).where(selections.c.slug == "nl-shared")
        ).scalar_one()
        conn.execute(selection_shares.insert().values(selection_id=shared))
    lead_id = _nl_ids(engine)[0]
    state = _lead_state(engine, lead_id)
    try:
        log_in(anonymous, email)
        assert anonymous.get("/selections/nl-leads").status_code == 404
        assert anonymous.get("/selections/nl-leads/board").status_code == 404
        board = anonymous.get("/selections/nl-shared/board")
        assert board.status_code == 200
        assert 'data-testid="board-card"' not in board.text
        token = csrf_of(board.text)
        for slug in ("nl-leads", "nl-shared"):
            moved = anonymous.post(
                f"/selections/{slug}/board/move",
                json={"lead_id": lead_id, "status": "qualified"},
                headers={"X-CSRF-Token": token},
            )
            assert moved.status_code == 404
        assert _lead_state(engine, lead_id) == state
    finally:
        with engine.begin() as conn:
            conn.execute(delete(selection_shares))
            conn.execute(delete(selections))
            conn.execute(delete(sessions).where(sessions.c.associate_id == user_id))
            conn.execute(delete(associates).where(associates.c.id == user_id))


def _all_records(client: TestClient, url: str) -> list[int]:
    found: list[int] = []
    page = 1
    while True:
        joiner = "&" if "?" in url else "?"
        body = client.get(f"{url}{joiner}page={page}&page_size=100").json()
        found += [r["id"] for r in body["records"]]
        if len(body["records"]) < 100:
            return found
        page += 1


@pytest.mark.parametrize(
    ("dashboard", "tile", "filters"),
    [
        ("marketing", "new-leads-by-campaign-ytd", "country=NL"),
        ("marketing", "new-leads-from-forms-ytd", "period=previous-year"),
        ("lead-nurturing", "lead-qualification-funnel", "owner="),
    ],
)
def test_a_drilldown_saved_as_a_selection_equals_it(
    client: TestClient,
    pages_app: FastAPI,
    cleanup: None,
    dashboard: str,
    tile: str,
    filters: str,
) -> None:
    figures = client.get(f"/api/dashboards/{dashboard}?{filters}").json()
    tile_json = next(t for t in figures["tiles"] if t["key"] == tile)
    if "rows" in tile_json:
        key = next(r["key"] for r in tile_json["rows"] if r["key"] not in ("(other)",))
    elif "steps" in tile_json:
        key = tile_json["steps"][2]["key"]
    else:
        key = ""
    query = f"{filters}&key={key}" if key else filters
    drill = _all_records(client, f"/api/tiles/{dashboard}/{tile}/records?{query}")
    panel = client.get(f"/dashboards/{dashboard}/tiles/{tile}/records?{query}")
    assert 'data-testid="drilldown-save"' in panel.text
    token = csrf_of(panel.text)
    saved = client.post(
        f"/dashboards/{dashboard}/tiles/{tile}/records/selection?{filters}",
        data={"key": key, "name": "From the drill-down", "csrf_token": token},
    )
    assert saved.status_code == 303, saved.text
    slug = saved.headers["location"].removeprefix("/selections/")
    records = _all_records(client, f"/api/selections/{slug}/records?order_by=id")
    assert drill
    assert sorted(records) == sorted(drill)
    assert client.get(saved.headers["location"]).status_code == 200
