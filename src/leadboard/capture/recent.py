"""Identical capture posts collapsed into one: a double click, a browser's resend, a script that
posts twice. Same form, same client address and the same fields (and Referer) within
`capture_dedupe_seconds` (default 10 s) get the first post's answer again, marked
`Idempotent-Replayed: true`, and store nothing.

The window lives in the process (like the rate limiter): it catches retries that come within
seconds, not across restarts; a client that needs that sends an `Idempotency-Key` (kept in the
database, see domain/capture_keys.py). Posts that carry a key are never collapsed by content:
two keys are two intended posts. Counted on a monotonic clock, never the product clock.

Every method runs on the event loop (async route code), so no lock is needed; a twin that
arrives while the first is still being stored waits for its answer.
"""

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from leadboard.capture.limiter import Timer

PRUNE_ABOVE = 10_000  # entries kept before expired ones are dropped


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


@dataclass
class _Entry:
    at: float
    answer: "asyncio.Future[Answer]"


@dataclass
class RecentPosts:
    window: float
    timer: Timer = time.monotonic
    _entries: dict[str, _Entry] = field(default_factory=dict)

    def earlier(self, digest: str) -> "asyncio.Future[Answer] | None":
        """The answer (maybe still coming) of an identical post within the window; None when
        this post is the first, which then must call `answered` (or `abandoned`)."""
        if self.window <= 0:
            return None
        now = self.timer()
        found = self._entries.get(digest)
        if found is not None and (not found.answer.done() or now - found.at < self.window):
            return found.answer
        if len(self._entries) > PRUNE_ABOVE:
            self._prune(now)
        self._entries[digest] = _Entry(now, asyncio.get_running_loop().create_future())
        return None

    def answered(self, digest: str, answer: Answer) -> None:
        """The first post's answer: its twins get it; the window starts now."""
        entry = self._entries.get(digest)
        if entry is not None and not entry.answer.done():
            entry.at = self.timer()
            entry.answer.set_result(answer)

    def abandoned(self, digest: str, error: BaseException) -> None:
        """The first post failed without an answer: waiting twins fail alike, later ones retry."""
        entry = self._entries.pop(digest, None)
        if entry is not None and not entry.answer.done():
            entry.answer.set_exception(error)
            entry.answer.exception()  # retrieved: no "never retrieved" warning without twins

    def _prune(self, now: float) -> None:
        old = [d for d, e in self._entries.items() if e.answer.done() and now - e.at >= self.window]
        for digest in old:
            del self._entries[digest]
