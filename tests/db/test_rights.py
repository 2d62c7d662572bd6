"""Data rights in every compiled query (issue 10 item 4) on SQLite and PostgreSQL, demo data.

* A viewer with `own` rights sees exactly what an admin sees with the owner filter set to that
  viewer: every tile of the three built-in dashboards, and the records behind each tile.
* A `group` viewer's dashboards equal the oracle (tests/oracle.py) over the records owned by
  their group's associates, a set this test reads from the associates table itself.
* An admin (all rights) is unchanged: the golden JSON tests cover that byte for byte.
"""

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from leadboard.dashboards import service
from leadboard.dashboards.service import FilterInput
from leadboard.db.schema import associates, companies, leads, sales
from leadboard.domain.users import Rights, Viewer, viewer_for
from leadboard.semantic.results import (
    DrillDown,
    FunnelResult,
    GroupedResult,
    SaleRecord,
    SeriesResult,
)
from leadboard.semantic.rights import scope_for
from leadboard.semantic.spec import ALL
from leadboard.web.present import dashboard_json
from tests.db.conftest import DemoDB
from tests.oracle import TILES, Filters, diff_dashboard

SLUGS = ("marketing", "lead-nurturing", "sales")


def _user(db: DemoDB, role: str) -> dict[str, Any]:
    """The first active associate in a group with this role (the demo makes both kinds)."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(associates.c.id, associates.c.email, associates.c.group_id)
            .where(
                associates.c.role == role,
                associates.c.active.is_(True),
                associates.c.group_id.is_not(None),
            )
            .order_by(associates.c.id)
        ).first()
    assert row is not None, f"the demo has no {role} in a group"
    return dict(row._mapping)


def _viewer(db: DemoDB, associate_id: int) -> Viewer:
    with db.engine.connect() as conn:
        return viewer_for(conn, associate_id)


def withheld(db: DemoDB, drill: DrillDown, viewer: int) -> DrillDown:
    """The admin's records as a viewer who sees only `viewer`'s leads gets them: a sale on
    someone else's lead has no lead id or name, and only its own company (SPEC 7, see
    semantic/plan.py scoped_entity; tests/db/test_rights_leaks.py tests it in full)."""
    ids = [r.id for r in drill.records if isinstance(r, SaleRecord)]
    if not ids:
        return drill
    with db.engine.connect() as conn:
        found = conn.execute(
            select(sales.c.id, leads.c.owner_id, companies.c.name)
            .select_from(
                sales.outerjoin(leads, leads.c.id == sales.c.lead_id).outerjoin(
                    companies, companies.c.id == sales.c.company_id
                )
            )
            .where(sales.c.id.in_(ids))
        ).all()
    hidden = {row.id: row.name for row in found if row.owner_id != viewer}
    records = tuple(
        replace(r, lead_id=None, lead_name=None, company=hidden[r.id])
        if isinstance(r, SaleRecord) and r.id in hidden
        else r
        for r in drill.records
    )
    return replace(drill, records=records)


def test_own_viewer_sees_what_the_owner_filter_shows(demo_db: DemoDB) -> None:
    rep = _user(demo_db, "sales-rep")
    viewer = _viewer(demo_db, rep["id"])
    assert viewer.rights == Rights("own", "own")
    with demo_db.engine.connect() as conn:
        scope = scope_for(conn, viewer)
    assert scope.leads == scope.sales == (rep["id"],)
    args = (demo_db.engine, demo_db.settings, demo_db.clock)
    checked = 0
    for slug in SLUGS:
        mine = service.compute_dashboard(*args, slug, FilterInput(), scope)
        filtered = service.compute_dashboard(*args, slug, FilterInput(owner=rep["email"]))
        assert len(mine.tiles) == len(filtered.tiles)
        for own_tile, admin_tile in zip(mine.tiles, filtered.tiles, strict=True):
            assert own_tile == admin_tile, f"{slug}/{own_tile.tile.key}"
            checked += 1
            # The records behind the tile (its first row, or its number) as well.
            key = None
            if isinstance(admin_tile, GroupedResult | SeriesResult):
                if not admin_tile.rows:
                    continue
                key = admin_tile.rows[-1].key
            elif isinstance(admin_tile, FunnelResult):
                key = admin_tile.steps[-1].status.key
            own_records = service.compute_records(
                *args, slug, own_tile.tile.key, FilterInput(), key, scope=scope
            )
            admin_records = service.compute_records(
                *args, slug, own_tile.tile.key, FilterInput(owner=rep["email"]), key
            )
            want = withheld(demo_db, admin_records.drill, rep["id"])
            assert own_records.drill == want, f"{slug}/{own_tile.tile.key} {key}"
    assert checked > 20


def test_group_viewer_against_the_oracle(demo_db: DemoDB) -> None:
    lead = _user(demo_db, "user")
    viewer = _viewer(demo_db, lead["id"])
    assert viewer.scope("leads") == "group"
    with demo_db.engine.connect() as conn:
        scope = scope_for(conn, viewer)
        members = frozenset(
            conn.execute(
                select(associates.c.email).where(associates.c.group_id == lead["group_id"])
            ).scalars()
        )
    assert len(members) > 1
    problems = []
    oracle, allowed = demo_db.oracle, Filters(owners=members)
    args = (demo_db.engine, demo_db.settings, demo_db.clock)
    for slug in SLUGS:
        got = dashboard_json(*args, slug, FilterInput(), "en", scope)
        problems += diff_dashboard(got, slug, oracle, allowed)
        # The records behind each tile's first row (or its number): the same ids as the oracle's.
        for tile in got["tiles"]:
            rows = tile.get("rows") or tile.get("steps")
            kind = TILES[tile["key"]].kind  # the oracle's own idea of the tile
            if kind in ("grouped", "series", "funnel"):
                if not rows:
                    continue
                row = rows[0]["key"]
            elif kind == "list":
                continue  # a list tile's records are the tile itself (compared above)
            else:
                row = None
            want = oracle.row_records(tile["key"], allowed, row)
            drill = service.compute_records(
                *args, slug, tile["key"], FilterInput(), row, 1, 100, scope
            ).drill
            if drill.total != len(want):
                problems.append(f"{slug}/{tile['key']} {row}: {drill.total} != {len(want)}")
            elif drill.total <= 100:
                got_ids = sorted(r.id for r in drill.records)
                if got_ids != sorted(r["id"] for r in want):
                    problems.append(f"{slug}/{tile['key']} {row}: other records")
    assert not problems, "\n".join(problems)


def test_owner_filter_outside_the_scope_gives_nothing(demo_db: DemoDB) -> None:
    rep = _user(demo_db, "sales-rep")
    with demo_db.engine.connect() as conn:
        scope = scope_for(conn, _viewer(demo_db, rep["id"]))
        other = conn.execute(
            select(associates.c.email).where(associates.c.id != rep["id"]).order_by(associates.c.id)
        ).scalar()
    result = service.compute_dashboard(
        demo_db.engine, demo_db.settings, demo_db.clock, "sales", FilterInput(owner=other), scope
    )
    assert all(tile.empty for tile in result.tiles)


def test_all_rights_is_no_restriction(demo_db: DemoDB) -> None:
    admin = Viewer(1, None, "admin", Rights("all", "all"))
    with demo_db.engine.connect() as conn:
        assert scope_for(conn, admin) == ALL
        assert scope_for(conn, None) == ALL


@pytest.mark.parametrize("rights", ["own", "group"])
def test_viewer_without_group_or_anyone_sees_only_their_own(demo_db: DemoDB, rights: str) -> None:
    viewer = Viewer(10**6, None, "x", Rights(rights, rights))  # type: ignore[arg-type]
    with demo_db.engine.connect() as conn:
        scope = scope_for(conn, viewer)
    assert scope.leads == scope.sales == (10**6,)
    result = service.compute_dashboard(
        demo_db.engine, demo_db.settings, demo_db.clock, "marketing", FilterInput(), scope
    )
    assert all(tile.empty for tile in result.tiles)
