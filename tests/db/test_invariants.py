"""Invariants of the built-in tiles on the demo data (SQLite and PostgreSQL): rows add up, country
filters partition every un-truncated figure, funnels never increase, and drill-downs (Python and
HTTP) give exactly the figure of the row they come from.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select, update
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.db.schema import currency_rates, lead_statuses, leads, sales
from leadboard.settings import Settings
from leadboard.web.present import dashboard_json, tile_records_json
from tests.conftest import bearer_headers
from tests.db.conftest import AMS, DemoDB, Rows, assert_oracle_agrees, present_countries
from tests.oracle import OTHER, TILES, Filters, to_utc_naive

SLUGS = ("marketing", "lead-nurturing", "sales")
SOURCE_TILES = (
    "new-leads-by-creation-source-ytd",
    "new-leads-by-first-contact-source-ytd",
    "new-leads-by-channel-ytd",
)


def dashboard(db: DemoDB, slug: str, **filters: Any) -> dict[str, Any]:
    return dashboard_json(db.engine, db.settings, db.clock, slug, FilterInput(**filters), "en")


def tiles(db: DemoDB, slug: str, **filters: Any) -> dict[str, dict[str, Any]]:
    return {t["key"]: t for t in dashboard(db, slug, **filters)["tiles"]}


def new_leads_ytd(engine: Engine, today: date, **where: Any) -> int:
    """Counted straight in SQL with bounds from zoneinfo: [1 Jan 00:00, tomorrow 00:00) local."""
    start = to_utc_naive(datetime(today.year, 1, 1))
    end = to_utc_naive(datetime.combine(today + timedelta(days=1), time(0)))
    query = (
        select(func.count())
        .select_from(leads)
        .where(leads.c.created_at >= start, leads.c.created_at < end)
    )
    for column, value in where.items():
        query = query.where(leads.c[column] == value)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


# -- rows add up -------------------------------------------------------------------------------


def test_source_and_channel_rows_sum_to_new_leads_ytd(demo_db: DemoDB) -> None:
    expected = new_leads_ytd(demo_db.engine, demo_db.today)
    assert expected > 500
    got = tiles(demo_db, "marketing")
    for key in SOURCE_TILES:
        rows = got[key]["rows"]
        assert sum(r["value"] for r in rows) == expected, key
    # the funnel's first step and the gauge's total are the same new leads
    nurturing = tiles(demo_db, "lead-nurturing")
    assert nurturing["lead-qualification-funnel"]["steps"][0]["value"] == expected
    assert nurturing["qualification-rate-ytd"]["total"] == expected
    # and so are the months of this year up to today
    months = got["new-leads-per-month"]["rows"]
    assert sum(r["value"] for r in months[: demo_db.today.month]) == expected


def test_source_rows_sum_to_new_leads_ytd_of_one_owner(demo_db: DemoDB) -> None:
    owner = max(
        demo_db.oracle.snap.associates.values(),
        key=lambda a: sum(1 for lead in demo_db.oracle.snap.leads if lead["owner_id"] == a["id"]),
    )
    expected = new_leads_ytd(demo_db.engine, demo_db.today, owner_id=owner["id"])
    got = tiles(demo_db, "marketing", owner=owner["email"])
    for key in SOURCE_TILES:
        assert sum(r["value"] for r in got[key]["rows"]) == expected, key


# -- country filters partition every figure of tiles without top N ----------------------------

UNTRUNCATED = [key for key, spec in TILES.items() if spec.top is None]


def figures(tile: dict[str, Any]) -> dict[str, int]:
    """Every additive figure of a tile, amounts in cents: name -> integer."""
    out: dict[str, int] = {}

    def put(name: str, value: Any) -> None:
        if value is None:
            return
        assert not isinstance(value, float), (name, value)  # money is a decimal string
        if isinstance(value, str):
            cents = Decimal(value) * 100
            assert cents == cents.to_integral_value(), (name, value)
            value = cents
        out[name] = int(value)

    for row in tile.get("rows", []):
        put(f"row {row['key']} value", row["value"])
        if "value2" in row:
            put(f"row {row['key']} value2", row["value2"])
    for step in tile.get("steps", []):
        put(f"step {step['key']}", step["value"])
    if tile["chart"] == "number":
        put("value", tile["value"])
        put("compare.value", tile["compare"]["value"])
    if tile["chart"] == "gauge":
        put("count", tile["count"])
        put("total", tile["total"])
    if tile["chart"] == "list":
        put("total", tile["total"])
    return out


@pytest.mark.parametrize("slug", SLUGS)
def test_country_filters_partition_untruncated_figures(demo_db: DemoDB, slug: str) -> None:
    whole = tiles(demo_db, slug)
    countries = [*present_countries(demo_db.oracle), "none"]
    assert len(countries) > 10
    summed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for country in countries:
        for key, tile in tiles(demo_db, slug, country=country).items():
            assert "error" not in tile, (country, tile)
            for name, value in figures(tile).items():
                summed[key][name] += value
    checked = 0
    for key, tile in whole.items():
        if key not in UNTRUNCATED:
            continue
        want = {name: v for name, v in figures(tile).items() if v}
        got = {name: v for name, v in summed[key].items() if v}
        assert got == want, key
        checked += 1
    assert checked >= 4


def test_funnel_steps_never_increase(demo_db: DemoDB) -> None:
    owner = max(
        demo_db.oracle.snap.associates.values(),
        key=lambda a: sum(1 for lead in demo_db.oracle.snap.leads if lead["owner_id"] == a["id"]),
    )["email"]
    cases = [
        {},
        {"country": "NL"},
        {"country": "none"},
        {"owner": owner},
        {"status": "re-nurture"},
        {"status": "qualified"},
        {"period": "previous-year"},
        {"period": "all"},
    ]
    for filters in cases:
        for slug in ("lead-nurturing", "sales"):
            steps = tiles(demo_db, slug, **filters)["lead-qualification-funnel"]["steps"]
            values = [s["value"] for s in steps]
            assert [s["key"] for s in steps] == ["open", "contacting", "qualified"]
            assert values == sorted(values, reverse=True), (filters, values)
            if filters.get("status") == "qualified":
                assert values[0] == values[2]  # every lead now in Qualified has reached it


def test_demo_statuses_held_agree_with_the_history(demo_db: DemoDB) -> None:
    """leads.statuses_held (used by the product) = the statuses of the history + the current one
    (used by the oracle); a disagreement would make the funnel depend on which one is read."""
    bad = [
        lead["id"]
        for lead in demo_db.oracle.snap.leads
        if lead["statuses_held"] != sum(1 << i for i in lead["held_ids"])
    ]
    assert not bad


# -- drill-downs -------------------------------------------------------------------------------


def sample_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """First, last, middle, Other, (not set), and an empty bucket where there is one."""
    if not rows:
        return []
    picked = {0, len(rows) - 1, len(rows) // 2}
    for index, row in enumerate(rows):
        if row["key"] in (OTHER, "__not_set__"):
            picked.add(index)
    zero = next((i for i, r in enumerate(rows) if Decimal(str(r["value"])) == 0), None)
    if zero is not None:
        picked.add(zero)
    return [rows[i] for i in sorted(picked)]


def drill(db: DemoDB, slug: str, tile: str, key: str | None, **filters: Any) -> dict[str, Any]:
    return tile_records_json(
        db.engine, db.settings, db.clock, slug, tile, FilterInput(**filters), key, 1, 100
    )


@pytest.mark.parametrize(
    "filters", [{}, {"country": "NL"}, {"status": "contacting"}, {"period": "previous-year"}]
)
@pytest.mark.parametrize("slug", SLUGS)
def test_drill_down_equals_the_row(
    demo_db: DemoDB, slug: str, filters: dict[str, str | None]
) -> None:
    oracle = demo_db.oracle
    problems = []
    for tile in dashboard(demo_db, slug, **filters)["tiles"]:
        spec = TILES[tile["key"]]
        if spec.kind in ("grouped", "series"):
            items = [(r["key"], r["value"], r.get("value2")) for r in sample_rows(tile["rows"])]
        elif spec.kind == "funnel":
            items = [(s["key"], s["value"], None) for s in tile["steps"]]
        elif spec.kind == "number":
            items = [(None, tile["value"], None)]
        elif spec.kind == "list":
            items = [(None, tile["total"], None)]
        else:
            continue  # a gauge's value is a percentage: nothing to drill into
        for key, value, value2 in items:
            got = drill(demo_db, slug, tile["key"], key, **filters)
            where = f"{slug}/{tile['key']}[{key}] {filters}"
            if got["measure"] != value:
                problems.append(f"{where}: measure {got['measure']} != row value {value}")
            if spec.measure == "count" and got["total"] != value:
                problems.append(f"{where}: total {got['total']} != row value {value}")
            if spec.measure2 and got.get("measure2") != value2:
                problems.append(f"{where}: measure2 {got.get('measure2')} != value2 {value2}")
            if len(got["records"]) != min(got["total"], 100):
                problems.append(f"{where}: {len(got['records'])} records of {got['total']}")
            quick = Filters(
                filters.get("owner"),
                filters.get("country"),
                filters.get("status"),
                filters.get("period"),
            )
            behind = oracle.row_records(tile["key"], quick, key)
            ids = [r["id"] for r in got["records"]]
            if not set(ids) <= {r["id"] for r in behind}:
                problems.append(f"{where}: records that are not behind the row")
            if spec.kind == "list" and ids != [r["id"] for r in behind[:100]]:
                problems.append(f"{where}: list drill-down order differs from the tile")
            problems += [
                f"{where}: {p}" for p in oracle.record_problems(spec.entity, got["records"][:20])
            ]
    assert not problems, f"{demo_db.kind}:\n" + "\n".join(problems)


def test_drill_down_pages_cover_the_row(demo_sqlite: DemoDB) -> None:
    db = demo_sqlite
    tile = "new-leads-by-creation-source-ytd"
    row = tiles(db, "marketing")[tile]["rows"][0]
    seen: list[int] = []
    page = 1
    while True:
        got = tile_records_json(
            db.engine, db.settings, db.clock, "marketing", tile, FilterInput(), row["key"], page, 40
        )
        seen += [r["id"] for r in got["records"]]
        if len(got["records"]) < 40:
            break
        page += 1
    assert len(seen) == len(set(seen)) == row["value"]


def test_drill_down_over_http(demo_db: DemoDB) -> None:
    app = create_app(Settings(database_url=demo_db.url), demo_db.clock)
    with TestClient(app, headers=bearer_headers(app.state.engine)) as client:
        rows = tiles(demo_db, "marketing", country="NL")["new-leads-by-creation-source-ytd"]["rows"]
        other = next(r for r in rows if r["key"] == OTHER)
        response = client.get(
            "/api/tiles/marketing/new-leads-by-creation-source-ytd/records",
            params={"key": OTHER, "country": "nl", "page_size": 100},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == body["measure"] == other["value"]
        assert body == drill(
            demo_db, "marketing", "new-leads-by-creation-source-ytd", OTHER, country="NL"
        )
        # the dashboard itself over HTTP is the same JSON as the service gives
        response = client.get("/api/dashboards/sales", params={"status": "qualified"})
        assert response.status_code == 200
        assert response.json() == dashboard(demo_db, "sales", status="qualified")
        # bad input: 404 for what is looked up, 422 for invalid values, naming the field
        response = client.get("/api/tiles/marketing/no-such-tile/records")
        assert response.status_code == 404
        assert response.json()["error"]["field"] == "tile_key"
        response = client.get("/api/dashboards/marketing", params={"country": "nld"})
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "country"
        response = client.get(
            "/api/tiles/lead-nurturing/lead-qualification-funnel/records",
            params={"key": "re-nurture"},
        )
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "key"
    app.state.engine.dispose()


# -- hand-made data: "(not set)" ranked outside the top N --------------------------------------


def test_other_includes_not_set_when_it_is_outside_the_top_n(engine: Engine) -> None:
    """SPEC 2: "(not set)" is ranked like any other row; when it falls outside the top 10 it is
    summed into Other, and Other's drill-down (SPEC 4: its count equals the tile's value) must
    then include those records."""
    today = date(2026, 6, 15)
    created = to_utc_naive(datetime(2026, 3, 2, 12, 0))
    rows = []
    next_id = 1
    # 11 sources with 13, 12, ..., 3 leads, and 2 leads without a creation source
    for rank, n in enumerate(range(13, 2, -1)):
        for _ in range(n):
            rows.append({"id": next_id, "creation_source": f"source-{rank:02d}"})
            next_id += 1
    for _ in range(2):
        rows.append({"id": next_id, "creation_source": None})
        next_id += 1
    with engine.begin() as conn:
        conn.execute(
            insert(leads),
            [
                {
                    **r,
                    "first_contact_source": r["creation_source"],
                    "status_id": 1,
                    "status_since": created,
                    "statuses_held": 1 << 1,
                    "created_at": created,
                    "created_via": "api",
                }
                for r in rows
            ],
        )
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(today, AMS)
    got = dashboard_json(engine, settings, clock, "marketing", FilterInput(), "en")
    tile = next(t for t in got["tiles"] if t["key"] == "new-leads-by-creation-source-ytd")
    assert [(r["key"], r["value"]) for r in tile["rows"]] == [
        *[(f"source-{i:02d}", 13 - i) for i in range(10)],
        (OTHER, 3 + 2),
    ]
    records = tile_records_json(
        engine,
        settings,
        clock,
        "marketing",
        "new-leads-by-creation-source-ytd",
        FilterInput(),
        OTHER,
        1,
        100,
    )
    assert records["total"] == records["measure"] == 5


# -- hand-made data: funnel "reached" from the history ---------------------------------------


def test_funnel_reached_counts_later_steps_and_the_history(engine: Engine) -> None:
    r = Rows(engine)
    day = datetime(2026, 2, 2, 10, 0)
    r.lead(1, day, path=("open",))
    r.lead(2, day, path=("open", "qualified"))  # skipped Contacting: has reached it too
    r.lead(3, day, path=("open", "contacting", "disqualified"))
    r.lead(4, day, path=("open", "contacting", "qualified", "re-nurture"))
    r.lead(5, day, path=("open", "disqualified"))
    r.lead(6, day, path=("qualified",))  # imported as Qualified
    r.lead(7, datetime(2025, 2, 2, 10, 0), path=("open", "qualified"))  # last year
    today = date(2026, 6, 15)
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(today, AMS)

    def nurturing(**filters: Any) -> dict[str, Any]:
        got = dashboard_json(
            engine, settings, clock, "lead-nurturing", FilterInput(**filters), "en"
        )
        return {t["key"]: t for t in got["tiles"]}

    got = nurturing()
    steps = got["lead-qualification-funnel"]["steps"]
    assert [(s["key"], s["value"], s["pct_of_first"], s["pct_of_previous"]) for s in steps] == [
        ("open", 6, 100.0, None),
        ("contacting", 4, 66.7, 66.7),
        ("qualified", 3, 50.0, 75.0),
    ]
    gauge = got["qualification-rate-ytd"]
    assert (gauge["value"], gauge["count"], gauge["total"], gauge["target"]) == (50.0, 3, 6, 25)
    assert [(row["key"], row["value"]) for row in got["leads-by-status"]["rows"]] == [
        ("open", 1),
        ("contacting", 0),
        ("qualified", 3),  # 2, 6 and last year's 7: a snapshot
        ("disqualified", 2),
        ("re-nurture", 1),
    ]
    assert [rec["id"] for rec in got["leads-to-re-nurture"]["records"]] == [4]
    contacting = tile_records_json(
        engine,
        settings,
        clock,
        "lead-nurturing",
        "lead-qualification-funnel",
        FilterInput(),
        "contacting",
        1,
        100,
    )
    assert sorted(rec["id"] for rec in contacting["records"]) == [2, 3, 4, 6]
    steps = nurturing(status="re-nurture")["lead-qualification-funnel"]["steps"]
    assert [s["value"] for s in steps] == [1, 1, 1]
    steps = nurturing(period="all")["lead-qualification-funnel"]["steps"]
    assert [s["value"] for s in steps] == [7, 5, 4]
    assert_oracle_agrees(engine, today)
    assert_oracle_agrees(engine, today, status="re-nurture")


def test_funnel_follows_the_current_funnel_path(engine: Engine) -> None:
    """SPEC 1.2: admins choose which statuses lie on the funnel path and their order;
    reordering needs no rewrite of leads, so the funnel must follow today's path."""
    r = Rows(engine)
    day = datetime(2026, 2, 2, 10, 0)
    r.lead(1, day, path=("open",))
    r.lead(2, day, path=("open", "contacting"))
    r.lead(3, day, path=("open", "re-nurture"))
    r.lead(4, day, path=("open", "qualified", "re-nurture"))
    r.lead(5, day, path=("open", "disqualified"))
    today = date(2026, 6, 15)
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(today, AMS)

    def funnel() -> list[tuple[str, int]]:
        got = dashboard_json(engine, settings, clock, "lead-nurturing", FilterInput(), "en")
        tile = next(t for t in got["tiles"] if t["key"] == "lead-qualification-funnel")
        return [(s["key"], s["value"]) for s in tile["steps"]]

    assert funnel() == [("open", 5), ("contacting", 2), ("qualified", 1)]
    with engine.begin() as conn:
        conn.execute(
            update(lead_statuses).where(lead_statuses.c.key == "re-nurture").values(on_funnel=True)
        )
    assert funnel() == [("open", 5), ("contacting", 3), ("qualified", 2), ("re-nurture", 2)]
    assert_oracle_agrees(engine, today)
    with engine.begin() as conn:  # Qualified before Contacting now
        conn.execute(update(lead_statuses).where(lead_statuses.c.key == "qualified").values(rank=2))
        conn.execute(
            update(lead_statuses).where(lead_statuses.c.key == "contacting").values(rank=3)
        )
    assert funnel() == [("open", 5), ("qualified", 3), ("contacting", 3), ("re-nurture", 2)]
    assert_oracle_agrees(engine, today)


def test_amounts_in_another_currency(engine: Engine) -> None:
    """SPEC 1.3: amounts are converted with the rate table; a missing rate is a clear tile
    error (never a silent wrong sum) that does not break the other tiles (SPEC 4)."""
    r = Rows(engine)
    r.associate(1, "ann@example.test")
    r.lead(1, datetime(2026, 2, 2, 10, 0), via="api", creation_source="google")
    today = date(2026, 6, 15)
    r.sale(1, datetime(2026, 7, 1, 12, 0), "open", 100_00, owner_id=1, lead_id=1)
    r.sale(2, datetime(2026, 7, 1, 12, 0), "open", 50_00, owner_id=1, lead_id=1)
    r.sale(3, datetime(2026, 3, 1, 12, 0), "sold", 20_00, owner_id=1, lead_id=1)
    with engine.begin() as conn:
        conn.execute(update(sales).where(sales.c.id.in_([2, 3])).values(currency="USD"))
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(today, AMS)

    def tiles() -> dict[str, dict[str, Any]]:
        got = dashboard_json(engine, settings, clock, "sales", FilterInput(), "en")
        return {t["key"]: t for t in got["tiles"]}

    got = tiles()
    for key in ("pipeline-by-creation-source", "pipeline-by-close-month", "sales-by-owner-ytd"):
        assert "USD" in got[key].get("error", ""), got[key]
    for key in ("lead-qualification-funnel", "sales-by-creation-source", "qualified-without-sale"):
        assert "error" not in got[key], got[key]
    assert [(row["key"], row["value"]) for row in got["sales-by-creation-source"]["rows"]] == [
        ("google", 1)
    ]
    with engine.begin() as conn:
        conn.execute(insert(currency_rates).values(currency="USD", rate="0.5"))
    got = tiles()
    assert [(row["key"], row["value"]) for row in got["pipeline-by-creation-source"]["rows"]] == [
        ("google", "125.00")
    ]
    assert [
        (row["key"], row["value"], row["value2"]) for row in got["sales-by-owner-ytd"]["rows"]
    ] == [("ann@example.test", 1, "10.00")]
    assert {row["key"]: row["value"] for row in got["pipeline-by-close-month"]["rows"]}[
        "2026-07"
    ] == "125.00"
    assert_oracle_agrees(engine, today)
