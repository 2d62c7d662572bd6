"""Tile options no built-in tile uses, through a tile's JSON on both engines (SPEC 2, 4):
the weighted amount (amount x probability), a second measure on a date series, and a funnel by
current status. Every expected figure was worked out by hand from the rows made here.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, insert

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.db.schema import sales
from leadboard.semantic.spec import Tile, Translated
from leadboard.settings import Settings
from leadboard.web.present import tile_json
from tests.db.conftest import Rows

TODAY = date(2027, 1, 15)
# (cents, probability %, status, month of 2026)
SALES = [(10_000, 50, "open", 1), (20_000, 25, "open", 3), (8_000, 100, "sold", 3)]


def compute(engine: Engine, **spec: Any) -> dict[str, Any]:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    tile = Tile(key="t", name=Translated(en="T", nl="T"), **spec)
    clock = end_of_day_clock(TODAY, settings.tz)
    got: dict[str, Any] = tile_json(engine, settings, clock, tile, FilterInput())
    return got


def add_sales(engine: Engine) -> None:
    with engine.begin() as conn:
        for sale_id, (cents, probability, status, month) in enumerate(SALES, start=1):
            at = datetime(2026, month, 10, 12, 0)
            conn.execute(
                insert(sales).values(
                    id=sale_id,
                    title=f"Sale {sale_id}",
                    amount_cents=cents,
                    currency="EUR",
                    probability=probability,
                    status=status,
                    sale_date=at,
                    created_at=at,
                )
            )


def test_weighted_amount_is_amount_times_probability(engine: Engine) -> None:
    add_sales(engine)
    # 100.00 x 50 % + 200.00 x 25 % + 80.00 x 100 % = 50 + 50 + 80
    number = compute(engine, chart="number", entity="sales", measure="weighted_amount")
    assert (number["value"], number["currency"], number["measure"]) == (
        "180.00",
        "EUR",
        "weighted_amount",
    )
    by_status = compute(
        engine, chart="column", entity="sales", measure="weighted_amount", group_by="status"
    )
    assert [(r["key"], r["value"]) for r in by_status["rows"]] == [
        ("open", "100.00"),
        ("sold", "80.00"),
    ]


def test_a_series_with_a_second_measure_shows_both_per_bucket(engine: Engine) -> None:
    add_sales(engine)
    got = compute(
        engine,
        chart="column-line",
        entity="sales",
        measure="count",
        measure2="weighted_amount",
        group_by="sale_date",
        grain="month",
        date_field="sale_date",
        period="2026-01-01..2026-03-31",
    )
    assert (got["measure"], got["measure2"]) == ("count", "weighted_amount")
    assert [(r["key"], r["value"], r["value2"]) for r in got["rows"]] == [
        ("2026-01", 1, "50.00"),
        ("2026-02", 0, "0.00"),
        ("2026-03", 2, "130.00"),  # 50.00 + 80.00
    ]


def test_a_funnel_by_current_status_counts_where_leads_are_now(engine: Engine) -> None:
    rows = Rows(engine)
    paths = [
        ("open",),
        ("open", "contacting"),
        ("open", "qualified"),  # skipped contacting: has reached it all the same
        ("open", "contacting", "qualified", "disqualified"),  # off the path now
        ("open", "contacting", "re-nurture"),  # off the path now
    ]
    for lead_id, path in enumerate(paths, start=1):
        rows.lead(lead_id, datetime(2026, 5, 1, 12, 0), path=path)

    def steps(**spec: Any) -> list[tuple[str, int]]:
        got = compute(engine, chart="funnel", entity="leads", **spec)
        return [(s["key"], s["value"]) for s in got["steps"]]

    # Reached (history): every lead reached Open; Contacting or later: leads 2-5; Qualified: 3, 4.
    assert steps() == [("open", 5), ("contacting", 4), ("qualified", 2)]
    # Now: every lead counts at the first step; in Contacting or Qualified now: leads 2, 3;
    # in Qualified now: lead 3.
    assert steps(current_status=True) == [("open", 5), ("contacting", 2), ("qualified", 1)]
