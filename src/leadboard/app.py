"""create_app(settings): the whole web application, built fresh each time (no import-time state)."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import Engine, exc
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware

from leadboard import __version__
from leadboard.auth.secret import session_secret
from leadboard.auth.sessions import IDLE
from leadboard.auth.throttle import LoginThrottle
from leadboard.capture import routes as capture_routes
from leadboard.capture.reference import ReferenceCache
from leadboard.capture.spool import spool_for
from leadboard.clock import Clock, SystemClock, end_of_day_clock, parse_day
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.writer import GroupWriter, Overloaded
from leadboard.i18n import t
from leadboard.semantic.filters import InputError
from leadboard.settings import Settings
from leadboard.web.api import admin, chats, dashboards, forms, health, leads, sales, selections
from leadboard.web.api.errors import (
    database_unavailable,
    error_response,
    server_error_response,
    validation_error_response,
)
from leadboard.web.headers import SecurityHeaders, allow_own_inline_scripts, secured
from leadboard.web.limits import BodyLimits
from leadboard.web.logs import RequestLog, with_request_id
from leadboard.web.pages import routes as pages
from leadboard.web.pages import setup as page_setup

# Which inputs are looked up rather than validated: an unknown one is "not found".
NOT_FOUND_FIELDS = ("slug", "tile_key")
SWAGGER_UI = "/static/vendor/swagger-ui"  # copied from the pinned npm package (vendor-assets)


@asynccontextmanager
async def _close_writer(app: FastAPI) -> AsyncIterator[None]:
    """At shutdown, what waits for the writer is written before the process ends."""
    yield
    await run_in_threadpool(app.state.writer.close)


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, engine: Engine | None = None
) -> FastAPI:
    """`engine`: one the caller has opened and migrated already (`leadboard serve`), so a start
    upgrades once; None: an engine for `settings.database_url`, migrated here."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        lifespan=_close_writer,
        title="Leadboard",
        version=__version__,
        description="Lead analytics: dashboards of tiles, lead capture and a REST API.",
        # /docs is served below from the vendored Swagger UI, never from a CDN; no ReDoc.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    if engine is None:
        engine = make_engine(settings.database_url)
        upgrade(engine)  # nothing to migrate: one small query, no whole-database check
    app.state.engine = engine
    app.state.login_throttle = LoginThrottle()
    # Captures and REST writes go through one queue (db/writer.py: group commit on SQLite).
    # SQLite: captures that would wait long for another process's lock go to the spool.
    app.state.spool = spool_for(engine)
    # Posts an earlier process spooled: stored after this process's first committed capture.
    app.state.capture_spool_pending = app.state.spool is not None and app.state.spool.waiting() > 0
    spool_after = settings.capture_spool_after_ms if app.state.spool is not None else 0
    app.state.writer = GroupWriter.for_engine(engine, settings.capture_queue, spool_after)
    app.state.reference = ReferenceCache(engine)  # forms, statuses, rules for captures

    # Body limits and credentials before bodies (web/limits.py): inside the session middleware
    # (added after it, so it runs first), which it needs to know a signed-in user.
    app.add_middleware(BodyLimits, max_body_kb=settings.max_body_kb)
    # Signed (itsdangerous), HttpOnly, SameSite=Lax cookies carrying the server-side session's
    # token (auth/sessions.py) and the CSRF token; Secure with LEADBOARD_SECURE_COOKIES.
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(engine, settings.secret_key),
        session_cookie="leadboard_session",
        max_age=int(IDLE.total_seconds()),
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    # The security headers every answer lacks (web/headers.py), 401s and 413s too.
    app.add_middleware(SecurityHeaders)
    # Outermost: the request id is set before any other middleware runs (what they log carries
    # it), and the access line times and sees every answer, SecurityHeaders' work included.
    app.add_middleware(RequestLog)

    # Pages: templates, /static, HTML error pages and the redirect to /login (web/pages/setup.py).
    page_setup.install(app)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        status = 404 if exc.field in NOT_FOUND_FIELDS else 422
        if page_setup.wants_html(request):
            return page_setup.error_page(request, status, f"{exc.field}: {exc.message}")
        return error_response(status, exc.field, exc.message)

    @app.exception_handler(Overloaded)
    async def overloaded(request: Request, exc: Overloaded) -> Response:
        # More writes wait for the group commit than LEADBOARD_CAPTURE_QUEUE: nothing stored.
        return error_response(
            503, "queue", f"too many writes at once ({exc})", {"Retry-After": str(exc.retry_after)}
        )

    @app.exception_handler(exc.OperationalError)
    async def database_away(request: Request, error: exc.OperationalError) -> Response:
        # Down, restarting, full or read-only: 503 + Retry-After and a log line, never a 500.
        answer = database_unavailable(request.method, request.url.path, error)
        if page_setup.wants_html(request):
            try:
                page = page_setup.error_page(request, 503)
            except exc.OperationalError:  # the page's own session lookup needs the database
                page = PlainTextResponse(t("en", "error.503"), 503)
            page.headers["Retry-After"] = answer.headers["Retry-After"]
            return page
        return answer

    @app.exception_handler(RequestValidationError)
    async def request_validation_error(request: Request, exc: RequestValidationError) -> Response:
        if page_setup.wants_html(request):
            return page_setup.validation_error_page(request, exc)
        # 422 {"error": {"field", "message"}, "errors": [...]}: the field named, as above.
        return validation_error_response(exc)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # RequestLog has logged the exception; Starlette re-raises it after this answer: API
        # clients get the error shape, everything else the plain text Starlette would send.
        if request.url.path.startswith("/api"):
            response = secured(server_error_response(), request.url.path)
        else:
            response = secured(PlainTextResponse("Internal Server Error", 500), request.url.path)
        return with_request_id(response, request.scope)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> Response:
        # FastAPI's page starts Swagger UI with an inline script: its hash, and no other, may run.
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_UI}/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            # No badge from validator.swagger.io: the page asks no other host for anything.
            swagger_ui_parameters={"validatorUrl": None},
        )
        return allow_own_inline_scripts(page)

    # The public capture routes early: a request is matched against the routes in this order,
    # and captures are the most frequent.
    for module in (
        health,
        capture_routes,
        dashboards,
        selections,
        leads,
        sales,
        forms,
        chats,
        admin,
        pages,
    ):
        app.include_router(module.router)
    return app


# `leadboard serve --today D` for the worker processes of `--workers N` (not a setting).
SERVE_TODAY = "LEADBOARD_SERVE_TODAY"


def create_app_from_environment() -> FastAPI:
    """Each worker of `leadboard serve --workers N` builds its app here (uvicorn's factory), from
    the LEADBOARD_* variables `serve` set. `serve` migrated the database and made the session
    key before it started the workers, so a worker only opens an engine of its own."""
    settings = Settings.from_env()
    today = os.environ.get(SERVE_TODAY)
    clock = end_of_day_clock(parse_day(today), settings.tz) if today else None
    return create_app(settings, clock, make_engine(settings.database_url))
