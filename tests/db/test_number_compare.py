"""Number tiles compared with the previous period, a fixed value or their target (issue 11
item 2), on SQLite and PostgreSQL. Each expected figure is counted here in Python from the rows
the test inserts (local wall-clock times in Amsterdam), never read from the product.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.semantic.spec import Tile
from leadboard.settings import Settings
from leadboard.web.present import tile_json
from tests.db.conftest import AMS, Rows

TODAY = date(2026, 12, 6)
CREATED = [
    datetime(2026, 12, 1, 0, 30),
    datetime(2026, 12, 5, 9, 0),
    datetime(2026, 12, 6, 23, 30),
    datetime(2026, 11, 1, 0, 30),  # the previous month's first hour
    datetime(2026, 11, 6, 23, 30),  # the previous month's 6th day, late: in its span
    datetime(2026, 11, 7, 0, 30),  # after the elapsed span
    datetime(2026, 11, 20, 12, 0),
    datetime(2026, 10, 31, 23, 30),  # October
    datetime(2026, 10, 2, 8, 0),
    datetime(2026, 11, 27, 10, 0),
]


def tile(**fields: Any) -> Tile:
    base: dict[str, Any] = {
        "key": "n",
        "name": {"en": "New leads", "nl": "Nieuwe leads"},
        "chart": "number",
        "entity": "leads",
        "date_field": "created_at",
        "period": "this-month",
    }
    return Tile.model_validate(base | fields)


def shown(engine: Engine, spec: Tile, lang: str = "en") -> dict[str, Any]:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(TODAY, AMS)
    got: dict[str, Any] = tile_json(engine, settings, clock, spec, FilterInput(), lang)
    return got


def count(first: datetime, end: datetime) -> int:
    """Leads created in [first, end), local times."""
    return sum(1 for at in CREATED if first <= at < end)


def pct(delta: float, base: float) -> float | None:
    return None if not base else round(delta * 100 / base, 1)


@pytest.fixture
def rows(engine: Engine) -> Engine:
    r = Rows(engine)
    for index, at in enumerate(CREATED, start=1):
        r.lead(index, at)
    return engine


def test_a_partial_month_meets_the_same_days_of_the_previous_month(rows: Engine) -> None:
    got = shown(rows, tile(compare="previous-period"))
    now = count(datetime(2026, 12, 1), datetime(2026, 12, 7))
    before = count(datetime(2026, 11, 1), datetime(2026, 11, 7))  # 1..6 November, whole days
    assert (now, before) == (3, 2)
    compare = got["compare"]
    assert got["value"] == now
    assert (compare["value"], compare["delta"], compare["pct"]) == (
        before,
        now - before,
        pct(now - before, before),
    )
    assert compare["basis"] == "previous-period"
    assert compare["start"] == "2026-11-01T00:00:00+01:00"
    assert compare["end"].startswith("2026-11-07T00:00:00")


def test_a_whole_month_meets_the_whole_month_before(rows: Engine) -> None:
    got = shown(rows, tile(period="previous-month", compare="previous-period"))
    november = count(datetime(2026, 11, 1), datetime(2026, 12, 1))
    october = count(datetime(2026, 10, 1), datetime(2026, 11, 1))
    assert got["value"] == november
    assert got["compare"]["value"] == october
    assert got["compare"]["delta"] == november - october
    assert (got["compare"]["start"], got["compare"]["end"]) == (
        "2026-10-01T00:00:00+02:00",  # summer time
        "2026-11-01T00:00:00+01:00",
    )


def test_days_meet_as_many_days_right_before(rows: Engine) -> None:
    got = shown(rows, tile(period="previous-10-days", compare="previous-period"))
    first = datetime(2026, 11, 26)  # the 10 days before today
    now = count(first, datetime(2026, 12, 6))
    before = count(first - timedelta(days=10), first)
    assert got["value"] == now
    assert got["compare"]["value"] == before
    assert got["compare"]["pct"] == pct(now - before, before)


def test_a_number_meets_a_fixed_value(rows: Engine) -> None:
    got = shown(rows, tile(compare_value=2.5))
    now = count(datetime(2026, 12, 1), datetime(2026, 12, 7))
    compare = got["compare"]
    assert compare == {
        "value": 2.5,
        "delta": now - 2.5,
        "pct": pct(now - 2.5, 2.5),
        "start": None,
        "end": None,
        "basis": "value",
    }


def test_a_number_meets_its_target_and_says_so(rows: Engine) -> None:
    got = shown(rows, tile(compare="target", target=8), "nl")
    now = count(datetime(2026, 12, 1), datetime(2026, 12, 7))
    assert got["compare"]["value"] == 8
    assert got["compare"]["delta"] == now - 8
    assert got["compare"]["pct"] == pct(now - 8, 8)
    assert got["compare"]["basis"] == "target"


def test_money_is_compared_as_decimal_strings(engine: Engine) -> None:
    r = Rows(engine)
    cents = [12_345, 50_000, 1]
    for index, amount in enumerate(cents, start=1):
        r.sale(index, datetime(2026, 12, index, 12, 0), "won", amount)
    spec = tile(entity="sales", measure="amount", date_field="sale_date", compare_value=1000.5)
    got = shown(engine, spec)
    total = Decimal(sum(cents)) / 100
    assert got["value"] == str(total)
    assert got["compare"]["value"] == "1000.50"
    assert got["compare"]["delta"] == str(total - Decimal("1000.50"))


def test_the_page_words_say_what_a_number_is_compared_with(rows: Engine) -> None:
    from leadboard.i18n import Formatter
    from leadboard.web.pages.tiles import compare_text

    fmt = Formatter("nl", AMS)
    assert compare_text(shown(rows, tile(compare="target", target=8)), "count", fmt, "nl") == (
        "Ten opzichte van het doel: 8"
    )
    got = shown(rows, tile(compare="previous-period"))
    assert compare_text(got, "count", Formatter("en", AMS), "en").startswith(
        "Same span of the previous period ("
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"compare": "target"}, "compare target: set the tile's target"),
        ({"compare_value": 3, "compare": "previous-period"}, "leave compare out"),
        ({"compare": "previous-period", "date_field": None, "period": None}, "needs a period"),
        (
            {"chart": "bar", "group_by": "country", "compare_value": 1},
            "only a number tile compares with a value",
        ),
    ],
)
def test_compare_mistakes_are_named(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tile(**fields)
