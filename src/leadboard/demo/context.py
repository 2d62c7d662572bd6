"""What every part of the generator shares: the run's settings, its calendar, its random streams."""

import math
import random
from bisect import bisect
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from leadboard.demo.draw import Pick, Random
from leadboard.demo.times import epoch


class Demo:
    """One run: `leads` new leads over the three years ending on `today` (local to `tz`)."""

    def __init__(
        self,
        leads: int,
        seed: int,
        today: date,
        tz: ZoneInfo,
        currency: str,
        status_ids: dict[str, int],
    ) -> None:
        self.n = leads
        self.seed = seed
        self.today = today
        self.tz = tz
        self.currency = currency
        self.sid = status_ids
        try:
            self.first_day = today.replace(year=today.year - 3)
        except ValueError:  # 29 February
            self.first_day = today.replace(year=today.year - 3, day=28)
        self.start_s = epoch(datetime.combine(self.first_day, time(0), tzinfo=tz))
        end_of_today = datetime.combine(today, time(23, 59, 59, 999999), tzinfo=tz)
        self.now_s = math.floor(end_of_today.timestamp())  # never later than the clock's now
        self.days = (today - self.first_day).days + 1
        # Local midnights as epoch seconds, one past the last day (days are not all 86400 s).
        self.day_starts = [
            epoch(datetime.combine(self.first_day + timedelta(days=i), time(0), tzinfo=tz))
            for i in range(self.days + 1)
        ]
        self._picks: dict[Any, Pick[Any]] = {}

    def rng(self, stream: str) -> random.Random:
        """A random stream of its own per subject: one subject's draws never shift another's."""
        return Random(f"leadboard-demo:{self.seed}:{stream}")

    def day_index(self, seconds: int) -> int:
        """The (local) day of the history a moment falls on, clamped to the history."""
        index = bisect(self.day_starts, seconds) - 1
        return min(max(index, 0), self.days - 1)

    def local_noon(self, day: date) -> int:
        return epoch(datetime.combine(day, time(12), tzinfo=self.tz))

    def picker(self, key: Any, pairs: Iterable[tuple[Any, float]]) -> Pick[Any]:
        """A cached weighted choice; `pairs` is read only the first time a key is seen."""
        if key not in self._picks:
            self._picks[key] = Pick(pairs)
        return self._picks[key]
