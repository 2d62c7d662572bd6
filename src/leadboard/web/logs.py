"""Operations logs of `leadboard serve` (issue 13 item 7): one JSON object a line, a request id.

* `logging_config(format, level)`: the dictConfig uvicorn applies in the serving process and
  again in every worker. Everything goes to stderr through one handler: one JSON object a line
  (`json`, the default) or a readable line with the same fields (`text`). Leadboard's and
  uvicorn's loggers log at LEADBOARD_LOG_LEVEL; other libraries only warnings and errors
  (SQLAlchemy at INFO would log every statement with its bound values: emails, hashes).
* `RequestLog`: a pure ASGI middleware. It takes the client's `X-Request-ID` when it is short
  and made of safe characters, else makes one (uuid4 hex), keeps it in a contextvar that the
  formatters add to every line logged while the request runs, sends it back in `X-Request-ID`,
  and logs one access line per request (`leadboard.access`: method, path, status, duration_ms,
  client). It replaces uvicorn's access log, which logs the query string with its values.
* An exception that escapes the app is logged here with its traceback in `exc` and the request
  id; uvicorn's own "Exception in ASGI application" of the same exception is then dropped.

Never logged: headers (Authorization, Cookie, the CSRF header), bodies (passwords, form values)
and the values of query strings (they can carry emails); only the names of query parameters
that look like the app's own (`query`).
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
# Safe to put in a log line and a header: no spaces, quotes or control characters, bounded.
VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Query parameter names worth logging: the app's own are short lower-case words. Anything else
# (a name that is really a value, such as `?ann@example.org`) is left out.
QUERY_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Fields a record may carry (logger.info(..., extra={...})) that the formatters write out.
FIELDS = ("method", "path", "query", "status", "duration_ms", "client")
LOGGED_MARK = "_leadboard_logged"

request_id: ContextVar[str | None] = ContextVar("leadboard_request_id", default=None)
access_log = logging.getLogger("leadboard.access")
error_log = logging.getLogger("leadboard.errors")


def _time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fields(record: logging.LogRecord, formatter: logging.Formatter) -> dict[str, Any]:
    """A record as the fields of its line, `exc` (the traceback) last."""
    entry: dict[str, Any] = {
        "time": _time(record),
        "level": record.levelname.lower(),
        "logger": record.name,
        "message": record.getMessage().rstrip(),
    }
    rid = getattr(record, "request_id", None) or request_id.get()
    if rid:
        entry["request_id"] = rid
    for name in FIELDS:
        value = getattr(record, name, None)
        if value is not None:
            entry[name] = value
    entry["pid"] = record.process  # which worker of `serve --workers N`
    if record.exc_info:
        entry["exc"] = formatter.formatException(record.exc_info)
    elif record.exc_text:
        entry["exc"] = record.exc_text
    if record.stack_info:
        entry["stack"] = formatter.formatStack(record.stack_info)
    return entry


class JsonFormatter(logging.Formatter):
    """One JSON object a line (newlines inside values are escaped by JSON)."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(fields(record, self), ensure_ascii=False, default=str)


# Control characters in a text line would start a fake line of their own.
_ESCAPES = {code: f"\\x{code:02x}" for code in range(32)} | {10: "\\n", 13: "\\r", 9: "\\t"}


def _text(value: object) -> str:
    shown = str(value).translate(_ESCAPES)
    return json.dumps(shown, ensure_ascii=False) if (" " in shown or '"' in shown) else shown


class TextFormatter(logging.Formatter):
    """`time level logger: message key=value ...`, the traceback on the lines after it."""

    def format(self, record: logging.LogRecord) -> str:
        entry = fields(record, self)
        exc = entry.pop("exc", None)
        stack = entry.pop("stack", None)
        head = [entry.pop("time"), entry.pop("level").upper(), entry.pop("logger") + ":"]
        message = str(entry.pop("message")).translate(_ESCAPES)
        rest = [f"{name}={_text(value)}" for name, value in entry.items()]
        line = " ".join([*head, message, *rest])
        return "\n".join(part for part in (line, exc, stack) if part)


class DropLoggedTwice(logging.Filter):
    """Drops uvicorn's "Exception in ASGI application" of an exception RequestLog logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not getattr(exc, LOGGED_MARK, False)


FORMATTERS: dict[str, type[logging.Formatter]] = {"json": JsonFormatter, "text": TextFormatter}


def formatter(log_format: str) -> logging.Formatter:
    """`json` or `text` (LEADBOARD_LOG_FORMAT)."""
    return FORMATTERS[log_format]()


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The dictConfig for uvicorn's `log_config`: uvicorn applies it in each worker process."""
    level = level.upper()

    def ours() -> dict[str, Any]:
        return {"handlers": [], "propagate": True, "level": level}

    return {
        "version": 1,
        # Leadboard's module-level loggers exist before this runs: keep them.
        "disable_existing_loggers": False,
        "formatters": {"lines": {"()": f"{__name__}.{FORMATTERS[log_format].__qualname__}"}},
        "filters": {"once": {"()": f"{__name__}.{DropLoggedTwice.__qualname__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "lines",
                "filters": ["once"],
            }
        },
        "loggers": {
            "leadboard": ours(),
            "uvicorn": ours(),
            "uvicorn.error": ours(),
            "uvicorn.access": {"handlers": [], "propagate": False},  # RequestLog's line instead
            # Never the statements with their bound values, whatever the level.
            "sqlalchemy": {"handlers": [], "propagate": True, "level": "WARNING"},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


def incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if VALID_ID.fullmatch(text) else None
    return None


def query_names(scope: Scope) -> str | None:
    raw = scope.get("query_string", b"").decode("latin-1")
    if not raw:
        return None
    names = [part.split("=", 1)[0] for part in raw.split("&")]
    kept = sorted({name for name in names if QUERY_NAME.fullmatch(name)})
    return ",".join(kept)


def scope_request_id(scope: Scope) -> str | None:
    rid = scope.get("state", {}).get("request_id")
    return rid if isinstance(rid, str) else None


def with_request_id(response: Response, scope: Scope) -> Response:
    """The 500 answer (sent by Starlette's outermost error middleware, outside RequestLog's
    reach) carries the request id too."""
    rid = scope_request_id(scope)
    if rid:
        response.headers[HEADER] = rid
    return response


class RequestLog:
    """The request id and the access line (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = incoming_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid  # request.state.request_id
        token = request_id.set(rid)
        start = time.perf_counter()
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        request = {"method": scope["method"], "path": scope["path"]}
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:  # logged with the request id, then re-raised
            error_log.error("unhandled error", exc_info=exc, extra=request)
            try:
                setattr(exc, LOGGED_MARK, True)
            except AttributeError:  # pragma: no cover - an exception without attributes
                pass
            if status is None:
                status = 500  # Starlette's error middleware answers it
            raise
        finally:
            client = scope.get("client")
            access_log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    **request,
                    "query": query_names(scope),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                    "client": client[0] if client else None,
                },
            )
            request_id.reset(token)
