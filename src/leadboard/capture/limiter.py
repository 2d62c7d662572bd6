"""An in-memory sliding-window rate limiter, counted on a monotonic clock.

One window per (client address, form key): at most `rate` posts in any 60 seconds. The windows
use time.monotonic, never the product clock: `leadboard serve --today` freezes "now" for the
figures, and a frozen clock would keep a limited client refused until a restart. Kept in the
process: with several server processes each counts its own share (put a proxy limit in front
for more). Tests pass a timer they move instead of sleeping.
"""

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
PRUNE_ABOVE = 10_000  # windows kept before idle ones are dropped

Timer = Callable[[], float]


class RateLimiter:
    def __init__(
        self, rate: int, window: float = WINDOW_SECONDS, timer: Timer = time.monotonic
    ) -> None:
        self.rate = rate
        self.window = window
        self.timer = timer
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: tuple[str, str]) -> int | None:
        """Count one post; None when allowed, else the seconds to wait (for Retry-After).

        A refused post is not counted, so a client that keeps trying is let in again one
        window after its last accepted post. A rate of 0 or less switches the limit off.
        """
        if self.rate <= 0:
            return None
        moment = self.timer()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= moment - self.window:
                hits.popleft()
            if len(hits) >= self.rate:
                return max(1, math.ceil(hits[0] + self.window - moment))
            hits.append(moment)
            if len(self._hits) > PRUNE_ABOVE:
                self._prune(moment)
            return None

    def _prune(self, moment: float) -> None:
        idle = [k for k, hits in self._hits.items() if not hits or hits[-1] <= moment - self.window]
        for k in idle:
            del self._hits[k]
