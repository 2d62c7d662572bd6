"""Group commit: one writer thread per process stores the captures of many clients in one
transaction and acknowledges each only once that transaction is durable (SQLite; PostgreSQL
groups commits itself: see GroupWriter.for_engine).

A capture is a small write (a submission, maybe a lead: a few rows) whose cost on its own is
mostly the commit: SQLite's fsync of the WAL (`synchronous=FULL`), PostgreSQL's flush of its log.
Alone, each post pays one; and on SQLite, posts handled in threads queue for the one write lock
in its busy handler, which sleeps (the p99 of a second under load). Here every post waiting when
the writer is free goes into the next transaction, each in a savepoint of its own (a post that
fails takes back only its own rows), and the batch commits once. The writer never waits for
more posts to come: one client's post is written at once, a hundred waiting ones in one commit.

A batch whose commit fails (disk full, the database restarted) is written again one post per
transaction, so one bad post cannot fail the others; a post is told its outcome only after its
own transaction ended. The queue is bounded: when it is full, `submit` raises Overloaded and the
caller answers 503 with Retry-After rather than queueing without end.

SQLite, with `spool_after_ms`: when another process (a large import) holds the write lock that
long, the posts that came with a `spooled` fallback (captures: capture/spool.py) run it and are
answered at once, and so are the ones after them until a write gets the lock again; the other
writes go back to the head of the queue and try again, up to the usual 30 s.
"""

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, exc

from leadboard.db.engine import BUSY_TIMEOUT_MS, take_write_lock

__all__ = ["GroupWriter", "Overloaded"]

log = logging.getLogger(__name__)
T = TypeVar("T")
IDLE_SECONDS = 10  # a writer thread with nothing to write for this long ends
Work = Callable[[Connection], Any]


class Overloaded(Exception):
    """The writer's queue is full: try again in `retry_after` seconds."""

    def __init__(self, waiting: int, retry_after: int = 1) -> None:
        super().__init__(f"{waiting} waiting to be written; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass
class _Job:
    work: Work
    future: "Future[Any]"
    spooled: Callable[[], Any] | None = None  # instead of `work` while another holds the lock
    locked_since: float | None = None  # a job without `spooled`: when it first met the lock


class _LockHeld(Exception):
    """Another connection kept SQLite's write lock past the spool's wait."""

    def __init__(self, error: exc.OperationalError) -> None:
        super().__init__(str(error))
        self.error = error


class GroupWriter:
    """Writes submitted work in batches; `submit(work)` gives a future of `work(conn)`'s value."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_batch: int = 200,
        max_waiting: int = 2000,
        threads: int = 1,
        spool_after_ms: int = 0,
    ) -> None:
        self.engine = engine
        # SQLite: how long a batch with spoolable posts waits for the write lock before they are
        # spooled instead (capture/spool.py); 0: they wait like every other write.
        self.spool_after_ms = spool_after_ms
        self._locked_out = False  # the last lock attempt found another writer holding it
        self.max_batch = max_batch
        self.max_waiting = max_waiting
        self.threads = threads
        self._waiting: deque[_Job] = deque()
        self._changed = threading.Condition()
        self._running = 0  # writer threads, and how many of them wait for work
        self._idle = 0
        self._closing = False
        self.batches = 0  # commits made, and posts in them: what the group commit saved
        self.written = 0

    @classmethod
    def for_engine(
        cls, engine: Engine, max_waiting: int = 2000, spool_after_ms: int = 0
    ) -> "GroupWriter":
        """SQLite: one thread, batches (one writer at a time is all SQLite allows anyway).
        PostgreSQL groups concurrent commits in its own log flush already, and takes writers in
        parallel; a long batch would hold row locks (a lead's, the data versions') while other
        transactions take them in another order, which deadlocks. So there: eight threads, one
        post per transaction, the same queue and 503."""
        if engine.dialect.name == "sqlite":
            return cls(engine, max_waiting=max_waiting, spool_after_ms=spool_after_ms)
        return cls(engine, max_batch=1, max_waiting=max_waiting, threads=8)

    @property
    def waiting(self) -> int:
        """Posts queued for the next batch (not the one being written)."""
        with self._changed:
            return len(self._waiting)

    def submit(
        self, work: Callable[[Connection], T], spooled: Callable[[], T] | None = None
    ) -> "Future[T]":
        """Queue `work` for the next batch. Its future holds what it returned once its batch
        committed, or what it (or the commit) raised; nothing of it is stored then. `spooled`:
        what to do instead when another connection holds SQLite's write lock for longer than
        `spool_after_ms` (keep the post elsewhere, durably); its value is the future's then."""
        future: Future[T] = Future()
        with self._changed:
            if len(self._waiting) >= self.max_waiting:
                raise Overloaded(len(self._waiting))
            self._waiting.append(_Job(work, future, spooled))
            # Threads start when needed (none in apps that never write) and end when idle.
            if self._idle < len(self._waiting) and self._running < self.threads:
                self._running += 1
                name = f"leadboard-writer-{self._running}"
                threading.Thread(target=self._run, name=name, daemon=True).start()
            self._changed.notify()
        return future

    def close(self, timeout: float = 30) -> None:
        """Write what is waiting and end the threads (an app's shutdown); a later submit
        starts them again (an app whose lifespan runs more than once)."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            self._changed.wait_for(lambda: self._running == 0, timeout)
            self._closing = False

    def _run(self) -> None:
        while True:
            with self._changed:
                if not self._waiting and not self._closing:
                    self._idle += 1
                    self._changed.wait(IDLE_SECONDS)
                    self._idle -= 1
                if not self._waiting:  # closed, or idle: submit starts threads again
                    self._running -= 1
                    self._changed.notify_all()
                    return
                batch = [
                    self._waiting.popleft() for _ in range(min(self.max_batch, len(self._waiting)))
                ]
            # A post whose client went away before its turn (the future cancelled) is not written.
            batch = [
                job
                for job in batch
                if job.locked_since is not None or job.future.set_running_or_notify_cancel()
            ]
            if not batch:
                continue
            try:
                self._write(batch)
            except Exception as exc:  # a bug here: never leave a client waiting on it
                log.exception("writer: a batch of %d was not written", len(batch))
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(exc)

    def _write(self, batch: list[_Job]) -> None:
        outcomes: list[tuple[_Job, bool, Any]] = []
        try:
            with self.engine.begin() as conn:
                # SQLite: the lock now, so the reads below see the latest.
                if self.spool_after_ms > 0:
                    # Once the lock was found held, posts are spooled at once until a write
                    # gets it again (else each batch would wait the whole spool wait again).
                    spoolable = any(job.spooled for job in batch)
                    _lock_within(conn, 0 if self._locked_out and spoolable else self.spool_after_ms)
                    if self._locked_out:
                        self._locked_out = False
                        log.info("writer: the database takes writes again")
                else:
                    take_write_lock(conn)
                if len(batch) == 1:  # alone: its own transaction, no savepoint round trips
                    outcomes.append((batch[0], True, batch[0].work(conn)))
                else:
                    outcomes += [_in_savepoint(conn, job) for job in batch]
        except _LockHeld as held:
            self._spool(batch, held.error)
            return
        except Exception as exc:  # noqa: BLE001 - nothing of it is stored: told below
            if len(batch) == 1:  # what the post (or its commit) raised
                batch[0].future.set_exception(exc)
                return
            log.warning(
                "writer: a batch of %d failed (%s); writing them one by one", len(batch), exc
            )
            for job in batch:
                self._write([job])
            return
        with self._changed:
            self.batches += 1
            self.written += len(batch)
        for job, ok, value in outcomes:
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)

    def _spool(self, batch: list[_Job], error: exc.OperationalError) -> None:
        """The lock is another's for long: spool what may be spooled; the rest go back to the
        head of the queue and try again (so that posts coming meanwhile are spooled, not held
        up behind them), until they waited as long as any SQLite writer waits: then they get
        the "database is locked" error."""
        now = time.monotonic()
        rest = []
        for job in batch:
            if job.spooled is None:
                job.locked_since = job.locked_since or now
                if now - job.locked_since < BUSY_TIMEOUT_MS / 1000:
                    rest.append(job)
                else:
                    job.future.set_exception(error)
                continue
            try:
                job.future.set_result(job.spooled())
            except Exception as exc:  # noqa: BLE001 - its caller's future raises it
                job.future.set_exception(exc)
        if len(rest) < len(batch) and not self._locked_out:
            log.warning("writer: the database is locked by another writer: spooling captures")
        self._locked_out = True
        if rest:
            with self._changed:
                self._waiting.extendleft(reversed(rest))


def _lock_within(conn: Connection, wait_ms: int) -> None:
    """take_write_lock, waiting at most `wait_ms` (then _LockHeld); busy_timeout is set back."""
    conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms)}")
    try:
        take_write_lock(conn)
    except exc.OperationalError as error:
        if "locked" in str(error.orig) or "busy" in str(error.orig):
            raise _LockHeld(error) from None
        raise
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _in_savepoint(conn: Connection, job: _Job) -> tuple[_Job, bool, Any]:
    """Run one job in a savepoint: (job, True, value), or (job, False, what it raised) with its
    rows taken back. When the savepoint itself cannot be released or rolled back, the
    transaction is broken (SQLite may have rolled all of it back): that raises, failing the batch.
    """
    savepoint = conn.begin_nested()
    try:
        value = job.work(conn)
    except Exception as exc:  # noqa: BLE001 - its caller's future raises it
        savepoint.rollback()
        return job, False, exc
    savepoint.commit()
    return job, True, value
