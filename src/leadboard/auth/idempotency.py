"""The answers kept under API tokens' idempotency keys (web/api/idempotency.py has the rules)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from leadboard.db.schema import idempotency_keys
from leadboard.db.times import to_db

__all__ = ["StoredAnswer", "claim_key", "keep_answer", "stored_answer"]


@dataclass(frozen=True)
class StoredAnswer:
    request_hash: str  # of method, path and body: the same key for another request is refused
    status_code: int
    body: Any


def stored_answer(conn: Connection, token_id: int, key: str) -> StoredAnswer | None:
    row = conn.execute(
        select(
            idempotency_keys.c.request_hash,
            idempotency_keys.c.status_code,
            idempotency_keys.c.response,
        ).where(idempotency_keys.c.token_id == token_id, idempotency_keys.c.key == key)
    ).first()
    return None if row is None else StoredAnswer(row.request_hash, row.status_code, row.response)


def claim_key(
    conn: Connection, token_id: int, key: str, request_hash: str, now: datetime
) -> StoredAnswer | None:
    """Take the key with the transaction's first statement (None), or the answer stored under it.

    A concurrent twin's INSERT ... ON CONFLICT DO NOTHING waits for the first transaction (on
    PostgreSQL for the unique key, on SQLite for the write lock) and then finds its answer; if
    the first rolled back (a refusal stores nothing), the twin's claim goes through. The row is
    inserted with a placeholder answer that keep_answer fills before the commit, so no other
    transaction ever reads the placeholder.
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    inserted = conn.execute(
        dialect.insert(idempotency_keys)
        .values(
            token_id=token_id,
            key=key,
            request_hash=request_hash,
            status_code=0,
            response={},
            created_at=to_db(now),
        )
        .on_conflict_do_nothing()
        .returning(idempotency_keys.c.key)  # rowcount is not reliable here; RETURNING is
    ).first()
    if inserted is not None:
        return None
    found = stored_answer(conn, token_id, key)
    if found is None:  # the holder rolled back between our insert and our read: none to replay
        raise RuntimeError(f"idempotency key {key!r} vanished")
    return found


def keep_answer(conn: Connection, token_id: int, key: str, status_code: int, body: Any) -> None:
    """The claimed key's answer, in the write's own transaction."""
    conn.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.token_id == token_id, idempotency_keys.c.key == key)
        .values(status_code=status_code, response=body)
    )
