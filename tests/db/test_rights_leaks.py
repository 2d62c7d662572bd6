"""Rights leaks closed (issue 10 item 4), on SQLite and PostgreSQL over demo data.

* The country quick filter offers only the countries of the leads and sales the viewer may see
  (and the owner filter only the associates within the scope).
* A sale the viewer may see (sales rights) on a lead they may not (lead rights) shows none of
  the lead's own data: no lead id, no lead name, and the company only when it is the sale's own.
  That holds for drill-down records, a sale list tile and a sale tile grouped by company.

Expected values come from SQL written here (text queries), not from the compiler.
"""

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, select, text
from typer.testing import CliRunner

from leadboard.cli import app
from leadboard.dashboards.service import FilterInput, get_dashboard, open_executor
from leadboard.db.schema import associates
from leadboard.domain.users import Rights, Viewer, viewer_for
from leadboard.semantic.keys import NOT_SET
from leadboard.semantic.results import GroupedResult, ListResult, SaleRecord
from leadboard.semantic.rights import scope_for
from leadboard.semantic.spec import ALL, Scope, Tile, Translated
from leadboard.web.pages.dashboard import page_context
from tests.db.conftest import DemoDB

NAME = Translated(en="t", nl="t")
TODAY = ("--today", "2026-11-27")
runner = CliRunner()


def _rep(db: DemoDB) -> dict[str, Any]:
    """The first active sales rep in a group (role sales-rep: own rights)."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(associates.c.id, associates.c.email, associates.c.group_id)
            .where(
                associates.c.role == "sales-rep",
                associates.c.active.is_(True),
                associates.c.group_id.is_not(None),
            )
            .order_by(associates.c.id)
        ).first()
    assert row is not None
    return dict(row._mapping)


LEAD_COUNTRIES = (
    "SELECT DISTINCT COALESCE(l.country, c.country) FROM leads l "
    "LEFT JOIN companies c ON c.id = l.company_id"
)
SALE_COUNTRIES = (
    "SELECT DISTINCT COALESCE(l.country, lc.country, sc.country) FROM sales s "
    "LEFT JOIN leads l ON l.id = s.lead_id "
    "LEFT JOIN companies lc ON lc.id = l.company_id "
    "LEFT JOIN companies sc ON sc.id = s.company_id "
    "WHERE s.owner_id IN :sale_owners"
)


def _countries(conn: Connection, lead_owners: set[int] | None, sale_owners: set[int]) -> set[str]:
    """Country codes of the leads (own country, else their company's) and sales (the lead's, else
    the lead company's, else the sale company's) of these owners (None: every lead)."""
    params: dict[str, Any] = {"sale_owners": sorted(sale_owners)}
    binds: list[Any] = [bindparam("sale_owners", expanding=True)]
    leads_sql = LEAD_COUNTRIES
    if lead_owners is not None:
        leads_sql += " WHERE l.owner_id IN :lead_owners"
        params["lead_owners"] = sorted(lead_owners)
        binds.append(bindparam("lead_owners", expanding=True))
    query = text(f"{leads_sql} UNION {SALE_COUNTRIES}").bindparams(*binds)
    return {str(code).upper() for code in conn.execute(query, params).scalars() if code}


def _options(db: DemoDB, scope: Scope) -> dict[str, list[str]]:
    context = page_context(
        db.engine, get_dashboard("marketing"), None, FilterInput(), "en", None, 0, scope
    )
    options = context["filters"]["options"]
    return {name: [o["value"] for o in options[name]] for name in ("owner", "country")}


def test_country_and_owner_filters_offer_only_what_an_own_viewer_sees(demo_db: DemoDB) -> None:
    rep = _rep(demo_db)
    with demo_db.engine.connect() as conn:
        scope = scope_for(conn, viewer_for(conn, rep["id"]))
        want = _countries(conn, {rep["id"]}, {rep["id"]})
        everywhere = {
            str(c).upper()
            for c in conn.execute(
                text(
                    "SELECT country FROM leads WHERE country IS NOT NULL "
                    "UNION SELECT country FROM companies WHERE country IS NOT NULL"
                )
            ).scalars()
        }
    got = _options(demo_db, scope)
    assert got["owner"] == ["", rep["email"]]
    assert got["country"][0] == ""
    assert got["country"][-1] == "none"
    assert set(got["country"][1:-1]) == want
    assert want
    assert want < everywhere
    # The admin's choices are unchanged: every country of a lead or a company.
    admin = _options(demo_db, ALL)
    assert set(admin["country"][1:-1]) == everywhere


def test_country_filter_of_a_group_viewer_and_of_mixed_rights(demo_db: DemoDB) -> None:
    rep = _rep(demo_db)
    with demo_db.engine.connect() as conn:
        group = set(
            conn.execute(
                select(associates.c.id).where(associates.c.group_id == rep["group_id"])
            ).scalars()
        )
        everyone = set(conn.execute(select(associates.c.id)).scalars())
        group_scope = scope_for(
            conn, Viewer(rep["id"], rep["group_id"], "x", Rights("group", "group"))
        )
        mixed = scope_for(conn, Viewer(rep["id"], rep["group_id"], "x", Rights("own", "all")))
        want_group = _countries(conn, group, group)
        want_mixed = _countries(conn, {rep["id"]}, everyone)
        emails: dict[int, str] = dict(
            conn.execute(select(associates.c.id, associates.c.email)).all()
        )
    got = _options(demo_db, group_scope)
    assert set(got["country"][1:-1]) == want_group
    assert set(got["owner"][1:]) == {emails[i] for i in group}
    # Own leads but every sale: the countries of every sale count too, and every owner of one.
    got = _options(demo_db, mixed)
    assert set(got["country"][1:-1]) == want_mixed
    assert len(got["owner"]) == len(emails) + 1


# -- a sale's lead outside the lead rights --------------------------------------------------------


def _sales_truth(conn: Connection) -> dict[int, dict[str, Any]]:
    rows = conn.execute(
        text(
            "SELECT s.id, s.lead_id, l.owner_id AS lead_owner, l.first_name, l.last_name, "
            "sc.name AS sale_company, lc.name AS lead_company FROM sales s "
            "LEFT JOIN leads l ON l.id = s.lead_id "
            "LEFT JOIN companies lc ON lc.id = l.company_id "
            "LEFT JOIN companies sc ON sc.id = s.company_id"
        )
    ).all()
    return {row.id: dict(row._mapping) for row in rows}


def _expected(truth: dict[str, Any], visible: set[int] | None) -> tuple[Any, Any, Any]:
    """(lead_id, lead_name, company) a viewer who sees the leads of `visible` gets."""
    if visible is None or (truth["lead_owner"] is not None and truth["lead_owner"] in visible):
        name = f"{truth['first_name'] or ''} {truth['last_name'] or ''}".strip()
        if truth["lead_id"] is None:
            name = ""
        return truth["lead_id"], name, truth["sale_company"] or truth["lead_company"]
    return None, None, truth["sale_company"]


def _check(records: Any, truth: dict[int, dict[str, Any]], visible: set[int] | None) -> int:
    hidden = 0
    for record in records:
        assert isinstance(record, SaleRecord)
        want = _expected(truth[record.id], visible)
        got = (record.lead_id, record.lead_name, record.company)
        assert got == want, f"sale {record.id}: {got} != {want}"
        hidden += want[0] is None and truth[record.id]["lead_id"] is not None
    return hidden


def _mixed_scope(db: DemoDB, rep: dict[str, Any]) -> Scope:
    with db.engine.connect() as conn:
        scope = scope_for(conn, Viewer(rep["id"], rep["group_id"], "x", Rights("own", "all")))
    assert scope.leads == (rep["id"],)
    assert scope.sales is None
    return scope


def test_sale_records_withhold_a_lead_outside_the_lead_rights(demo_db: DemoDB) -> None:
    rep = _rep(demo_db)
    scope = _mixed_scope(demo_db, rep)
    every_sale = Tile(key="every-sale", name=NAME, chart="number", entity="sales")
    with demo_db.engine.connect() as conn:
        truth = _sales_truth(conn)
        executor, run = open_executor(conn, demo_db.settings, demo_db.clock, FilterInput())
        hidden = shown = 0
        page = 1
        while True:
            drill = executor.drill(conn, every_sale, run.filters, None, page, 100, scope)
            assert drill.total == len(truth)  # every sale: the sales rights are `all`
            hidden += _check(drill.records, truth, {rep["id"]})
            shown += len(drill.records)
            if page * 100 >= drill.total:
                break
            page += 1
        assert shown == len(truth)
        assert 0 < hidden < shown
        # The admin (all rights) sees every lead's data.
        admin = executor.drill(conn, every_sale, run.filters, None, 1, 100, ALL)
        _check(admin.records, truth, None)
        assert any(isinstance(r, SaleRecord) and r.lead_name for r in admin.records)


def test_sale_list_and_grouped_tiles_withhold_the_lead_too(demo_db: DemoDB) -> None:
    rep = _rep(demo_db)
    scope = _mixed_scope(demo_db, rep)
    listing = Tile(key="sale-list", name=NAME, chart="list", entity="sales", order_by="id")
    by_company = Tile(key="by-company", name=NAME, chart="bar", entity="sales", group_by="company")
    with demo_db.engine.connect() as conn:
        truth = _sales_truth(conn)
        executor, run = open_executor(conn, demo_db.settings, demo_db.clock, FilterInput())
        listed = executor.run(conn, executor.prepare(conn, listing, run.filters, scope))
        assert isinstance(listed, ListResult)
        assert listed.total == len(truth)
        _check(listed.records, truth, {rep["id"]})
        grouped = executor.run(conn, executor.prepare(conn, by_company, run.filters, scope))
        assert isinstance(grouped, GroupedResult)
    # Grouped by company: a sale counts under its own company, else its lead's company only where
    # the lead is visible, else under "(not set)".
    want: dict[str, int] = {}
    for sale in truth.values():
        company = _expected(sale, {rep["id"]})[2]
        key = company if company is not None else NOT_SET
        want[key] = want.get(key, 0) + 1
    got = {row.key: row.value for row in grouped.rows}
    assert got == want
    # And the drill-down of one company's row lists the sales counted there.
    company = next(k for k in got if k != NOT_SET)
    with demo_db.engine.connect() as conn:
        executor, run = open_executor(conn, demo_db.settings, demo_db.clock, FilterInput())
        records = executor.drill(conn, by_company, run.filters, company, 1, 100, scope)
    assert records.total == got[company]


def test_tile_explain_shows_the_lead_withheld_from_sale_records(tmp_path: Path) -> None:
    """`tile explain --as`: with sales `all` but leads `own`, no query is restricted by the sale's
    owner, and the sale records bind the lead restriction into the lead columns."""
    url = ["--database-url", f"sqlite:///{tmp_path / 'explain.db'}"]
    for args in (
        ("db", "upgrade"),
        ("role", "add", "mixed", "--leads", "own", "--sales", "all"),
        ("user", "add", "mixed@example.test", "--role", "mixed"),
    ):
        result = runner.invoke(app, [*url, *args])
        assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        [
            *url,
            "tile",
            "explain",
            "sales",
            "pipeline-by-creation-source",
            "--as",
            "mixed@example.test",
            *TODAY,
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "-- rights: leads: own, owner_id in (1); sales: all" in out.splitlines()[1]
    assert "sales.owner_id IN" not in out
    records = out.split("-- drill-down records\n")[1].split("-- drill-down aggregate")[0]
    for column in ("lead_id", "lead_name"):
        assert re.search(
            rf"CASE WHEN \(leads\.owner_id IN \(__\[POSTCOMPILE_owner_id_\d+\]\)\) THEN .*? END "
            rf"AS {column}\b",
            records,
        ), column
    assert re.search(
        r"coalesce\(sale_company\.name, CASE WHEN \(leads\.owner_id IN .*?\) THEN "
        r"lead_company\.name END\) AS company",
        records,
    )
    # Every owner id bound is the user's own (1), never anyone else's.
    bound = re.findall(r"'owner_id_\d+': \[(.*?)\]", records)
    assert bound
    assert set(bound) == {"1"}
    # Without --as, the records query is the admin's: lead columns as they are.
    plain = runner.invoke(
        app, [*url, "tile", "explain", "sales", "pipeline-by-creation-source", *TODAY]
    )
    assert "CASE WHEN" not in plain.stdout
