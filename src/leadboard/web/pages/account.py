"""Log in, log out and the user's language: /login, /logout, /settings/language.

Failed log-ins are logged (never the password) and throttled per account and per client address
(auth/throttle.py): the 11th failure within 15 minutes is answered 429 with Retry-After.
"""

import logging
import math
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from leadboard.auth.passwords import authenticate
from leadboard.domain import users
from leadboard.i18n import t
from leadboard.languages import LANGUAGES
from leadboard.web.pages.session import (
    PageUser,
    User,
    csrf_ok,
    language,
    require_csrf,
    safe_next,
    session_user,
    sign_in,
    sign_out,
)
from leadboard.web.pages.setup import render

router = APIRouter(include_in_schema=False)
log = logging.getLogger("leadboard.login")


@router.get("/login")
def login_form(request: Request, next: str | None = None, logged_out: int = 0) -> Response:
    if session_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    lang = language(request, None)
    notice = t(lang, "login.logged_out") if logged_out else None
    return render(
        request,
        "login.html",
        {"lang": lang, "next": safe_next(next), "error": None, "notice": notice},
    )


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    lang = language(request, None)
    target = safe_next(next)
    if not csrf_ok(request, csrf_token):
        context = {"lang": lang, "next": target, "error": t(lang, "login.csrf"), "notice": None}
        return render(request, "login.html", context, status_code=400)
    state = request.app.state
    address = request.client.host if request.client else None
    keys = state.login_throttle.keys(email, address)
    now = state.clock.now()
    wait = state.login_throttle.retry_after(keys, now)
    if wait is not None:
        log.warning("log-in refused: too many failures for %r or from %s", email, address)
        error = t(lang, "login.throttled", minutes=math.ceil(wait / 60))
        context = {"lang": lang, "next": target, "error": error, "notice": None, "email": email}
        return render(
            request, "login.html", context, status_code=429, headers={"Retry-After": str(wait)}
        )
    with state.engine.begin() as conn:
        associate_id = authenticate(conn, email, password)
    if associate_id is None:
        state.login_throttle.failed(keys, now)
        log.warning("failed log-in for %r from %s", email, address)
        # The form again with its error, as 200 (a form's validation error, as Django does):
        # browsers log any 4xx as a console error.
        context = {"lang": lang, "next": target, "error": t(lang, "login.failed"), "notice": None}
        return render(request, "login.html", {**context, "email": email})
    state.login_throttle.succeeded(keys[0])
    sign_in(request, associate_id)
    return RedirectResponse(target, status_code=303)


@router.get("/logout")
def logout_page(request: Request) -> Response:
    """A page with the log-out button: logging out stays a POST with its CSRF token."""
    user = session_user(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return _logout_form(request, user, None, 200)


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    if not csrf_ok(request, csrf_token):
        user = session_user(request)
        if user is None:  # nobody to log out (the session has expired): the login page
            return RedirectResponse("/login", status_code=303)
        # The button again with a fresh token, so one click finishes what the stale page began.
        return _logout_form(request, user, t(language(request, user), "logout.csrf"), 403)
    sign_out(request)
    return RedirectResponse("/login?logged_out=1", status_code=303)


def _logout_form(request: Request, user: User, error: str | None, status: int) -> Response:
    context = {"lang": language(request, user), "user": user, "error": error}
    return render(request, "logout.html", context, status_code=status)


@router.post("/settings/language")
def set_language(
    request: Request,
    user: PageUser,
    lang: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    require_csrf(request, csrf_token)
    if lang not in LANGUAGES:
        raise HTTPException(422, detail=f"lang: use one of {', '.join(LANGUAGES)}")
    with request.app.state.engine.begin() as conn:
        users.set_language(conn, user.id, lang)
    return RedirectResponse(safe_next(next), status_code=303)
