"""Error bodies of the API: `{"error": {"field", "message"}, "errors": [...]}`, every status.

`ApiRoute` answers the domain's `FieldError`s (404, 409, 422) for the routes of the REST API,
`validation_error_body` shapes FastAPI's request validation errors the same way, and
`http_error_response` every other HTTP error (401, 403, 404 for an unknown path, 405, 429, ...;
see app.py and web/pages/setup.py), so no JSON answer of the app is ever `{"detail": ...}`.
"""

import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import exc
from starlette.datastructures import URL
from starlette.exceptions import HTTPException  # FastAPI's and Starlette's own (body errors)
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from leadboard.db.engine import connect_problem
from leadboard.domain.errors import FieldError
from leadboard.i18n import t


class ErrorDetail(BaseModel):
    field: str = Field(description="The input at fault: a body field, query or path parameter")
    message: str


class ErrorOut(BaseModel):
    """Every 4xx answer of the REST API."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {"field": "country", "message": "'XX' is not an ISO 3166-1 code"},
                    "errors": [{"field": "country", "message": "'XX' is not an ISO 3166-1 code"}],
                }
            ]
        }
    )
    error: ErrorDetail = Field(description="The first problem")
    errors: list[ErrorDetail] = Field(description="Every problem found")


def error_response(
    status: int, field: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    detail = {"field": field, "message": message}
    return JSONResponse({"error": detail, "errors": [detail]}, status, headers=headers)


DATABASE_RETRY_AFTER = 5  # seconds a client waits before it tries again when the database is away
log = logging.getLogger(__name__)


def database_unavailable(method: str, path: str, error: exc.OperationalError) -> JSONResponse:
    """503 + Retry-After for a database that is down or restarting, refused the connection, or
    takes no writes (disk full, read-only file); logged with why. Its transaction was rolled
    back: nothing is half-written. The engine's pool reconnects once the database answers."""
    log.warning("database unavailable during %s %s: %s", method, path, connect_problem(error, None))
    retry = {"Retry-After": str(DATABASE_RETRY_AFTER)}
    return error_response(503, "database", t("en", "error.503"), retry)


# What an HTTP error without a field of its own is about.
HTTP_ERROR_FIELDS = {
    401: "Authorization",
    403: "Authorization",
    404: "path",
    405: "method",
    406: "Accept",
    413: "body",
    415: "Content-Type",
    429: "rate",
}


def http_error_response(
    status: int, detail: object, url: URL, method: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """Any HTTPException (FastAPI's, Starlette's, our own) as the API's error body."""
    field = HTTP_ERROR_FIELDS.get(status, "request")
    if status == 404 and detail in (None, "Not Found"):
        message = f"no such endpoint: {url.path}"
    elif status == 405 and detail in (None, "Method Not Allowed"):
        allowed = next((v for k, v in (headers or {}).items() if k.lower() == "allow"), None)
        message = f"{method} is not allowed here" + (f"; use {allowed}" if allowed else "")
    else:
        message = str(detail) if detail else f"HTTP {status}"
    return error_response(status, field, message, headers)


SERVER_ERROR = "the server failed to answer; the error is in its log"


def server_error_response() -> JSONResponse:
    return error_response(500, "server", SERVER_ERROR)


def _field_name(loc: Sequence[int | str]) -> str:
    """("body", "fields", 0, "name") -> "fields[0].name"; ("query", "page") -> "page"."""
    parts = list(loc[1:]) if len(loc) > 1 and loc[0] in ("body", "query", "path", "header") else []
    if not parts:
        return str(loc[0]) if loc else "body"
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "is required"
    if kind == "json_invalid":
        return "the body is not valid JSON"
    if kind in ("model_attributes_type", "dict_type", "model_type") and len(error["loc"]) <= 1:
        return "the body must be a JSON object"
    message = str(error.get("msg", "is invalid"))
    return message.removeprefix("Value error, ")


def validation_error_body(errors: Sequence[Any]) -> dict[str, Any]:
    details = [
        {
            "field": "body" if e.get("type") == "json_invalid" else _field_name(e.get("loc", ())),
            "message": _message(e),
        }
        for e in errors
    ]
    if not details:
        details = [{"field": "body", "message": "is invalid"}]
    return {"error": details[0], "errors": details}


def validation_error_response(exc: RequestValidationError) -> JSONResponse:
    return JSONResponse(validation_error_body(exc.errors()), 422)


METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(scope: Scope) -> list[str]:
    """Every method some route of the app answers on this path: FastAPI makes one route per
    method, and Starlette's 405 names only the first one's."""
    routes: list[BaseRoute] = getattr(scope.get("router"), "routes", [])
    return [
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    ]


class AllowingRoute(APIRoute):
    """A route whose 405 (a method no route of its path has) names in `Allow` every method the
    path has."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            raise HTTPException(405, headers={"Allow": ", ".join(allowed_methods(scope))})
        await super().handle(scope, receive, send)


class ApiRoute(AllowingRoute):
    """A route whose domain refusals and auth failures become the API's error bodies. One that
    takes a body documents the 413 of web/limits.py; one with path parameters a 404 (a `/` in
    one makes another path, which no route has)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        if self.body_field is not None:
            self.responses = {**TOO_LARGE, **self.responses}
        if "{" in path and 404 not in self.responses:
            self.responses = {**NO_SUCH_PATH, **self.responses}

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except FieldError as exc:
                return error_response(exc.status, exc.field, exc.message)
            except RequestValidationError as exc:
                return validation_error_response(exc)
            except HTTPException as exc:
                if exc.status_code == 400:  # FastAPI could not read the body (e.g. not UTF-8)
                    return error_response(422, "body", "the body is not valid JSON")
                if exc.status_code != 401:
                    raise
                headers = dict(exc.headers) if exc.headers else None
                return error_response(401, "Authorization", str(exc.detail), headers)

        return route_handler


# The documented error answers of every operation (merged into each route's `responses`).
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid `Authorization: Bearer <token>` header"},
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "Invalid input; `error.field` names it"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No record with this id"},
}
NO_SUCH_PATH: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such endpoint (a path parameter with a `/`)"},
}
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorOut, "description": "A body over LEADBOARD_MAX_BODY_KB; `field` is `body`"},
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Clashes with a stored record (a duplicate key)"},
}


def responses(*parts: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    merged: dict[int | str, dict[str, Any]] = {**UNAUTHORIZED, **INVALID}
    for part in parts:
        merged.update(part)
    return merged
