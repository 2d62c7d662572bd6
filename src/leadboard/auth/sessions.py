"""Server-side log-in sessions: the cookie carries a random token, the `sessions` table says whose.

Only the token's sha256 is stored, so a copy of the database opens no sessions. A session ends
when it is revoked (logout, a password change, deactivation, a role change: `end_sessions`) or
when it has not been used for `IDLE` (each use moves `expires_at`, at most once a minute so a
busy page does not write on every request). Every check also needs the associate to be active
and to have a password, so deactivation locks out even a session nobody revoked.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from leadboard.db.schema import associates, sessions
from leadboard.db.times import to_db

IDLE = timedelta(days=14)  # a session unused this long has expired
TOUCH_EVERY = timedelta(minutes=1)  # how often a use is written down


@dataclass(frozen=True)
class SessionUser:
    """The signed-in associate of a valid session."""

    associate_id: int
    email: str
    name: str
    role: str
    language: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(conn: Connection, associate_id: int, now: datetime) -> str:
    """A new session for the associate; returns its token (for the cookie only)."""
    token = secrets.token_urlsafe(32)
    at = to_db(now)
    # Sessions that expired a while ago are of no use to anyone: drop them here, cheaply.
    conn.execute(delete(sessions).where(sessions.c.expires_at < at - IDLE))
    conn.execute(
        insert(sessions).values(
            id=_digest(token),
            associate_id=associate_id,
            created_at=at,
            last_seen_at=at,
            expires_at=at + IDLE,
        )
    )
    return token


def session_user(conn: Connection, token: str, now: datetime) -> SessionUser | None:
    """Who a session token belongs to, if it is valid now; records the use."""
    at = to_db(now)
    row = conn.execute(
        select(
            sessions.c.id,
            sessions.c.last_seen_at,
            associates.c.id.label("associate_id"),
            associates.c.email,
            associates.c.name,
            associates.c.role,
            associates.c.language,
        )
        .join(associates, associates.c.id == sessions.c.associate_id)
        .where(
            sessions.c.id == _digest(token),
            sessions.c.revoked_at.is_(None),
            sessions.c.expires_at > at,
            associates.c.active.is_(True),
            associates.c.password_hash.is_not(None),
        )
    ).first()
    if row is None:
        return None
    if at - row.last_seen_at >= TOUCH_EVERY:
        conn.execute(
            update(sessions)
            .where(sessions.c.id == row.id)
            .values(last_seen_at=at, expires_at=at + IDLE)
        )
    return SessionUser(row.associate_id, row.email, row.name, row.role, row.language)


def end_session(conn: Connection, token: str, now: datetime) -> None:
    """Log-out: this session only."""
    conn.execute(
        update(sessions)
        .where(sessions.c.id == _digest(token), sessions.c.revoked_at.is_(None))
        .values(revoked_at=to_db(now))
    )


def end_sessions(conn: Connection, associate_id: int, now: datetime) -> int:
    """Every open session of an associate (password or role changed, deactivated); how many."""
    result = conn.execute(
        update(sessions)
        .where(sessions.c.associate_id == associate_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=to_db(now))
    )
    return int(result.rowcount or 0)
