"""FastAPI dependencies: the signed-in user (session cookie) or an API token (bearer)."""

from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import select

from leadboard.auth.tokens import check_token
from leadboard.db.schema import associates

SESSION_USER = "user_id"


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


def session_principal(request: Request) -> Principal | None:
    associate_id = request.session.get(SESSION_USER)
    return _user(request, associate_id) if isinstance(associate_id, int) else None


def bearer_principal(request: Request) -> Principal | None:
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
