"""The three presets on their real data sets, on SQLite and PostgreSQL.

Expected figures are computed here straight from the CSV files with csv and datetime (never by
the importer), following SPEC 2: new leads by created_at in the organisation's timezone, rows
ordered by value then key, top N and "Other".
"""

import csv
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.db.schema import (
    associate_groups,
    associates,
    companies,
    forms,
    lead_status_history,
    lead_statuses,
    leads,
    sales,
)
from leadboard.domain.rates import set_rate
from leadboard.web.present import dashboard_json, tile_records_json
from tests.conftest import bearer_headers
from tests.ingest.conftest import AMS, Imported

pytestmark = pytest.mark.realdata

NOT_SET, OTHER = "__not_set__", "__other__"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="ascii") as f:
        return list(csv.DictReader(f))


def ranked(counts: Counter[str], top: int, other: bool = True) -> list[tuple[str, int]]:
    """SPEC 2: by value descending, ties by key; the first `top` rows, the rest summed in Other."""
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(rows) <= top:
        return rows
    head = rows[:top]
    if other:
        head.append((OTHER, sum(v for _, v in rows[top:])))
    return head


def tile(imported: Imported, slug: str, key: str, today: date, **filters: Any) -> dict[str, Any]:
    clock = end_of_day_clock(today, AMS)
    board = dashboard_json(
        imported.engine, imported.settings, clock, slug, FilterInput(**filters), "en"
    )
    found: dict[str, Any] = next(t for t in board["tiles"] if t["key"] == key)
    assert "error" not in found, found
    return found


def pairs(tile_json: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(row["key"], row["value"]) for row in tile_json["rows"]]


def source_key(value: str) -> str:
    value = value.strip().lower()
    return value if value and value != "select" else NOT_SET


# --- every preset -------------------------------------------------------------------------------


def test_importing_twice_changes_nothing(any_preset: Imported) -> None:
    assert any_preset.after == any_preset.before  # every table, created_at included
    second = any_preset.second
    assert second.created == 0
    assert second.updated == 0
    assert second.skipped == any_preset.first.created
    assert second.errors == 0
    for counts in second.related.values():
        assert counts.created == 0
        assert counts.updated == 0


# --- Olist --------------------------------------------------------------------------------------


def test_olist_summary(olist: Imported) -> None:
    mqls, deals = (read(p) for p in olist.files)
    first = olist.first
    assert first.counts("leads").created == len(mqls) == 8000
    assert first.counts("sales").created == len(deals) == 842
    assert first.errors == 0
    assert first.related_counts("forms").created == len({r["landing_page_id"] for r in mqls})
    people = {r["sdr_id"] for r in deals} | {r["sr_id"] for r in deals}
    assert first.related_counts("associates").created == len(people)
    # One deal was won before its lead's first contact: recorded at creation, with a warning.
    first_contact = {m["mql_id"]: m["first_contact_date"] for m in mqls}
    early = [d for d in deals if d["won_date"][:10] < first_contact[d["mql_id"]]]
    warned = [p for p in first.problems if p.field == "status_at"]
    assert len(warned) == len(early) == 1
    assert any(p.field == "currency" and "BRL" in p.message for p in first.problems)


def test_olist_leads_and_history(olist: Imported) -> None:
    mqls, deals = (read(p) for p in olist.files)
    won = {d["mql_id"]: d for d in deals}
    with olist.engine.connect() as conn:
        ids = dict(conn.execute(select(lead_statuses.c.key, lead_statuses.c.id)).all())
        rows = {
            r.external_id: r
            for r in conn.execute(
                select(
                    leads.c.id,
                    leads.c.external_id,
                    leads.c.created_at,
                    leads.c.status_id,
                    leads.c.statuses_held,
                    leads.c.created_via,
                    leads.c.owner_id,
                )
            )
        }
        history = Counter(conn.execute(select(lead_status_history.c.lead_id)).scalars())
    qualified = sum(1 for r in rows.values() if r.status_id == ids["qualified"])
    assert qualified == len(won)
    sample = mqls[0]
    lead = rows[sample["mql_id"]]
    midnight = datetime.fromisoformat(sample["first_contact_date"]).replace(tzinfo=AMS)
    assert lead.created_at.isoformat() == _utc(midnight)
    for mql_id, lead in list(rows.items())[:500]:
        expected = 2 if mql_id in won else 1
        assert history[lead.id] == expected
        assert (lead.owner_id is not None) == (mql_id in won)
        held = {ids["open"], ids["qualified"]} if mql_id in won else {ids["open"]}
        assert lead.statuses_held == sum(1 << i for i in held)
        assert lead.created_via == "form"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def test_olist_new_leads_per_first_contact_source_ytd(olist: Imported) -> None:
    mqls = read(olist.files[0])
    counts = Counter(
        source_key(r["origin"])
        for r in mqls
        if date(2018, 1, 1) <= date.fromisoformat(r["first_contact_date"]) <= date(2018, 5, 31)
    )
    assert len(counts) > 10  # so that "Other" is tested
    expected = ranked(counts, 10)
    got = tile(olist, "marketing", "new-leads-by-first-contact-source-ytd", date(2018, 5, 31))
    assert pairs(got) == expected
    # The same window as an explicit period, with another "today".
    again = tile(
        olist,
        "marketing",
        "new-leads-by-first-contact-source-ytd",
        date(2019, 7, 1),
        period="2018-01-01..2018-05-31",
    )
    assert pairs(again) == expected


def test_olist_top_10_forms_ytd(olist: Imported) -> None:
    mqls = read(olist.files[0])
    with olist.engine.connect() as conn:  # form keys (for ties), by landing page id
        keys = dict(conn.execute(select(forms.c.external_id, forms.c.key)).all())
    counts = Counter(
        keys[r["landing_page_id"]]
        for r in mqls
        if r["first_contact_date"] >= "2018-01-01" and r["first_contact_date"] <= "2018-05-31"
    )
    expected = ranked(counts, 10, other=False)
    got = tile(olist, "marketing", "top-10-forms-ytd", date(2018, 5, 31))
    assert pairs(got) == expected
    names = {row["key"]: row["label"] for row in got["rows"]}
    assert all(names[keys[lp]] == lp for lp in keys if keys[lp] in names)


def test_olist_sales_per_creation_source_2018(olist: Imported) -> None:
    mqls, deals = (read(p) for p in olist.files)
    origin = {r["mql_id"]: source_key(r["origin"]) for r in mqls}
    counts = Counter(
        origin[d["mql_id"]]
        for d in deals
        # won_date is local time (Europe/Amsterdam): the year is the local year
        if datetime.fromisoformat(d["won_date"]).year == 2018
    )
    got = tile(olist, "sales", "sales-by-creation-source", date(2018, 12, 31))
    assert pairs(got) == sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    assert sum(counts.values()) == 839


def test_olist_sale_amounts_and_owners(olist: Imported) -> None:
    deals = read(olist.files[1])
    revenue = sum(Decimal(d["declared_monthly_revenue"]) for d in deals)
    with olist.engine.connect() as conn:
        cents = conn.execute(select(func.sum(sales.c.amount_cents))).scalar_one()
        currencies = set(conn.execute(select(sales.c.currency)).scalars())
        custom = conn.execute(
            select(sales.c.custom).where(sales.c.external_id == deals[0]["mql_id"])
        ).scalar_one()
        owners = conn.execute(select(func.count(func.distinct(sales.c.owner_id)))).scalar_one()
    assert Decimal(cents) / 100 == revenue
    assert currencies == {"BRL"}
    assert owners == len({d["sr_id"] for d in deals})
    assert custom["seller_id"] == deals[0]["seller_id"]
    assert "has_company" not in custom  # empty cells are not set


# --- X Education --------------------------------------------------------------------------------


def test_xed_summary_and_countries(xed: Imported) -> None:
    rows = read(xed.files[0])
    assert xed.first.counts("leads").created == len(rows) == 9240
    assert xed.first.errors == 0
    assert dict(xed.first.unrecognised_countries) == {"unknown": 5, "Asia/Pacific Region": 2}
    with xed.engine.connect() as conn:
        countries = Counter(conn.execute(select(leads.c.country)).scalars())
    assert countries["IN"] == sum(1 for r in rows if r["Country"] == "India")
    assert countries["US"] == sum(1 for r in rows if r["Country"] == "United States")
    assert countries[None] == sum(
        1 for r in rows if r["Country"] in ("", "unknown", "Asia/Pacific Region")
    )


def test_xed_new_leads_per_creation_source(xed: Imported) -> None:
    counts = Counter(source_key(r["Lead Source"]) for r in read(xed.files[0]))
    got = tile(xed, "marketing", "new-leads-by-creation-source-ytd", xed.today)
    assert pairs(got) == ranked(counts, 10)
    assert counts["google"] == 2868 + 5  # "Google" and "google" are one source


def test_xed_new_leads_from_chats(xed: Imported) -> None:
    rows = read(xed.files[0])
    chats = sum(1 for r in rows if r["Lead Source"].strip().lower() in ("olark chat", "live chat"))
    got = tile(xed, "marketing", "new-leads-from-chats-ytd", xed.today)
    assert got["value"] == chats == 1757
    forms_tile = tile(xed, "marketing", "new-leads-from-forms-ytd", xed.today)
    web = {"Landing Page Submission", "Lead Add Form"}
    assert forms_tile["value"] == sum(
        1
        for r in rows
        if r["Lead Origin"] in web and r["Lead Source"].lower() not in ("olark chat", "live chat")
    )


def test_xed_statuses(xed: Imported) -> None:
    rows = read(xed.files[0])
    converted = sum(1 for r in rows if r["Converted"] == "1")
    got = dict(pairs(tile(xed, "lead-nurturing", "leads-by-status", xed.today)))
    assert got["qualified"] == converted == 3561
    assert got["open"] == len(rows) - converted
    funnel = tile(xed, "lead-nurturing", "lead-qualification-funnel", xed.today)
    steps = {s["key"]: s["value"] for s in funnel["steps"]}
    assert steps["open"] == len(rows)
    assert steps["qualified"] == converted
    with xed.engine.connect() as conn:  # Open, then Qualified: both at the import time
        times = set(conn.execute(select(lead_status_history.c.at)).scalars())
    assert len(times) == 1
    assert times == {datetime(2020, 3, 16, 22, 59, 59, 999999)}  # 23:59:59.999999 CET in UTC


# --- Maven --------------------------------------------------------------------------------------


def test_maven_sales_per_status(maven: Imported) -> None:
    pipeline = read(maven.files[0])
    stages = Counter(r["deal_stage"] for r in pipeline)
    expected = {
        "sold": stages["Won"],
        "lost": stages["Lost"],
        "open": stages["Engaging"] + stages["Prospecting"],
    }
    won = sum(Decimal(r["close_value"]) for r in pipeline if r["deal_stage"] == "Won")
    with maven.engine.connect() as conn:
        by_status: dict[str, int] = dict(
            conn.execute(select(sales.c.status, func.count()).group_by(sales.c.status)).all()
        )
        won_cents = conn.execute(
            select(func.sum(sales.c.amount_cents)).where(sales.c.status == "sold")
        ).scalar_one()
        no_lead = conn.execute(
            select(func.count()).select_from(sales).where(sales.c.lead_id.is_(None))
        ).scalar_one()
    assert by_status == expected
    assert Decimal(won_cents) / 100 == won == 10_005_534
    assert no_lead == len(pipeline)
    assert maven.first.related_counts("companies").created == 85
    assert maven.first.related_counts("associates").created == 30
    assert maven.first.related_counts("associate groups").created == 6


def test_maven_owners_companies_and_dates(maven: Imported) -> None:
    pipeline = read(maven.files[0])
    agents = {r["sales_agent"] for r in pipeline}
    teams = {r["sales_agent"]: r["manager"] for r in read(maven.files[2])}
    with maven.engine.connect() as conn:
        groups = dict(
            conn.execute(
                select(associates.c.name, associate_groups.c.name).join(
                    associate_groups, associates.c.group_id == associate_groups.c.id
                )
            ).all()
        )
        sectors = set(conn.execute(select(companies.c.category)).scalars())
        countries = Counter(conn.execute(select(companies.c.country)).scalars())
        prospect = conn.execute(
            select(sales.c.sale_date, sales.c.created_at).where(
                sales.c.external_id
                == next(r["opportunity_id"] for r in pipeline if r["deal_stage"] == "Prospecting")
            )
        ).one()
    assert groups == {agent: teams[agent] for agent in agents}  # 5 agents have no deals
    assert "technolgy" not in sectors
    assert "technology" in sectors
    assert countries["US"] == 71
    assert countries["PH"] == 1
    assert countries["KR"] == 1
    assert None not in countries
    import_time = datetime(2018, 1, 15, 22, 59, 59, 999999)
    assert tuple(prospect) == (import_time, import_time)


def usd_at_par(maven: Imported) -> None:
    """Tiles and the API sum amounts in the base currency: 1 USD = 1 keeps them exact."""
    with maven.engine.begin() as conn:
        if maven.settings.base_currency != "USD":
            set_rate(conn, "USD", "1", maven.settings.base_currency)


def test_maven_through_the_rest_api(maven: Imported) -> None:
    """GET /api/sales filtered by status: the count per status and the sum of won amounts."""
    pipeline = read(maven.files[0])
    stages = Counter(r["deal_stage"] for r in pipeline)
    won = sum(Decimal(r["close_value"]) for r in pipeline if r["deal_stage"] == "Won")
    usd_at_par(maven)
    clock = end_of_day_clock(date(2018, 1, 15), AMS)
    app = create_app(maven.settings, clock)
    try:
        with TestClient(app, headers=bearer_headers(maven.engine)) as client:
            found = {}
            for status in ("sold", "lost", "open"):
                response = client.get("/api/sales", params={"status": status, "page_size": 1})
                assert response.status_code == 200, response.text
                found[status] = response.json()
    finally:
        app.state.engine.dispose()
    assert found["sold"]["count"] == stages["Won"] == 4238
    assert found["lost"]["count"] == stages["Lost"]
    assert found["open"]["count"] == stages["Engaging"] + stages["Prospecting"]
    assert Decimal(found["sold"]["sum"]) == won == 10_005_534
    assert Decimal(found["lost"]["sum"]) == 0  # lost deals have close_value 0


def test_maven_figures_through_the_tiles(maven: Imported) -> None:
    """Sold count and won amount through the sales tiles; open count through a drill-down."""
    pipeline = read(maven.files[0])
    won = [r for r in pipeline if r["deal_stage"] == "Won"]
    open_count = sum(1 for r in pipeline if r["deal_stage"] in ("Engaging", "Prospecting"))
    usd_at_par(maven)
    by_owner = tile(
        maven, "sales", "sales-by-owner-ytd", date(2018, 1, 15), period="2017-01-01..2017-12-31"
    )
    assert sum(row["value"] for row in by_owner["rows"]) == len(won) == 4238
    assert sum(Decimal(str(row["value2"])) for row in by_owner["rows"]) == Decimal(10_005_534)
    per_agent = Counter(r["sales_agent"] for r in won)
    assert {row["label"]: row["value"] for row in by_owner["rows"]} == dict(per_agent)
    clock = end_of_day_clock(date(2018, 1, 15), AMS)
    records = tile_records_json(
        maven.engine,
        maven.settings,
        clock,
        "sales",
        "pipeline-by-creation-source",
        FilterInput(),
        NOT_SET,
    )
    assert records["total"] == open_count == 2089
