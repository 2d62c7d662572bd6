"""Time in the demo: whole epoch seconds while generating, naive UTC when stored.

Integers are cheap to draw, add and compare in the hot loop; they become datetimes (or, on
SQLite, the text SQLAlchemy would store for them) only when a row is written.
"""

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DAY = 86_400
EPOCH = datetime(1970, 1, 1)


def epoch(moment: datetime) -> int:
    """An aware datetime -> epoch seconds (rounded down)."""
    return math.floor(moment.timestamp())


def local_day(seconds: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(seconds, UTC).astimezone(tz).date()


def stamp(seconds: int) -> datetime:
    """Epoch seconds -> naive UTC datetime (the stored form of every time)."""
    return EPOCH + timedelta(seconds=seconds)


class SqliteStamps:
    """Epoch seconds -> the text SQLAlchemy's SQLite DateTime stores for `stamp(seconds)`.

    Built from a table of days and one of times of day: the load writes millions of them.
    """

    def __init__(self) -> None:
        self.days: dict[int, str] = {}
        self.times = [
            f"{h:02d}:{m:02d}:{s:02d}.000000"
            for h in range(24)
            for m in range(60)
            for s in range(60)
        ]

    def __call__(self, seconds: int) -> str:
        day, rest = divmod(seconds, DAY)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = self.days[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
        return prefix + self.times[rest]
