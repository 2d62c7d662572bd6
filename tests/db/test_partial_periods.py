"""Periods told honestly (issue 8 item 11, SPEC 9.4), on SQLite and PostgreSQL.

A period that holds now is `partial`; a number over it is compared with the same elapsed span a
year earlier, and in a date series the bucket that holds now is marked and compared with its own
elapsed span last year. Each case is checked against literal figures worked out by hand from the
rows it inserts, and against the oracle (tests/oracle.py), which computes the spans on local
wall-clock times in plain Python.
"""

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from leadboard.clock import Clock, FixedClock, end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.settings import Settings
from leadboard.web.present import dashboard_json
from tests.db.conftest import AMS, DemoDB, Rows
from tests.oracle import Filters, Oracle, diff_dashboard, load

SLUGS = ("marketing", "lead-nurturing", "sales")
FORMS = "new-leads-from-forms-ytd"
MONTHS = "new-leads-per-month"


def run(
    engine: Engine, clock: Clock, slug: str = "marketing", lang: str = "en", **filters: Any
) -> dict[str, dict[str, Any]]:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    got = dashboard_json(engine, settings, clock, slug, FilterInput(**filters), lang)
    return {t["key"]: t for t in got["tiles"]}


def oracle_agrees(engine: Engine, clock: Clock, **filters: Any) -> None:
    now = clock.now().astimezone(AMS)
    oracle = Oracle(load(engine), now.date(), now=now)
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    problems = []
    for slug in SLUGS:
        got = dashboard_json(engine, settings, clock, slug, FilterInput(**filters), "en")
        problems += diff_dashboard(got, slug, oracle, Filters(**filters))
    assert not problems, "\n".join(problems)


def number(tile: dict[str, Any]) -> tuple[Any, ...]:
    c = tile["compare"]
    return tile["value"], c["value"], c["delta"], c["pct"]


def compared(tile: dict[str, Any]) -> tuple[str, str]:
    return tile["compare"]["start"], tile["compare"]["end"]


def month_rows(tile: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Non-empty rows: key -> (value, value2, partial, compared span)."""
    return {
        r["key"]: (
            r["value"],
            r["value2"],
            r["partial"],
            (r["compare"]["start"], r["compare"]["end"]),
        )
        for r in tile["rows"]
        if r["value"] or r["value2"] or r["partial"]
    }


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> FixedClock:
    """A clock at a local wall-clock time of the organisation."""
    return FixedClock(datetime(year, month, day, hour, minute, second, tzinfo=AMS))


# -- a partial month on day 6 ----------------------------------------------------------------


def test_a_partial_month_on_day_6_meets_6_days_of_last_year(engine: Engine) -> None:
    r = Rows(engine)
    r.lead(1, datetime(2026, 12, 1, 0, 30))  # stored 30 Nov 23:30 UTC, yet December
    r.lead(2, datetime(2026, 12, 4, 12, 0))
    r.lead(3, datetime(2026, 12, 6, 23, 30))  # today, late
    r.lead(4, datetime(2025, 12, 1, 0, 30))  # last year: in the 6 days
    r.lead(5, datetime(2025, 12, 6, 23, 30))  # the 6th day's last hour: in
    r.lead(6, datetime(2025, 12, 7, 0, 30))  # stored 6 Dec 23:30 UTC, but the 7th: out
    r.lead(7, datetime(2025, 12, 20, 12, 0))  # later last December: out
    r.lead(8, datetime(2025, 11, 30, 23, 30))  # November last year (a full bucket)
    r.lead(9, datetime(2026, 11, 15, 12, 0))
    clock = end_of_day_clock(date(2026, 12, 6), AMS)

    m = run(engine, clock, period="this-month")
    forms = m[FORMS]
    assert forms["period"]["partial"] is True
    assert number(forms) == (3, 2, 1, 50.0)  # 1, 2, 3 vs 4, 5 (not 4, 5, 6, 7)
    assert compared(forms) == ("2025-12-01T00:00:00+01:00", "2025-12-07T00:00:00+01:00")
    assert month_rows(m[MONTHS]) == {
        "2026-12": (3, 2, True, ("2025-12-01T00:00:00+01:00", "2025-12-07T00:00:00+01:00")),
    }

    # the tile's own period (this year): December holds today, November is a full bucket
    m = run(engine, clock)
    assert m[MONTHS]["period"]["partial"] is True
    assert month_rows(m[MONTHS]) == {
        "2026-11": (1, 1, False, ("2025-11-01T00:00:00+01:00", "2025-12-01T00:00:00+01:00")),
        "2026-12": (3, 2, True, ("2025-12-01T00:00:00+01:00", "2025-12-07T00:00:00+01:00")),
    }
    assert [r["partial"] for r in m[MONTHS]["rows"]] == [False] * 11 + [True]
    # YTD: 1, 2, 3, 9 vs 4, 5, 8 (1 January .. 6 December last year)
    assert number(m[FORMS]) == (4, 3, 1, 33.3)
    assert m[FORMS]["period"]["partial"] is True
    oracle_agrees(engine, clock)
    oracle_agrees(engine, clock, period="this-month")


# -- a partial quarter (day 67 of 92) and a full previous one ----------------------------------


def test_a_partial_quarter_is_compared_with_the_same_span_last_year(engine: Engine) -> None:
    r = Rows(engine)
    r.lead(1, datetime(2026, 10, 1, 0, 30))  # stored 30 Sep 22:30 UTC, yet this quarter
    r.lead(2, datetime(2026, 11, 10, 12, 0))
    r.lead(3, datetime(2026, 12, 6, 12, 0))
    r.lead(4, datetime(2025, 10, 1, 0, 30))
    r.lead(5, datetime(2025, 12, 6, 18, 0))
    r.lead(6, datetime(2025, 12, 7, 9, 0))  # after the span: out
    r.lead(7, datetime(2025, 12, 15, 9, 0))
    r.lead(8, datetime(2025, 12, 31, 23, 30))
    r.lead(9, datetime(2025, 9, 30, 23, 30))  # the quarter before
    clock = end_of_day_clock(date(2026, 12, 6), AMS)  # day 67 of the 92 of Q4

    forms = run(engine, clock, period="this-quarter")[FORMS]
    assert forms["period"]["partial"] is True
    # 1, 2, 3 vs 4, 5: +50 %, where the whole of Q4 2025 (4, 5, 6, 7, 8) would say -40 %
    assert number(forms) == (3, 2, 1, 50.0)
    assert compared(forms) == ("2025-10-01T00:00:00+02:00", "2025-12-07T00:00:00+01:00")
    oracle_agrees(engine, clock, period="this-quarter")

    # a quarter that has ended is compared with the whole of it a year before, as it was
    later = end_of_day_clock(date(2027, 1, 10), AMS)
    forms = run(engine, later, period="previous-quarter")[FORMS]
    assert forms["period"]["partial"] is False
    assert number(forms) == (3, 5, -2, -40.0)
    assert compared(forms) == ("2025-10-01T00:00:00+02:00", "2026-01-01T00:00:00+01:00")
    oracle_agrees(engine, later, period="previous-quarter")


def test_a_full_previous_period_is_compared_with_all_of_it(engine: Engine) -> None:
    r = Rows(engine)
    r.lead(1, datetime(2026, 11, 2, 12, 0))
    r.lead(2, datetime(2025, 11, 1, 0, 30))
    r.lead(3, datetime(2025, 11, 30, 23, 30))  # the last evening of last November: in
    r.lead(4, datetime(2025, 12, 1, 0, 30))  # out
    clock = end_of_day_clock(date(2026, 12, 6), AMS)

    m = run(engine, clock, period="previous-month")
    forms = m[FORMS]
    assert forms["period"]["partial"] is False
    assert number(forms) == (1, 2, -1, -50.0)
    assert compared(forms) == ("2025-11-01T00:00:00+01:00", "2025-12-01T00:00:00+01:00")
    assert month_rows(m[MONTHS]) == {
        "2026-11": (1, 2, False, ("2025-11-01T00:00:00+01:00", "2025-12-01T00:00:00+01:00")),
    }
    oracle_agrees(engine, clock, period="previous-month")
    oracle_agrees(engine, clock, period="previous-year")
    # a period still to come is not partial either: it has no elapsed part yet
    future = run(engine, clock, period="next-month")[FORMS]
    assert future["period"]["partial"] is False
    assert compared(future) == ("2026-01-01T00:00:00+01:00", "2026-02-01T00:00:00+01:00")


# -- leap days -------------------------------------------------------------------------------


def test_a_partial_period_on_a_leap_day_ends_on_28_february_last_year(engine: Engine) -> None:
    r = Rows(engine)
    r.lead(1, datetime(2028, 2, 29, 10, 0))
    r.lead(2, datetime(2027, 2, 1, 0, 30))
    r.lead(3, datetime(2027, 2, 28, 14, 59))  # before 15:00 a year back: in
    r.lead(4, datetime(2027, 2, 28, 15, 1))  # after it: out
    r.lead(5, datetime(2027, 3, 1, 0, 30))  # out
    clock = at(2028, 2, 29, 15, 0)  # a clock in the middle of the leap day

    m = run(engine, clock, period="this-month")
    assert number(m[FORMS]) == (1, 2, -1, -50.0)
    assert compared(m[FORMS]) == ("2027-02-01T00:00:00+01:00", "2027-02-28T15:00:00.000001+01:00")
    assert month_rows(m[MONTHS])["2028-02"] == (
        1,
        2,
        True,
        ("2027-02-01T00:00:00+01:00", "2027-02-28T15:00:00.000001+01:00"),
    )
    oracle_agrees(engine, clock)
    oracle_agrees(engine, clock, period="this-month")


def test_february_after_a_leap_year_meets_29_february_only_when_it_is_full(
    engine: Engine,
) -> None:
    r = Rows(engine)
    r.lead(1, datetime(2025, 2, 10, 12, 0))
    r.lead(2, datetime(2024, 2, 28, 12, 0))
    r.lead(3, datetime(2024, 2, 29, 12, 0))  # the leap day
    r.lead(4, datetime(2024, 3, 1, 0, 30))  # stored 29 Feb 23:30 UTC: March

    # on 28 February 2025 the month still holds now: 1..28 February 2024 (SPEC 5: 29 -> 28)
    clock = end_of_day_clock(date(2025, 2, 28), AMS)
    rows = month_rows(run(engine, clock)[MONTHS])
    assert rows["2025-02"] == (
        1,
        1,
        True,
        ("2024-02-01T00:00:00+01:00", "2024-02-29T00:00:00+01:00"),
    )
    assert rows["2025-03"][:3] == (0, 1, False)
    oracle_agrees(engine, clock)

    # a day later February 2025 is a full bucket: all of February 2024, the 29th too
    clock = end_of_day_clock(date(2025, 3, 1), AMS)
    rows = month_rows(run(engine, clock)[MONTHS])
    assert rows["2025-02"] == (
        1,
        2,
        False,
        ("2024-02-01T00:00:00+01:00", "2024-03-01T00:00:00+01:00"),
    )
    assert rows["2025-03"][:3] == (0, 1, True)
    oracle_agrees(engine, clock)


# -- DST: the same wall-clock hour last year, not the same UTC hour ---------------------------


def test_same_span_last_year_keeps_the_local_hour_across_dst(engine: Engine) -> None:
    r = Rows(engine)
    # spring: 29 March 2026 is in summer time, 29 March 2025 was still winter time
    r.lead(1, datetime(2026, 3, 29, 11, 0))
    r.lead(2, datetime(2025, 3, 29, 11, 30))  # in (a UTC shift of 365 days would leave it out)
    r.lead(3, datetime(2025, 3, 29, 12, 30))  # out
    # autumn: 25 October 2026 is in winter time, 25 October 2025 was still summer time
    r.lead(11, datetime(2026, 10, 25, 11, 0))
    r.lead(12, datetime(2025, 10, 25, 11, 30))  # in
    r.lead(13, datetime(2025, 10, 25, 12, 30))  # out (a UTC shift would let it in)

    spring = at(2026, 3, 29, 12, 0)
    m = run(engine, spring)
    assert number(m[FORMS]) == (1, 1, 0, 0.0)  # YTD: 1 vs 2
    assert compared(m[FORMS]) == ("2025-01-01T00:00:00+01:00", "2025-03-29T12:00:00.000001+01:00")
    assert month_rows(m[MONTHS])["2026-03"][:3] == (1, 1, True)
    oracle_agrees(engine, spring)
    oracle_agrees(engine, spring, period="today")

    autumn = at(2026, 10, 25, 12, 0)
    m = run(engine, autumn, period="this-month")
    assert number(m[FORMS]) == (1, 1, 0, 0.0)  # 11 vs 12
    assert compared(m[FORMS]) == ("2025-10-01T00:00:00+02:00", "2025-10-25T12:00:00.000001+02:00")
    oracle_agrees(engine, autumn)
    oracle_agrees(engine, autumn, period="this-month")


# -- names that state their own period ---------------------------------------------------------


def names(engine: Engine, lang: str, **filters: Any) -> dict[str, str]:
    clock = end_of_day_clock(date(2026, 11, 27), AMS)
    out = {}
    for slug in SLUGS:
        out.update({k: t["name"] for k, t in run(engine, clock, slug, lang, **filters).items()})
    return out


def test_a_name_that_states_its_period_says_the_window_the_filter_chose(engine: Engine) -> None:
    own = names(engine, "en")
    assert own["new-leads-by-campaign-ytd"] == "New leads per campaign YTD"
    assert own[MONTHS] == "New leads per month, this year and last"
    # the tiles' own period keeps their names; "this year and last" did not show YTD, so says so
    assert names(engine, "en", period="ytd") == {
        **own,
        MONTHS: "New leads per month — Year to date",
    }

    last_year = names(engine, "en", period="previous-year")
    assert last_year == {
        **own,
        "new-leads-by-campaign-ytd": "New leads per campaign — Last year",
        "new-leads-by-creation-source-ytd": "New leads per lead creation source — Last year",
        "new-leads-by-first-contact-source-ytd": "New leads per first contact source — Last year",
        "new-leads-by-channel-ytd": "New leads per channel — Last year",
        "new-leads-from-chats-ytd": "New leads from chats — Last year",
        "new-leads-from-forms-ytd": "New leads from forms — Last year",
        "top-referring-sites-ytd": "Top referring sites for new leads — Last year",
        "top-10-forms-ytd": "Top 10 lead capture forms — Last year",
        MONTHS: "New leads per month — Last year",
        "qualification-rate-ytd": "Qualification rate — Last year",
        "sales-by-owner-ytd": "Sales per employee — Last year",
    }
    dutch = names(engine, "nl", period="previous-year")
    assert dutch["new-leads-by-campaign-ytd"] == "Nieuwe leads per campagne — Vorig jaar"
    assert dutch[MONTHS] == "Nieuwe leads per maand — Vorig jaar"
    assert dutch["qualification-rate-ytd"] == "Kwalificatiegraad — Vorig jaar"
    assert dutch["lead-qualification-funnel"] == "Leadkwalificatiefunnel"  # names no period
    for shown in (*last_year.values(), *dutch.values()):
        assert "YTD" not in shown, shown
        assert "this year and last" not in shown, shown
        assert "dit jaar en vorig jaar" not in shown, shown

    # a period without a word of its own is named by its dates
    ranged = names(engine, "en", period="2026-03-01..2026-05-31")
    assert ranged[FORMS] == "New leads from forms — Mar 1, 2026 – May 31, 2026"
    ranged = names(engine, "nl", period="2026-03-01..2026-05-31")
    assert ranged[FORMS] == "Nieuwe leads vanuit formulieren — 1 mrt 2026 – 31 mei 2026"
    assert names(engine, "nl", period="all")[FORMS] == "Nieuwe leads vanuit formulieren — Alles"


# -- the demo: every tile against the oracle over partial and full periods ---------------------


PERIODS = [
    "this-quarter",
    "this-month",
    "this-week",
    "today",
    "ytd",
    "this-year",
    "previous-month",
    "2026-11-01..2026-12-31",
    "this-and-previous-2-months",
]


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("slug", SLUGS)
def test_demo_tiles_over_partial_periods_match_the_oracle(
    demo_db: DemoDB, slug: str, period: str
) -> None:
    filters = Filters(period=period)
    got = dashboard_json(
        demo_db.engine,
        demo_db.settings,
        demo_db.clock,
        slug,
        FilterInput(**filters.as_kwargs()),
        "en",
    )
    problems = diff_dashboard(got, slug, demo_db.oracle, filters)
    assert not problems, f"{demo_db.kind} {slug} {period}:\n" + "\n".join(problems)


def test_the_demo_data_tell_a_partial_span_from_a_whole_one(demo_sqlite: DemoDB) -> None:
    """Guard against a vacuous check: on the demo's today (27 November, day 58 of the 92 of Q4)
    the same span last year and the whole quarter last year hold different numbers of leads."""
    oracle = demo_sqlite.oracle
    tile = oracle.tile(FORMS, Filters(period="this-quarter"))
    whole = oracle.tile(FORMS, Filters(period="2025-10-01..2025-12-31"))["value"]
    assert tile["compare"]["value"] < whole
    months = oracle.tile(MONTHS, Filters())["rows"]
    assert [r["key"] for r in months if r["partial"]] == ["2026-11"]
