"""Average, lowest and highest amounts (issue 11: "count, sum, average, min, max; amount or
weighted amount") on SQLite and PostgreSQL, over sales in three currencies.

The expected figures are worked out here from the rows this test makes: each sale converted on
its own (cents / 100 x rate, x probability for the weighted amount), then summed, averaged or
compared in Python and rounded to the cent once, at the end.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, insert

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput, open_executor
from leadboard.db.schema import associates, currency_rates, sales
from leadboard.semantic.results import Figure
from leadboard.semantic.spec import Tile, Translated
from leadboard.settings import Settings
from leadboard.web.present import tile_json

TODAY = date(2027, 1, 15)
RATES = {"EUR": Decimal(1), "USD": Decimal("0.9137"), "GBP": Decimal("1.1689")}
STATUSES = ("open", "sold", "lost", "stalled")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Sale:
    id: int
    cents: int
    currency: str
    probability: int
    status: str
    owner_id: int
    month: int  # of 2026

    @property
    def amount(self) -> Decimal:
        return Decimal(self.cents) / 100 * RATES[self.currency]

    @property
    def weighted(self) -> Decimal:
        return self.amount * self.probability / 100


def make_sales(seed: int = 11, count: int = 40) -> list[Sale]:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    return [
        Sale(
            id=sale_id,
            cents=rng.randrange(1, 5_000_000),
            currency=rng.choice(tuple(RATES)),
            probability=rng.choice((0, 10, 25, 33, 50, 75, 90, 100)),
            status=rng.choice(STATUSES),
            owner_id=rng.choice((1, 2, 3)),
            month=rng.randrange(1, 13),
        )
        for sale_id in range(1, count + 1)
    ]


def load(engine: Engine, rows: list[Sale], rates: bool = True) -> None:
    with engine.begin() as conn:
        for owner in (1, 2, 3):
            conn.execute(
                insert(associates).values(
                    id=owner, email=f"a{owner}@example.test", name=f"A{owner}"
                )
            )
        if rates:
            for currency, rate in RATES.items():
                if currency != "EUR":
                    conn.execute(insert(currency_rates).values(currency=currency, rate=str(rate)))
        for s in rows:
            at = datetime(2026, s.month, 10, 12, 0)
            conn.execute(
                insert(sales).values(
                    id=s.id,
                    title=f"Sale {s.id}",
                    amount_cents=s.cents,
                    currency=s.currency,
                    probability=s.probability,
                    status=s.status,
                    owner_id=s.owner_id,
                    sale_date=at,
                    created_at=at,
                )
            )


def expected(rows: list[Sale], measure: str, aggregate: str) -> Decimal:
    """The figure over these sales, computed here (0 over none, like a sum)."""
    values = [s.amount if measure == "amount" else s.weighted for s in rows]
    if not values:
        return Decimal("0.00")
    figure = {
        "sum": lambda: sum(values, Decimal(0)),
        "avg": lambda: sum(values, Decimal(0)) / len(values),
        "min": lambda: min(values),
        "max": lambda: max(values),
    }[aggregate]()
    return figure.quantize(CENT)


def settings_of(engine: Engine) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False))


def tile_of(**spec: Any) -> Tile:
    return Tile(key="t", name=Translated(en="T", nl="T"), entity="sales", **spec)


def compute(engine: Engine, lang: str = "en", **spec: Any) -> dict[str, Any]:
    settings = settings_of(engine)
    clock = end_of_day_clock(TODAY, settings.tz)
    got: dict[str, Any] = tile_json(engine, settings, clock, tile_of(**spec), FilterInput(), lang)
    return got


def drill_total(engine: Engine, tile: Tile, key: str | None) -> tuple[int, Figure]:
    """The drill-down's record count and its measure over all of them."""
    settings = settings_of(engine)
    with engine.connect() as conn:
        executor, run = open_executor(
            conn, settings, end_of_day_clock(TODAY, settings.tz), FilterInput()
        )
        drill = executor.drill(conn, tile, run.filters, key, page_size=5)
    return drill.total, drill.measure


MEASURES = ["amount", "weighted_amount"]
AGGREGATES = ["sum", "avg", "min", "max"]


@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("aggregate", AGGREGATES)
def test_a_number_is_the_aggregate_over_every_currency(
    engine: Engine, measure: str, aggregate: str
) -> None:
    rows = make_sales()
    assert {s.currency for s in rows} == set(RATES)  # the mix this test is about
    load(engine, rows)
    got = compute(engine, chart="number", measure=measure, aggregate=aggregate)
    assert got["value"] == str(expected(rows, measure, aggregate))
    assert got["currency"] == "EUR"
    tile = tile_of(chart="number", measure=measure, aggregate=aggregate)
    assert drill_total(engine, tile, None) == (len(rows), expected(rows, measure, aggregate))


@pytest.mark.parametrize("aggregate", AGGREGATES)
def test_grouped_rows_and_their_drill_downs_agree(engine: Engine, aggregate: str) -> None:
    rows = make_sales(seed=3)
    load(engine, rows)
    spec: dict[str, Any] = {
        "chart": "column",
        "measure": "amount",
        "measure2": "weighted_amount",
        "aggregate": aggregate,
        "group_by": "status",
    }
    got = compute(engine, **spec)
    by_status = {
        status: [s for s in rows if s.status == status]
        for status in STATUSES
        if any(s.status == status for s in rows)
    }
    want = {
        status: (
            str(expected(group, "amount", aggregate)),
            str(expected(group, "weighted_amount", aggregate)),
        )
        for status, group in by_status.items()
    }
    assert {r["key"]: (r["value"], r["value2"]) for r in got["rows"]} == want
    # Ranked by the figure shown, highest first (ties by key).
    order = sorted(want, key=lambda k: (-Decimal(want[k][0]), k))
    assert [r["key"] for r in got["rows"]] == order
    tile = tile_of(**spec)
    for status, group in by_status.items():
        assert drill_total(engine, tile, status) == (
            len(group),
            expected(group, "amount", aggregate),
        )


@pytest.mark.parametrize("aggregate", ["avg", "min", "max"])
def test_other_aggregates_the_records_of_every_row_it_holds(engine: Engine, aggregate: str) -> None:
    rows = make_sales(seed=8, count=60)
    load(engine, rows)
    got = compute(
        engine, chart="bar", measure="amount", aggregate=aggregate, group_by="owner", top=1
    )
    owners = {o: [s for s in rows if s.owner_id == o] for o in (1, 2, 3)}
    ranked = sorted(
        owners, key=lambda o: (-expected(owners[o], "amount", aggregate), f"a{o}@example.test")
    )
    head, rest = ranked[0], ranked[1:]
    others = [s for o in rest for s in owners[o]]
    assert [(r["key"], r["value"]) for r in got["rows"]] == [
        (f"a{head}@example.test", str(expected(owners[head], "amount", aggregate))),
        ("__other__", str(expected(others, "amount", aggregate))),
    ]


@pytest.mark.parametrize("aggregate", ["avg", "max"])
def test_a_series_aggregates_each_bucket_and_an_empty_one_is_zero(
    engine: Engine, aggregate: str
) -> None:
    rows = [s for s in make_sales(seed=5, count=50) if s.month != 4]  # April: no sales
    load(engine, rows)
    got = compute(
        engine,
        chart="line",
        measure="weighted_amount",
        aggregate=aggregate,
        group_by="sale_date",
        grain="month",
        date_field="sale_date",
        period="2026-01-01..2026-12-31",
    )
    want = [
        (
            f"2026-{month:02d}",
            str(expected([s for s in rows if s.month == month], "weighted_amount", aggregate)),
        )
        for month in range(1, 13)
    ]
    assert [(r["key"], r["value"]) for r in got["rows"]] == want
    assert want[3][1] == "0.00"


def test_a_count_with_an_amount_leaves_the_count_alone(engine: Engine) -> None:
    rows = make_sales(seed=2)
    load(engine, rows)
    got = compute(
        engine,
        chart="column-line",
        measure="count",
        measure2="amount",
        aggregate="avg",
        group_by="status",
    )
    for row in got["rows"]:
        group = [s for s in rows if s.status == row["key"]]
        assert (row["value"], row["value2"]) == (len(group), str(expected(group, "amount", "avg")))
    assert (got["aggregate"], got["measure2_name"]) == ("avg", "Average amount")
    assert "measure_name" not in got  # the count's name is the entity's, as before


@pytest.mark.parametrize(
    ("lang", "aggregate", "measure", "name"),
    [
        ("en", "avg", "amount", "Average amount"),
        ("nl", "avg", "amount", "Gemiddeld bedrag"),
        ("en", "min", "amount", "Lowest amount"),
        ("nl", "max", "amount", "Hoogste bedrag"),
        ("nl", "min", "weighted_amount", "Laagste gewogen bedrag"),
    ],
)
def test_the_json_names_the_aggregate(
    engine: Engine, lang: str, aggregate: str, measure: str, name: str
) -> None:
    load(engine, make_sales(seed=1, count=5))
    got = compute(engine, lang, chart="number", measure=measure, aggregate=aggregate)
    assert (got["measure"], got["aggregate"], got["measure_name"]) == (measure, aggregate, name)


def test_a_sum_says_nothing_new(engine: Engine) -> None:
    load(engine, make_sales(seed=1, count=5))
    got = compute(engine, chart="number", measure="amount")
    assert "aggregate" not in got
    assert "measure_name" not in got


def test_over_no_records_every_aggregate_is_zero(engine: Engine) -> None:
    load(engine, [])
    for aggregate in AGGREGATES:
        got = compute(engine, chart="number", measure="amount", aggregate=aggregate)
        assert (got["value"], got["empty"]) == ("0.00", True)


def test_a_currency_without_a_rate_fails_the_tile_with_its_message(engine: Engine) -> None:
    load(engine, make_sales(seed=4), rates=False)
    for aggregate in ("avg", "min"):
        got = compute(engine, chart="number", measure="amount", aggregate=aggregate)
        assert "no exchange rate for" in got["error"]


REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"chart": "number", "measure": "count", "aggregate": "avg"}, "a count takes only sum"),
    (
        {"chart": "column", "measure": "count", "group_by": "status", "aggregate": "max"},
        "a count takes only sum",
    ),
    (
        {"chart": "gauge", "measure": "amount", "numerator": [], "aggregate": "avg"},
        "a gauge tile counts records",
    ),
    ({"chart": "list", "measure": "amount", "aggregate": "min"}, "a list tile counts records"),
    ({"chart": "number", "measure": "amount", "aggregate": "median"}, "aggregate"),
]


@pytest.mark.parametrize(("spec", "message"), REFUSALS)
def test_an_aggregate_that_cannot_apply_is_refused(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        tile_of(**spec)


def test_leads_have_no_amount_to_average() -> None:
    with pytest.raises(ValidationError, match="entity leads has measures count"):
        Tile(
            key="t",
            name=Translated(en="T", nl="T"),
            entity="leads",
            chart="number",
            measure="amount",
            aggregate="avg",
        )
