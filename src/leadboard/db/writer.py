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
"""

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from leadboard.db.engine import take_write_lock

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


@dataclass(frozen=True)
class _Job:
    work: Work
    future: "Future[Any]"


class GroupWriter:
    """Writes submitted work in batches; `submit(work)` gives a future of `work(conn)`'s value."""

    def __init__(
        self, engine: Engine, *, max_batch: int = 200, max_waiting: int = 2000, threads: int = 1
    ) -> None:
        self.engine = engine
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
    def for_engine(cls, engine: Engine, max_waiting: int = 2000) -> "GroupWriter":
        """SQLite: one thread, batches (one writer at a time is all SQLite allows anyway).
        PostgreSQL groups concurrent commits in its own log flush already, and takes writers in
        parallel; a long batch would hold row locks (a lead's, the data versions') while other
        transactions take them in another order, which deadlocks. So there: eight threads, one
        post per transaction, the same queue and 503."""
        if engine.dialect.name == "sqlite":
            return cls(engine, max_waiting=max_waiting)
        return cls(engine, max_batch=1, max_waiting=max_waiting, threads=8)

    @property
    def waiting(self) -> int:
        """Posts queued for the next batch (not the one being written)."""
        with self._changed:
            return len(self._waiting)

    def submit(self, work: Callable[[Connection], T]) -> "Future[T]":
        """Queue `work` for the next batch. Its future holds what it returned once its batch
        committed, or what it (or the commit) raised; nothing of it is stored then."""
        future: Future[T] = Future()
        with self._changed:
            if len(self._waiting) >= self.max_waiting:
                raise Overloaded(len(self._waiting))
            self._waiting.append(_Job(work, future))
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
            batch = [job for job in batch if job.future.set_running_or_notify_cancel()]
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
                take_write_lock(conn)  # SQLite: the lock now, so the reads below see the latest
                if len(batch) == 1:  # alone: its own transaction, no savepoint round trips
                    outcomes.append((batch[0], True, batch[0].work(conn)))
                else:
                    outcomes += [_in_savepoint(conn, job) for job in batch]
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
