"""Security headers on every answer (issue 13 items 5 and 6; web/headers.py).

Every GET route of the app is called, as an anonymous visitor and as the signed-in admin, on real
records of a small demo (a stored dashboard, a selection, a lead, a sale, forms...): every answer
has `X-Content-Type-Options: nosniff`, `Referrer-Policy` and a Content-Security-Policy; every
HTML answer the page policy (no inline script, `frame-ancestors 'none'` and X-Frame-Options
DENY), except the hosted form, which its form's allowed origins (and only they) may frame.
Then the answers no route makes: error pages, the redirect to /login, 401/413 before a body is
read, a server error; and the middleware passes a streamed body on chunk by chunk.
"""

import asyncio
import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import func, select
from starlette.routing import Mount
from starlette.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from leadboard.app import create_app
from leadboard.cli.demo import DEMO_ADMIN, ensure_demo_admin
from leadboard.clock import end_of_day_clock
from leadboard.dashboards.models import Dashboard, Translated
from leadboard.dashboards.selections import SelectionDefinition, create_selection
from leadboard.dashboards.stored import create_dashboard
from leadboard.db.engine import make_engine
from leadboard.db.schema import associates, campaigns, leads, sales
from leadboard.demo import generate_demo
from leadboard.domain.form_admin import create_form
from leadboard.settings import Settings
from leadboard.web.headers import SecurityHeaders
from tests.web.conftest import PASSWORD, TODAY, csrf_of, log_in

MARKETING = "marketing"  # a built-in dashboard of the demo
CHANNEL_TILE = "new-leads-by-channel-ytd"  # one of its tiles, with a drill-down by channel
BOARD = "headers-board"  # a stored dashboard of the admin, with one tile `t`
SELECTION = "headers-selection"
FRAMED = "framed"  # a form two sites may frame
LONER = "loner"  # a form without allowed origins
FRAMERS = ["https://www.example.com", "http://localhost:8001"]
THANKS = "https://thanks.example.org/merci"
NAVIGATE = {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"}
STATIC_FILES = ["/static/app.css", "/static/app.js", "/static/favicon.svg"]
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
VENDOR = Path(__file__).resolve().parents[2] / "src/leadboard/web/static/vendor"

# Written from the issue: the page policy's directives that matter (the rest may grow).
PAGE_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
NOT_A_PAGE = {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}


@dataclass
class World:
    app: FastAPI
    admin_cookie: str
    ids: dict[str, str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path = tmp_path_factory.mktemp("headers") / "headers.db"
    settings = Settings(database_url=f"sqlite:///{path}", secret_key="headers-secret")
    engine = make_engine(settings.database_url)
    generate_demo(engine, leads=120, seed=13, today=TODAY, tz=settings.tz)
    ensure_demo_admin(engine, PASSWORD)
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    tile = {"key": "t", "name": {"en": "T", "nl": "T"}, "chart": "number", "entity": "leads"}
    board = Dashboard.model_validate(
        {"slug": BOARD, "name": {"en": "H", "nl": "H"}, "tiles": [tile]}
    )
    selection = SelectionDefinition(slug=SELECTION, name=Translated(en="S", nl="S"), entity="leads")
    with engine.begin() as conn:
        admin = conn.execute(select(associates.c.id).where(associates.c.email == DEMO_ADMIN))
        admin_id = admin.scalar_one()
        create_dashboard(conn, board, admin_id, now)
        create_selection(conn, selection, admin_id, now)
        framed = create_form(
            conn, "Framed", now, key=FRAMED, allowed_origins=FRAMERS, thank_you_url=THANKS
        )
        create_form(conn, "Loner", now, key=LONER)
        ids = {
            "lead_id": str(conn.execute(select(func.min(leads.c.id))).scalar_one()),
            "sale_id": str(conn.execute(select(func.min(sales.c.id))).scalar_one()),
            "campaign_id": str(conn.execute(select(func.min(campaigns.c.id))).scalar_one()),
            "form_id": str(framed),
            "form_key": FRAMED,
            "email": DEMO_ADMIN,
        }
    engine.dispose()
    app = create_app(settings, end_of_day_clock(TODAY, settings.tz))
    with TestClient(app, follow_redirects=False) as first:
        log_in(first)
        cookie = str(first.cookies["leadboard_session"])
        tiles = first.get(f"/api/dashboards/{MARKETING}").json()["tiles"]
    rows = next(t for t in tiles if t["key"] == CHANNEL_TILE)["rows"]
    assert rows, "the demo has new leads this year"
    ids["drill_key"] = str(rows[0]["key"])
    try:
        yield World(app, cookie, ids)
    finally:
        app.state.engine.dispose()


def get_routes(app: FastAPI) -> list[str]:
    """Every path the app answers GET on (a mount: its prefix)."""
    found = []
    for route in iter_route_contexts(app.routes):
        assert route.path is not None, route
        if isinstance(route.original_route, Mount) or "GET" in (route.methods or ()):
            found.append(route.path)
    return found


def urls_for(path: str, ids: dict[str, str]) -> list[str]:
    """The URLs that call one route on real records."""
    if path == "/static":
        vendored = "/static/vendor/swagger-ui/swagger-ui-bundle.js"
        return STATIC_FILES + ([vendored] if (VENDOR / "swagger-ui").is_dir() else [])
    values = dict(ids)
    if path.startswith(("/selections", "/api/selections")):
        values["slug"] = SELECTION
    elif "{tile_key}" in path:  # a tile's figures, CSV and drill-down: a channel of the demo
        values |= {"slug": MARKETING, "tile_key": CHANNEL_TILE}
    else:  # the admin's own dashboard: its settings, sharing, tiles and editor answer too
        values |= {"slug": BOARD, "key": "t"}
    url = path.format(**values)
    if "{tile_key}" in path and path.endswith(("/records", "/records.csv")):
        url += f"?key={ids['drill_key']}"
    return [url]


def directives(csp: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            assert words[0] not in found, f"{words[0]} twice in {csp!r}"
            found[words[0]] = words[1:]
    return found


def check_script_src(policy: dict[str, list[str]], where: str) -> None:
    """No inline script, no eval, no other host: 'self' and hashes of known scripts only."""
    sources = policy.get("script-src", policy.get("default-src"))
    assert sources, f"{where}: no script-src"
    for source in sources:
        assert source in ("'self'", "'none'") or source.startswith("'sha256-"), (where, source)


def check(response: Any, where: str, framed: bool = False) -> None:
    """`framed`: the hosted form and its answers, whose framing and posting the tests below
    check."""
    headers = response.headers
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "same-origin", where
    assert "content-security-policy" in headers, where
    policy = directives(headers["content-security-policy"])
    check_script_src(policy, where)
    if headers.get("content-type", "").startswith("text/html"):
        for name, sources in PAGE_DIRECTIVES.items():
            if name == "script-src" and where == "/docs":
                continue  # its own inline script's hash: test_docs_allow_exactly_...
            if not (framed and name in ("frame-ancestors", "form-action")):
                assert policy.get(name) == sources, (where, name, policy.get(name))
        if not framed:
            assert headers.get("x-frame-options") == "DENY", where
    else:
        assert {k: policy[k] for k in NOT_A_PAGE if k in policy} == NOT_A_PAGE, where
        assert headers.get("x-frame-options") == "DENY", where
    if where.startswith("/static/"):
        suffix = Path(where).suffix
        assert headers["content-type"].startswith(STATIC_TYPES[suffix]), where  # nosniff: exact
    else:
        # a user's data is never kept by a cache (no-store, or no-cache with an ETag); only
        # the tracking script is public
        cache = headers.get("cache-control", "")
        assert "no-store" in cache or "no-cache" in cache or where == "/t.js", (where, cache)


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_get_route_sends_the_security_headers(world: World, who: str) -> None:
    routes = get_routes(world.app)
    assert len(routes) > 60, "the walk found the app's routes"
    seen: dict[str, int] = {}
    html: set[str] = set()
    with TestClient(world.app, follow_redirects=False, raise_server_exceptions=False) as client:
        if who == "admin":
            client.cookies.set("leadboard_session", world.admin_cookie)
        for path in routes:
            for url in urls_for(path, world.ids):
                response = client.get(url)
                assert response.status_code < 500, (url, response.text[:300])
                check(response, url, framed=url == f"/f/{FRAMED}")
                seen[url] = response.status_code
                if response.headers.get("content-type", "").startswith("text/html"):
                    html.add(url)
    if who == "admin":  # the records are real: the pages answer, not 404
        assert {url: status for url, status in seen.items() if status >= 400} == {}
    else:
        assert seen["/login"] == 200
        assert seen["/leads"] == 303
    assert {"/docs", f"/f/{FRAMED}"} <= html
    if who == "admin":
        pages = {"/leads", f"/leads/{world.ids['lead_id']}", f"/forms/{FRAMED}", "/admin"}
        pages |= {
            f"/dashboards/{BOARD}",
            f"/dashboards/{BOARD}/settings",
            f"/selections/{SELECTION}",
        }
        assert pages <= html, "the walk met the pages"
    else:
        assert "/login" in html


def test_the_hosted_form_is_framed_by_its_allowed_origins_only(world: World) -> None:
    with TestClient(world.app, follow_redirects=False) as client:
        response = client.get(f"/f/{FRAMED}")
    assert response.status_code == 200
    check(response, f"/f/{FRAMED}", framed=True)
    policy = directives(response.headers["content-security-policy"])
    assert sorted(policy["frame-ancestors"]) == sorted(FRAMERS)  # not 'none', not *, no other
    assert "x-frame-options" not in response.headers  # DENY would refuse every frame
    # its own tracking script runs, and it posts here (then to the thank-you page's site)
    assert 'src="http://testserver/t.js"' in response.text
    assert policy["script-src"] == ["'self'"]
    assert f'action="http://testserver/capture/forms/{FRAMED}"' in response.text
    assert sorted(policy["form-action"]) == sorted(["'self'", "https://thanks.example.org"])


def test_a_form_without_allowed_origins_is_framed_by_no_one(world: World) -> None:
    with TestClient(world.app, follow_redirects=False) as client:
        response = client.get(f"/f/{LONER}")
    assert response.status_code == 200
    assert directives(response.headers["content-security-policy"])["frame-ancestors"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"


def test_a_stored_origin_never_adds_a_directive(world: World) -> None:
    """Origins stored without the API's check (an old row, a direct insert) are left out of
    the policy unless they are plain origins."""
    bad = [
        "https://ok.example",
        "https://x.example; script-src *",
        "https://y.example 'unsafe-inline'",
    ]
    with world.app.state.engine.begin() as conn:
        create_form(conn, "Bad", datetime(2026, 11, 27, tzinfo=UTC), key="bad", allowed_origins=bad)
    with TestClient(world.app, follow_redirects=False) as client:
        response = client.get("/f/bad")
    csp = response.headers["content-security-policy"]
    policy = directives(csp)  # also: no directive twice
    assert policy["frame-ancestors"] == ["https://ok.example"]
    assert policy["script-src"] == ["'self'"]
    assert "*" not in csp


def test_the_answer_to_a_framed_forms_post_may_show_in_the_frame(world: World) -> None:
    """A post from the hosted form in a site's frame is answered in that frame: the message page
    has the form's frame-ancestors; its "Go back" link is a plain link (no script runs)."""
    hosted = f"http://testserver/f/{FRAMED}"
    with TestClient(world.app, follow_redirects=False) as client:
        refused = client.post(
            f"/capture/forms/{FRAMED}",
            data={"first_name": "No email"},
            headers={**NAVIGATE, "Referer": hosted},
        )
        unknown = client.post("/capture/forms/nope", data={"email": "a@b.nl"}, headers=NAVIGATE)
    assert refused.status_code == 422
    check(refused, "a refused post", framed=True)
    policy = directives(refused.headers["content-security-policy"])
    assert sorted(policy["frame-ancestors"]) == sorted(FRAMERS)
    assert "x-frame-options" not in refused.headers
    assert f'<a href="{hosted}">' in refused.text
    assert "javascript:" not in refused.text
    assert unknown.status_code == 404
    check(unknown, str(unknown.url))
    assert unknown.headers["x-frame-options"] == "DENY"


def test_a_404_page_and_the_login_redirect_carry_the_headers(world: World) -> None:
    with TestClient(world.app, follow_redirects=False) as client:
        missing = client.get("/no-such-page", headers={"Accept": "text/html"})
        redirect = client.get("/leads")
        json_404 = client.get("/api/no-such-thing")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    check(missing, "/no-such-page")
    assert redirect.status_code == 303
    assert redirect.headers["location"].startswith("/login")
    check(redirect, "/leads")
    assert redirect.headers["cache-control"] == "no-store"
    assert json_404.status_code == 404
    check(json_404, "/api/no-such-thing")


def test_an_html_fragment_carries_the_page_policy(world: World) -> None:
    """The tile editor's preview answers a form that is not a tile yet with an HTML fragment of
    its own (not through the page renderer): the middleware gives it the page policy."""
    with TestClient(world.app, follow_redirects=False) as client:
        client.cookies.set("leadboard_session", world.admin_cookie)
        csrf = csrf_of(client.get("/logout").text)
        form = {"csrf_token": csrf, "entity": "leads", "chart": "bar", "top": "many"}
        response = client.post(f"/dashboards/{BOARD}/tiles/preview", data=form)
    assert response.status_code == 422
    assert 'data-testid="preview-problems"' in response.text
    check(response, "the preview's problems")


def test_answers_before_the_body_is_read_carry_the_headers(world: World) -> None:
    with TestClient(world.app, follow_redirects=False) as client:
        unauthorised = client.post(
            "/api/leads", content=b"{}", headers={"Content-Type": "application/json"}
        )
        too_large = client.post("/login", content=b"x" * (2 * 1024 * 1024))
    assert unauthorised.status_code == 401
    check(unauthorised, "/api/leads (401)")
    assert too_large.status_code == 413
    check(too_large, "/login (413)")


def test_docs_allow_exactly_their_own_inline_script(world: World) -> None:
    with TestClient(world.app) as client:
        response = client.get("/docs")
    check(response, "/docs")
    scripts = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    assert len(scripts) == 1
    assert "SwaggerUIBundle(" in scripts[0]
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'", f"'sha256-{digest}'"]
    assert response.headers["x-frame-options"] == "DENY"


def test_a_server_error_carries_the_headers(world: World) -> None:
    app = create_app(world.app.state.settings, world.app.state.clock, world.app.state.engine)

    def boom() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/boom", boom)

    with TestClient(app, raise_server_exceptions=False) as client:
        for url in ("/boom", "/api/boom"):
            response = client.get(url)
            assert response.status_code == 500
            check(response, url)


def test_a_streamed_body_is_passed_on_chunk_by_chunk() -> None:
    """Each chunk reaches the server before the app makes the next (not buffered)."""
    sent: list[Message] = []
    seen_when_sending: list[int] = []

    async def streaming(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for chunk in (b"one", b"two", b"three"):
            seen_when_sending.append(len(sent))
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "path": "/events", "headers": [], "method": "GET"}
    asyncio.run(SecurityHeaders(streaming)(scope, receive, send))
    assert seen_when_sending == [1, 2, 3]  # the start, then each chunk, already on the wire
    headers = dict(sent[0]["headers"])
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert [m.get("body") for m in sent[1:]] == [b"one", b"two", b"three", b""]
