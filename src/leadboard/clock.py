"""The one source of "now": YTD, "this month" and comparisons all ask a Clock."""

from datetime import UTC, date, datetime, time, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still: tests and `--today`."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def __repr__(self) -> str:
        return f"FixedClock({self._at.isoformat()})"


def end_of_day_clock(day: date, tz: tzinfo) -> FixedClock:
    """`--today DAY`: 23:59:59.999999 of that day in the organisation's timezone (SPEC 5)."""
    return FixedClock(datetime.combine(day, time(23, 59, 59, 999999), tzinfo=tz))


def parse_day(value: str) -> date:
    """A YYYY-MM-DD day; raises ValueError with a readable message."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date in YYYY-MM-DD form: {value!r}") from None
