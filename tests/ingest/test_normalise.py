"""Normalising messy cells: placeholders, numbers, times in the organisation's timezone."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from leadboard.ingest.normalise import (
    Cleaner,
    TimeReader,
    ValueProblem,
    fold_key,
    parse_decimal,
    parse_integer,
    render_template,
    slug,
    template_problems,
    to_cents,
)

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", None),
        ("   ", None),
        ("Select", None),
        (" select ", None),
        ("SELECT", None),
        ("Selected", "Selected"),
        ("  India ", "India"),
        ("0", "0"),
    ],
)
def test_cleaner_placeholders_and_empty_cells(cell: str, expected: str | None) -> None:
    assert Cleaner()(cell) == expected


def test_cleaner_takes_more_placeholders() -> None:
    clean = Cleaner(["Select", "n/a", "-"])
    assert [clean(c) for c in ("N/A", "-", "x", "select")] == [None, None, "x", None]


def test_fold_key() -> None:
    assert fold_key("  Olark   Chat ") == fold_key("olark chat") == "olark chat"


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("1234.56", "1234.56", "1234.56"),
        ("0.0", "1234.56", "0"),
        ("50000000.0", "1234.56", "50000000"),
        ("1,234.56", "1,234.56", "1234.56"),
        ("1.234,56", "1.234,56", "1234.56"),
        ("1234,5", "1234,56", "1234.5"),
        ("1 234,56", "1 234,56", "1234.56"),
        ("-12", "1234.56", "-12"),
    ],
)
def test_parse_decimal(text: str, fmt: str, expected: str) -> None:
    assert parse_decimal(text, fmt) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1.234,56", "NaN", "inf", ""])
def test_parse_decimal_refuses(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_decimal(text, "1234,56" if text == "1.234,56" else "1234.56")


def test_cents_are_exact() -> None:
    assert to_cents(Decimal("1054")) == 105400
    assert to_cents(Decimal("0.1")) == 10
    with pytest.raises(ValueProblem, match="more than 2 decimals"):
        to_cents(Decimal("1.005"))


def test_parse_integer() -> None:
    assert parse_integer(" 15 ") == 15
    assert parse_integer("100.0") == 100
    with pytest.raises(ValueProblem):
        parse_integer("2.5")


def test_naive_times_are_read_in_the_organisations_timezone() -> None:
    read = TimeReader(AMS)
    # A date alone: 00:00 local. Winter: UTC+1; summer: UTC+2.
    assert read("2018-02-01") == datetime(2018, 1, 31, 23, 0)
    assert read("2018-05-31") == datetime(2018, 5, 30, 22, 0)
    assert read("2018-02-26 19:58:54") == datetime(2018, 2, 26, 18, 58, 54)
    assert read("2018-07-01T12:00:00") == datetime(2018, 7, 1, 10, 0)
    # An explicit offset wins over the organisation's timezone.
    assert read("2018-07-01 12:00:00+00:00") == datetime(2018, 7, 1, 12, 0)
    # The repeated hour when clocks go back is read as the first (summer time) one.
    assert read("2018-10-28 02:30:00") == datetime(2018, 10, 28, 0, 30)


def test_times_with_a_format() -> None:
    read = TimeReader(AMS, "%d-%m-%Y")
    assert read("31-05-2018") == datetime(2018, 5, 30, 22, 0)
    with pytest.raises(ValueProblem, match="the form %d-%m-%Y"):
        read("2018-05-31")


@pytest.mark.parametrize("text", ["31/05/2018", "2018-13-01", "yesterday", "2018-02-30"])
def test_bad_times(text: str) -> None:
    with pytest.raises(ValueProblem, match="not a date or time"):
        TimeReader(AMS)(text)


def test_templates() -> None:
    values = {"id": "a8387c01a09e99ce014107505b92388c", "agent": "Moses  Frase", "gone": None}
    assert render_template("rep-{id:.8}@olist.invalid", values) == "rep-a8387c01@olist.invalid"
    assert render_template("{agent:slug}@maven.invalid", values) == "moses-frase@maven.invalid"
    assert render_template("{gone}", values) is None
    assert render_template("Deal {gone} of {agent}", values) == "Deal of Moses Frase"
    assert slug(" Café  Noir! ") == "caf-noir"
    assert template_problems("{x:upper}") == ["unknown modifier 'upper' (use .N or slug)"]
    assert template_problems("no placeholder") == [
        "has no {column} placeholder (use value: for a constant)"
    ]
