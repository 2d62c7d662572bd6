"""A tile's `currency` (issue 11 item 2, display option): amounts converted into it with the
rates table, on SQLite and PostgreSQL, over sales in four currencies.

The rates are to the organisation currency (EUR). The expected figures are worked out here with
exact fractions from the rows and rates this test makes: each sale's amount x its rate to EUR /
the rate of the tile's currency (x probability for the weighted amount), then summed, averaged
or compared, and rounded to the cent once, at the end. The dashboard page (tile, chart's
currency), the figures table, the CSV, the drill-down and the API all show the same figures in
the tile's currency; a currency without a rate is that tile's error, the other tiles unharmed.
"""

import csv
import io
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from html import unescape
from typing import Any

import pytest
from babel.numbers import format_currency
from sqlalchemy import Engine, insert, select
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.auth.tokens import create_token
from leadboard.clock import end_of_day_clock
from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.service import FilterInput, open_executor
from leadboard.dashboards.stored import create_dashboard
from leadboard.db.schema import associates, currency_rates, sales
from leadboard.semantic.spec import Tile
from leadboard.settings import Settings
from leadboard.web.present import tile_json
from tests.web.conftest import log_in, password_hash

TODAY = date(2027, 1, 15)
# 1 unit = this many EUR (the organisation currency); as text, as the rates table holds them
RATES = {"USD": "0.9137", "GBP": "1.1689", "SEK": "0.0871"}
CURRENCIES = ("EUR", *RATES)
STATUSES = ("open", "sold", "lost", "stalled")
MEASURES = ("amount", "weighted_amount")
AGGREGATES = ("sum", "avg", "min", "max")
EMAIL = "currency.admin@example.test"
PASSWORD = "tile-currency-password"


def rate(currency: str) -> Fraction:
    return Fraction(1) if currency == "EUR" else Fraction(RATES[currency])


@dataclass(frozen=True)
class Sale:
    id: int
    cents: int
    currency: str
    probability: int
    status: str

    def value(self, measure: str, target: str) -> Fraction:
        """This sale's amount (or weighted amount) in `target`, exactly."""
        amount = Fraction(self.cents, 100) * rate(self.currency) / rate(target)
        return amount if measure == "amount" else amount * Fraction(self.probability, 100)


def make_sales(seed: int, count: int = 40) -> list[Sale]:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    rows = [
        Sale(
            id=sale_id,
            cents=rng.randrange(1, 5_000_000),
            currency=rng.choice(CURRENCIES),
            probability=rng.choice((0, 10, 25, 33, 50, 75, 90, 100)),
            status=rng.choice(STATUSES),
        )
        for sale_id in range(1, count + 1)
    ]
    assert {s.currency for s in rows} == set(CURRENCIES)  # the mix this test is about
    return rows


def cents(value: Fraction) -> str:
    """Rounded to the cent (half to even, as Decimal's default), as the JSON writes money."""
    rounded = round(value, 2)
    return f"{Decimal(rounded.numerator) / Decimal(rounded.denominator):.2f}"


def expected(rows: list[Sale], measure: str, aggregate: str, target: str) -> str:
    values = [s.value(measure, target) for s in rows]
    if not values:
        return "0.00"
    figure = {
        "sum": lambda: sum(values, Fraction(0)),
        "avg": lambda: sum(values, Fraction(0)) / len(values),
        "min": lambda: min(values),
        "max": lambda: max(values),
    }[aggregate]()
    return cents(figure)


def load(engine: Engine, rows: list[Sale], rates: dict[str, str] = RATES) -> int:
    """The sales, the rates and an admin (with a password); the admin's id."""
    with engine.begin() as conn:
        conn.execute(
            insert(associates).values(
                email=EMAIL,
                name="Currency Admin",
                role="admin",
                language="en",
                active=True,
                password_hash=password_hash(PASSWORD),
            )
        )
        admin = conn.execute(select(associates.c.id).where(associates.c.email == EMAIL))
        admin_id: int = admin.scalar_one()
        for currency, value in rates.items():
            conn.execute(insert(currency_rates).values(currency=currency, rate=value))
        for s in rows:
            at = datetime(2026, 6, 10, 12, 0)
            conn.execute(
                insert(sales).values(
                    id=s.id,
                    title=f"Sale {s.id}",
                    amount_cents=s.cents,
                    currency=s.currency,
                    probability=s.probability,
                    status=s.status,
                    owner_id=admin_id,
                    sale_date=at,
                    created_at=at,
                )
            )
    return admin_id


def settings_of(engine: Engine) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False))


def tile_of(**spec: Any) -> Tile:
    return Tile.model_validate(
        {"key": "t", "name": {"en": "T", "nl": "T"}, "entity": "sales"} | spec
    )


def compute(engine: Engine, tile: Tile) -> dict[str, Any]:
    settings = settings_of(engine)
    clock = end_of_day_clock(TODAY, settings.tz)
    got: dict[str, Any] = tile_json(engine, settings, clock, tile, FilterInput())
    return got


def drill_measure(engine: Engine, tile: Tile, key: str | None) -> tuple[int, Any]:
    settings = settings_of(engine)
    with engine.connect() as conn:
        executor, run = open_executor(
            conn, settings, end_of_day_clock(TODAY, settings.tz), FilterInput()
        )
        drill = executor.drill(conn, tile, run.filters, key, page_size=5)
    return drill.total, str(drill.measure)


# -- the figures -----------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["USD", "GBP", "SEK", "EUR"])
def test_a_number_is_every_sale_converted_into_the_tiles_currency(
    engine: Engine, target: str
) -> None:
    rows = make_sales(seed=11)
    load(engine, rows)
    for measure in MEASURES:
        for aggregate in AGGREGATES:
            tile = tile_of(chart="number", measure=measure, aggregate=aggregate, currency=target)
            got = compute(engine, tile)
            want = expected(rows, measure, aggregate, target)
            assert (got["value"], got["currency"]) == (want, target), (measure, aggregate)
            assert drill_measure(engine, tile, None) == (len(rows), want)


def test_grouped_rows_and_their_drill_downs_are_in_the_tiles_currency(engine: Engine) -> None:
    rows = make_sales(seed=3)
    load(engine, rows)
    spec: dict[str, Any] = {
        "chart": "column",
        "measure": "amount",
        "measure2": "weighted_amount",
        "group_by": "status",
        "currency": "GBP",
    }
    tile = tile_of(**spec)
    got = compute(engine, tile)
    groups = {st: [s for s in rows if s.status == st] for st in STATUSES}
    want = {
        st: (expected(g, "amount", "sum", "GBP"), expected(g, "weighted_amount", "sum", "GBP"))
        for st, g in groups.items()
        if g
    }
    assert {r["key"]: (r["value"], r["value2"]) for r in got["rows"]} == want
    assert got["currency"] == "GBP"
    assert got["display"]["currency"] == "GBP"
    for status, group in groups.items():
        if group:
            assert drill_measure(engine, tile, status) == (len(group), want[status][0])


def test_the_organisation_currency_set_on_a_tile_changes_nothing(engine: Engine) -> None:
    load(engine, make_sales(seed=5))
    for aggregate in AGGREGATES:
        plain = compute(engine, tile_of(chart="number", measure="amount", aggregate=aggregate))
        same = compute(
            engine, tile_of(chart="number", measure="amount", aggregate=aggregate, currency="EUR")
        )
        assert (same["value"], same["currency"]) == (plain["value"], plain["currency"])
        assert plain["currency"] == "EUR"


def test_a_currency_without_a_rate_is_the_tiles_error(engine: Engine) -> None:
    rows = make_sales(seed=4)
    load(engine, rows, rates={"USD": RATES["USD"], "GBP": RATES["GBP"]})  # no SEK
    # a tile in a currency without a rate: an error naming it, data or not
    for aggregate in ("sum", "avg", "max"):
        got = compute(
            engine, tile_of(chart="number", measure="amount", aggregate=aggregate, currency="CHF")
        )
        assert "no exchange rate for CHF" in got["error"]
        assert "value" not in got
    none = compute(
        engine,
        tile_of(
            chart="number",
            measure="amount",
            currency="CHF",
            criteria=[[{"field": "id", "op": "eq", "value": 0}]],
        ),
    )
    assert "no exchange rate for CHF" in none["error"]
    # a sale in a currency without a rate, in a tile of one with a rate: the sale's currency
    got = compute(engine, tile_of(chart="number", measure="amount", currency="USD"))
    assert "no exchange rate for SEK" in got["error"]
    # without those sales, the same tile is converted
    usable = [s for s in rows if s.currency != "SEK"]
    criteria = [[{"field": "currency", "op": "is_not", "value": "SEK"}]]
    got = compute(
        engine, tile_of(chart="number", measure="amount", currency="USD", criteria=criteria)
    )
    assert got["value"] == expected(usable, "amount", "sum", "USD")


# -- what the pages, the CSV and the API show ----------------------------------------------------


@pytest.fixture
def board(engine: Engine) -> Iterator[tuple[TestClient, TestClient, list[Sale]]]:
    """A stored dashboard of the admin's: a column tile by status in USD (amount and weighted
    amount), a number in GBP and a number in CHF (no rate); a signed-in client and a token's."""
    rows = make_sales(seed=21)
    admin_id = load(engine, rows)
    settings = settings_of(engine)
    app = create_app(settings, end_of_day_clock(TODAY, settings.tz))
    now = app.state.clock.now()
    tiles = [
        {
            "key": "by-status",
            "name": {"en": "By status", "nl": "Per status"},
            "chart": "column",
            "entity": "sales",
            "measure": "amount",
            "measure2": "weighted_amount",
            "group_by": "status",
            "currency": "USD",
        },
        {
            "key": "total",
            "name": {"en": "Total", "nl": "Totaal"},
            "chart": "number",
            "entity": "sales",
            "measure": "amount",
            "currency": "GBP",
        },
        {
            "key": "francs",
            "name": {"en": "Francs", "nl": "Franken"},
            "chart": "number",
            "entity": "sales",
            "measure": "amount",
            "currency": "CHF",
        },
    ]
    definition = Dashboard.model_validate(
        {"slug": "money", "name": {"en": "Money", "nl": "Geld"}, "tiles": tiles}
    )
    with app.state.engine.begin() as conn:
        create_dashboard(conn, definition, admin_id, now)
        secret = create_token(conn, "currency test", now, admin_id)
    with (
        TestClient(app, follow_redirects=False) as page,
        TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as api,
    ):
        log_in(page, EMAIL, PASSWORD)
        yield page, api, rows
    app.state.engine.dispose()


def tile_article(html: str, key: str) -> str:
    found = re.search(rf'<article[^>]*id="tile-{key}".*?</article>', html, re.S)
    assert found, f"no tile {key}"
    return found.group(0)


def test_page_figures_table_csv_drill_down_and_api_agree_in_the_tiles_currency(
    board: tuple[TestClient, TestClient, list[Sale]],
) -> None:
    page, api, rows = board
    groups = {st: [s for s in rows if s.status == st] for st in STATUSES}
    usd = {st: expected(g, "amount", "sum", "USD") for st, g in groups.items() if g}
    usd2 = {st: expected(g, "weighted_amount", "sum", "USD") for st, g in groups.items() if g}
    gbp = expected(rows, "amount", "sum", "GBP")

    # the API
    body = api.get("/api/dashboards/money").json()
    by_key = {t["key"]: t for t in body["tiles"]}
    column = by_key["by-status"]
    assert column["currency"] == "USD"
    assert {r["key"]: (r["value"], r["value2"]) for r in column["rows"]} == {
        k: (usd[k], usd2[k]) for k in usd
    }
    assert (by_key["total"]["value"], by_key["total"]["currency"]) == (gbp, "GBP")
    assert "no exchange rate for CHF" in by_key["francs"]["error"]

    # the tiles on the page: the chart's currency, its labels and the number in their currency
    html = page.get("/dashboards/money/tiles").text
    column_html = tile_article(html, "by-status")
    assert 'data-currency="USD"' in column_html
    rows_attr = re.search(r'data-rows="([^"]*)"', column_html)
    labels_attr = re.search(r'data-labels="([^"]*)"', column_html)
    assert rows_attr
    assert labels_attr
    shown = [r["key"] for r in json.loads(unescape(rows_attr.group(1)))]
    labels = json.loads(unescape(labels_attr.group(1)))
    assert labels == [f"{money(usd[k], 'USD')} · {money(usd2[k], 'USD')}" for k in shown]
    total_html = tile_article(html, "total")
    assert 'data-currency="GBP"' in total_html
    assert money(gbp, "GBP") in unescape(total_html)
    assert "£" in unescape(total_html)
    francs = unescape(tile_article(html, "francs"))
    assert 'data-state="error"' in francs
    assert "no exchange rate for CHF" in francs

    # the figures table
    table = unescape(page.get("/dashboards/money/tiles/by-status/figures").text)
    for key in usd:
        assert money(usd[key], "USD") in table
        assert money(usd2[key], "USD") in table

    # the CSV: the figures shown, and CHF's refused
    text = api.get("/dashboards/money/tiles/by-status.csv").text.removeprefix("\ufeff")  # BOM
    got = {r["key"]: (r["value"], r["value2"]) for r in csv.DictReader(io.StringIO(text))}
    assert got == {k: (usd[k], usd2[k]) for k in usd}
    assert api.get("/dashboards/money/tiles/francs.csv").status_code == 409

    # the drill-down: its total in the tile's currency, on the API and in the panel
    for status in usd:
        records = api.get(
            "/api/tiles/money/by-status/records", params={"key": status, "page_size": 5}
        ).json()
        assert (records["measure"], records["measure2"], records["currency"]) == (
            usd[status],
            usd2[status],
            "USD",
        )
        assert records["total"] == len(groups[status])
        panel = unescape(
            page.get("/dashboards/money/tiles/by-status/records", params={"key": status}).text
        )
        assert money(usd[status], "USD") in panel
    number = api.get("/api/tiles/money/total/records").json()
    assert (number["measure"], number["currency"], number["total"]) == (gbp, "GBP", len(rows))


def money(value: str, currency: str) -> str:
    """As a page writes money in English (Babel)."""
    text: str = format_currency(Decimal(value), currency, locale="en")
    return text
