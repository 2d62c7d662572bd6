"""API tokens for integrations: a random secret shown once; only its sha256 is stored."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from leadboard.db.schema import api_tokens, associates
from leadboard.db.times import from_db, to_db

TOUCH_EVERY = timedelta(minutes=1)  # how often a token's use is written down

PREFIX = "lb_"


@dataclass(frozen=True)
class Token:
    id: int
    name: str
    associate_id: int | None


@dataclass(frozen=True)
class TokenInfo:
    """A token as `token list` shows it (never its secret): times are aware UTC datetimes."""

    id: int
    name: str
    user: str | None  # the email of the associate it acts as; None for an integration
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    conn: Connection, name: str, now: datetime, associate_id: int | None = None
) -> str:
    """Store a new token and return its secret (the only time it is available)."""
    if not name.strip():
        raise ValueError("a token needs a name")
    secret = PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        insert(api_tokens).values(
            name=name.strip(),
            token_hash=_digest(secret),
            associate_id=associate_id,
            created_at=to_db(now),
        )
    )
    return secret


def check_token(conn: Connection, secret: str, now: datetime) -> Token | None:
    """The token for a secret, if it exists and is not revoked. Its last use is written down
    at most once a minute (as a session's): a read through the API writes nothing then, so it
    does not queue for SQLite's write lock and still works on a database that takes no writes."""
    row = conn.execute(
        select(
            api_tokens.c.id,
            api_tokens.c.name,
            api_tokens.c.associate_id,
            api_tokens.c.last_used_at,
        ).where(api_tokens.c.token_hash == _digest(secret), api_tokens.c.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    last = _moment(row.last_used_at)
    if last is None or now - last >= TOUCH_EVERY:
        conn.execute(
            update(api_tokens).where(api_tokens.c.id == row.id).values(last_used_at=to_db(now))
        )
    return Token(row.id, row.name, row.associate_id)


def list_tokens(conn: Connection) -> list[TokenInfo]:
    """Every token, revoked ones too, by id."""
    rows = conn.execute(
        select(
            api_tokens.c.id,
            api_tokens.c.name,
            associates.c.email,
            api_tokens.c.created_at,
            api_tokens.c.last_used_at,
            api_tokens.c.revoked_at,
        )
        .outerjoin(associates, associates.c.id == api_tokens.c.associate_id)
        .order_by(api_tokens.c.id)
    ).all()
    return [
        TokenInfo(
            row.id,
            row.name,
            row.email,
            from_db(row.created_at),
            _moment(row.last_used_at),
            _moment(row.revoked_at),
        )
        for row in rows
    ]


def _moment(value: datetime | None) -> datetime | None:
    return None if value is None else from_db(value)


def token_exists(conn: Connection, token_id: int) -> bool:
    """Whether a token with this id was ever created (revoked or not)."""
    found = conn.execute(select(api_tokens.c.id).where(api_tokens.c.id == token_id)).first()
    return found is not None


def revoke_token(conn: Connection, token_id: int, now: datetime) -> bool:
    """Revoke a token; False when it is unknown or revoked already."""
    result = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=to_db(now))
    )
    return bool(result.rowcount)
