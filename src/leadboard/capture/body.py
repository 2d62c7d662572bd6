"""Reading a capture post: size limit, content types, and the refusals they give (4xx)."""

import json
from urllib.parse import parse_qsl

from starlette.requests import Request

MAX_BODY = 64 * 1024  # bytes (SPEC 6.1: oversized posts are refused); LEADBOARD_CAPTURE_MAX_BODY_KB
FORM = "application/x-www-form-urlencoded"
# Longer integers are refused, naming their field: Python will not even convert one of more than
# 4,300 digits (a ValueError that used to be a 500), and no form field needs a tenth of that.
MAX_DIGITS = 100


class Refusal(Exception):
    """A refused post: its status code and the field (or header) it is about."""

    def __init__(
        self, status: int, field: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{field}: {message}")
        self.status = status
        self.field = field
        self.message = message
        self.headers = headers or {}


def too_large(limit: int = MAX_BODY) -> Refusal:
    return Refusal(413, "body", f"larger than {limit // 1024} KiB ({limit} bytes)")


def body_limit(request: Request) -> int:
    """The capture endpoint's limit in bytes, from the app's settings."""
    settings = getattr(request.app.state, "settings", None)
    kb = getattr(settings, "capture_max_body_kb", None)
    return kb * 1024 if isinstance(kb, int) else MAX_BODY


async def read_body(request: Request) -> bytes:
    """The body, refused with 413 once it passes the limit, by Content-Length or as it streams."""
    limit = body_limit(request)
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise Refusal(400, "Content-Length", f"not a byte count: {declared!r}")
        if int(declared) > limit:
            raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


class _LongNumber:
    """An integer of more than MAX_DIGITS digits, as parsed: refused once its field is known."""

    def __init__(self, text: str) -> None:
        self.text = text


def _integer(text: str) -> object:
    return _LongNumber(text) if len(text.lstrip("-")) > MAX_DIGITS else int(text)


def _holds_long_number(value: object) -> bool:
    if isinstance(value, _LongNumber):
        return True
    if isinstance(value, list):
        return any(_holds_long_number(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_long_number(v) for v in value.values())
    return False


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def parse_body(media: str, body: bytes) -> dict[str, object]:
    """JSON (an object) or urlencoded fields; 400 when malformed, 415 for other types."""
    if media == "application/json" or media.endswith("+json"):
        try:
            data = json.loads(body.decode("utf-8"), parse_int=_integer)
        except UnicodeDecodeError:
            raise Refusal(400, "body", "not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise Refusal(
                400,
                "body",
                f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            ) from None
        if not isinstance(data, dict):
            raise Refusal(400, "body", "must be a JSON object of field names and values")
        for name, value in data.items():
            if _holds_long_number(value):
                raise Refusal(422, name, f"a number of more than {MAX_DIGITS} digits")
        return data
    if media == FORM:
        try:
            pairs = parse_qsl(
                body.decode("utf-8"),
                keep_blank_values=True,
                strict_parsing=bool(body),
                encoding="utf-8",
                errors="strict",
            )
        except (UnicodeError, ValueError) as exc:
            raise Refusal(400, "body", f"malformed urlencoded form ({exc})") from None
        fields: dict[str, object] = {}
        for name, value in pairs:
            if name not in fields:
                fields[name] = value
            else:  # a repeated name (e.g. checkboxes): every value, in order
                earlier = fields[name]
                fields[name] = [*earlier, value] if isinstance(earlier, list) else [earlier, value]
        return fields
    if not media and not body:
        raise Refusal(400, "body", f"empty: send the form fields as JSON or {FORM}")
    raise Refusal(
        415,
        "Content-Type",
        f"{media or 'none'} is not accepted: send application/json or {FORM}",
    )
