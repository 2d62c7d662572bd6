"""Browser origins of capture posts: the form's allowed origins, and CORS answers."""

from urllib.parse import urlsplit

from starlette.requests import Request

from leadboard.domain.conversions import Form

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(value: str) -> str:
    """scheme://host[:port] in lower case, default ports dropped, no trailing slash."""
    value = value.strip().rstrip("/").lower()
    parts = urlsplit(value)
    if not parts.scheme or not parts.hostname:
        return value
    try:
        port = parts.port
    except ValueError:
        return value
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is not None and DEFAULT_PORTS.get(parts.scheme) != port:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def origin_allowed(form: Form, origin: str, request: Request) -> bool:
    """One of the form's origins, or Leadboard's own (the hosted form page)."""
    wanted = normalise_origin(origin)
    if wanted in {normalise_origin(o) for o in form.allowed_origins}:
        return True
    host = request.headers.get("host", "").lower()
    return bool(host) and urlsplit(wanted).netloc == host


def cors_headers(origin: str | None) -> dict[str, str]:
    headers = {"Vary": "Origin"}
    if origin:
        headers["Access-Control-Allow-Origin"] = origin
    return headers
