"""The group commit (db/writer.py) on SQLite and PostgreSQL: posts waiting together are written
in one transaction, each is told its outcome only after that transaction committed, a failing
post takes back only its own rows, a failed commit is written again post by post, the queue is
bounded, a post whose client gave up is not written, and close() writes what waits."""

import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, insert, select

from leadboard.db.schema import meta
from leadboard.db.writer import GroupWriter, Overloaded

WAIT = 30  # seconds any future may take here (a hang fails instead of blocking the suite)


def stored(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {key for key in conn.execute(select(meta.c.key)).scalars() if key.startswith("t-")}


def put(key: str) -> Callable[[Connection], str]:
    def work(conn: Connection) -> str:
        conn.execute(insert(meta).values(key=key, value="1"))
        return key

    return work


class Gate:
    """A job that holds the writer inside its batch until the test opens the gate."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()

    def __call__(self, conn: Connection) -> str:
        self.entered.set()
        assert self.opened.wait(WAIT)
        conn.execute(insert(meta).values(key="t-gate", value="1"))
        return "t-gate"


@pytest.fixture
def writer(engine: Engine) -> Iterator[GroupWriter]:
    found = GroupWriter(engine, max_batch=50, max_waiting=100)
    yield found
    found.close()


def test_posts_that_wait_together_commit_together(engine: Engine, writer: GroupWriter) -> None:
    gate = Gate()
    first = writer.submit(gate)
    assert gate.entered.wait(WAIT)
    waiting = [writer.submit(put(f"t-{i}")) for i in range(20)]
    gate.opened.set()
    assert first.result(WAIT) == "t-gate"
    assert [future.result(WAIT) for future in waiting] == [f"t-{i}" for i in range(20)]
    assert stored(engine) == {"t-gate"} | {f"t-{i}" for i in range(20)}
    # The gate's batch, then the twenty in one commit (not twenty commits).
    assert (writer.batches, writer.written) == (2, 21)


def test_a_post_is_answered_only_after_its_batch_committed(
    engine: Engine, writer: GroupWriter
) -> None:
    early: Future[str] = writer.submit(put("t-early"))  # may be alone in a first batch
    early.result(WAIT)
    gate = Gate()
    seen: dict[str, Any] = {}
    blocker = writer.submit(gate)
    assert gate.entered.wait(WAIT)
    before = writer.submit(put("t-before"))

    def check(conn: Connection) -> str:  # runs in the same batch, after "t-before"
        seen["before done"] = before.done()
        with engine.connect() as other:  # another connection does not see it yet either
            seen["visible"] = "t-before" in {k for k in other.execute(select(meta.c.key)).scalars()}
        return "checked"

    after = writer.submit(check)
    gate.opened.set()
    assert after.result(WAIT) == "checked"
    assert blocker.result(WAIT) == "t-gate"
    assert seen == {"before done": False, "visible": False}
    assert before.result(WAIT) == "t-before"
    assert "t-before" in stored(engine)


def test_a_failing_post_takes_back_only_its_own_rows(engine: Engine, writer: GroupWriter) -> None:
    def fails(conn: Connection) -> str:
        conn.execute(insert(meta).values(key="t-bad", value="1"))
        raise ValueError("this post cannot be stored")

    gate = Gate()
    writer.submit(gate)
    assert gate.entered.wait(WAIT)
    good = writer.submit(put("t-good"))
    bad = writer.submit(fails)
    duplicate = writer.submit(put("t-good"))  # the database refuses it (primary key)
    last = writer.submit(put("t-last"))
    gate.opened.set()
    assert good.result(WAIT) == "t-good"
    with pytest.raises(ValueError, match="cannot be stored"):
        bad.result(WAIT)
    assert duplicate.exception(WAIT) is not None
    assert last.result(WAIT) == "t-last"
    assert stored(engine) == {"t-gate", "t-good", "t-last"}
    assert writer.batches == 2  # one batch for all four, despite two failures in it


def test_a_failed_commit_is_written_again_post_by_post(engine: Engine, writer: GroupWriter) -> None:
    """A post whose transaction cannot commit (here: refused at COMMIT) fails alone."""

    def poisoned(conn: Connection) -> str:
        conn.execute(insert(meta).values(key="t-poisoned", value="1"))
        conn.info["refuse commit"] = True
        return "t-poisoned"

    def refuse(conn: Connection) -> None:
        if conn.info.pop("refuse commit", False):
            raise RuntimeError("the disk is full")

    event.listen(engine, "commit", refuse)
    try:
        gate = Gate()
        writer.submit(gate)
        assert gate.entered.wait(WAIT)
        before = writer.submit(put("t-a"))
        bad = writer.submit(poisoned)
        after = writer.submit(put("t-b"))
        gate.opened.set()
        assert before.result(WAIT) == "t-a"
        with pytest.raises(RuntimeError, match="disk is full"):
            bad.result(WAIT)
        assert after.result(WAIT) == "t-b"
    finally:
        event.remove(engine, "commit", refuse)
    assert stored(engine) == {"t-gate", "t-a", "t-b"}


def test_a_full_queue_refuses_at_once(engine: Engine) -> None:
    writer = GroupWriter(engine, max_waiting=2)
    gate = Gate()
    try:
        writer.submit(gate)
        assert gate.entered.wait(WAIT)  # the gate is written, not waiting
        queued = [writer.submit(put("t-1")), writer.submit(put("t-2"))]
        with pytest.raises(Overloaded) as refused:
            writer.submit(put("t-3"))
        assert refused.value.retry_after == 1
        gate.opened.set()
        assert [future.result(WAIT) for future in queued] == ["t-1", "t-2"]
        assert writer.submit(put("t-4")).result(WAIT) == "t-4"  # room again
    finally:
        gate.opened.set()
        writer.close()
    assert stored(engine) == {"t-gate", "t-1", "t-2", "t-4"}


def test_a_post_given_up_before_its_turn_is_not_written(
    engine: Engine, writer: GroupWriter
) -> None:
    gate = Gate()
    writer.submit(gate)
    assert gate.entered.wait(WAIT)
    gone = writer.submit(put("t-gone"))
    kept = writer.submit(put("t-kept"))
    assert gone.cancel()
    gate.opened.set()
    assert kept.result(WAIT) == "t-kept"
    assert stored(engine) == {"t-gate", "t-kept"}


def test_close_writes_what_waits_and_a_later_post_starts_it_again(engine: Engine) -> None:
    writer = GroupWriter(engine)
    gate = Gate()
    writer.submit(gate)
    assert gate.entered.wait(WAIT)
    waiting = writer.submit(put("t-waiting"))
    closing = threading.Thread(target=writer.close)
    closing.start()
    gate.opened.set()
    closing.join(WAIT)
    assert not closing.is_alive()
    assert waiting.done()
    assert waiting.result() == "t-waiting"
    assert writer.submit(put("t-later")).result(WAIT) == "t-later"
    writer.close()
    assert stored(engine) == {"t-gate", "t-waiting", "t-later"}


def test_for_engine_batches_on_sqlite_and_writes_side_by_side_on_postgresql(
    engine: Engine,
) -> None:
    """SQLite: one thread with batches (one writer at a time is all it allows); PostgreSQL:
    eight threads, a post each, in transactions at the same time."""
    chosen = GroupWriter.for_engine(engine)
    if engine.dialect.name == "sqlite":
        assert (chosen.threads, chosen.max_batch) == (1, 200)
        return
    assert (chosen.threads, chosen.max_batch) == (8, 1)
    writer = GroupWriter(engine, max_batch=1, threads=3)
    gates = [Gate() for _ in range(3)]
    try:
        futures = [writer.submit(gate) for gate in gates]
        for gate in gates:  # all three inside their transactions at once
            assert gate.entered.wait(WAIT)
        waiting = writer.submit(put("t-fourth"))  # no fourth thread: it waits
        assert writer.waiting == 1
    finally:
        for gate in gates:
            gate.opened.set()
    assert waiting.result(WAIT) == "t-fourth"
    # The three gates write one key: one is stored, the two others refused by the database.
    refused = [future for future in futures if future.exception(WAIT) is not None]
    assert len(refused) == 2
    writer.close()
    assert writer.batches == 2  # a transaction each; the refused two were rolled back
    assert stored(engine) == {"t-gate", "t-fourth"}


def test_past_the_spool_wait_spoolable_posts_are_spooled_and_the_rest_wait(
    engine: Engine,
) -> None:
    """Another connection holds SQLite's write lock (an import): a post that may be spooled is
    answered by its spool function, a REST write (no spool) waits and is written after."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the spool is SQLite's: PostgreSQL's writers wait for rows, not the file")
    spooling = GroupWriter(engine, spool_after_ms=100)
    database = engine.url.database
    assert database
    importer = sqlite3.connect(database, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")
    try:
        waits = spooling.submit(put("t-rest"))
        spooled = spooling.submit(put("t-capture"), spooled=lambda: "spooled")
        assert spooled.result(WAIT) == "spooled"
        assert not waits.done()  # still waiting for the lock, not failed
    finally:
        importer.execute("ROLLBACK")
        importer.close()
    assert waits.result(WAIT) == "t-rest"
    assert stored(engine) == {"t-rest"}
    spooling.close()
