"""Issue 11 security acceptance on the page demo: markup in a dashboard's, a tile's and a
selection's name and in a lead's name and campaign is escaped on every page that shows them;
tile, drill-down and selection exports neutralise formula cells (each cell checked here); a
user who does not own a dashboard or a selection cannot change, delete, add tiles to or lay out
it (403 or 404, the stored rows unchanged); a user without the dashboard-admin role cannot share
or pin (403), on the pages and the REST API."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import Engine, delete, select, update
from starlette.testclient import TestClient

from leadboard.cli.demo import DEMO_ADMIN
from leadboard.dashboards.audience import Audience
from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.selections import (
    SelectionDefinition,
    create_selection,
    delete_selection,
    set_selection_audience,
)
from leadboard.dashboards.stored import create_dashboard, delete_dashboard, set_audience
from leadboard.db.schema import (
    associates,
    dashboard_shares,
    dashboard_visits,
    dashboards,
    leads,
    selection_shares,
    selections,
    sessions,
)
from tests.web.conftest import csrf_of, log_in, make_user

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
SVG = '"><svg onload=alert(1)>'
PAYLOADS = (IMG, SCRIPT, SVG)
FORMULA_CAMPAIGN = "=cmd|' /c calc'!a0"
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A9)")
BOARD = "xss-board"
THEIRS = "xss-theirs"
SELECTION = "xss-sel"
ATTACKER = "h6.attacker@example.com"
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def tr(text: str) -> dict[str, str]:
    return {"en": text, "nl": text}


@dataclass(frozen=True)
class World:
    engine: Engine
    lead_ids: list[int]  # [markup lead, formula lead, second markup lead]


def _engine(app: FastAPI) -> Engine:
    engine: Engine = app.state.engine
    return engine


@pytest.fixture
def world(pages_app: FastAPI) -> Iterator[World]:
    """Three demo leads given markup and formulas (restored afterwards), the admin's dashboard
    with such names shared with everyone, a selection of those leads, an attacker's account and
    a dashboard of the attacker's own."""
    engine = _engine(pages_app)
    with engine.begin() as conn:
        admin_id = conn.execute(
            select(associates.c.id).where(associates.c.email == DEMO_ADMIN)
        ).scalar_one()
        picked = conn.execute(
            select(
                leads.c.id,
                leads.c.first_name,
                leads.c.last_name,
                leads.c.email,
                leads.c.lc_campaign,
            )
            .order_by(leads.c.id)
            .limit(3)
        ).all()
        a, b, c = (row.id for row in picked)
        changes = {
            a: {"first_name": IMG, "last_name": SVG, "lc_campaign": SCRIPT},
            b: {
                "first_name": FORMULAS[0],
                "last_name": FORMULAS[1],
                "email": FORMULAS[3],
                "lc_campaign": FORMULA_CAMPAIGN,
            },
            c: {"first_name": FORMULAS[2], "last_name": SCRIPT, "lc_campaign": SCRIPT},
        }
        for lead_id, values in changes.items():
            conn.execute(update(leads).where(leads.c.id == lead_id).values(**values))
        criteria = [
            [{"field": "campaign", "op": "equals", "value": SCRIPT}],
            [{"field": "campaign", "op": "equals", "value": FORMULA_CAMPAIGN}],
        ]
        definition = SelectionDefinition.model_validate(
            {
                "slug": SELECTION,
                "name": tr(f"{IMG} selection"),
                "entity": "leads",
                "criteria": criteria,
                "columns": ["id", "name", "email", "company", "status"],
            }
        )
        create_selection(conn, definition, admin_id, NOW)
        set_selection_audience(conn, SELECTION, Audience(everyone=True), None, NOW)
        board = Dashboard.model_validate(
            {
                "slug": BOARD,
                "name": {"en": f"{IMG} board", "nl": f"{SVG} bord"},
                "description": tr(f"{SCRIPT} described"),
                "tiles": [
                    {
                        "key": "by-campaign",
                        "name": tr(f"{SVG} per campaign"),
                        "chart": "bar",
                        "entity": "leads",
                        "group_by": "campaign",
                        "criteria": criteria,
                    },
                    {
                        "key": "count",
                        "name": tr(f"{SCRIPT} count"),
                        "chart": "number",
                        "entity": "leads",
                    },
                    {
                        "key": "picked",
                        "name": tr(f"{IMG} list"),
                        "chart": "list",
                        "entity": "leads",
                        "selection": SELECTION,
                    },
                ],
            }
        )
        create_dashboard(conn, board, admin_id, NOW)
        set_audience(conn, BOARD, "visible", Audience(everyone=True), None, NOW)
    attacker_id = make_user(engine, ATTACKER)
    with engine.begin() as conn:
        theirs = Dashboard.model_validate(
            {
                "slug": THEIRS,
                "name": tr("Theirs"),
                "tiles": [{"key": "n", "name": tr("N"), "chart": "number", "entity": "leads"}],
            }
        )
        create_dashboard(conn, theirs, attacker_id, NOW)
    yield World(engine, [a, b, c])
    with engine.begin() as conn:
        for row in picked:
            conn.execute(
                update(leads)
                .where(leads.c.id == row.id)
                .values(
                    first_name=row.first_name,
                    last_name=row.last_name,
                    email=row.email,
                    lc_campaign=row.lc_campaign,
                )
            )
        for slug in (BOARD, THEIRS):
            delete_dashboard(conn, slug, None)
            conn.execute(delete(dashboard_visits).where(dashboard_visits.c.slug == slug))
        delete_selection(conn, SELECTION, None)
        conn.execute(delete(dashboard_visits).where(dashboard_visits.c.associate_id == attacker_id))
        conn.execute(delete(sessions).where(sessions.c.associate_id == attacker_id))
        conn.execute(delete(associates).where(associates.c.id == attacker_id))


@pytest.fixture
def attacker(pages_app: FastAPI, world: World) -> Iterator[TestClient]:
    with TestClient(pages_app, follow_redirects=False) as other:
        log_in(other, ATTACKER)
        yield other


def inert(html: str, shown: tuple[str, ...], url: str) -> None:
    """No payload appears as markup; each of `shown` appears, escaped."""
    for payload in PAYLOADS:
        assert payload not in html, f"{url}: {payload!r} unescaped"
    for text in shown:
        assert str(escape(text)) in html, f"{url}: {text!r} not shown (escaped)"


def test_markup_is_escaped_on_every_page(client: TestClient, world: World) -> None:
    a = world.lead_ids[0]
    pages: dict[str, tuple[str, ...]] = {
        f"/dashboards/{BOARD}": (f"{IMG} board", f"{SCRIPT} described"),
        f"/dashboards/{BOARD}?lang=nl": (f"{SVG} bord",),
        f"/dashboards/{BOARD}/tiles": (
            f"{SVG} per campaign",
            f"{SCRIPT} count",
            f"{IMG} list",
            SCRIPT,
            IMG,
        ),
        "/dashboards": (f"{IMG} board",),
        "/dashboards?q=board": (f"{IMG} board",),
        f"/dashboards/{BOARD}/settings": (f"{IMG} board",),
        f"/dashboards/{BOARD}/sharing": (f"{IMG} board",),
        f"/dashboards/{BOARD}/delete": (f"{IMG} board",),
        f"/dashboards/{BOARD}/tiles/new": (f"{IMG} selection",),
        f"/dashboards/{BOARD}/tiles/by-campaign/edit": (f"{SVG} per campaign", SCRIPT),
        f"/dashboards/{BOARD}/tiles/by-campaign/figures": (f"{SVG} per campaign", SCRIPT),
        "/selections": (f"{IMG} selection",),
        "/selections?q=selection": (f"{IMG} selection",),
        f"/selections/{SELECTION}": (f"{IMG} selection", IMG, SVG),
        f"/selections/{SELECTION}/board": (f"{IMG} selection", IMG),
        f"/leads/{a}": (IMG, SCRIPT),
    }
    for url, shown in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        inert(response.text, shown, url)
    drill = client.get(f"/dashboards/{BOARD}/tiles/by-campaign/records", params={"key": SCRIPT})
    assert drill.status_code == 200
    inert(drill.text, (IMG, SVG), "drill-down")
    assert f'data-record-id="{a}"' in drill.text or str(a) in drill.text


def cells_of_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def guarded(cells: list[list[str]], where: str) -> None:
    """No cell starts with a character a spreadsheet reads as a formula."""
    for row in cells:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@"), f"{where}: {cell!r}"


def test_exports_neutralise_formula_cells(client: TestClient, world: World) -> None:
    tile = client.get(f"/dashboards/{BOARD}/tiles/by-campaign.csv")
    assert tile.status_code == 200
    cells = cells_of_csv(tile.text)
    guarded(cells, "tile csv")
    assert any(cell == "'" + FORMULA_CAMPAIGN for row in cells for cell in row)

    drill = client.get(
        f"/dashboards/{BOARD}/tiles/by-campaign/records.csv", params={"key": FORMULA_CAMPAIGN}
    )
    assert drill.status_code == 200
    cells = cells_of_csv(drill.text)
    guarded(cells, "drill-down csv")
    flat = {cell for row in cells for cell in row}
    assert "'" + FORMULAS[3] in flat  # the email column
    assert any(cell.startswith("'" + FORMULAS[0]) for cell in flat)  # the name column

    listed = client.get(f"/selections/{SELECTION}.csv")
    assert listed.status_code == 200
    cells = cells_of_csv(listed.text)
    guarded(cells, "selection csv")
    flat = {cell for row in cells for cell in row}
    assert "'" + FORMULAS[3] in flat
    assert any(cell.startswith("'" + FORMULAS[2]) for cell in flat)  # "-2+3 <script>..."

    book = client.get(f"/selections/{SELECTION}.xlsx")
    assert book.status_code == 200
    with zipfile.ZipFile(io.BytesIO(book.content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        for name in sheets:
            xml = archive.read(name)
            assert b"<f>" not in xml
            assert b"<f " not in xml
    values = []
    for row in load_workbook(io.BytesIO(book.content)).active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            values.append(cell.value)
    assert FORMULAS[3] in values  # kept as the text it is, typed as a string
    assert any(isinstance(v, str) and v.startswith(FORMULAS[0]) for v in values)


def _dashboard_state(engine: Engine, slug: str) -> Any:
    with engine.connect() as conn:
        row = conn.execute(select(dashboards).where(dashboards.c.slug == slug)).one()
        shares = conn.execute(
            select(
                dashboard_shares.c.mode,
                dashboard_shares.c.group_id,
                dashboard_shares.c.associate_id,
            )
            .where(dashboard_shares.c.dashboard_id == row.id)
            .order_by(dashboard_shares.c.id)
        ).all()
    return tuple(row), [tuple(s) for s in shares]


def _selection_state(engine: Engine) -> Any:
    with engine.connect() as conn:
        row = conn.execute(select(selections).where(selections.c.slug == SELECTION)).one()
        shares = conn.execute(
            select(selection_shares.c.group_id, selection_shares.c.associate_id).where(
                selection_shares.c.selection_id == row.id
            )
        ).all()
    return tuple(row), [tuple(s) for s in shares]


def test_a_non_owner_changes_nothing(attacker: TestClient, world: World) -> None:
    engine = world.engine
    before = _dashboard_state(engine, BOARD), _selection_state(engine)
    token = csrf_of(attacker.get("/logout").text)
    assert attacker.get(f"/dashboards/{BOARD}").status_code == 200  # shared: they may look
    api = {"X-CSRF-Token": token}
    body = {"slug": BOARD, "name": tr("Taken"), "tiles": []}
    tile = {"key": "new", "name": tr("New"), "chart": "number", "entity": "leads"}
    answers = {
        "PUT definition": attacker.put(f"/api/dashboards/{BOARD}", json=body, headers=api),
        "DELETE": attacker.delete(f"/api/dashboards/{BOARD}", headers=api),
        "POST tile": attacker.post(f"/api/dashboards/{BOARD}/tiles", json=tile, headers=api),
        "PUT tile place": attacker.put(
            f"/api/dashboards/{BOARD}/tiles/count",
            json={**tile, "key": "count", "x": 2, "y": 2},
            headers=api,
        ),
        "DELETE tile": attacker.delete(f"/api/dashboards/{BOARD}/tiles/count", headers=api),
        "PUT selection": attacker.put(
            f"/api/selections/{SELECTION}",
            json={"slug": SELECTION, "name": tr("Taken"), "entity": "leads"},
            headers=api,
        ),
        "DELETE selection": attacker.delete(f"/api/selections/{SELECTION}", headers=api),
    }
    form = {"csrf_token": token}
    page_posts = {
        "settings": (
            f"/dashboards/{BOARD}/settings",
            {**form, "name_en": "Taken", "name_nl": "Genomen", "columns": "2"},
        ),
        "delete": (f"/dashboards/{BOARD}/delete", form),
        "new tile": (
            f"/dashboards/{BOARD}/tiles",
            {**form, "entity": "leads", "chart": "number", "name_en": "x", "name_nl": "x"},
        ),
        "edit tile": (
            f"/dashboards/{BOARD}/tiles/count/edit",
            {**form, "entity": "leads", "chart": "number", "name_en": "x", "name_nl": "x"},
        ),
        "remove tile": (f"/dashboards/{BOARD}/tiles/count/delete", form),
        "duplicate tile": (f"/dashboards/{BOARD}/tiles/count/duplicate", form),
        "layout": (
            f"/dashboards/{BOARD}/layout",
            {**form, "layout": '[{"key": "count", "x": 1, "y": 1, "w": 1, "h": 1}]'},
        ),
    }
    for name, (url, data) in page_posts.items():
        answers[f"page {name}"] = attacker.post(url, data=data)
    for name, answer in answers.items():  # both are shared with them: seen, so 403 (not 404)
        assert answer.status_code == 403, (name, answer.status_code, answer.text[:200])
    assert (_dashboard_state(engine, BOARD), _selection_state(engine)) == before


def test_sharing_and_pinning_need_the_dashboard_admin_role(
    attacker: TestClient, world: World
) -> None:
    engine = world.engine
    before = _dashboard_state(engine, THEIRS)
    token = csrf_of(attacker.get("/logout").text)
    assert attacker.get(f"/dashboards/{THEIRS}/sharing").status_code == 403
    page = attacker.post(
        f"/dashboards/{THEIRS}/sharing",
        data={"csrf_token": token, "visible_everyone": "on", "pinned_everyone": "on"},
    )
    assert page.status_code == 403
    everyone = {"everyone": True, "groups": [], "users": []}
    nobody = {"everyone": False, "groups": [], "users": []}
    for visible, pinned in ((everyone, nobody), (nobody, everyone)):
        answer = attacker.put(
            f"/api/dashboards/{THEIRS}/sharing",
            json={"visible_for": visible, "pinned_for": pinned},
            headers={"X-CSRF-Token": token},
        )
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["field"] == "role"
    assert _dashboard_state(engine, THEIRS) == before
