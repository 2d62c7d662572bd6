"""Password hashing with argon2 (argon2-cffi's recommended parameters).

A new password is set with leadboard.domain.users.set_password, which also ends the user's
sessions.
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select

from leadboard.db.schema import associates

_hasher = PasswordHasher()
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(conn: Connection, email: str, password: str) -> int | None:
    """The associate id for a correct email + password of an active user, else None.

    An associate without a password or an inactive one cannot log in, whatever is typed.
    """
    row = conn.execute(
        select(associates.c.id, associates.c.password_hash, associates.c.active).where(
            associates.c.email == email.strip().lower()
        )
    ).first()
    if row is None or not row.password_hash:
        _hasher.hash(password)  # spend the same time as a real check: no user enumeration
        return None
    if not verify_password(row.password_hash, password) or not row.active:
        return None
    return int(row.id)
