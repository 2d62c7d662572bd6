"""What create_app adds for the pages: templates, the static folder, HTML error pages, headers.

Third-party browser code lives in `static/vendor/`, copied there from node_modules by
`scripts/vendor-assets` at set-up time (never committed); the page says so when it is missing.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi.utils import is_body_allowed_for_status_code
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from leadboard import __version__
from leadboard.i18n import WORDS, choose_language, language_names, t
from leadboard.languages import LANGUAGES
from leadboard.semantic.spec import clean_html
from leadboard.web.api.errors import http_error_response
from leadboard.web.headers import SECURITY_HEADERS
from leadboard.web.pages.session import (
    CSRF_FIELD,
    LoginRequired,
    csrf_token,
    session_user,
    theme,
    with_query,
)

WEB = Path(__file__).resolve().parent.parent
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"
VENDOR_FILES = (
    "echarts/echarts.min.js",
    "echarts/langNL.js",
    "gridstack/gridstack-all.js",
    "gridstack/gridstack.min.css",
    "htmx/htmx.min.js",
)
PAGE_PREFIXES = ("/dashboards", "/forms", "/leads", "/login", "/logout", "/settings")


def vendor_missing() -> list[str]:
    return [name for name in VENDOR_FILES if not (STATIC / "vendor" / name).is_file()]


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiled templates kept between starts (Jinja's per-user cache folder in the temp
        # directory, keyed by each template's source): a restarted server's first pages
        # render without compiling their templates again.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    env.globals.update(
        t=t,
        with_query=with_query,
        languages=LANGUAGES,
        version=__version__,
        csrf_field=CSRF_FIELD,
    )
    # HTML tiles: sanitised when the spec is validated, and again as they are shown (nh3's
    # allow-list output is the only markup a template marks safe).
    env.filters["clean_html"] = lambda html: Markup(clean_html(str(html or "")))  # noqa: S704
    return Jinja2Templates(env=env)


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A page or fragment: common context (language, theme, CSRF token) and security headers."""
    lang = context["lang"]
    base = {
        "request": request,
        "user": context.get("user"),
        "csrf_token": csrf_token(request),
        "theme": theme(request, context.get("default_theme", "light")),
        "language_names": language_names(lang),
        "vendor_missing": request.app.state.vendor_missing,
        "path_without_lang": _path_without_lang(request),
    }
    response: Response = request.app.state.templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code, headers=headers
    )
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _path_without_lang(request: Request) -> str:
    """This page's path and query without ?lang= (where the language buttons come back to)."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    return request.url.path + (f"?{query}" if query else "")


def wants_html(request: Request) -> bool:
    """Our pages get HTML errors; the API, JSON twins, CSV files and capture keep theirs."""
    path = request.url.path
    if path.endswith((".json", ".csv")):
        return False
    return path == "/" or path.startswith(PAGE_PREFIXES)


def _browser_outside_the_api(request: Request, exc: StarletteHTTPException) -> bool:
    """A browser opening a path no route (or no route for its method) has, outside /api: the
    HTML error page. API clients (no text/html in Accept) and every /api path keep JSON."""
    return (
        exc.status_code in (404, 405)
        and not request.url.path.startswith("/api")
        and "text/html" in request.headers.get("accept", "")
    )


def error_page(request: Request, status: int, message: str | None = None) -> Response:
    user = session_user(request)
    lang = choose_language(
        request.query_params.get("lang"),
        user.language if user else None,
        request.headers.get("accept-language"),
    )
    known = status if f"error.{status}" in WORDS else 500 if status >= 500 else 422
    return render(
        request,
        "error.html",
        {
            "lang": lang,
            "user": user,
            "status": status,
            "message": message or t(lang, f"error.{known}"),
        },
        status_code=status,
    )


def login_redirect(request: Request, next_url: str) -> Response:
    target = with_query("/login", next=next_url)
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def install(app: FastAPI) -> None:
    app.state.templates = make_templates()
    app.state.vendor_missing = vendor_missing()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        return login_redirect(request, exc.next_url)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not (wants_html(request) or _browser_outside_the_api(request, exc)):
            if not is_body_allowed_for_status_code(exc.status_code):
                return await http_exception_handler(request, exc)  # 204/304: no body at all
            headers = dict(exc.headers) if exc.headers else None
            return http_error_response(
                exc.status_code, exc.detail, request.url, request.method, headers
            )
        if exc.status_code == 401:
            return login_redirect(request, request.url.path)
        detail = exc.detail if exc.status_code not in (404, 405) else None
        return error_page(request, exc.status_code, detail if isinstance(detail, str) else None)


def validation_error_page(request: Request, exc: RequestValidationError) -> Response:
    """A page's bad parameter (say /leads/abc): an HTML 422 naming it."""
    errors = exc.errors()
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ())[1:])
    return error_page(request, 422, f"{where}: {first.get('msg', '')}".strip(": "))
