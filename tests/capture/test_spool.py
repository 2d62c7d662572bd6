"""The capture spool (capture/spool.py): while another process holds SQLite's write lock (a
large import), captures are kept beside the database and answered 202 `queued` at once, then
stored exactly once, in order and with the moment they came, when the lock is free again.
PostgreSQL locks rows, not the database: it has no spool."""

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable

from sqlalchemy import Engine, func, select

from leadboard.capture.routes import _store_spooled, drain_spool
from leadboard.capture.spool import CaptureSpool, SpooledPost, new_key, spool_for
from leadboard.db.engine import take_write_lock
from leadboard.db.schema import form_submissions, leads
from leadboard.db.times import from_db
from leadboard.domain.attribution import Visit
from leadboard.domain.conversions import Submission
from leadboard.domain.intake import Contact
from leadboard.domain.tracking import Tracking
from tests.capture.conftest import START, Leadboard

WAIT = 30


def _emails(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(leads.c.email)).scalars())


def _submissions(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(form_submissions)).scalar_one())


def _database_file(engine: Engine) -> str:
    database = engine.url.database
    assert database
    return database


def test_captures_during_a_long_lock_are_queued_then_stored_once(
    start_leadboard: Callable[..., Leadboard],
) -> None:
    board = start_leadboard(capture_rate=0, capture_spool_after_ms=200)
    spool = board.server.app.state.spool
    if board.engine.dialect.name != "sqlite":
        assert spool is None  # nothing to spool for: PostgreSQL's writers do not wait so
        return
    assert isinstance(spool, CaptureSpool)
    board.add_form()

    # Another process's import: it holds the write lock until it commits.
    importer = sqlite3.connect(_database_file(board.engine), isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")
    try:
        queued = [
            board.http.post("/capture/forms/contact", json={"email": f"q{i}@example.org"})
            for i in range(3)
        ]
        key = {"Idempotency-Key": "retry-me"}
        keyed = [
            board.http.post("/capture/forms/contact", json={"email": "k@example.org"}, headers=key)
            for _ in range(2)  # a client's retry while its first post waits
        ]
        # All answered while the lock is still held: none of them waited for the import.
        for answer in queued + keyed:
            assert answer.status_code == 202, answer.text
            assert answer.json() == {"submission_id": None, "lead_id": None, "status": "queued"}
        assert spool.waiting() == 5
        assert _emails(board.engine) == []
    finally:
        importer.execute("ROLLBACK")
        importer.close()

    later = board.clock.now()
    board.clock.advance(minutes=5)
    after = board.http.post("/capture/forms/contact", json={"email": "after@example.org"})
    assert after.status_code == 201, after.text
    deadline = time.monotonic() + WAIT
    while spool.waiting():  # drained in the background after that answer
        assert time.monotonic() < deadline, "the spool was not drained"
        time.sleep(0.05)

    expected = sorted(
        ["after@example.org", "k@example.org"] + [f"q{i}@example.org" for i in range(3)]
    )
    assert _emails(board.engine) == expected  # each once: the retry was replayed by its key
    assert _submissions(board.engine) == 5
    with board.engine.connect() as conn:
        first = conn.execute(
            select(leads.c.created_at).where(leads.c.email == "q0@example.org")
        ).scalar_one()
    assert from_db(first) == later  # stored with the moment it came, not when it was drained


def _post(form_id: int, email: str, key: str) -> SpooledPost:
    visit = Visit(source="google", medium="cpc", at=START)
    tracking = Tracking(first_touch=Visit(source="newsletter", at=START), visit=visit)
    submission = Submission(
        form_id, Contact(email=email, first_name="Sam"), {"email": email}, tracking
    )
    return SpooledPost(submission, START, key, "digest-" + email)


def test_a_drain_stopped_after_its_commit_stores_nothing_twice(
    start_leadboard: Callable[..., Leadboard],
) -> None:
    board = start_leadboard()
    if board.engine.dialect.name != "sqlite":
        assert spool_for(board.engine) is None
        return
    form_id = board.add_form()
    spool = spool_for(board.engine)
    assert spool is not None
    post = _post(form_id, "once@example.org", new_key())
    spool.add(post)
    # A drain that committed the post and stopped before deleting its spool row:
    with board.engine.begin() as conn:
        take_write_lock(conn)
        _store_spooled(post, conn)
    report = drain_spool(board.engine)
    assert (report.stored, report.failed, spool.waiting()) == (1, 0, 0)
    assert _emails(board.engine) == ["once@example.org"]
    assert _submissions(board.engine) == 1
    with board.engine.connect() as conn:  # the spooled tracking came back whole
        lead = conn.execute(select(leads).where(leads.c.email == "once@example.org")).one()
    assert (lead.ft_source, lead.lc_source, lead.lc_medium) == ("newsletter", "google", "cpc")


def _spooled(board: Leadboard, email: str) -> CaptureSpool | None:
    """The board's spool holding one post of `email` to a new form; None on PostgreSQL."""
    if board.engine.dialect.name != "sqlite":
        return None
    form_id = board.add_form()
    spool = spool_for(board.engine)
    assert spool is not None
    spool.add(_post(form_id, email, new_key()))
    return spool


def test_submissions_retry_stores_what_the_spool_holds(
    start_leadboard: Callable[..., Leadboard],
) -> None:
    board = start_leadboard()
    spool = _spooled(board, "cli@example.org")
    if spool is None:
        return  # no spool on PostgreSQL (checked above)
    url = board.engine.url.render_as_string(hide_password=False)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "leadboard",
            "--database-url",
            url,
            "submissions",
            "retry",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"spooled_stored": 1' in done.stdout
    assert '"spooled_waiting": 0' in done.stdout
    assert _emails(board.engine) == ["cli@example.org"]
    assert spool.waiting() == 0


def test_posts_an_earlier_process_spooled_are_stored_after_the_first_capture(
    start_leadboard: Callable[..., Leadboard],
) -> None:
    """A server stopped (or killed) with posts still spooled: the next one stores them after
    its first capture that commits, even when its start-up drain could not."""
    first = start_leadboard()
    spool = _spooled(first, "left@example.org")
    if spool is None:
        return  # no spool on PostgreSQL (checked above)
    second = start_leadboard()  # create_app only: no start-up drain ran
    assert second.server.app.state.capture_spool_pending
    answer = second.http.post("/capture/forms/contact", json={"email": "next@example.org"})
    assert answer.status_code == 201, answer.text
    deadline = time.monotonic() + WAIT
    while spool.waiting():
        assert time.monotonic() < deadline, "the spool was not drained"
        time.sleep(0.05)
    assert _emails(second.engine) == ["left@example.org", "next@example.org"]
