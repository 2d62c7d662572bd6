"""create_app(settings): the whole web application, built fresh each time (no import-time state)."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from leadboard import __version__
from leadboard.clock import Clock, SystemClock
from leadboard.db.engine import make_engine
from leadboard.semantic.filters import InputError
from leadboard.settings import Settings
from leadboard.web.api import dashboards as dashboards_api

# Which inputs are looked up rather than validated: an unknown one is "not found".
NOT_FOUND_FIELDS = ("slug", "tile_key")


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="Leadboard",
        version=__version__,
        description="Lead analytics: dashboards of lead and sales tiles.",
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.engine = make_engine(settings.database_url)

    @app.exception_handler(InputError)
    async def input_error(_request: Request, exc: InputError) -> JSONResponse:
        status = 404 if exc.field in NOT_FOUND_FIELDS else 422
        return JSONResponse({"error": {"field": exc.field, "message": exc.message}}, status)

    app.include_router(dashboards_api.router)
    return app
