"""Lead statuses over time: Open at creation, then one of a few typical paths, cut at "now".

The first history row (NULL -> Open) of a lead that did not come in by hand has no associate;
later changes are made by the lead's owner.
"""

import random
from typing import Any

from leadboard.demo.draw import Pick
from leadboard.demo.times import DAY

HISTORY_COLUMNS = ("id", "lead_id", "from_status_id", "to_status_id", "at", "by_associate_id")

# Status paths after Open (1 open, 2 contacting, 3 qualified, 4 disqualified, 5 re-nurture;
# mapped to the database's ids) with their weights, and the delay of each step:
# (median days, sigma).
PATHS: tuple[tuple[tuple[int, ...], float], ...] = (
    ((), 26),
    ((2,), 20),
    ((2, 3), 9),
    ((3,), 4),
    ((2, 5, 2, 3), 1.5),
    ((2, 3, 4), 2),
    ((2, 4), 9),
    ((4,), 4),
    ((2, 5), 6),
    ((5,), 3),
    ((2, 5, 2), 3),
    ((2, 5, 2, 4), 1),
    ((5, 2, 3), 2),
)
DELAYS = {
    (1, 2): (1.5, 1.0),
    (2, 3): (12, 0.8),
    (1, 3): (3, 0.9),
    (2, 4): (14, 0.9),
    (1, 4): (2, 1.0),
    (2, 5): (20, 0.8),
    (5, 2): (60, 0.6),
    (3, 4): (30, 0.8),
    (1, 5): (5, 1.0),
}
UNOWNED_STAY_OPEN = 0.6  # share of leads without an owner that nobody ever works on


class StatusHistory:
    """Draws each lead's path and collects its history rows (`rows`, emptied by the writer)."""

    def __init__(self, status_ids: dict[str, int], now: int, stamp: Any, r: random.Random):
        sid = status_ids
        self.open = sid["open"]
        self.qualified = sid["qualified"]
        self.disqualified = sid["disqualified"]
        ids = {1: sid["open"], 2: sid["contacting"], 3: sid["qualified"]}
        ids |= {4: sid["disqualified"], 5: sid["re-nurture"]}
        self.paths = Pick((tuple(ids[s] for s in path), weight) for path, weight in PATHS)
        self.delays = {(ids[a], ids[b]): value for (a, b), value in DELAYS.items()}
        self.now = now
        self.stamp = stamp
        self.r = r
        self.rows: list[tuple[Any, ...]] = []
        self.last_id = 0

    def follow(
        self, lead_id: int, t: int, ts: Any, via: str, owner: int | None
    ) -> tuple[int, Any, int, list[tuple[int, int]]]:
        """The history of a lead created at `t` (stored as `ts`).

        Returns (current status, since when (stored form), statuses held as a bit mask, the
        steps as (status, epoch seconds)).
        """
        r, rand, now, history = self.r, self.r.random, self.now, self.rows
        open_id = self.open
        self.last_id += 1
        by = owner if via == "manual" else None  # only a lead typed in was opened by someone
        history.append((self.last_id, lead_id, None, open_id, ts, by))
        steps = [(open_id, t)]
        path = self.paths(rand) if owner is not None or rand() >= UNOWNED_STAY_OPEN else ()
        at, held, current, since = t, 1 << open_id, open_id, ts
        for status in path:
            median, sigma = self.delays[(current, status)]
            at += max(600, int(median * DAY * r.lognormvariate(0, sigma)))
            if at > now:
                break
            since = self.stamp(at)
            self.last_id += 1
            history.append((self.last_id, lead_id, current, status, since, owner))
            steps.append((status, at))
            held |= 1 << status
            current = status
        return current, since, held, steps
