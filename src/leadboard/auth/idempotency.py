"""The answers kept under API tokens' idempotency keys (web/api/idempotency.py has the rules)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from leadboard.db.schema import idempotency_keys
from leadboard.db.times import to_db

__all__ = ["StoredAnswer", "store_answer", "stored_answer"]


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


def store_answer(
    conn: Connection, token_id: int, key: str, answer: StoredAnswer, now: datetime
) -> None:
    """Keep the answer (in the write's own transaction); a concurrent twin raises IntegrityError."""
    conn.execute(
        insert(idempotency_keys).values(
            token_id=token_id,
            key=key,
            request_hash=answer.request_hash,
            status_code=answer.status_code,
            response=answer.body,
            created_at=to_db(now),
        )
    )
