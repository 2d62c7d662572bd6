"""Partial periods and their comparison windows (SPEC 9.4), with bounds written out by hand;
and the YAML field that names a tile without its period words."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.models import Tile
from leadboard.semantic.periods import (
    Window,
    buckets,
    is_partial,
    last_year_buckets,
    parse_period,
    same_span_last_year,
    year_back_moment,
)

AMS = ZoneInfo("Europe/Amsterdam")


def utc(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
) -> datetime:
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=UTC)


def local(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
) -> datetime:
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=AMS)


@pytest.mark.parametrize(
    ("name", "today", "partial"),
    [
        ("ytd", date(2026, 11, 27), True),
        ("this-quarter", date(2026, 12, 6), True),
        ("this-month", date(2026, 12, 31), True),  # the last day is not over until midnight
        ("today", date(2026, 3, 29), True),
        ("2026-11-01..2026-12-31", date(2026, 12, 6), True),
        ("previous-quarter", date(2026, 12, 6), False),
        ("previous-year", date(2026, 1, 1), False),
        ("next-month", date(2026, 12, 6), False),  # not begun: no elapsed part
        ("all", date(2026, 12, 6), False),
    ],
)
def test_a_period_is_partial_while_it_holds_now(name: str, today: date, partial: bool) -> None:
    now = end_of_day_clock(today, AMS).now()
    assert is_partial(parse_period(name).window(now, AMS), now) is partial


@pytest.mark.parametrize(
    ("now", "back"),
    [
        (local(2026, 11, 27, 14, 30), utc(2025, 11, 27, 13, 30)),
        # summer time this year, winter time on that day last year: the same local 12:00
        (local(2026, 3, 29, 12, 0), utc(2025, 3, 29, 11, 0)),
        # winter time this year (just after the change), summer time last year
        (local(2026, 10, 25, 12, 0), utc(2025, 10, 25, 10, 0)),
        # a leap day goes to 28 February
        (local(2028, 2, 29, 15, 0), utc(2027, 2, 28, 14, 0)),
    ],
)
def test_a_year_back_keeps_the_local_wall_clock_time(now: datetime, back: datetime) -> None:
    assert year_back_moment(now, AMS) == back


def test_a_partial_quarter_is_compared_with_its_elapsed_span() -> None:
    now = end_of_day_clock(date(2026, 12, 6), AMS).now()
    window = parse_period("this-quarter").window(now, AMS)
    got = same_span_last_year(window, AMS, now)
    # 1 October .. 6 December 2025, whole days (the --today clock is the day's last microsecond)
    assert got == Window(utc(2025, 9, 30, 22), utc(2025, 12, 6, 23))
    # without a clock (as a series asks): the whole quarter a year before
    assert same_span_last_year(window, AMS) == Window(utc(2025, 9, 30, 22), utc(2025, 12, 31, 23))


def test_a_partial_period_mid_day_ends_at_the_same_moment_last_year() -> None:
    now = local(2026, 3, 29, 12, 0)
    got = same_span_last_year(parse_period("this-month").window(now, AMS), AMS, now)
    assert got == Window(utc(2025, 2, 28, 23), utc(2025, 3, 29, 11, 0, 0, 1))


def test_the_bucket_that_holds_now_is_cut_to_its_elapsed_span() -> None:
    now = end_of_day_clock(date(2026, 12, 6), AMS).now()
    window = parse_period("this-year").window(now, AMS)
    series = buckets(window, "month", AMS)
    got = last_year_buckets(series, window, "month", AMS, now)
    assert [b.key for b in got] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert (got[10].start, got[10].end) == (utc(2025, 10, 31, 23), utc(2025, 11, 30, 23))
    assert (got[11].start, got[11].end) == (utc(2025, 11, 30, 23), utc(2025, 12, 6, 23))


def tile(**fields: object) -> Tile:
    base: dict[str, object] = {
        "key": "t",
        "name": {"en": "New leads per campaign YTD", "nl": "Nieuwe leads per campagne YTD"},
        "chart": "donut",
        "entity": "leads",
        "group_by": "campaign",
        "date_field": "created_at",
        "period": "ytd",
    }
    return Tile.model_validate({**base, **fields})


def test_name_without_period_must_be_the_start_of_the_name() -> None:
    ok = tile(
        name_without_period={"en": "New leads per campaign", "nl": "Nieuwe leads per campagne"}
    )
    assert ok.name_without_period is not None
    for wrong in (
        {"en": "Leads per campaign", "nl": "Nieuwe leads per campagne"},
        {"en": "New leads per campaign YTD", "nl": "Nieuwe leads per campagne"},
    ):
        with pytest.raises(ValidationError, match="name_without_period"):
            tile(name_without_period=wrong)
    with pytest.raises(ValidationError, match="snapshot"):
        tile(
            date_field=None,
            period=None,
            name_without_period={"en": "New leads", "nl": "Nieuwe leads"},
        )
