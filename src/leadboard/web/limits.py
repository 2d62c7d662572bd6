"""Request body limits and credentials before bodies (issue 13 item 5): a pure ASGI middleware.

FastAPI reads and parses a route's whole body before it runs the route's dependencies, so an
unauthenticated 100 MB post to /api used to be read into memory (and a 3.5 MB JSON of 200k keys
validated, seconds of CPU) before its 401. Here, before any of the body is read:

* an /api request with a body and no valid credentials (a bearer token or a signed-in session)
  is a 401; the principal is cached on the request, so the route's own check asks no more;
* a body declared (Content-Length) over the limit is a 413;
* a body without a declared length is counted as it streams in and refused with 413 at the limit.

Limits: LEADBOARD_MAX_BODY_KB for every route but the public capture endpoint, which reads its
own body against LEADBOARD_CAPTURE_MAX_BODY_KB (capture/body.py), after its 404/403/429 checks.
A refused body is never read: uvicorn then closes the connection, which is what a client
sending 100 MB should get.
"""

from sqlalchemy import exc
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadboard.auth.requests import bearer_principal, session_principal
from leadboard.web.api.errors import database_unavailable, error_response

CAPTURE_PREFIX = "/capture/"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def _has_body(scope: Scope) -> bool:
    declared = _declared_length(scope)
    chunked = any(name == b"transfer-encoding" for name, _ in scope["headers"])
    return chunked or (declared is not None and declared > 0)


def _too_large(limit: int) -> str:
    return f"larger than {limit // 1024} KiB ({limit} bytes)"


class BodyLimits:
    def __init__(self, app: ASGIApp, max_body_kb: int) -> None:
        self.app = app
        self.limit = max_body_kb * 1024

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope["type"] != "http" or path.startswith(CAPTURE_PREFIX):
            await self.app(scope, receive, send)
            return
        limit = self.limit
        if (path == "/api" or path.startswith("/api/")) and _has_body(scope):
            request = Request(scope)
            try:
                found = await run_in_threadpool(
                    lambda: bearer_principal(request) or session_principal(request)
                )
            except exc.OperationalError as error:  # outside the app's handlers: answer here
                await database_unavailable(scope["method"], path, error)(scope, receive, send)
                return
            if found is None:
                answer = error_response(
                    401,
                    "Authorization",
                    "sign in, or send Authorization: Bearer <token>",
                    {"WWW-Authenticate": "Bearer"},
                )
                await answer(scope, receive, send)
                return
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await error_response(413, "body", _too_large(limit))(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # FastAPI passes an HTTPException raised while it reads the body on to the
                    # app's handlers: the error shape, 413.
                    raise HTTPException(413, _too_large(limit))
            return message

        await self.app(scope, counted, send)
