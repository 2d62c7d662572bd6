"""Time edges of SPEC 5 with hand-made rows on SQLite and PostgreSQL: local midnights across DST
changes and the new year, --today on 1 January and on a leap day, week buckets over a DST change,
month buckets of sale dates, and an empty database.

Every case is checked twice: against literal expected figures, and against the oracle.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.settings import Settings
from leadboard.web.present import dashboard_json, tile_records_json
from tests.db.conftest import AMS, Rows, assert_oracle_agrees
from tests.oracle import DASHBOARDS

SLUGS = ("marketing", "lead-nurturing", "sales")


def run(engine: Engine, today: date, slug: str, **filters: Any) -> dict[str, dict[str, Any]]:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(today, AMS)
    got = dashboard_json(engine, settings, clock, slug, FilterInput(**filters), "en")
    return {t["key"]: t for t in got["tiles"]}


def rows(tile: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {r["key"]: (r["value"], *([r["value2"]] if "value2" in r else [])) for r in tile["rows"]}


def nonzero(tile: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {k: v for k, v in rows(tile).items() if any(Decimal(str(x)) for x in v)}


def number(tile: dict[str, Any]) -> tuple[Any, ...]:
    c = tile["compare"]
    return tile["value"], c["value"], c["delta"], c["pct"]


def period(tile: dict[str, Any]) -> tuple[str, str]:
    return tile["period"]["start"], tile["period"]["end"]


# -- YTD across the new year and the spring DST change ---------------------------------------


def test_ytd_across_new_year_dst_and_the_end_of_today(engine: Engine) -> None:
    r = Rows(engine)
    r.lead(1, datetime(2025, 12, 31, 23, 30))  # 22:30 UTC: last year
    r.lead(2, datetime(2026, 1, 1, 0, 30))  # stored 2025-12-31 23:30 UTC, but YTD
    r.lead(3, datetime(2026, 3, 29, 0, 30))  # CET, before the change
    r.lead(4, datetime(2026, 3, 29, 2, 30))  # does not exist locally: read as 03:30 CEST
    r.lead(5, datetime(2026, 3, 29, 3, 30))  # CEST, after the change
    r.lead(6, datetime(2026, 4, 15, 23, 59, 59))  # the last second of --today
    r.lead(7, datetime(2026, 4, 16, 0, 0))  # tomorrow: not YTD (but this year)
    r.lead(8, datetime(2025, 4, 15, 23, 30))  # same span last year: its last evening
    r.lead(9, datetime(2025, 4, 16, 0, 30))  # stored 2025-04-15 22:30 UTC: not in the span
    r.lead(10, datetime(2025, 1, 1, 0, 30))  # stored 2024-12-31 23:30 UTC: in the span
    r.lead(11, datetime(2024, 12, 31, 23, 30))  # not
    r.lead(12, datetime(2026, 4, 15, 12, 0), via="chat")
    today = date(2026, 4, 15)

    m = run(engine, today, "marketing")
    forms = m["new-leads-from-forms-ytd"]
    assert period(forms) == ("2026-01-01T00:00:00+01:00", "2026-04-16T00:00:00+02:00")
    assert number(forms) == (5, 2, 3, 150.0)  # 2, 3, 4, 5, 6 vs 8, 10
    assert number(m["new-leads-from-chats-ytd"]) == (1, 0, 1, None)
    assert nonzero(m["new-leads-per-month"]) == {
        "2026-01": (1, 1),  # 2 | 10
        "2026-03": (3, 0),  # 3, 4, 5
        "2026-04": (3, 1),  # 6, 7, 12 | 8 (April holds today: last year up to 15 April only)
        "2026-12": (0, 1),  # | 1
    }
    assert [k for k in rows(m["new-leads-per-month"])] == [f"2026-{i:02d}" for i in range(1, 13)]
    assert sum(r["value"] for r in m["new-leads-by-channel-ytd"]["rows"]) == 6
    n = run(engine, today, "lead-nurturing")
    assert n["lead-qualification-funnel"]["steps"][0]["value"] == 6
    assert n["qualification-rate-ytd"]["total"] == 6
    assert_oracle_agrees(engine, today)

    # the records behind the January bucket are the lead of 00:30 on New Year's day only
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(today, AMS)
    january = tile_records_json(
        engine, settings, clock, "marketing", "new-leads-per-month", FilterInput(), "2026-01"
    )
    assert [rec["id"] for rec in january["records"]] == [2]
    assert january["records"][0]["created_at"] == "2026-01-01T00:30:00+01:00"


# -- --today on 1 January --------------------------------------------------------------------


def test_today_on_the_first_of_january(engine: Engine) -> None:
    r = Rows(engine)
    r.lead(1, datetime(2026, 1, 1, 0, 30))
    r.lead(2, datetime(2026, 1, 1, 23, 30))
    r.lead(3, datetime(2026, 1, 2, 0, 30))  # after today: this year, not YTD
    r.lead(4, datetime(2025, 12, 31, 23, 30))
    r.lead(5, datetime(2025, 1, 1, 0, 30))  # same span last year = 1 January 2025 ...
    r.lead(6, datetime(2025, 1, 1, 23, 30))
    r.lead(7, datetime(2025, 1, 2, 0, 30))  # ... only (stored 2025-01-01 23:30 UTC)
    r.lead(8, datetime(2024, 12, 31, 23, 30))
    today = date(2026, 1, 1)

    m = run(engine, today, "marketing")
    forms = m["new-leads-from-forms-ytd"]
    assert period(forms) == ("2026-01-01T00:00:00+01:00", "2026-01-02T00:00:00+01:00")
    assert number(forms) == (2, 2, 0, 0.0)
    # January holds today: last year's January up to 1 January only (5, 6; not 7)
    assert nonzero(m["new-leads-per-month"]) == {"2026-01": (3, 2), "2026-12": (0, 1)}
    # ISO weeks: 29 Dec 2025 .. 4 Jan 2026 is 2026-W01, and this week runs to its Sunday
    n = run(engine, today, "lead-nurturing")
    weeks = n["new-leads-per-week"]
    assert list(rows(weeks)) == [f"2025-W{w}" for w in range(41, 53)] + ["2026-W01"]
    assert nonzero(weeks) == {"2026-W01": (4,)}  # 1, 2, 3, 4
    assert period(weeks) == ("2025-10-06T00:00:00+02:00", "2026-01-05T00:00:00+01:00")
    assert n["lead-qualification-funnel"]["steps"][0]["value"] == 2
    assert_oracle_agrees(engine, today)


# -- a leap day ------------------------------------------------------------------------------


def test_leap_day_and_the_same_span_last_year(engine: Engine) -> None:
    r = Rows(engine)
    r.lead(1, datetime(2024, 2, 29, 23, 0))
    r.lead(2, datetime(2024, 3, 1, 0, 30))
    r.lead(3, datetime(2023, 2, 28, 23, 0))  # last included day of last year's span
    r.lead(4, datetime(2023, 3, 1, 0, 30))  # stored 2023-02-28 23:30 UTC, yet outside
    r.lead(5, datetime(2023, 1, 1, 0, 30))
    r.lead(6, datetime(2024, 2, 28, 12, 0))
    r.lead(7, datetime(2025, 2, 28, 12, 0))
    r.lead(8, datetime(2024, 1, 1, 0, 30))

    # today = 29 Feb 2024: YTD 1 Jan .. 29 Feb 2024 vs 1 Jan .. 28 Feb 2023
    m = run(engine, date(2024, 2, 29), "marketing")
    forms = m["new-leads-from-forms-ytd"]
    assert period(forms) == ("2024-01-01T00:00:00+01:00", "2024-03-01T00:00:00+01:00")
    assert number(forms) == (3, 2, 1, 50.0)  # 1, 6, 8 vs 3, 5
    assert nonzero(m["new-leads-per-month"]) == {
        "2024-01": (1, 1),
        "2024-02": (2, 1),
        "2024-03": (1, 1),
    }
    assert_oracle_agrees(engine, date(2024, 2, 29))

    # today = 28 Feb 2025: last year's span ends on 28 Feb 2024, so 29 Feb 2024 is left out
    m = run(engine, date(2025, 2, 28), "marketing")
    assert number(m["new-leads-from-forms-ytd"]) == (1, 2, -1, -50.0)  # 7 vs 6, 8
    assert_oracle_agrees(engine, date(2025, 2, 28))

    # an explicit period over the leap day: its comparison is 1 Jan .. 28 Feb of the year before
    m = run(engine, date(2025, 2, 28), "marketing", period="2024-01-01..2024-02-29")
    assert number(m["new-leads-from-forms-ytd"]) == (3, 2, 1, 50.0)
    assert_oracle_agrees(engine, date(2025, 2, 28), period="2024-01-01..2024-02-29")


# -- week buckets over the DST changes -------------------------------------------------------


def test_week_series_over_dst_changes(engine: Engine) -> None:
    r = Rows(engine)
    # spring 2026 (clocks forward on Sunday 29 March, in 2026-W13)
    r.lead(1, datetime(2026, 1, 4, 23, 30))  # Sunday before the first bucket: outside
    r.lead(2, datetime(2026, 1, 5, 0, 30))  # stored on Sunday 4 Jan in UTC: W02
    r.lead(3, datetime(2026, 3, 22, 23, 30))  # W12
    r.lead(4, datetime(2026, 3, 23, 0, 30))  # stored Sunday 22 March 23:30 UTC: W13
    r.lead(5, datetime(2026, 3, 29, 23, 30))  # CEST Sunday: W13
    r.lead(6, datetime(2026, 3, 30, 0, 30))  # stored Sunday 29 March 22:30 UTC: W14
    r.lead(7, datetime(2026, 4, 5, 23, 30))  # later this week: still W14
    r.lead(8, datetime(2026, 4, 6, 0, 30))  # next week: outside
    # autumn 2025 (clocks back on Sunday 26 October, in 2025-W43)
    r.lead(11, datetime(2025, 10, 26, 2, 30))  # ambiguous: the first (CEST) 02:30
    r.lead(12, datetime(2025, 10, 26, 2, 30, fold=1))  # the second (CET) 02:30
    r.lead(13, datetime(2025, 10, 26, 23, 30))  # W43
    r.lead(14, datetime(2025, 10, 27, 0, 30))  # stored Sunday 26 October 23:30 UTC: W44

    n = run(engine, date(2026, 4, 1), "lead-nurturing")
    weeks = n["new-leads-per-week"]
    assert list(rows(weeks)) == [f"2026-W{w:02d}" for w in range(2, 15)]
    assert nonzero(weeks) == {
        "2026-W02": (1,),
        "2026-W12": (1,),
        "2026-W13": (2,),
        "2026-W14": (2,),
    }
    assert period(weeks) == ("2026-01-05T00:00:00+01:00", "2026-04-06T00:00:00+02:00")
    assert_oracle_agrees(engine, date(2026, 4, 1))

    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(date(2026, 4, 1), AMS)
    w13 = tile_records_json(
        engine, settings, clock, "lead-nurturing", "new-leads-per-week", FilterInput(), "2026-W13"
    )
    assert sorted(rec["id"] for rec in w13["records"]) == [4, 5]

    n = run(engine, date(2025, 11, 5), "lead-nurturing")
    weeks = n["new-leads-per-week"]
    assert list(rows(weeks)) == [f"2025-W{w:02d}" for w in range(33, 46)]
    assert nonzero(weeks) == {"2025-W43": (3,), "2025-W44": (1,)}
    assert period(weeks) == ("2025-08-11T00:00:00+02:00", "2025-11-10T00:00:00+01:00")
    assert_oracle_agrees(engine, date(2025, 11, 5))


# -- month buckets of sale dates -------------------------------------------------------------


def test_sale_dates_at_local_month_and_year_boundaries(engine: Engine) -> None:
    r = Rows(engine)
    r.associate(1, "ann@example.test")
    r.associate(2, "bob@example.test")
    r.lead(1, datetime(2025, 6, 1, 12, 0), via="api", creation_source="google", country="NL")
    today = date(2026, 11, 27)
    # open sales: pipeline per expected close month, this and the next 11 months
    r.sale(1, datetime(2026, 10, 31, 23, 30), "open", 100_00, owner_id=1, lead_id=1)  # outside
    r.sale(2, datetime(2026, 11, 1, 0, 30), "open", 200_00, owner_id=1, lead_id=1)  # 2026-11
    r.sale(3, datetime(2027, 10, 31, 23, 30), "open", 300_00, owner_id=2)  # 2027-10
    r.sale(4, datetime(2027, 11, 1, 0, 30), "open", 400_00, owner_id=2)  # outside
    r.sale(5, datetime(2026, 12, 1, 0, 30), "open", 5_55, owner_id=2)  # 2026-12
    # sold sales: YTD and this year by sale date
    r.sale(6, datetime(2025, 12, 31, 23, 30), "sold", 1_000_00, owner_id=1, lead_id=1)
    r.sale(7, datetime(2026, 1, 1, 0, 30), "sold", 2_000_00, owner_id=1, lead_id=1)
    r.sale(8, datetime(2026, 11, 28, 0, 30), "sold", 3_000_00, owner_id=2)  # after today
    r.sale(9, datetime(2026, 11, 27, 23, 30), "sold", 4_000_00, owner_id=2)  # today

    s = run(engine, today, "sales")
    close = s["pipeline-by-close-month"]
    assert next(iter(rows(close))) == "2026-11"
    assert list(rows(close))[-1] == "2027-10"
    assert nonzero(close) == {"2026-11": ("200.00",), "2026-12": ("5.55",), "2027-10": ("300.00",)}
    assert period(close) == ("2026-11-01T00:00:00+01:00", "2027-11-01T00:00:00+01:00")
    by_owner = s["sales-by-owner-ytd"]
    assert [(row["key"], row["value"], row["value2"]) for row in by_owner["rows"]] == [
        ("ann@example.test", 1, "2000.00"),
        ("bob@example.test", 1, "4000.00"),
    ]
    assert rows(s["sales-by-creation-source"]) == {"__not_set__": (2,), "google": (1,)}
    assert rows(s["pipeline-by-creation-source"]) == {
        "__not_set__": ("705.55",),
        "google": ("300.00",),
    }
    assert_oracle_agrees(engine, today)
    assert_oracle_agrees(engine, today, country="NL")
    assert_oracle_agrees(engine, today, country="none", owner="bob@example.test")


# -- an empty database -----------------------------------------------------------------------


def test_empty_database_gives_empty_tiles_with_every_bucket(engine: Engine) -> None:
    today = date(2026, 11, 27)
    for filters in ({}, {"country": "NL", "status": "qualified", "period": "previous-year"}):
        for slug in SLUGS:
            got = run(engine, today, slug, **filters)
            assert set(got) == DASHBOARDS[slug]
            for tile in got.values():
                assert tile["empty"] is True, tile
                assert "error" not in tile, tile
            if slug == "marketing":
                months = got["new-leads-per-month"]["rows"]
                assert len(months) == 12
                assert all(r["value"] == 0 and r["value2"] == 0 for r in months)
                assert got["new-leads-by-campaign-ytd"]["rows"] == []
                assert number(got["new-leads-from-forms-ytd"]) == (0, 0, 0, None)
            if slug == "lead-nurturing":
                weeks = got["new-leads-per-week"]["rows"]
                assert len(weeks) == (53 if filters else 13)  # previous-year: 2025-W01..2026-W01
                assert all(r["value"] == 0 for r in weeks)
                assert [(r["key"], r["value"]) for r in got["leads-by-status"]["rows"]] == [
                    ("open", 0),
                    ("contacting", 0),
                    ("qualified", 0),
                    ("disqualified", 0),
                    ("re-nurture", 0),
                ]
                steps = got["lead-qualification-funnel"]["steps"]
                assert [
                    (s["key"], s["value"], s["pct_of_first"], s["pct_of_previous"]) for s in steps
                ] == [
                    ("open", 0, None, None),
                    ("contacting", 0, None, None),
                    ("qualified", 0, None, None),
                ]
                gauge = got["qualification-rate-ytd"]
                assert (gauge["value"], gauge["count"], gauge["total"], gauge["target"]) == (
                    None,
                    0,
                    0,
                    25,
                )
                assert got["leads-to-re-nurture"]["total"] == 0
                assert got["leads-to-re-nurture"]["records"] == []
            if slug == "sales":
                close = got["pipeline-by-close-month"]["rows"]
                assert len(close) == 12
                assert all(r["value"] == "0.00" for r in close)  # money: a decimal string
                assert got["sales-by-owner-ytd"]["rows"] == []
                assert got["qualified-without-sale"]["total"] == 0
        assert_oracle_agrees(engine, today, **filters)
