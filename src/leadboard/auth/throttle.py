"""Log-in throttling: after `limit` failures within `window`, an account or a client address is
refused (429 with Retry-After) until the oldest of those failures is `window` old.

Counted per account (the email as typed, folded) and per client address, separately: guessing
one account's password from many addresses and many accounts' from one address both stop. A
successful log-in forgets the account's failures (not the address's). Counted with the app's
clock (tests move it) and kept in the process, like the capture limiter: with several server
processes each counts its own share.
"""

import math
import threading
from collections import deque
from datetime import datetime, timedelta

LIMIT = 10
WINDOW = timedelta(minutes=15)
PRUNE_ABOVE = 10_000  # keys kept before idle ones are dropped


class LoginThrottle:
    def __init__(self, limit: int = LIMIT, window: timedelta = WINDOW) -> None:
        self.limit = limit
        self.window = window.total_seconds()
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(email: str, address: str | None) -> tuple[str, str]:
        return f"account:{email.strip().lower()}", f"address:{address or 'unknown'}"

    def retry_after(self, keys: tuple[str, ...], now: datetime) -> int | None:
        """None when an attempt may go ahead, else the seconds to wait."""
        moment = now.timestamp()
        waits = []
        with self._lock:
            for key in keys:
                failures = self._recent(key, moment)
                if len(failures) >= self.limit:
                    # Free again when enough of the failures have aged out of the window.
                    oldest_that_counts = failures[len(failures) - self.limit]
                    waits.append(max(1, math.ceil(oldest_that_counts + self.window - moment)))
        return max(waits) if waits else None

    def failed(self, keys: tuple[str, ...], now: datetime) -> None:
        moment = now.timestamp()
        with self._lock:
            for key in keys:
                self._recent(key, moment).append(moment)
            if len(self._failures) > PRUNE_ABOVE:
                self._prune(moment)

    def succeeded(self, account_key: str) -> None:
        with self._lock:
            self._failures.pop(account_key, None)

    def _recent(self, key: str, moment: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= moment - self.window:
            failures.popleft()
        return failures

    def _prune(self, moment: float) -> None:
        idle = [k for k, f in self._failures.items() if not f or f[-1] <= moment - self.window]
        for key in idle:
            del self._failures[key]
