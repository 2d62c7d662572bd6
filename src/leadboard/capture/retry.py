"""Retrying failed submissions: valid posts that could not be processed when they came in
(SQLite's "database is locked" while a large import held the write lock, a database restart)
are kept as failed (SPEC 6.1) and processed again here, each in its own transaction, in place:
the same submission id, its lead as of when it was submitted. A retry of a retried post finds
nothing to do, so running it again is harmless.

When it runs:
* `leadboard submissions retry` (cli/submissions.py): by hand, or from cron;
* `leadboard serve` at start: what a previous process left failed;
* in the server, right after the lock clears: once this process has stored a failed post, the
  next capture that commits (proof the database takes writes again) retries the failed ones
  after its answer is sent (a background task), until none is left. No timer thread: a server
  that gets no further capture retries at the next start or by the command.
"""

import logging
import threading
from dataclasses import dataclass
from typing import Any

from fastapi import BackgroundTasks
from sqlalchemy import Engine

from leadboard.domain.channels import effective_rules
from leadboard.domain.conversions import failed_submissions, record_retry_failure, retry_failed

log = logging.getLogger(__name__)


@dataclass
class RetryReport:
    retried: int = 0
    processed: int = 0
    still_failed: int = 0
    conversions: int = 0


def retry_submissions(engine: Engine, limit: int | None = None) -> RetryReport:
    """Process every failed submission again (oldest first); the counts of what happened."""
    report = RetryReport()
    with engine.connect() as conn:
        todo = failed_submissions(conn, limit)
    for submission_id in todo:
        try:
            with engine.begin() as conn:
                outcome = retry_failed(conn, submission_id, effective_rules(conn))
        except Exception as exc:  # noqa: BLE001 - kept failed, with why; the next retry tries again
            report.retried += 1
            report.still_failed += 1
            log.warning("retry of submission %s failed: %s", submission_id, exc)
            with engine.begin() as conn:
                record_retry_failure(conn, submission_id, f"{type(exc).__name__}: {exc}")
            continue
        if outcome is None:
            continue  # another retry took it
        report.retried += 1
        report.processed += 1
        report.conversions += outcome.conversion
    return report


_running = threading.Lock()


def failure_recorded(state: Any) -> None:
    """This process stored a failed post: retry after the next capture that commits."""
    state.capture_retry_pending = True


def after_a_capture(state: Any, background: BackgroundTasks) -> None:
    """A capture committed: when failed posts wait, retry them once its answer is sent."""
    if getattr(state, "capture_retry_pending", False):
        state.capture_retry_pending = False
        background.add_task(_retry_in_background, state)


def _retry_in_background(state: Any) -> None:
    if not _running.acquire(blocking=False):
        return  # one retry at a time; the running one finds the new failures too
    try:
        report = retry_submissions(state.engine)
        if report.still_failed:
            state.capture_retry_pending = True
        log.info(
            "retried %s failed submissions: %s processed, %s still failed",
            report.retried,
            report.processed,
            report.still_failed,
        )
    finally:
        _running.release()
