"""Date series of every grain and the labels of grouped rows, through a tile's JSON (SPEC 2, 4).

The built-in dashboards only bucket by month and never group by country or by an enum with its
own words, so tiles are defined here. Leads are made at local wall-clock times next to the edges
of their buckets (New Year, the ISO week that starts in December, the DST change of 29 March
2026 in Amsterdam, quarter ends); every expected key, label and count below was worked out by
hand from those times and the calendar.
"""

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.semantic.spec import Tile, Translated
from leadboard.settings import Settings
from leadboard.web.present import tile_json
from tests.db.conftest import Rows

TODAY = date(2027, 1, 15)  # after every bucket below: none is partial

# Local (Europe/Amsterdam) creation times.
LEADS = [
    datetime(2024, 6, 15, 12, 0),
    datetime(2025, 12, 31, 23, 30),  # 2025, Q4, but ISO week 1 of 2026 (29 Dec - 4 Jan)
    datetime(2026, 1, 1, 0, 30),
    datetime(2026, 3, 29, 1, 30),  # the 23-hour day: clocks go 02:00 -> 03:00
    datetime(2026, 3, 31, 23, 59),  # last minute of Q1
    datetime(2026, 4, 1, 0, 0),  # first minute of Q2
]

# grain -> (period, [(key, label en, label nl, leads)])
SERIES: dict[str, tuple[str, list[tuple[str, str, str, int]]]] = {
    "year": (
        "2024-01-01..2026-12-31",
        [("2024", "2024", "2024", 1), ("2025", "2025", "2025", 1), ("2026", "2026", "2026", 4)],
    ),
    "quarter": (
        "2025-10-01..2026-06-30",
        [
            ("2025-Q4", "Q4 2025", "Q4 2025", 1),
            ("2026-Q1", "Q1 2026", "Q1 2026", 3),
            ("2026-Q2", "Q2 2026", "Q2 2026", 1),
        ],
    ),
    "month": (
        "2026-02-01..2026-04-30",
        [
            ("2026-02", "Feb 2026", "feb 2026", 0),
            ("2026-03", "Mar 2026", "mrt 2026", 2),
            ("2026-04", "Apr 2026", "apr 2026", 1),
        ],
    ),
    "week": (
        "2025-12-22..2026-01-11",
        [
            ("2025-W52", "W 52 2025", "wk 52 2025", 0),
            ("2026-W01", "W 1 2026", "wk 1 2026", 2),
            ("2026-W02", "W 2 2026", "wk 2 2026", 0),
        ],
    ),
    "day": (
        "2026-03-28..2026-04-01",
        [
            ("2026-03-28", "28 Mar 2026", "28 mrt 2026", 0),
            ("2026-03-29", "29 Mar 2026", "29 mrt 2026", 1),
            ("2026-03-30", "30 Mar 2026", "30 mrt 2026", 0),
            ("2026-03-31", "31 Mar 2026", "31 mrt 2026", 1),
            ("2026-04-01", "1 Apr 2026", "1 apr 2026", 1),
        ],
    ),
}


def compute(engine: Engine, lang: str, **spec: Any) -> dict[str, Any]:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    tile = Tile(key="t", name=Translated(en="T", nl="T"), **spec)
    clock = end_of_day_clock(TODAY, settings.tz)
    got: dict[str, Any] = tile_json(engine, settings, clock, tile, FilterInput(), lang)
    return got


@pytest.mark.parametrize("grain", list(SERIES))
def test_a_series_has_every_bucket_of_its_grain_in_local_time(engine: Engine, grain: str) -> None:
    rows = Rows(engine)
    for lead_id, created in enumerate(LEADS, start=1):
        rows.lead(lead_id, created)
    period, expected = SERIES[grain]
    for lang, label in (("en", 1), ("nl", 2)):
        got = compute(
            engine,
            lang,
            chart="column",
            entity="leads",
            group_by="created_at",
            date_field="created_at",
            grain=grain,
            period=period,
        )
        assert got["period"]["partial"] is False
        assert [(r["key"], r["label"], r["value"], r["partial"]) for r in got["rows"]] == [
            (row[0], row[label], row[3], False) for row in expected
        ]


def labels(engine: Engine, **spec: Any) -> dict[str, dict[str, tuple[str, int]]]:
    """Per language, each row's key -> (label, value)."""
    found = {}
    for lang in ("en", "nl"):
        got = compute(engine, lang, chart="pie", **spec)
        found[lang] = {r["key"]: (r["label"], r["value"]) for r in got["rows"]}
    return found


def test_countries_are_named_in_the_viewers_language(engine: Engine) -> None:
    rows = Rows(engine)
    for lead_id, country in enumerate(["NL", "NL", "DE", "BE", None], start=1):
        rows.lead(lead_id, datetime(2026, 5, 1, 12, 0), country=country)
    assert labels(engine, entity="leads", group_by="country") == {
        "en": {
            "NL": ("Netherlands", 2),
            "DE": ("Germany", 1),
            "BE": ("Belgium", 1),
            "__not_set__": ("(not set)", 1),
        },
        "nl": {
            "NL": ("Nederland", 2),
            "DE": ("Duitsland", 1),
            "BE": ("België", 1),
            "__not_set__": ("(niet ingesteld)", 1),
        },
    }


def test_how_a_lead_came_in_has_words_in_both_languages(engine: Engine) -> None:
    rows = Rows(engine)
    for lead_id, via in enumerate(["form", "manual", "manual", "import"], start=1):
        rows.lead(lead_id, datetime(2026, 5, 1, 12, 0), via=via)
    assert labels(engine, entity="leads", group_by="created_via") == {
        "en": {"form": ("Form", 1), "manual": ("Manual", 2), "import": ("Import", 1)},
        "nl": {"form": ("Formulier", 1), "manual": ("Handmatig", 2), "import": ("Import", 1)},
    }


def test_sale_statuses_have_words_in_both_languages(engine: Engine) -> None:
    rows = Rows(engine)
    for sale_id, status in enumerate(["sold", "sold", "lost", "stalled", "open"], start=1):
        rows.sale(sale_id, datetime(2026, 5, 1, 12, 0), status, 10_000)
    assert labels(engine, entity="sales", group_by="status") == {
        "en": {
            "sold": ("Sold", 2),
            "lost": ("Lost", 1),
            "stalled": ("Stalled", 1),
            "open": ("Open", 1),
        },
        "nl": {
            "sold": ("Verkocht", 2),
            "lost": ("Verloren", 1),
            "stalled": ("Gestopt", 1),
            "open": ("Open", 1),
        },
    }
