"""Period names and their windows (SPEC 5), computed in the organisation's timezone.

A window is half-open `[start, end)` of aware datetimes; None on a side means unbounded (`all`).
Every bounded window, and every comparison window made from it, lies within the days FIRST_DAY
to LAST_DAY: a year short of what `datetime` holds at each end, so any time zone's midnight and
any unit's start or end around them can still be computed. Anything reaching further out is a
PeriodError (a 422 naming `period`), never an OverflowError.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

UNITS = ("day", "week", "month", "quarter", "year")

_RELATIVE = re.compile(
    r"^(?P<kind>previous|next|this-and-previous|this-and-next)-(?P<n>[1-9][0-9]{0,3})-"
    r"(?P<unit>day|week|month|quarter|year)s$"
)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
FIRST_DAY = date(2, 1, 1)
LAST_DAY = date(9998, 12, 31)
# A series' buckets become one CASE of as many branches in SQL: 60,000 month buckets (a range
# of 5,000 years) took 12 minutes of CPU. Longer series are refused on their tile.
MAX_BUCKETS = 2000
OUTSIDE = f"reaches outside the calendar ({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"


class PeriodError(ValueError):
    """An unknown or malformed period name."""


@dataclass(frozen=True)
class Window:
    start: datetime | None
    end: datetime | None

    def contains(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (
            self.end is None or moment < self.end
        )


@dataclass(frozen=True)
class Period:
    """A parsed period name; resolve it against a clock's now to get its window."""

    name: str
    kind: str  # all, this, previous, next, this-and-previous, this-and-next, ytd, range
    unit: str = "day"
    n: int = 0
    first_day: date | None = None  # for explicit ranges
    last_day: date | None = None

    def window(self, now: datetime, tz: tzinfo) -> Window:
        today = now.astimezone(tz).date()
        if self.kind == "all":
            return Window(None, None)
        if self.kind == "range":
            if self.first_day is None or self.last_day is None:
                raise RuntimeError(f"range period {self.name!r} without its days")
            return days_window(self.first_day, self.last_day, tz)
        if self.kind == "ytd":
            return days_window(date(today.year, 1, 1), today, tz)
        try:
            first, last_excl = self._bounds(unit_start(today, self.unit))
            _in_calendar(first, last_excl)
            return Window(local_midnight(first, tz), local_midnight(last_excl, tz))
        except (ValueError, OverflowError):  # e.g. previous-9999-years: before year 1
            raise PeriodError(f"period {self.name!r}: {OUTSIDE}") from None

    def _bounds(self, this_start: date) -> tuple[date, date]:
        """First day and the day after the last of a relative period (only its own kind)."""
        unit, n = self.unit, self.n
        if self.kind == "this":
            return this_start, add_units(this_start, unit, 1)
        if self.kind == "previous":
            return add_units(this_start, unit, -n), this_start
        if self.kind == "next":
            return add_units(this_start, unit, 1), add_units(this_start, unit, 1 + n)
        if self.kind == "this-and-previous":
            return add_units(this_start, unit, -n), add_units(this_start, unit, 1)
        return this_start, add_units(this_start, unit, 1 + n)  # this-and-next


def parse_period(name: str) -> Period:
    """Parse a period name of SPEC 5; raises PeriodError naming what is accepted."""
    text = name.strip().lower()
    if text in ("all", "ytd"):
        return Period(text, text)
    if text == "today":
        return Period(text, "this", "day")
    if text.startswith("this-") and text[5:] in UNITS:
        return Period(text, "this", text[5:])
    if text.startswith("previous-") and text[9:] in UNITS:
        return Period(text, "previous", text[9:], 1)
    if text.startswith("next-") and text[5:] in UNITS:
        return Period(text, "next", text[5:], 1)
    match = _RELATIVE.match(text)
    if match:
        return Period(text, match["kind"], match["unit"], int(match["n"]))
    match = _RANGE.match(text)
    if match:
        try:
            first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError:
            raise PeriodError(f"period {name!r}: not a valid date range") from None
        if last < first:
            raise PeriodError(f"period {name!r}: the range ends before it starts")
        if first < FIRST_DAY or last > LAST_DAY:
            raise PeriodError(f"period {name!r}: {OUTSIDE}")
        return Period(text, "range", first_day=first, last_day=last)
    raise PeriodError(
        f"unknown period {name!r}: use all, today, ytd, this-<unit>, previous-<n>-<unit>s, "
        f"next-<n>-<unit>s, this-and-previous-<n>-<unit>s, this-and-next-<n>-<unit>s "
        f"(unit: {', '.join(UNITS)}) or YYYY-MM-DD..YYYY-MM-DD"
    )


def check_period(period: Period, now: datetime, tz: tzinfo) -> Window:
    """The period's window, once its comparisons (previous period, same span last year) are
    known to fit the calendar too; the quick filters refuse a period here, not tile by tile."""
    window = period.window(now, tz)
    try:
        for moment in (now, None):
            previous_period(period, window, tz, moment)
            same_span_last_year(window, tz, moment)
    except PeriodError as exc:
        raise PeriodError(f"period {period.name!r}: {exc}") from None
    return window


def _in_calendar(first_day: date, day_after: date) -> None:
    """A window's first day and the day after its last, within FIRST_DAY..LAST_DAY."""
    if first_day < FIRST_DAY or day_after > LAST_DAY + timedelta(days=1):
        raise PeriodError(f"the period {OUTSIDE}")


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """00:00 of a local day as an aware UTC datetime (zoneinfo handles DST)."""
    try:
        return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    except OverflowError:  # 0001-01-01 east of UTC: the day before year 1
        raise PeriodError(f"the period {OUTSIDE}") from None


def days_window(first_day: date, last_day: date, tz: tzinfo) -> Window:
    """Both days included."""
    if first_day < FIRST_DAY or last_day > LAST_DAY:
        raise PeriodError(f"the period {OUTSIDE}")
    return Window(local_midnight(first_day, tz), local_midnight(last_day + timedelta(days=1), tz))


def unit_start(day: date, unit: str) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def add_units(day: date, unit: str, n: int) -> date:
    """`day` is the start of a unit; move it n units."""
    if unit == "day":
        return day + timedelta(days=n)
    if unit == "week":
        return day + timedelta(weeks=n)
    months = {"month": 1, "quarter": 3, "year": 12}[unit] * n
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def shift_year_back(day: date) -> date:
    """One year back; 29 February becomes 28 February."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def is_partial(window: Window, now: datetime) -> bool:
    """A period is partial while it holds now: it has begun and its end lies after now.

    An unbounded window (`all`) is never partial, and a period that has not begun has no
    elapsed part yet, so it is not partial either.
    """
    if window.start is None or window.end is None:
        return False
    return window.start <= now < window.end


def year_back_moment(moment: datetime, tz: tzinfo) -> datetime:
    """The same local wall-clock time on the same local day one year earlier (29 Feb -> 28 Feb).

    Done on the local calendar, not by subtracting days in UTC, so a DST change between the two
    years does not move the hour; a wall time that does not exist last year (the hour skipped in
    spring) is read as zoneinfo reads it (fold 0).
    """
    local = moment.astimezone(tz)
    day = shift_year_back(local.date())
    return datetime.combine(day, local.timetz().replace(tzinfo=tz)).astimezone(UTC)


ONE_TICK = timedelta(microseconds=1)


def same_span_last_year(window: Window, tz: tzinfo, now: datetime | None = None) -> Window | None:
    """Shift the first and last included day one year back (SPEC 5); None for unbounded windows.

    Given `now`, a partial window (one that holds now, see is_partial) is compared like with like:
    only its elapsed span, `[start - 1 year, now - 1 year]`, now included (its end is now - 1 year
    plus one microsecond), with now's local time of day. At the `--today` clock (23:59:59.999999)
    that is exactly the whole days up to the same day last year. A window that ends exactly at
    now keeps now's time of day too.
    """
    if window.start is None or window.end is None:
        return None
    first = window.start.astimezone(tz).date()
    last = (window.end - ONE_TICK).astimezone(tz).date()
    try:
        first_back, day_after_back = shift_year_back(first), shift_year_back(last) + timedelta(1)
    except ValueError:  # before year 1
        raise PeriodError(f"the same span last year {OUTSIDE}") from None
    if first_back < FIRST_DAY:
        raise PeriodError(f"the same span last year {OUTSIDE}")
    start = local_midnight(first_back, tz)
    if now is not None and window.end == now:  # a window that ends now (SPEC 5)
        return Window(start, year_back_moment(now, tz))
    if now is not None and is_partial(window, now):
        return Window(start, year_back_moment(now, tz) + ONE_TICK)
    return Window(start, local_midnight(day_after_back, tz))


@dataclass(frozen=True)
class Bucket:
    key: str  # YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn, YYYY
    first_day: date
    start: datetime
    end: datetime


def bucket_key(day: date, grain: str) -> str:
    if grain == "day":
        return day.isoformat()
    if grain == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if grain == "month":
        return f"{day.year}-{day.month:02d}"
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}"


def buckets(window: Window, grain: str, tz: tzinfo) -> list[Bucket]:
    """Every bucket of `grain` that overlaps the window, clipped to it (date series list all)."""
    if window.start is None or window.end is None:
        raise PeriodError("a date series needs a bounded period")
    if grain not in UNITS:
        raise PeriodError(f"unknown grain {grain!r}: use {', '.join(UNITS)}")
    try:
        first = window.start.astimezone(tz).date()
        _in_calendar(first, (window.end - ONE_TICK).astimezone(tz).date() + timedelta(days=1))
    except OverflowError:
        raise PeriodError(f"the period {OUTSIDE}") from None
    result = []
    day = unit_start(first, grain)
    while True:
        start = max(local_midnight(day, tz), window.start)
        if start >= window.end:
            break
        nxt = add_units(day, grain, 1)
        end = min(local_midnight(nxt, tz), window.end)
        result.append(Bucket(bucket_key(day, grain), day, start, end))
        if len(result) > MAX_BUCKETS:
            raise PeriodError(
                f"a date series of more than {MAX_BUCKETS} {grain}s: "
                "choose a longer grain or a shorter period"
            )
        day = nxt
    return result


def partial_index(series: list[Bucket], now: datetime) -> int | None:
    """The index of the bucket that holds now (the partial one), if the series has it."""
    return next((i for i, b in enumerate(series) if b.start <= now < b.end), None)


def last_year_buckets(
    series: list[Bucket], window: Window, grain: str, tz: tzinfo, now: datetime
) -> list[Bucket]:
    """The buckets of a "this year and last" series, matched to `series` by position.

    Full buckets compare with the same whole bucket a year earlier (the window's same span last
    year, bucketed); the bucket that holds now compares with its elapsed span only:
    `[its start - 1 year, now - 1 year]`, so a month on its 6th day meets 6 days of last year.
    """
    compare = same_span_last_year(window, tz)
    if compare is None:
        return []
    result = buckets(compare, grain, tz)
    index = partial_index(series, now)
    if index is not None and index < len(result):
        b = result[index]
        end = min(b.end, max(b.start, year_back_moment(now, tz) + ONE_TICK))
        result[index] = Bucket(b.key, b.first_day, b.start, end)
    return result


# Periods of whole weeks, months, quarters or years: their previous period steps back by units.
_UNIT_KINDS = {"this": 0, "previous": 0, "next": 0, "this-and-previous": 1, "this-and-next": 1}


def previous_period(
    period: Period, window: Window, tz: tzinfo, now: datetime | None = None
) -> Window | None:
    """The window of the same length right before `window` (compare "previous-period");
    None for an unbounded window.

    A period of whole units steps back by as many units as it covers (this month: last month;
    this-and-previous-2-quarters: the three quarters before), any other period (today, ytd, a
    range) by as many days as it covers. A partial window (one that holds now) is compared like
    with like: the previous window from its start, as many days on as now is into the window, up
    to now's local time of day (never past the previous window's end).
    """
    if window.start is None or window.end is None:
        return None
    first = window.start.astimezone(tz).date()
    after = (window.end - ONE_TICK).astimezone(tz).date() + timedelta(days=1)
    try:
        if period.kind in _UNIT_KINDS and period.unit != "day":
            units = max(period.n, 1) + _UNIT_KINDS[period.kind]
            before = add_units(unit_start(first, period.unit), period.unit, -units)
        else:
            before = first - (after - first)
    except (ValueError, OverflowError):  # before year 1
        raise PeriodError(f"the previous period {OUTSIDE}") from None
    if before < FIRST_DAY:
        raise PeriodError(f"the previous period {OUTSIDE}")
    start, end = local_midnight(before, tz), local_midnight(first, tz)
    if now is not None and (is_partial(window, now) or window.end == now):
        local = now.astimezone(tz)
        day = before + (local.date() - first)
        if day < first:
            moment = datetime.combine(day, local.timetz().replace(tzinfo=tz)).astimezone(UTC)
            end = min(end, moment if window.end == now else moment + ONE_TICK)
    return Window(start, end)
