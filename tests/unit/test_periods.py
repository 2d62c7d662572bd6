"""Period names and windows (SPEC 5), with expected bounds written out by hand."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from leadboard.clock import end_of_day_clock
from leadboard.semantic.periods import (
    PeriodError,
    Window,
    buckets,
    parse_period,
    same_span_last_year,
)

AMS = ZoneInfo("Europe/Amsterdam")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def window(name: str, today: date) -> Window:
    now = end_of_day_clock(today, AMS).now()
    return parse_period(name).window(now, AMS)


@pytest.mark.parametrize(
    ("name", "today", "start", "end"),
    [
        # Amsterdam is UTC+1 in winter, UTC+2 in summer.
        ("ytd", date(2026, 11, 27), utc(2025, 12, 31, 23), utc(2026, 11, 27, 23)),
        ("ytd", date(2026, 1, 1), utc(2025, 12, 31, 23), utc(2026, 1, 1, 23)),
        ("ytd", date(2026, 7, 1), utc(2025, 12, 31, 23), utc(2026, 7, 1, 22)),
        ("today", date(2026, 3, 29), utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),  # 23-hour day
        ("this-year", date(2026, 5, 5), utc(2025, 12, 31, 23), utc(2026, 12, 31, 23)),
        ("this-month", date(2026, 10, 25), utc(2026, 9, 30, 22), utc(2026, 10, 31, 23)),
        ("this-week", date(2026, 11, 27), utc(2026, 11, 22, 23), utc(2026, 11, 29, 23)),
        ("this-quarter", date(2026, 5, 5), utc(2026, 3, 31, 22), utc(2026, 6, 30, 22)),
        ("previous-month", date(2024, 3, 15), utc(2024, 1, 31, 23), utc(2024, 2, 29, 23)),
        ("previous-1-months", date(2024, 3, 15), utc(2024, 1, 31, 23), utc(2024, 2, 29, 23)),
        ("previous-2-quarters", date(2026, 5, 5), utc(2025, 9, 30, 22), utc(2026, 3, 31, 22)),
        ("next-3-days", date(2026, 12, 30), utc(2026, 12, 30, 23), utc(2027, 1, 2, 23)),
        (
            "this-and-previous-12-weeks",
            date(2026, 11, 27),
            utc(2026, 8, 30, 22),
            utc(2026, 11, 29, 23),
        ),
        (
            "this-and-next-11-months",
            date(2026, 11, 27),
            utc(2026, 10, 31, 23),
            utc(2027, 10, 31, 23),
        ),
        ("previous-year", date(2026, 2, 1), utc(2024, 12, 31, 23), utc(2025, 12, 31, 23)),
        ("2024-02-01..2024-02-29", date(2026, 1, 1), utc(2024, 1, 31, 23), utc(2024, 2, 29, 23)),
        ("2026-03-29..2026-03-29", date(2026, 1, 1), utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),
    ],
)
def test_windows(name: str, today: date, start: datetime, end: datetime) -> None:
    got = window(name, today)
    assert (got.start, got.end) == (start, end)


def test_all_is_unbounded() -> None:
    got = window("all", date(2026, 1, 1))
    assert got.start is None
    assert got.end is None
    assert same_span_last_year(got, AMS) is None


@pytest.mark.parametrize(
    ("name", "today", "start", "end"),
    [
        # YTD on 27 Nov 2026 -> 1 Jan .. 27 Nov 2025 inclusive
        ("ytd", date(2026, 11, 27), utc(2024, 12, 31, 23), utc(2025, 11, 27, 23)),
        # on 1 January: just 1 January of last year
        ("ytd", date(2026, 1, 1), utc(2024, 12, 31, 23), utc(2025, 1, 1, 23)),
        # a leap day: 29 Feb 2024 -> 28 Feb 2023 is the last included day
        ("ytd", date(2024, 2, 29), utc(2022, 12, 31, 23), utc(2023, 2, 28, 23)),
        ("2024-02-29..2024-03-01", date(2026, 1, 1), utc(2023, 2, 27, 23), utc(2023, 3, 1, 23)),
        # a partial period compares its elapsed span only: 1 Jan .. 1 Jun 2025 (SPEC 9.4)
        ("this-year", date(2026, 6, 1), utc(2024, 12, 31, 23), utc(2025, 6, 1, 22)),
        # a period that has ended compares with the whole of it a year before
        ("previous-year", date(2026, 6, 1), utc(2023, 12, 31, 23), utc(2024, 12, 31, 23)),
    ],
)
def test_same_span_last_year(name: str, today: date, start: datetime, end: datetime) -> None:
    now = end_of_day_clock(today, AMS).now()
    got = same_span_last_year(parse_period(name).window(now, AMS), AMS, now)
    assert got is not None
    assert (got.start, got.end) == (start, end)


def test_window_ending_now_keeps_time_of_day() -> None:
    from leadboard.semantic.periods import Window

    now = utc(2026, 6, 10, 12, 30)
    got = same_span_last_year(Window(utc(2026, 5, 31, 22), now), AMS, now)
    assert got is not None
    assert got.end == utc(2025, 6, 10, 12, 30)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "yesterday",
        "last-fortnight",
        "previous-0-days",
        "this-decade",
        "previous-3-month",
        "2024-02-30..2024-03-01",
        "2024-03-02..2024-03-01",
        "2024-1-1..x",
    ],
)
def test_bad_names_are_refused(bad: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(bad)


def test_week_buckets_across_dst() -> None:
    got = buckets(window("this-and-previous-12-weeks", date(2026, 4, 8)), "week", AMS)
    assert len(got) == 13
    assert got[0].key == "2026-W03"
    assert got[-1].key == "2026-W15"
    # The week of the spring change (Mon 23 Mar 2026) starts at local midnight UTC+1,
    # the next one at local midnight UTC+2.
    by_key = {b.key: b for b in got}
    assert by_key["2026-W13"].start == utc(2026, 3, 22, 23)
    assert by_key["2026-W14"].start == utc(2026, 3, 29, 22)


def test_month_buckets_cover_the_year() -> None:
    got = buckets(window("this-year", date(2026, 2, 3)), "month", AMS)
    assert [b.key for b in got] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert got[2].end == utc(2026, 3, 31, 22)


def test_iso_week_keys_at_year_end() -> None:
    got = buckets(window("2026-12-28..2027-01-04", date(2026, 1, 1)), "week", AMS)
    assert [b.key for b in got] == ["2026-W53", "2027-W01"]
