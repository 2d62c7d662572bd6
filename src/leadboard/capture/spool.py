"""The capture spool: posts kept beside a SQLite database while another process holds its write
lock for long (a large CSV import), and stored once the lock is free.

SQLite has one writer per file. An import of a million rows holds the lock for a minute; a
capture waiting that long would keep a visitor's browser waiting, then fail. Instead, when the
writer cannot take the lock within `Settings.capture_spool_after_ms`, each waiting capture is
written to a small SQLite file of its own beside the database (`<database>-spool`, WAL,
synchronous=FULL: durable before it is answered) and answered 202 `queued`. Draining stores
them in the database in arrival order, each with the moment it came in, as if it had been
written then:

* after the next capture that commits (proof the lock is free again), in the background;
* at `leadboard serve` start, and by `leadboard submissions retry`.

Exactly once: a spooled post without an Idempotency-Key gets one of its own (`spool-<hex>`),
claimed in the same transaction that stores it; a spool row is deleted only after that commit,
so a drain that stops in between finds the claim the next time and stores nothing twice. A
retry by the client with its own key, while its first post is spooled, is spooled too and then
replayed by the key. PostgreSQL locks rows, not the database: it needs no spool.
"""

import json
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from leadboard.domain.attribution import Visit
from leadboard.domain.conversions import Submission
from leadboard.domain.intake import Contact
from leadboard.domain.tracking import Tracking

__all__ = ["CaptureSpool", "DrainReport", "SpooledPost", "spool_for"]

log = logging.getLogger(__name__)
KEY_PREFIX = "spool-"


@dataclass(frozen=True)
class SpooledPost:
    """A checked capture as it waits: what to store, when it came, its key and digest."""

    submission: Submission
    received_at: datetime
    key: str
    digest: str


@dataclass
class DrainReport:
    stored: int = 0
    failed: int = 0  # kept in the spool for the next drain


def _to_json(post: SpooledPost) -> str:
    return json.dumps(
        {
            "submission": asdict(post.submission),
            "received_at": post.received_at.isoformat(),
            "key": post.key,
            "digest": post.digest,
        },
        default=_moment,
    )


def _moment(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be spooled")


def _visit(found: dict[str, Any] | None) -> Visit | None:
    if found is None:
        return None
    at = found.get("at")
    return Visit(**{**found, "at": datetime.fromisoformat(at) if at else None})


def _from_json(text: str) -> SpooledPost:
    found = json.loads(text)
    sub = found["submission"]
    tracking = sub["tracking"]
    visit = _visit(tracking["visit"])
    submission = Submission(
        form_id=sub["form_id"],
        contact=Contact(**sub["contact"]),
        payload=sub["payload"],
        tracking=Tracking(first_touch=_visit(tracking["first_touch"]), visit=visit or Visit()),
    )
    return SpooledPost(
        submission, datetime.fromisoformat(found["received_at"]), found["key"], found["digest"]
    )


class CaptureSpool:
    """The spool file of one SQLite database (thread-safe: one connection per call)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._draining = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # answered only once it is on disk
        conn.execute(
            "CREATE TABLE IF NOT EXISTS spooled (id INTEGER PRIMARY KEY, post TEXT NOT NULL)"
        )
        return conn

    def add(self, post: SpooledPost) -> None:
        """Keep a post (durable when this returns)."""
        conn = self._connect()
        try:
            conn.execute("INSERT INTO spooled (post) VALUES (?)", (_to_json(post),))
        finally:
            conn.close()

    def waiting(self) -> int:
        if not self.path.exists():
            return 0
        conn = self._connect()
        try:
            return int(conn.execute("SELECT count(*) FROM spooled").fetchone()[0])
        finally:
            conn.close()

    def drain(self, store: Callable[[SpooledPost], object]) -> DrainReport:
        """Store every spooled post with `store` (oldest first), deleting each once stored; a
        post that fails stays for the next drain (and the ones after it wait, in order)."""
        report = DrainReport()
        if not self.path.exists() or not self._draining.acquire(blocking=False):
            return report  # nothing spooled, or another drain is at it
        try:
            conn = self._connect()
            try:
                rows = conn.execute("SELECT id, post FROM spooled ORDER BY id").fetchall()
                for row_id, text in rows:
                    try:
                        store(_from_json(text))
                    except Exception as exc:  # noqa: BLE001 - kept, with why, for the next drain
                        log.warning("spool: post %s not stored yet: %s", row_id, exc)
                        report.failed = len(rows) - report.stored
                        break
                    conn.execute("DELETE FROM spooled WHERE id = ?", (row_id,))
                    report.stored += 1
            finally:
                conn.close()
        finally:
            self._draining.release()
        if report.stored:
            log.info("spool: %s spooled posts stored", report.stored)
        return report


def new_key() -> str:
    """The Idempotency-Key of a spooled post that came without one."""
    return KEY_PREFIX + secrets.token_hex(16)


def spool_for(engine: Engine) -> CaptureSpool | None:
    """The spool beside a SQLite database file; None for PostgreSQL and in-memory SQLite."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return CaptureSpool(Path(f"{database}-spool"))
