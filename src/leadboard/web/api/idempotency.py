"""Idempotency keys for POST requests (the `Idempotency-Key` header, as Stripe and the IETF draft
"The Idempotency-Key HTTP Header Field" use it).

* Same token + same key + same request (method, path and the *validated* body, so key order and
  whitespace do not matter) -> the stored first answer again: same status, same body, header
  `Idempotent-Replayed: true`, and nothing written twice.
* Same token + same key + a different request -> 422 naming `Idempotency-Key`.
* The answer is stored in the same transaction as the write it describes: either both are
  committed or neither is (the group commit's, db/writer.py: a savepoint of its own in it).
  Refusals (4xx) are not stored: they wrote nothing, so a corrected retry with the same key
  may still succeed.
* Keys are scoped per API token; they are kept (a later clean-up may drop old ones).
* Concurrent twins: the key is claimed with the transaction's first statement (INSERT ... ON
  CONFLICT DO NOTHING, auth/idempotency.py), so a twin waits for the first request's commit (or
  comes after it in the same batch) and replays its answer, on PostgreSQL as on SQLite (no 409
  from the write's own duplicate checks).
"""

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from leadboard.auth.idempotency import StoredAnswer, claim_key, keep_answer
from leadboard.auth.requests import Principal
from leadboard.db.writer import GroupWriter
from leadboard.domain.errors import FieldError

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="A unique key per intended write (e.g. a UUID). A retry with the same key "
        "and the same request gets the first answer again instead of a second record.",
        examples=["8e03978e-40d5-43e8-bc93-6894a57f9324"],
    ),
]

Write = Callable[[Connection], tuple[int, BaseModel]]


def request_hash(method: str, path: str, payload: BaseModel | None) -> str:
    body = payload.model_dump(mode="json") if payload is not None else None
    text = json.dumps([method.upper(), path, body], sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(found: StoredAnswer, digest: str) -> JSONResponse:
    if found.request_hash != digest:
        raise FieldError(HEADER, "this key was already used for a different request; use a new key")
    return JSONResponse(found.body, found.status_code, headers={REPLAYED: "true"})


def idempotent_write(
    request: Request,
    principal: Principal,
    key: str | None,
    payload: BaseModel | None,
    write: Write,
) -> JSONResponse:
    """Run `write` in one transaction, remembering its answer under the key (if one is given)."""
    state = request.app.state
    writer: GroupWriter = state.writer
    token_id = principal.token_id if key is not None else None
    digest = request_hash(request.method, request.url.path, payload)

    def job(conn: Connection) -> JSONResponse:
        if token_id is not None and key is not None:
            found = claim_key(conn, token_id, key, digest, state.clock.now())
            if found is not None:
                return _replay(found, digest)
        status, model = write(conn)
        body: Any = model.model_dump(mode="json")
        if token_id is not None and key is not None:
            keep_answer(conn, token_id, key, status, body)
        return JSONResponse(body, status)

    for attempt in (1, 2):
        try:
            # Written by the group commit with the captures (db/writer.py): answered once it
            # is committed. Overloaded (the queue is full) answers 503 (app.py).
            return writer.submit(job).result()
        except IntegrityError:
            # A concurrent request committed the same key or record first. Once more: the
            # replay or the write's own checks now see it and answer accordingly.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
