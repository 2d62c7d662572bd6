"""An independent reference for period windows (SPEC 5), for the property tests.

Written from the definitions, not from leadboard.semantic.periods: a period is a run of whole
local calendar units (day, ISO week from Monday, month, quarter, year) in the organisation's
timezone, and its window is `[first instant of its first day, first instant after its last day)`.

Two choices make it independent of the product's arithmetic:
* units are numbered (day = ordinal, week = ordinal // 7 from a Monday, month = 12 * year + month,
  ...), so "previous", "next" and "this-and-..." are plain integer ranges;
* the first instant of a local day is found by bisection over UTC seconds ("the earliest instant
  whose local date is that day"), not by attaching the timezone to a local midnight. That holds
  where midnight is skipped or repeated by a DST change, too.
"""

import re
from datetime import UTC, date, datetime, timedelta, tzinfo

UNITS = ("day", "week", "month", "quarter", "year")
KINDS = ("previous", "next", "this-and-previous", "this-and-next")

assert date(1, 1, 1).weekday() == 0  # ordinal 1 is a Monday: weeks are (ordinal - 1) // 7

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def day_start(day: date, tz: tzinfo) -> datetime:
    """The earliest instant (UTC, whole seconds suffice: offsets are whole) of a local day."""
    guess = int((datetime(day.year, day.month, day.day, tzinfo=UTC) - _EPOCH).total_seconds())
    lo, hi = guess - 30 * 3600, guess + 30 * 3600  # no offset is beyond +-26 hours
    assert local_day(_at(lo), tz) < day <= local_day(_at(hi), tz)
    while hi - lo > 1:  # invariant: local_day(lo) < day <= local_day(hi)
        mid = (lo + hi) // 2
        if local_day(_at(mid), tz) < day:
            lo = mid
        else:
            hi = mid
    return _at(hi)


def _at(seconds: int) -> datetime:
    return _EPOCH + timedelta(seconds=seconds)


def unit_index(day: date, unit: str) -> int:
    if unit == "day":
        return day.toordinal()
    if unit == "week":
        return (day.toordinal() - 1) // 7
    if unit == "month":
        return day.year * 12 + day.month - 1
    if unit == "quarter":
        return day.year * 4 + (day.month - 1) // 3
    return day.year


def unit_first_day(index: int, unit: str) -> date:
    if unit == "day":
        return date.fromordinal(index)
    if unit == "week":
        return date.fromordinal(index * 7 + 1)
    if unit == "month":
        return date(index // 12, index % 12 + 1, 1)
    if unit == "quarter":
        return date(index // 4, (index % 4) * 3 + 1, 1)
    return date(index, 1, 1)


_RELATIVE = re.compile(
    r"^(previous|next|this-and-previous|this-and-next)-([1-9][0-9]*)-"
    r"(day|week|month|quarter|year)s$"
)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def unit_range(name: str, today: date) -> tuple[str, int, int] | None:
    """(unit, first index, index after the last) of a unit-based name; None for all/ytd/ranges."""
    if name == "today":
        name = "this-day"
    if name == "previous-month":
        name = "previous-1-months"
    if name.startswith("this-") and name[5:] in UNITS:
        unit = name[5:]
        i = unit_index(today, unit)
        return unit, i, i + 1
    match = _RELATIVE.match(name)
    if match is None:
        return None
    kind, n, unit = match[1], int(match[2]), match[3]
    i = unit_index(today, unit)
    lo, hi = {
        "previous": (i - n, i),  # the current unit excluded
        "next": (i + 1, i + 1 + n),
        "this-and-previous": (i - n, i + 1),  # the current unit included
        "this-and-next": (i, i + 1 + n),
    }[kind]
    return unit, lo, hi


def day_range(name: str, today: date) -> tuple[date, date] | None:
    """First and last included local day of ytd and of explicit ranges."""
    if name == "ytd":
        return date(today.year, 1, 1), today  # this year up to the end of today
    match = _RANGE.match(name)
    if match is None:
        return None
    return date.fromisoformat(match[1]), date.fromisoformat(match[2])


def window(name: str, now: datetime, tz: tzinfo) -> tuple[datetime | None, datetime | None]:
    """[start, end) as UTC instants; (None, None) for `all`."""
    if name == "all":
        return None, None
    today = local_day(now, tz)
    days = day_range(name, today)
    if days is not None:
        return day_start(days[0], tz), day_start(days[1] + timedelta(days=1), tz)
    units = unit_range(name, today)
    if units is None:
        raise ValueError(f"not a period name of SPEC 5: {name!r}")
    unit, lo, hi = units
    return day_start(unit_first_day(lo, unit), tz), day_start(unit_first_day(hi, unit), tz)


def contains(name: str, now: datetime, tz: tzinfo, moment: datetime) -> bool:
    """Whether `moment` lies in the period, decided on its local calendar day alone."""
    if name == "all":
        return True
    today = local_day(now, tz)
    day = local_day(moment, tz)
    days = day_range(name, today)
    if days is not None:
        return days[0] <= day <= days[1]
    units = unit_range(name, today)
    assert units is not None, name
    unit, lo, hi = units
    return lo <= unit_index(day, unit) < hi
