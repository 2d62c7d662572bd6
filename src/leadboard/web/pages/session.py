"""Who is looking at a page: the signed-in user from the session cookie, CSRF tokens, language.

Sessions are Starlette's signed cookies (itsdangerous; HttpOnly, SameSite=Lax, set up in app.py).
Every form POST carries a CSRF token kept in the session (the synchronizer-token pattern); the
token is replaced at log-in, so a token planted before log-in is worthless after it.
"""

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select

from leadboard.auth.requests import SESSION_USER, Principal, bearer_principal
from leadboard.db.schema import associates
from leadboard.i18n import LANGUAGES, Formatter, choose_language
from leadboard.semantic.filters import resolve_language

CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
THEME_COOKIE = "leadboard_theme"
THEMES = ("light", "dark")


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: str
    language: str


class LoginRequired(Exception):
    """A page asked for by someone not signed in: app.py answers with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def load_user(request: Request, associate_id: int) -> User | None:
    with request.app.state.engine.connect() as conn:
        row = conn.execute(
            select(
                associates.c.id,
                associates.c.email,
                associates.c.name,
                associates.c.role,
                associates.c.language,
                associates.c.active,
            ).where(associates.c.id == associate_id)
        ).first()
    if row is None or not row.active:
        return None
    return User(row.id, row.email, row.name, row.role, row.language)


def session_user(request: Request) -> User | None:
    associate_id = request.session.get(SESSION_USER)
    return load_user(request, associate_id) if isinstance(associate_id, int) else None


def page_user(request: Request) -> User:
    """Dependency of every page: the signed-in user, else a redirect to the login form."""
    user = session_user(request)
    if user is None:
        raise LoginRequired(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")
        )
    return user


PageUser = Annotated[User, Depends(page_user)]


def twin_viewer(request: Request) -> tuple[User | None, Principal | None]:
    """JSON twins answer a session or a bearer token (like /api), else 401."""
    user = session_user(request)
    if user is not None:
        return user, None
    principal = bearer_principal(request)
    if principal is None:
        raise HTTPException(
            401,
            detail="sign in, or send Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if principal.associate_id is not None:
        return load_user(request, principal.associate_id), principal
    return None, principal


def sign_in(request: Request, associate_id: int) -> None:
    """A fresh session (no fixation): only the user and a new CSRF token."""
    request.session.clear()
    request.session[SESSION_USER] = associate_id
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    request.session.clear()


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def csrf_ok(request: Request, submitted: str | None) -> bool:
    expected = request.session.get(CSRF_KEY)
    given = submitted or request.headers.get(CSRF_HEADER)
    if not isinstance(expected, str) or not expected or not given:
        return False
    return secrets.compare_digest(expected.encode(), given.encode())


def require_csrf(request: Request, submitted: str | None) -> None:
    if not csrf_ok(request, submitted):
        raise HTTPException(403, detail="missing or wrong CSRF token; reload the page")


def language(request: Request, user: User | None) -> str:
    return choose_language(
        request.query_params.get("lang"),
        user.language if user else None,
        request.headers.get("accept-language"),
    )


def twin_language(request: Request, user: User | None) -> str:
    """JSON twins and CSV: like the pages, but a wrong ?lang= is an error (as in the API)."""
    if request.query_params.get("lang"):
        return resolve_language(request.query_params["lang"])
    return language(request, user)


def url_language(request: Request) -> str | None:
    """The `?lang=` of this URL when valid: links on the page keep it."""
    lang = (request.query_params.get("lang") or "").strip().lower()
    return lang if lang in LANGUAGES else None


def theme(request: Request, default: str = "light") -> str:
    chosen = request.cookies.get(THEME_COOKIE)
    return chosen if chosen in THEMES else default


def formatter(request: Request, lang: str) -> Formatter:
    settings = request.app.state.settings
    return Formatter(lang, settings.tz, settings.base_currency)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never //host or /\\host (open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


def with_query(path: str, **params: str | int | None) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path
