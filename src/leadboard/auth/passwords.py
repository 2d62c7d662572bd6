"""Password hashing with argon2 (argon2-cffi's recommended parameters)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select, update

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


def set_password(conn: Connection, associate_id: int, password: str) -> None:
    conn.execute(
        update(associates)
        .where(associates.c.id == associate_id)
        .values(password_hash=hash_password(password))
    )


def authenticate(conn: Connection, email: str, password: str) -> int | None:
    """The associate id for a correct email + password of an active user, else None."""
    row = conn.execute(
        select(associates.c.id, associates.c.password_hash, associates.c.active).where(
            associates.c.email == email.strip().lower()
        )
    ).first()
    if row is None:
        _hasher.hash(password)  # spend the same time as a real check: no user enumeration
        return None
    if not row.active or not verify_password(row.password_hash, password):
        return None
    return int(row.id)
