"""Who is looking at a page: the signed-in user from the session cookie, CSRF tokens, language.

Sessions are server-side (the `sessions` table, auth/sessions.py): the cookie, Starlette's signed
one (itsdangerous; HttpOnly, SameSite=Lax, Secure with LEADBOARD_SECURE_COOKIES, set up in
app.py), carries a random session token and the CSRF token. Every form POST carries the CSRF
token (the synchronizer-token pattern); it is replaced at log-in, so a token planted before
log-in is worthless after it.
"""

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request

from leadboard.auth.requests import (
    SESSION_TOKEN,
    Principal,
    bearer_principal,
    forget_signed_in,
    signed_in,
)
from leadboard.auth.sessions import create_session, end_session
from leadboard.domain.users import active_account
from leadboard.i18n import Formatter, choose_language
from leadboard.languages import LANGUAGES
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
        found = active_account(conn, associate_id)
    if found is None:
        return None
    return User(found.id, found.email, found.name, found.role, found.language)


def session_user(request: Request) -> User | None:
    found = signed_in(request)
    if found is None:
        return None
    return User(found.associate_id, found.email, found.name, found.role, found.language)


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
    """A fresh session (no fixation): a new session token and a new CSRF token."""
    state = request.app.state
    with state.engine.begin() as conn:
        token = create_session(conn, associate_id, state.clock.now())
    request.session.clear()
    request.session[SESSION_TOKEN] = token
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)
    forget_signed_in(request)


def sign_out(request: Request) -> None:
    """End this session in the table (the cookie is worthless from now on) and clear it."""
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str) and token:
        state = request.app.state
        with state.engine.begin() as conn:
            end_session(conn, token, state.clock.now())
    request.session.clear()
    forget_signed_in(request)


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
