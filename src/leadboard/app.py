"""create_app(settings): the whole web application, built fresh each time (no import-time state)."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.middleware.sessions import SessionMiddleware

from leadboard import __version__
from leadboard.auth.secret import session_secret
from leadboard.capture import routes as capture_routes
from leadboard.clock import Clock, SystemClock
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.semantic.filters import InputError
from leadboard.settings import Settings
from leadboard.web.api import chats, dashboards, forms, leads, sales
from leadboard.web.api.errors import validation_error_response
from leadboard.web.pages import routes as pages
from leadboard.web.pages import setup as page_setup

# Which inputs are looked up rather than validated: an unknown one is "not found".
NOT_FOUND_FIELDS = ("slug", "tile_key")
SESSION_DAYS = 14


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="Leadboard",
        version=__version__,
        description="Lead analytics: dashboards of tiles, lead capture and a REST API.",
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.engine = engine = make_engine(settings.database_url)
    upgrade(engine)

    # Signed (itsdangerous), HttpOnly, SameSite=Lax session cookies.
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(engine, settings.secret_key),
        session_cookie="leadboard_session",
        max_age=SESSION_DAYS * 24 * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )

    # Pages: templates, /static, HTML error pages and the redirect to /login (web/pages/setup.py).
    page_setup.install(app)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        status = 404 if exc.field in NOT_FOUND_FIELDS else 422
        if page_setup.wants_html(request):
            return page_setup.error_page(request, status, f"{exc.field}: {exc.message}")
        return JSONResponse({"error": {"field": exc.field, "message": exc.message}}, status)

    @app.exception_handler(RequestValidationError)
    async def request_validation_error(request: Request, exc: RequestValidationError) -> Response:
        if page_setup.wants_html(request):
            return page_setup.validation_error_page(request, exc)
        # 422 {"error": {"field", "message"}, "errors": [...]}: the field named, as above.
        return validation_error_response(exc)

    for module in (dashboards, leads, sales, forms, chats, capture_routes, pages):
        app.include_router(module.router)
    return app
