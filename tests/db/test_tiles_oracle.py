"""Every built-in tile's figures against the plain-Python oracle (tests/oracle.py), on SQLite and
PostgreSQL, on a shared demo database; identical JSON on both engines; bad input names its field.
"""

from typing import Any

import pytest

from leadboard.dashboards.service import FilterInput
from leadboard.semantic.filters import InputError
from leadboard.web.present import dashboard_json, tile_records_json
from tests.db.conftest import NO_DATA_OWNER, DemoDB, present_countries
from tests.oracle import DASHBOARDS, TILES, Filters, Oracle, diff_dashboard

SLUGS = ("marketing", "lead-nurturing", "sales")


def busiest_owner(oracle: Oracle) -> str:
    """The associate who owns the most leads YTD (and so has data on every dashboard)."""
    counts: dict[str, int] = {}
    for lead in oracle.snap.leads:
        if lead["owner_email"] and lead["created_day"].year == oracle.today.year:
            counts[lead["owner_email"]] = counts.get(lead["owner_email"], 0) + 1
    return min(counts, key=lambda email: (-counts[email], email))


def inactive_owner(oracle: Oracle) -> str:
    """An associate marked inactive who still owns leads: still a valid owner filter."""
    owners = {lead["owner_id"] for lead in oracle.snap.leads}
    return str(
        min(
            a["email"]
            for a in oracle.snap.associates.values()
            if not a["active"] and a["id"] in owners
        )
    )


def absent_country(oracle: Oracle) -> str:
    present = set(present_countries(oracle))
    return next(code for code in ("JP", "BR", "NZ", "ZA", "KR") if code not in present)


# name -> (filters, whether every tile must be empty)
def filter_case(name: str, oracle: Oracle) -> tuple[Filters, bool]:
    owner = busiest_owner(oracle)
    return {
        "none": (Filters(), False),
        "owner": (Filters(owner=owner), False),
        "owner-upper-case": (Filters(owner=owner.upper()), False),
        "country-NL": (Filters(country="NL"), False),
        "country-nl-lower-case": (Filters(country="nl"), False),
        "country-none": (Filters(country="none"), False),
        "status-qualified": (Filters(status="qualified"), False),
        "status-re-nurture": (Filters(status="re-nurture"), False),
        "owner+country+status": (Filters(owner=owner, country="NL", status="contacting"), False),
        "period-previous-year": (Filters(period="previous-year"), False),
        "period-range": (Filters(period="2026-03-01..2026-05-31"), False),
        "period-this-and-previous-6-months": (
            Filters(period="this-and-previous-6-months"),
            False,
        ),
        "period-with-country": (Filters(country="DE", period="previous-year"), False),
        "owner-inactive": (Filters(owner=inactive_owner(oracle)), False),
        "period-today": (Filters(period="today"), False),
        "period-this-week": (Filters(period="this-week"), False),
        "period-previous-quarter": (Filters(period="previous-quarter"), False),
        "period-next-6-months": (Filters(period="next-6-months"), False),
        "period-this-and-previous-2-years": (Filters(period="this-and-previous-2-years"), False),
        "owner-without-data": (Filters(owner=NO_DATA_OWNER), True),
        "country-without-data": (Filters(country=absent_country(oracle)), True),
    }[name]


CASES = [
    "none",
    "owner",
    "owner-upper-case",
    "country-NL",
    "country-nl-lower-case",
    "country-none",
    "status-qualified",
    "status-re-nurture",
    "owner+country+status",
    "period-previous-year",
    "period-range",
    "period-this-and-previous-6-months",
    "period-with-country",
    "owner-inactive",
    "period-today",
    "period-this-week",
    "period-previous-quarter",
    "period-next-6-months",
    "period-this-and-previous-2-years",
    "owner-without-data",
    "country-without-data",
]


def product(db: DemoDB, slug: str, filters: Filters) -> dict[str, Any]:
    return dashboard_json(
        db.engine, db.settings, db.clock, slug, FilterInput(**filters.as_kwargs()), "en"
    )


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("slug", SLUGS)
def test_every_tile_matches_the_oracle(demo_db: DemoDB, slug: str, case: str) -> None:
    oracle = demo_db.oracle
    filters, all_empty = filter_case(case, oracle)
    got = product(demo_db, slug, filters)
    problems = diff_dashboard(got, slug, oracle, filters)
    assert not problems, f"{demo_db.kind} {slug} {filters}:\n" + "\n".join(problems)
    if all_empty:
        for tile in got["tiles"]:
            assert tile["empty"] is True, tile
            assert "error" not in tile, tile


def test_period_all_on_every_tile(demo_db: DemoDB) -> None:
    """`all` is a valid period (SPEC 5) and a valid quick filter value gives figures, never an
    error (SPEC 2). Date series have no fixed span then: any run of buckets is accepted as long
    as every record is counted in its own bucket; numbers have no comparison."""
    oracle = demo_db.oracle
    problems = []
    for slug in SLUGS:
        for filters in (Filters(period="all"), Filters(period="all", country="NL")):
            got = product(demo_db, slug, filters)
            problems += [f"{filters}: {p}" for p in diff_dashboard(got, slug, oracle, filters)]
    assert not problems, f"{demo_db.kind}:\n" + "\n".join(problems)


def test_the_demo_data_exercise_the_tiles(demo_sqlite: DemoDB) -> None:
    """Guard against a vacuous oracle: the demo data must reach every interesting case."""
    oracle = demo_sqlite.oracle
    f = Filters()
    by_source = oracle.tile("new-leads-by-creation-source-ytd", f)["rows"]
    assert by_source[-1]["key"] == "__other__"
    assert any(r["key"] == "__not_set__" for r in by_source)
    assert len(oracle.tile("top-referring-sites-ytd", f)["rows"]) == 10
    funnel = oracle.tile("lead-qualification-funnel", f)["steps"]
    assert funnel[0]["value"] > funnel[1]["value"] > funnel[2]["value"] > 0
    assert oracle.tile("leads-to-re-nurture", f)["total"] > 100
    assert oracle.tile("qualified-without-sale", f)["total"] > 100
    assert any(r["value"] for r in oracle.tile("pipeline-by-close-month", f)["rows"])
    assert any(s["lead"] is None for s in oracle.snap.sales)
    assert any(lead["country_eff"] is None for lead in oracle.snap.leads)
    assert any(
        lead["country"] is None and lead["country_eff"] is not None for lead in oracle.snap.leads
    )
    # a lead that skipped Contacting on its way to Qualified (the "or any later step" rule)
    ids = {st["key"]: st["id"] for st in oracle.snap.statuses}
    assert any(
        ids["qualified"] in lead["held_ids"] and ids["contacting"] not in lead["held_ids"]
        for lead in oracle.snap.leads
    )


def test_dashboards_hold_the_tiles_of_the_spec(demo_sqlite: DemoDB) -> None:
    for slug in SLUGS:
        got = product(demo_sqlite, slug, Filters())
        assert {t["key"] for t in got["tiles"]} == DASHBOARDS[slug]
        for tile in got["tiles"]:
            assert tile["chart"] == TILES[tile["key"]].chart


def test_filters_echo_resolved_values(demo_sqlite: DemoDB) -> None:
    owner = busiest_owner(demo_sqlite.oracle)
    got = product(
        demo_sqlite,
        "marketing",
        Filters(owner=owner.upper(), country="nl", status="qualified", period="ytd"),
    )
    assert got["as_of"] == "2026-11-27T23:59:59.999999+01:00"  # --today: end of that day
    assert {tile["as_of"] for tile in got["tiles"]} == {got["as_of"]}
    assert got["filters"] == {
        "owner": owner,
        "country": "NL",
        "status": "qualified",
        "period": "ytd",
    }


# -- 2. identical JSON on both engines -------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(country="NL"),
        Filters(status="qualified", period="previous-year"),
        Filters(country="none"),
    ],
    ids=["no-filter", "country-NL", "status+period", "country-none"],
)
@pytest.mark.parametrize("slug", SLUGS)
def test_sqlite_and_postgresql_give_identical_json(
    demo_sqlite: DemoDB, demo_pg: DemoDB, slug: str, filters: Filters
) -> None:
    lite = product(demo_sqlite, slug, filters)
    pg = product(demo_pg, slug, filters)
    assert lite == pg


def top_row_key(db: DemoDB, slug: str, tile_key: str) -> str:
    dashboard = dashboard_json(db.engine, db.settings, db.clock, slug, FilterInput())
    tile = next(t for t in dashboard["tiles"] if t["key"] == tile_key)
    return str(tile["rows"][0]["key"])


def test_sqlite_and_postgresql_give_identical_drill_downs(
    demo_sqlite: DemoDB, demo_pg: DemoDB
) -> None:
    for slug, tile, key in [
        ("marketing", "new-leads-by-creation-source-ytd", "__other__"),
        ("marketing", "new-leads-by-creation-source-ytd", "__not_set__"),
        ("lead-nurturing", "lead-qualification-funnel", "qualified"),
        ("sales", "pipeline-by-close-month", "2027-01"),
        ("sales", "sales-by-owner-ytd", top_row_key(demo_sqlite, "sales", "sales-by-owner-ytd")),
        ("sales", "qualified-without-sale", None),
    ]:
        got = [
            tile_records_json(
                db.engine, db.settings, db.clock, slug, tile, FilterInput(), key, 1, 100
            )
            for db in (demo_sqlite, demo_pg)
        ]
        assert got[0] == got[1], (slug, tile, key)


# -- 5. bad input raises InputError naming the field -----------------------------------------


def _field(call: Any) -> str:
    with pytest.raises(InputError) as info:
        call()
    return info.value.field


@pytest.mark.parametrize(
    ("slug", "filters", "field"),
    [
        ("no-such-dashboard", Filters(), "slug"),
        ("marketing", Filters(owner="no.such.person@example.test"), "owner"),
        ("sales", Filters(country="XX"), "country"),
        ("sales", Filters(country="nld"), "country"),
        ("lead-nurturing", Filters(country="EU"), "country"),
        ("lead-nurturing", Filters(status="no-such-status"), "status"),
        ("marketing", Filters(period="last-fortnight"), "period"),
        ("marketing", Filters(period="2026-13-01..2026-12-31"), "period"),
        ("marketing", Filters(period="2026-05-01..2026-04-01"), "period"),
    ],
)
def test_bad_dashboard_input_names_the_field(
    demo_db: DemoDB, slug: str, filters: Filters, field: str
) -> None:
    assert _field(lambda: product(demo_db, slug, filters)) == field


@pytest.mark.parametrize(
    ("slug", "tile", "key", "field"),
    [
        ("marketing", "no-such-tile", None, "tile_key"),
        ("no-such-dashboard", "leads-by-status", "open", "slug"),
        ("lead-nurturing", "lead-qualification-funnel", "disqualified", "key"),
        ("lead-nurturing", "lead-qualification-funnel", None, "key"),
        ("lead-nurturing", "leads-by-status", "no-such-status", "key"),
        ("lead-nurturing", "new-leads-per-week", "2019-W01", "key"),
        ("marketing", "new-leads-per-month", "2025-01", "key"),  # last year is value2 only
        ("sales", "pipeline-by-close-month", "2026-10", "key"),  # before the window
        ("sales", "sales-by-owner-ytd", "no.such.person@example.test", "key"),
        ("marketing", "top-10-forms-ytd", "no-such-form-key", "key"),
        ("marketing", "top-10-forms-ytd", "__other__", "key"),  # top 10, no Other
        ("marketing", "top-referring-sites-ytd", "__other__", "key"),
        ("marketing", "new-leads-from-chats-ytd", "anything", "key"),  # a number has no rows
        ("sales", "qualified-without-sale", "anything", "key"),
    ],
)
def test_bad_drill_down_input_names_the_field(
    demo_db: DemoDB, slug: str, tile: str, key: str | None, field: str
) -> None:
    def call() -> Any:
        return tile_records_json(
            demo_db.engine, demo_db.settings, demo_db.clock, slug, tile, FilterInput(), key
        )

    assert _field(call) == field


@pytest.mark.parametrize(
    ("slug", "tile", "key"),
    [
        # set only: the tile leaves "(not set)" out, so it has no such row to drill into
        ("marketing", "new-leads-by-campaign-ytd", "__not_set__"),
        ("marketing", "top-referring-sites-ytd", "__not_set__"),
        # a value that is no row of the tile at all
        ("marketing", "new-leads-by-creation-source-ytd", "no-such-source"),
    ],
)
def test_drill_down_into_a_row_the_tile_does_not_show_is_refused(
    demo_db: DemoDB, slug: str, tile: str, key: str
) -> None:
    """SPEC 4: a drill-down shows the records behind a segment of the tile; a key that is no
    segment of it is bad input (the brief: "drill-down key not in the tile" -> InputError)."""

    def call() -> Any:
        return tile_records_json(
            demo_db.engine, demo_db.settings, demo_db.clock, slug, tile, FilterInput(), key
        )

    assert _field(call) == "key"


def test_bad_paging_names_the_field(demo_sqlite: DemoDB) -> None:
    db = demo_sqlite
    for page, size, field in [(0, 50, "page"), (1, 0, "page_size"), (1, 101, "page_size")]:

        def call(page: int = page, size: int = size) -> Any:
            return tile_records_json(
                db.engine,
                db.settings,
                db.clock,
                "sales",
                "qualified-without-sale",
                FilterInput(),
                None,
                page,
                size,
            )

        assert _field(call) == field
