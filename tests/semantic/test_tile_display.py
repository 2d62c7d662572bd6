"""Tile display options (issue 11 item 2): what the spec accepts and refuses, with messages
that name the field, and what the presenter hands to the page and the API (`display`, rows in
the tile's sort order with Other last, the tile's currency named)."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from leadboard.semantic.catalog import ENTITIES
from leadboard.semantic.keys import OTHER
from leadboard.semantic.lookups import default_lookups
from leadboard.semantic.results import GroupedResult, Row
from leadboard.semantic.spec import QuickFilters, Tile
from leadboard.web.present import Presenter

BASE: dict[str, Any] = {
    "key": "t",
    "name": {"en": "Leads by country", "nl": "Leads per land"},
    "chart": "bar",
    "entity": "leads",
    "group_by": "country",
}


def tile(**fields: Any) -> Tile:
    return Tile.model_validate(BASE | fields)


def problem(**fields: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        tile(**fields)
    return str(caught.value)


def presenter(lang: str = "en", currency: str = "EUR") -> Presenter:
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    return Presenter(
        lang, ZoneInfo("Europe/Amsterdam"), default_lookups(), QuickFilters(), currency, now
    )


def grouped(spec: Tile, values: dict[str, int]) -> GroupedResult:
    field = ENTITIES["leads"].field("country")
    return GroupedResult(tile=spec, field=field, rows=tuple(Row(k, v) for k, v in values.items()))


def test_the_defaults_are_todays_look_and_add_nothing_to_the_json() -> None:
    spec = tile()
    assert (spec.legend, spec.data_labels, spec.short_numbers) == (True, False, False)
    assert spec.colours is None
    assert spec.sort is None
    assert spec.currency is None
    assert "display" not in presenter().tile(grouped(spec, {"NL": 3}))


def test_options_a_tile_sets_are_in_its_display() -> None:
    spec = tile(legend=False, data_labels=True, short_numbers=True, colours=["#FF0000", "#00aa00"])
    got = presenter().tile(grouped(spec, {"NL": 3}))
    assert got["display"] == {
        "legend": False,
        "data_labels": True,
        "short_numbers": True,
        "colours": ["#ff0000", "#00aa00"],  # kept in lower case
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"colours": ["red"]}, "colour 'red' is not of the form #rrggbb"),
        ({"colours": ["#12345"]}, "is not of the form #rrggbb"),
        ({"colours": ["#000000"] * 13}, "at most 12 colours"),
        ({"currency": "eur"}, "currency 'eur' is not an ISO 4217 code"),
        ({"currency": "XYZ"}, "currency 'XYZ' is not an ISO 4217 code"),
        ({"currency": "USD"}, "currency: only a tile of amounts has a currency"),
        ({"sort": "size"}, "sort"),
        (
            {"chart": "line", "date_field": "created_at", "period": "ytd", "grain": "month",
             "group_by": "created_at", "sort": "label-asc"},
            "sort: only tiles grouped by a field",
        ),
    ],
)  # fmt: skip
def test_mistakes_are_named(fields: dict[str, Any], message: str) -> None:
    assert message in problem(**fields)


def values(rows: list[dict[str, Any]]) -> list[str]:
    return [row["key"] for row in rows]


FIGURES = {"NL": 5, "BE": 9, "DE": 2, OTHER: 20}  # Other: the rest, whatever its size


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["NL", "BE", "DE", OTHER]),  # as computed
        ("value-desc", ["BE", "NL", "DE", OTHER]),
        ("value-asc", ["DE", "NL", "BE", OTHER]),
        ("label-asc", ["BE", "DE", "NL", OTHER]),  # Belgium, Germany, Netherlands
        ("label-desc", ["NL", "DE", "BE", OTHER]),
    ],
)
def test_rows_come_in_the_sort_order_with_other_last(sort: str | None, expected: list[str]) -> None:
    got = presenter().tile(grouped(tile(sort=sort), FIGURES))
    assert values(got["rows"]) == expected


def test_labels_sort_in_the_viewers_language() -> None:
    # Duitsland, Nederland, België in Dutch: B, D, N; German, English: Belgium, Germany, ...
    got = presenter("nl").tile(grouped(tile(sort="label-asc"), {"NL": 1, "DE": 1, "BE": 1}))
    labels = [row["label"] for row in got["rows"]]
    assert labels == sorted(labels, key=str.casefold)


def test_a_tiles_currency_is_the_currency_of_its_figures() -> None:
    # the executor converted the amounts into the tile's currency (tests/db/test_tile_currency.py);
    # the presenter names it, and shows the figures as they are
    spec = tile(measure="amount", entity="sales", group_by="country", currency="USD")
    field = ENTITIES["sales"].field("country")
    result = GroupedResult(tile=spec, field=field, rows=(Row("NL", Decimal("10.00")),))
    got = presenter(currency="EUR").tile(result)
    assert got["empty"] is False
    assert "error" not in got
    assert (got["rows"][0]["value"], got["currency"]) == ("10.00", "USD")
    assert got["display"] == {"currency": "USD"}
    plain = tile(measure="amount", entity="sales", group_by="country")
    shown = presenter(currency="EUR").tile(
        GroupedResult(tile=plain, field=field, rows=(Row("NL", Decimal("10.00")),))
    )
    assert shown["rows"][0]["value"] == "10.00"
    assert shown["currency"] == "EUR"
