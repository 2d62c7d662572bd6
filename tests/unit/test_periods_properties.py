"""Property tests: every period name of SPEC 5 against an independent reference implementation.

Clocks are drawn from 2019-2030 and concentrate on what breaks calendars: the DST changes of
Europe/Amsterdam, America/New_York, Australia/Sydney (southern hemisphere), Australia/Lord_Howe
(30-minute DST), America/Santiago (DST at midnight) and Asia/Kathmandu (+05:45), 29 February,
the turn of the year and quarter ends. Only a window's start and end are checked.
"""

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leadboard.semantic.periods import PeriodError, parse_period
from tests import reference_periods as ref

ZONES = (
    "Europe/Amsterdam",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/Santiago",
    "UTC",
)
FIRST_YEAR, LAST_YEAR = 2019, 2030
TICK = timedelta(microseconds=1)
NEAR = (
    timedelta(0),
    TICK,
    -TICK,
    timedelta(seconds=1),
    -timedelta(seconds=1),
    timedelta(minutes=30),
    -timedelta(minutes=30),
    timedelta(hours=1),
    -timedelta(hours=1),
    timedelta(hours=25),
    -timedelta(hours=25),
)


@cache
def transitions(zone: str) -> tuple[datetime, ...]:
    """The UTC instants in FIRST_YEAR..LAST_YEAR where the zone's offset changes (to the second)."""
    tz = ZoneInfo(zone)
    found = []
    step = timedelta(hours=6)  # no zone changes its offset twice in 6 hours
    moment = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    while moment.year <= LAST_YEAR:
        later = moment + step
        if moment.astimezone(tz).utcoffset() != later.astimezone(tz).utcoffset():
            lo, hi = moment, later
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                same = mid.astimezone(tz).utcoffset() == lo.astimezone(tz).utcoffset()
                lo, hi = (mid, hi) if same else (lo, mid)
            found.append(hi.replace(microsecond=0))
        moment = later
    return tuple(found)


def test_the_zones_change_offsets_where_the_strategies_expect() -> None:
    # Guards the strategies: DST changes are really drawn (twice a year, Kathmandu and UTC never).
    assert len(transitions("Europe/Amsterdam")) == 2 * (LAST_YEAR - FIRST_YEAR + 1)
    assert len(transitions("Australia/Sydney")) == 2 * (LAST_YEAR - FIRST_YEAR + 1)
    assert transitions("Asia/Kathmandu") == transitions("UTC") == ()
    assert datetime(2026, 3, 29, 1, tzinfo=UTC) in transitions("Europe/Amsterdam")


def special_days() -> list[date]:
    days = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        days += [date(year, 1, 1), date(year, 12, 31), date(year, 2, 28), date(year, 3, 1)]
        days += [date(year, m, d) for m, d in ((3, 31), (4, 1), (6, 30), (7, 1), (9, 30), (10, 1))]
        if year % 4 == 0:
            days.append(date(year, 2, 29))
    return days


SPECIAL_DAYS = special_days()
EDGE_TIMES = (
    time(0),
    time(0, 0, 0, 1),
    time(0, 30),
    time(1, 59, 59, 999999),
    time(2, 0),
    time(2, 30),
    time(3, 0),
    time(12, 0),
    time(23, 0),
    time(23, 59, 59, 999999),  # the --today clock
)

AMS = ZoneInfo("Europe/Amsterdam")
zones = st.sampled_from(ZONES)


@st.composite
def clocks(draw: st.DrawFn, zone: str) -> datetime:
    """An aware instant: near a DST change of the zone, or on a special or random local day."""
    tz = ZoneInfo(zone)
    changes = transitions(zone)
    choice = draw(st.sampled_from(("change", "day", "any") if changes else ("day", "any")))
    if choice == "change":
        return draw(st.sampled_from(changes)) + draw(st.sampled_from(NEAR))
    if choice == "day":
        days = SPECIAL_DAYS + [t.astimezone(tz).date() for t in changes]
        day = draw(st.sampled_from(days))
        at = draw(st.sampled_from(EDGE_TIMES) | st.times())
        local = datetime.combine(day, at, tzinfo=tz).replace(fold=draw(st.sampled_from((0, 1))))
        return local.astimezone(UTC)
    return draw(
        st.datetimes(
            datetime(FIRST_YEAR, 1, 1), datetime(LAST_YEAR, 12, 31, 23, 59), timezones=st.just(UTC)
        )
    )


def relative_names(max_n: int) -> st.SearchStrategy[str]:
    n = st.integers(1, 3) | st.integers(1, max_n)
    return st.builds(
        lambda kind, n, unit: f"{kind}-{n}-{unit}s",
        st.sampled_from(ref.KINDS),
        n,
        st.sampled_from(ref.UNITS),
    )


@st.composite
def ranges(draw: st.DrawFn, near: datetime, tz: tzinfo) -> str:
    """YYYY-MM-DD..YYYY-MM-DD around the clock's local day (both days included)."""
    today = near.astimezone(tz).date()
    first = today + timedelta(days=draw(st.integers(-400, 400)))
    last = first + timedelta(days=draw(st.integers(0, 400)))
    return f"{first.isoformat()}..{last.isoformat()}"


def names(now: datetime, tz: tzinfo) -> st.SearchStrategy[str]:
    fixed = ["all", "today", "ytd", "previous-month"] + [f"this-{u}" for u in ref.UNITS]
    return st.sampled_from(fixed) | relative_names(24) | ranges(now, tz)


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, tzinfo, datetime]:
    zone = draw(zones)
    tz = ZoneInfo(zone)
    now = draw(clocks(zone))
    if draw(st.booleans()):
        now = now.astimezone(tz)  # the product gets UTC from its clock, but any aware now works
    return draw(names(now, tz)), tz, now


@settings(max_examples=600, deadline=None)
@given(cases())
@example(("today", ZoneInfo("Europe/Amsterdam"), datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC)))
@example(("this-week", ZoneInfo("Australia/Sydney"), datetime(2026, 4, 4, 16, tzinfo=UTC)))
@example(("previous-month", ZoneInfo("America/New_York"), datetime(2024, 3, 1, 4, tzinfo=UTC)))
@example(("this-day", ZoneInfo("America/Santiago"), datetime(2024, 9, 8, 4, tzinfo=UTC)))
@example(("ytd", ZoneInfo("Asia/Kathmandu"), datetime(2025, 12, 31, 18, 15, tzinfo=UTC)))
def test_window_matches_the_reference(case: tuple[str, tzinfo, datetime]) -> None:
    name, tz, now = case
    got = parse_period(name).window(now, tz)
    start, end = ref.window(name, now, tz)
    assert (got.start, got.end) == (start, end), f"{name} at {now.isoformat()} in {tz}"
    for moment in (got.start, got.end):  # windows are told as UTC instants
        assert moment is None or moment.utcoffset() == timedelta(0), moment
    if start is not None and end is not None:
        assert start < end


@st.composite
def probes(draw: st.DrawFn) -> tuple[str, tzinfo, datetime, datetime]:
    """A case plus an instant near one of the window's edges, near now or near a DST change."""
    name, tz, now = draw(cases())
    start, end = ref.window(name, now, tz)
    zone = str(tz)
    anchors = [a for a in (start, end, now) if a is not None] + list(transitions(zone))[:3]
    moment = draw(st.sampled_from(anchors)) + draw(st.sampled_from(NEAR))
    if start is not None and draw(st.booleans()):
        moment = start + (end - start) * draw(st.floats(-0.1, 1.1))  # type: ignore[operator]
    return name, tz, now, moment


@settings(max_examples=600, deadline=None)
@given(probes())
def test_membership_is_decided_by_the_local_calendar_day(
    case: tuple[str, tzinfo, datetime, datetime],
) -> None:
    """An instant is in the window exactly when its local day lies in the period's days/units."""
    name, tz, now, moment = case
    got = parse_period(name).window(now, tz)
    assert got.contains(moment) == ref.contains(name, now, tz, moment), (
        f"{name} at {now.isoformat()} in {tz}: {moment.isoformat()} "
        f"(local {moment.astimezone(tz).isoformat()}) vs [{got.start}, {got.end})"
    )


@settings(max_examples=300, deadline=None)
@given(zones.flatmap(lambda z: st.tuples(st.just(ZoneInfo(z)), clocks(z))), st.data())
def test_windows_fit_together(case: tuple[tzinfo, datetime], data: st.DataObject) -> None:
    """Relations SPEC 5 states between names, checked on the product alone."""
    tz, now = case

    def w(name: str) -> tuple[datetime | None, datetime | None]:
        window = parse_period(name).window(now, tz)
        return window.start, window.end

    unit = data.draw(st.sampled_from(ref.UNITS))
    n = data.draw(st.integers(1, 12))
    this = w(f"this-{unit}")
    previous, nxt = w(f"previous-{n}-{unit}s"), w(f"next-{n}-{unit}s")
    assert previous[1] == this[0]  # previous and next exclude the current unit
    assert nxt[0] == this[1]
    assert w(f"this-and-previous-{n}-{unit}s") == (previous[0], this[1])
    assert w(f"this-and-next-{n}-{unit}s") == (this[0], nxt[1])
    assert parse_period(f"this-{unit}").window(now, tz).contains(now)
    assert w("today") == w("this-day")
    assert w("previous-month") == w("previous-1-months")
    assert w("ytd") == (w("this-year")[0], w("today")[1])  # this year up to the end of today
    today = now.astimezone(tz).date().isoformat()
    assert w(f"{today}..{today}") == w("today")
    assert w("all") == (None, None)


# Names the parser accepts must resolve, or fail as a PeriodError the user is shown; n runs up
# to 9999 (the parser's limit), so `previous-9999-years` reaches year 0, outside datetime's range.
@settings(max_examples=100, deadline=None)
@given(relative_names(9999), st.sampled_from(ZONES))
@example("previous-2100-years", "Europe/Amsterdam")
@example("next-2100-years", "Europe/Amsterdam")  # its own window, 2027-4127, is representable
@example("next-9999-quarters", "UTC")
def test_every_accepted_name_resolves_or_is_a_period_error(name: str, zone: str) -> None:
    period = parse_period(name)
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    try:
        period.window(now, ZoneInfo(zone))
    except PeriodError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)), st.integers(-3, 3))
def test_a_range_ending_before_it_starts_is_refused(first: date, days: int) -> None:
    name = f"{first.isoformat()}..{(first + timedelta(days=days)).isoformat()}"
    if days < 0:
        with pytest.raises(PeriodError):
            parse_period(name)
    else:
        now = datetime(2026, 11, 27, 12, tzinfo=UTC)
        window = parse_period(name).window(now, AMS)
        assert (window.start, window.end) == ref.window(name, now, AMS)


@pytest.mark.parametrize("name", ["2026-02-29..2026-03-01", "2026-13-01..2026-12-31"])
def test_a_range_of_impossible_days_is_refused(name: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(name)


def test_a_period_outside_the_calendar_is_refused_as_a_filter() -> None:
    from leadboard.errors import InputError
    from leadboard.semantic.filters import resolve_filters
    from leadboard.semantic.lookups import Lookups

    with pytest.raises(InputError) as refused:
        resolve_filters(Lookups.__new__(Lookups), period="previous-9999-years")
    assert refused.value.field == "period"
    assert "outside the calendar" in refused.value.message
