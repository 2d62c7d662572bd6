"""Periods at the ends of the calendar (issue 13 item 5): never anything but a PeriodError.

`0001-01-01..9999-12-31` used to raise OverflowError deep in the window's arithmetic (a 500 on
every page and API that takes `period`). Every period name, random text or a range between any
two dates Python can hold, with any clock and time zone, now either computes its window, its
comparisons and its buckets, or is refused with a PeriodError that says what is accepted.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leadboard.semantic.periods import (
    FIRST_DAY,
    LAST_DAY,
    MAX_BUCKETS,
    UNITS,
    PeriodError,
    Window,
    buckets,
    check_period,
    days_window,
    last_year_buckets,
    parse_period,
    previous_period,
    same_span_last_year,
)

ZONES = ("UTC", "Europe/Amsterdam", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu")
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def every_use(name: str, now: datetime, zone: str) -> None:
    """What the product does with a period: its window, both comparisons and every grain."""
    tz = ZoneInfo(zone)
    period = parse_period(name)
    window = period.window(now, tz)
    previous_period(period, window, tz, now)
    previous_period(period, window, tz)
    same_span_last_year(window, tz, now)
    same_span_last_year(window, tz)
    if window.start is None or window.end is None:
        return
    # A series over ten thousand years of days would only measure the machine: the grains are
    # tried over windows of at most about a thousand buckets.
    length = window.end - window.start
    for grain, longest in (("day", 1_000), ("week", 7_000), ("month", 30_000), ("year", 400_000)):
        if length <= timedelta(days=longest):
            series = buckets(window, grain, tz)
            assert series[0].start == window.start
            assert series[-1].end == window.end
            last_year_buckets(series, window, grain, tz, now)


days = st.dates(min_value=date.min, max_value=date.max)
clocks = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)
relative = st.builds(
    lambda kind, n, unit: f"{kind}-{n}-{unit}s",
    st.sampled_from(["previous", "next", "this-and-previous", "this-and-next"]),
    st.integers(1, 9999),
    st.sampled_from(UNITS),
)
names = st.one_of(
    st.builds(lambda a, b: f"{a.isoformat()}..{b.isoformat()}", days, days),
    relative,
    st.sampled_from(["all", "today", "ytd", *(f"this-{u}" for u in UNITS)]),
    st.text(max_size=40),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
)


@settings(max_examples=400, deadline=None)
@given(name=names, now=clocks, zone=st.sampled_from(ZONES))
@example(name="0001-01-01..9999-12-31", now=NOW, zone="UTC")
@example(name="0001-01-01..9999-12-31", now=NOW, zone="Europe/Amsterdam")
@example(name="0001-01-01..0001-01-01", now=NOW, zone="Pacific/Kiritimati")
@example(name="9999-12-31..9999-12-31", now=NOW, zone="Pacific/Pago_Pago")
@example(name="0002-01-01..2026-03-15", now=NOW, zone="Europe/Amsterdam")
@example(name="previous-9999-years", now=NOW, zone="UTC")
@example(name="next-9999-years", now=NOW, zone="UTC")
@example(name="this-and-previous-2100-years", now=NOW, zone="UTC")
@example(name="this-year", now=datetime(9999, 12, 30, tzinfo=UTC), zone="UTC")
@example(name="ytd", now=datetime(1, 1, 2, tzinfo=UTC), zone="Pacific/Kiritimati")
def test_a_period_is_computed_or_refused_with_a_period_error(
    name: str, now: datetime, zone: str
) -> None:
    try:
        every_use(name, now, zone)
    except PeriodError as exc:
        message = str(exc)
        assert message  # says why


@settings(max_examples=200, deadline=None)
@given(name=names, now=clocks)
def test_check_period_passes_exactly_what_every_use_computes(name: str, now: datetime) -> None:
    """The quick filters' check refuses a period if and only if using it would fail."""
    tz = ZoneInfo("Europe/Amsterdam")
    try:
        period = parse_period(name)
    except PeriodError:
        return
    try:
        check_period(period, now, tz)
    except PeriodError:
        with pytest.raises(PeriodError):
            every_use(name, now, "Europe/Amsterdam")
    else:
        every_use(name, now, "Europe/Amsterdam")


@pytest.mark.parametrize(
    "name",
    [
        "0001-01-01..9999-12-31",
        "2020-01-01..9999-12-31",
        "9999-12-31..9999-12-31",
        "0001-01-01..0001-01-01",
        "0001-12-31..2020-01-01",
        "9999-01-01..9999-01-01",
    ],
)
def test_ranges_past_the_supported_calendar_are_refused_by_name(name: str) -> None:
    with pytest.raises(PeriodError, match=r"0002-01-01.*9998-12-31"):
        parse_period(name)


def test_the_supported_calendar_ends_hold() -> None:
    tz = ZoneInfo("Pacific/Kiritimati")  # UTC+14: its midnight is the day before in UTC
    assert (FIRST_DAY, LAST_DAY) == (date(2, 1, 1), date(9998, 12, 31))
    window = parse_period(f"{FIRST_DAY}..{LAST_DAY}").window(NOW, tz)
    assert window == days_window(FIRST_DAY, LAST_DAY, tz)
    assert window.start == datetime(2, 1, 1, tzinfo=tz).astimezone(UTC)
    assert window.end == datetime(9999, 1, 1, tzinfo=tz).astimezone(UTC)
    thousand = timedelta(days=1000)
    for first, last in ((FIRST_DAY, FIRST_DAY + thousand), (LAST_DAY - thousand, LAST_DAY)):
        near_an_end = days_window(first, last, tz)
        for grain in UNITS:
            series = buckets(near_an_end, grain, tz)
            assert (series[0].start, series[-1].end) == (near_an_end.start, near_an_end.end)


def test_a_range_whose_comparisons_leave_the_calendar_is_refused_by_the_check() -> None:
    tz = ZoneInfo("Europe/Amsterdam")
    long_ago = parse_period("0002-01-01..2026-03-15")
    long_ago.window(NOW, tz)  # the window itself fits
    with pytest.raises(PeriodError, match="outside the calendar"):
        check_period(long_ago, NOW, tz)  # a year earlier would be year 1
    with pytest.raises(PeriodError, match="outside the calendar"):
        same_span_last_year(long_ago.window(NOW, tz), tz)
    check_period(parse_period("1500-01-01..2026-03-15"), NOW, tz)  # 974..1500 before it


def test_relative_periods_whose_comparison_leaves_the_calendar_are_refused() -> None:
    tz = ZoneInfo("UTC")
    period = parse_period("this-and-previous-2100-years")  # from 0-something: never
    with pytest.raises(PeriodError, match="outside the calendar"):
        period.window(NOW, tz)
    period = parse_period("this-and-previous-1500-years")  # 526..2026; the same before: no
    window = period.window(NOW, tz)
    with pytest.raises(PeriodError, match="outside the calendar"):
        previous_period(period, window, tz, NOW)
    with pytest.raises(PeriodError, match="outside the calendar"):
        check_period(period, NOW, tz)


def test_a_series_of_more_than_max_buckets_is_refused() -> None:
    tz = ZoneInfo("Europe/Amsterdam")
    fits = days_window(date(2020, 1, 1), date(2020, 1, 1) + timedelta(days=MAX_BUCKETS - 1), tz)
    assert len(buckets(fits, "day", tz)) == MAX_BUCKETS
    longer = days_window(date(2020, 1, 1), date(2020, 1, 1) + timedelta(days=MAX_BUCKETS), tz)
    with pytest.raises(PeriodError, match=f"more than {MAX_BUCKETS} days"):
        buckets(longer, "day", tz)


def test_a_data_span_beyond_the_calendar_is_a_period_error() -> None:
    with pytest.raises(PeriodError, match="outside the calendar"):
        days_window(date(9999, 12, 31), date(9999, 12, 31), UTC)
    with pytest.raises(PeriodError, match="outside the calendar"):
        buckets(Window(datetime(1, 1, 1, tzinfo=UTC), NOW), "week", UTC)
