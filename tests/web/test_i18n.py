"""Language choice, the word catalogue and Babel formatting (nl: € 1.234,56, 5 mrt 2026)."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from leadboard.i18n import WORDS, Formatter, choose_language, from_accept_language, t

AMS = ZoneInfo("Europe/Amsterdam")
NL = Formatter("nl", AMS, "EUR")
EN = Formatter("en", AMS, "EUR")


@pytest.mark.parametrize(
    ("query", "user", "header", "expected"),
    [
        ("nl", "en", "en", "nl"),
        (None, "nl", "en", "nl"),
        ("fr", "nl", "en", "nl"),
        (None, None, "nl-BE,nl;q=0.9,en;q=0.8", "nl"),
        (None, None, "de-DE,en;q=0.5,nl;q=0.7", "nl"),
        (None, None, "de-DE,fr;q=0.9", "en"),
        (None, None, "nl;q=0,en", "en"),
        (None, None, None, "en"),
        (None, "", "NL", "nl"),
    ],
)
def test_choose_language(
    query: str | None, user: str | None, header: str | None, expected: str
) -> None:
    assert choose_language(query, user, header) == expected


def test_garbage_accept_language() -> None:
    assert from_accept_language(";;;,q=abc,nl;q=x") == "en"


def test_every_word_in_both_languages_with_the_same_placeholders() -> None:
    for key, (en, nl) in WORDS.items():
        assert en, key
        assert nl, key
        en_values, nl_values = set(re.findall(r"{(\w+)}", en)), set(re.findall(r"{(\w+)}", nl))
        if key.startswith("spec."):
            # A spec problem's English is the API's message and names the spec's fields; the
            # Dutch speaks to the editor beside the field and may leave values out, never add one.
            assert nl_values <= en_values, key
        else:
            assert en_values == nl_values, key


def test_words() -> None:
    assert t("nl", "tile.no_data") == "Geen gegevens"
    assert t("en", "tile.no_data") == "No data"
    assert t("nl", "dash.every_minutes", n=5) == "Elke 5 min"
    assert t("en", "no.such.key") == "no.such.key"


def test_dutch_formats() -> None:
    assert NL.money(1234.56) == "€\xa01.234,56"
    assert NL.number(1234567) == "1.234.567"
    assert NL.percent(25.3) == "25,3%"
    assert NL.day(date(2026, 3, 5)) == "5 mrt 2026"
    assert NL.moment("2026-11-27T23:59:59.999999+01:00") == "27 nov 2026 23:59"
    assert NL.signed(-12, "count") == "−12"
    assert NL.signed(3.5, "amount") == "+€\xa03,50"


def test_english_formats() -> None:
    assert EN.money(1234.56) == "€1,234.56"
    assert EN.number(1234567) == "1,234,567"
    assert EN.percent(None) == "—"
    assert EN.day("2026-03-05T10:00:00+01:00") == "Mar 5, 2026"


def test_windows_show_their_last_included_day() -> None:
    start = datetime(2026, 1, 1, tzinfo=AMS).isoformat()
    end = datetime(2026, 11, 28, tzinfo=AMS).isoformat()
    assert NL.window(start, end) == "1 jan 2026 – 27 nov 2026"
    one_day = datetime(2026, 11, 27, tzinfo=AMS).isoformat()
    assert NL.window(one_day, end) == "27 nov 2026"
    assert NL.window(None, None) == ""
