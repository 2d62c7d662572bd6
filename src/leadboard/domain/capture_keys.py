"""Idempotency keys of capture posts: `Idempotency-Key` per form, kept with the submission it
made, so a retry (even after a restart) gets the first answer instead of another conversion.

A post claims its key with the first statement of its transaction (INSERT ... ON CONFLICT DO
NOTHING). A twin running at the same time waits for that transaction (PostgreSQL waits on the
unique key, SQLite for the one write lock), then finds the key taken and replays the answer;
if the first rolled back, the twin's claim goes through and it stores the post itself.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from leadboard.db.schema import capture_keys, form_submissions
from leadboard.db.times import to_db

__all__ = ["Claim", "answer_of", "claim_key", "link_submission"]


@dataclass(frozen=True)
class Claim:
    """A key another post holds: what it was for and the submission it made."""

    request_hash: str
    submission_id: int | None


def claim_key(
    conn: Connection, form_id: int, key: str, request_hash: str, now: datetime
) -> Claim | None:
    """Take the key for this post (None), or the earlier post's claim when it is taken."""
    values = {
        "form_id": form_id,
        "key": key,
        "request_hash": request_hash,
        "created_at": to_db(now),
    }
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    # RETURNING, not rowcount: the row comes back only when this insert made it.
    inserted = conn.execute(
        dialect.insert(capture_keys)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(capture_keys.c.key)
    ).first()
    if inserted is not None:
        return None
    row = conn.execute(
        select(capture_keys.c.request_hash, capture_keys.c.submission_id).where(
            capture_keys.c.form_id == form_id, capture_keys.c.key == key
        )
    ).one()
    return Claim(row.request_hash, row.submission_id)


def link_submission(conn: Connection, form_id: int, key: str, submission_id: int) -> None:
    conn.execute(
        update(capture_keys)
        .where(capture_keys.c.form_id == form_id, capture_keys.c.key == key)
        .values(submission_id=submission_id)
    )


def answer_of(conn: Connection, submission_id: int) -> tuple[int, dict[str, Any]]:
    """The capture answer a stored submission stands for: 201 processed, 202 failed (a failed
    post retried since then answers as processed: that is what it is now)."""
    row = conn.execute(
        select(
            form_submissions.c.id,
            form_submissions.c.lead_id,
            form_submissions.c.is_conversion,
            form_submissions.c.status,
        ).where(form_submissions.c.id == submission_id)
    ).one()
    if row.status == "processed":
        body = {
            "submission_id": row.id,
            "lead_id": row.lead_id,
            "conversion": bool(row.is_conversion),
            "status": "processed",
        }
        return 201, body
    return 202, {"submission_id": row.id, "lead_id": None, "status": "failed"}
