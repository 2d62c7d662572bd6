"""FastAPI dependencies: the signed-in user (session cookie) or an API token (bearer).

The session cookie (Starlette's signed cookie) carries a random session token and the CSRF
token; who the session belongs to, and whether it still holds, is in the `sessions` table
(auth/sessions.py), asked on every request, so an ended session is refused at once.
"""

from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import select

from leadboard.auth.sessions import SessionUser, session_user
from leadboard.auth.tokens import check_token
from leadboard.db.schema import associates

SESSION_TOKEN = "sid"  # noqa: S105 - the key of the session token in the signed cookie
_CACHE = "leadboard_session_user"  # request.state: asked once per request
_BEARER = "leadboard_bearer_principal"


@dataclass(frozen=True)
class Principal:
    """Who makes a request: a user (associate) and/or an API token."""

    associate_id: int | None
    email: str | None
    role: str
    token_id: int | None = None


def _user(request: Request, associate_id: int) -> Principal | None:
    with request.app.state.engine.connect() as conn:
        row = conn.execute(
            select(associates.c.email, associates.c.role, associates.c.active).where(
                associates.c.id == associate_id
            )
        ).first()
    if row is None or not row.active:
        return None
    return Principal(associate_id, row.email, row.role)


def signed_in(request: Request) -> SessionUser | None:
    """The user of this request's session cookie, if the session is valid (cached per request)."""
    if hasattr(request.state, _CACHE):
        cached: SessionUser | None = getattr(request.state, _CACHE)
        return cached
    token = request.session.get(SESSION_TOKEN)
    user = None
    if isinstance(token, str) and token:
        state = request.app.state
        with state.engine.begin() as conn:
            user = session_user(conn, token, state.clock.now())
    setattr(request.state, _CACHE, user)
    return user


def forget_signed_in(request: Request) -> None:
    """After log-in or log-out: the next question reads the session again."""
    if hasattr(request.state, _CACHE):
        delattr(request.state, _CACHE)


def session_principal(request: Request) -> Principal | None:
    user = signed_in(request)
    return Principal(user.associate_id, user.email, user.role) if user else None


def bearer_principal(request: Request) -> Principal | None:
    """The bearer token's principal, asked once per request (web/limits.py asks first)."""
    if hasattr(request.state, _BEARER):
        cached: Principal | None = getattr(request.state, _BEARER)
        return cached
    found = _bearer_principal(request)
    setattr(request.state, _BEARER, found)
    return found


def _bearer_principal(request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    state = request.app.state
    with state.engine.begin() as conn:
        token = check_token(conn, secret.strip(), state.clock.now())
    if token is None:
        return None
    if token.associate_id is not None:
        user = _user(request, token.associate_id)
        if user is None:
            return None
        return Principal(user.associate_id, user.email, user.role, token.id)
    return Principal(None, None, "integration", token.id)


def require_principal(request: Request) -> Principal:
    """Every /api call: a signed-in session or a valid bearer token, else 401."""
    principal = bearer_principal(request) or session_principal(request)
    if principal is None:
        raise HTTPException(
            401,
            detail="sign in, or send Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


def require_token(request: Request) -> Principal:
    """Integration endpoints: an API token only."""
    principal = bearer_principal(request)
    if principal is None:
        raise HTTPException(
            401,
            detail="send Authorization: Bearer <token> (leadboard token create)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal
