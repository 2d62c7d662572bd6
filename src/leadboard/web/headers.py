"""Security headers on every response (issue 13 items 5 and 6): one pure ASGI middleware.

A response keeps every header it set itself; the middleware adds what it left out:

* everywhere: `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, and
  `Cache-Control: no-store` (answers carry a user's data), except under /static (public files
  that browsers may keep);
* text/html: the page policy CSP below (no inline script, `frame-ancestors 'none'`); any other
  answer (JSON, CSV, redirects, static files): `default-src 'none'; frame-ancestors 'none'`, so
  that nothing a browser opens as a document runs a script or sits in a frame;
* `X-Frame-Options: DENY` wherever the policy in force says `frame-ancestors 'none'`. A page
  meant to be framed (the hosted form, `form_page_headers`) sends its own CSP naming who may
  frame it, and gets no X-Frame-Options.

Pure ASGI (not BaseHTTPMiddleware): it edits the start message and passes every body chunk on
as it comes, so streamed exports are not buffered.
"""

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadboard.domain.conversions import Form
from leadboard.domain.form_admin import normalise_origin

# The page policy, one directive a line. script-src 'self': no inline script runs; JSON for the
# scripts travels in data-* attributes. frame-src https: web panel tiles show an https page in a
# sandboxed frame (nothing else frames).
PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "frame-src": "https:",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Not a page: nothing to load, nothing to run, never framed.
OTHER_POLICY = {"default-src": "'none'", "frame-ancestors": "'none'"}
STATIC_PREFIX = "/static/"
# An origin as a CSP source: scheme, host and port (CSP has no form for IPv6 literals).
CSP_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?")
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def policy(base: dict[str, str] | None = None, **changes: str) -> str:
    """A CSP from a policy dict; `frame_ancestors="..."` replaces that directive."""
    directives = dict(base or PAGE_POLICY)
    directives.update({name.replace("_", "-"): value for name, value in changes.items()})
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CSP = policy()
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def add_defaults(headers: MutableHeaders, path: str) -> None:
    """The headers a response left out (see the module's docstring)."""
    html = headers.get("content-type", "").lower().startswith("text/html")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    csp = headers.setdefault("Content-Security-Policy", CSP if html else policy(OTHER_POLICY))
    if "frame-ancestors 'none'" in csp:
        headers.setdefault("X-Frame-Options", "DENY")
    if not path.startswith(STATIC_PREFIX):
        headers.setdefault("Cache-Control", "no-store")


def secured(response: Response, path: str) -> Response:
    """The defaults on an answer that never passes the middleware: the server error handler's
    (Starlette sends it from its outermost layer, outside every middleware)."""
    add_defaults(response.headers, path)
    return response


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_defaults(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_defaults(MutableHeaders(scope=message), path)
            await send(message)

        await self.app(scope, receive, send_with_defaults)


# -- pages with a policy of their own ------------------------------------------------------------


def csp_origin(url: str) -> str | None:
    """The origin of an http(s) URL as a CSP source, or None when it is not a safe one (a stored
    value with a space or a `;` must never add a directive)."""
    try:
        parts = urlsplit(url.strip())
        origin = normalise_origin(f"{parts.scheme}://{parts.netloc}")
    except ValueError:
        return None
    return origin if CSP_ORIGIN.fullmatch(origin) else None


def _sources(urls: Iterable[str]) -> list[str]:
    found = (csp_origin(url) for url in urls)
    return list(dict.fromkeys(origin for origin in found if origin))


def form_page_policy(form: Form | None) -> str:
    """The hosted form /f/{key} and the answers to a browser's post: framed by the form's allowed
    origins (none: by no one); the script is /t.js ('self'); the form posts to /capture on this
    site, which may redirect to the form's thank-you page (form-action covers redirects)."""
    ancestors = _sources(form.allowed_origins) if form else []
    actions = ["'self'", *_sources([form.thank_you_url] if form and form.thank_you_url else [])]
    return policy(
        img_src="'self' data:",
        frame_src="'none'",
        form_action=" ".join(dict.fromkeys(actions)),
        frame_ancestors=" ".join(ancestors) or "'none'",
    )


def form_page_headers(form: Form | None) -> dict[str, str]:
    """The headers of a hosted form page: its own CSP; X-Frame-Options only when no one may
    frame it (the header cannot name origins)."""
    csp = form_page_policy(form)
    headers = {"Content-Security-Policy": csp}
    if "frame-ancestors 'none'" in csp:
        headers["X-Frame-Options"] = "DENY"
    return headers


def allow_own_inline_scripts(response: Response) -> Response:
    """A generated page with inline scripts we did not write (FastAPI's Swagger UI page): the page
    policy, with exactly those scripts allowed by their sha256 (any other inline script is still
    refused)."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in INLINE_SCRIPT.findall(bytes(response.body))
    ]
    response.headers["Content-Security-Policy"] = policy(script_src=" ".join(["'self'", *hashes]))
    return response
