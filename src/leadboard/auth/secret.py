"""The key that signs session cookies: LEADBOARD_SECRET_KEY, else one kept in the database.

Keeping a generated key in the `meta` table means zero set-up and sessions that survive restarts.
"""

import secrets

from sqlalchemy import Engine, insert, select

from leadboard.db.schema import meta

META_KEY = "session_secret"


def session_secret(engine: Engine, configured: str | None) -> str:
    if configured:
        return configured
    with engine.begin() as conn:
        found = conn.execute(select(meta.c.value).where(meta.c.key == META_KEY)).scalar()
        if found:
            return str(found)
        secret = secrets.token_urlsafe(48)
        conn.execute(insert(meta).values(key=META_KEY, value=secret))
        return secret
