"""The authorisation matrix (issue 10 acceptance): every route of the app, with every method, as
anonymous, as users with `own` and `group` rights, as a dashboard admin and as an admin, each as a
browser session (logged in through the real /login form; posts with the CSRF token) and as the
same person's API token (plus an integration token without a user) -> the expected status, on
SQLite and PostgreSQL over demo data. No answer is a 5xx.

The table below lists every route × method; a route the app has that the table does not list
fails the test (add it here with its expected statuses), as does a listed route that is gone.
Writes are harmless: each one acts on a throwaway record made for that call (a user, role or
status), creates a new record with a unique name, or writes back the value already there.
Lead and sale routes run twice: on a lead (sale) of the `own` user, which everyone may see, and on
one of another group's owner, which the `own` and `group` users may not (404, as if unknown).
Last, every state-changing page POST (and every session write to /api/admin) without its CSRF
token is refused with 403 (the log-in form: 400).
"""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import Engine, func, insert, select
from starlette.routing import Mount
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.auth.tokens import create_token
from leadboard.cli.demo import DEMO_ADMIN, ensure_demo_admin
from leadboard.clock import end_of_day_clock
from leadboard.dashboards.audience import Audience
from leadboard.dashboards.models import Dashboard, Translated
from leadboard.dashboards.selections import (
    SelectionDefinition,
    create_selection,
    set_selection_audience,
)
from leadboard.dashboards.stored import create_dashboard
from leadboard.db.engine import make_engine
from leadboard.db.schema import (
    associate_groups,
    associates,
    campaigns,
    currency_rates,
    forms,
    lead_statuses,
    leads,
    roles,
    sales,
)
from leadboard.demo import demo_logins, generate_demo
from leadboard.domain.users import add_role, add_user
from leadboard.settings import Settings
from leadboard.web.pages import admin_ops
from tests.conftest import PostgresServer, database_url
from tests.web.conftest import PASSWORD, TODAY, csrf_of, log_in, password_hash

SLUG = "marketing"
TILE = "new-leads-by-channel-ytd"
DASH_ADMIN = "matrix-dash@example.com"
SESSIONS = ("anonymous", "own", "group", "dash", "admin")
TOKENS = ("own token", "group token", "dash token", "admin token", "integration token")
PRINCIPALS = SESSIONS + TOKENS
_unique = itertools.count(1)

Expect = dict[str, int]


def expect(
    anonymous: int, own: int, group: int, dash: int, admin: int, tokens: int | tuple[int, ...]
) -> Expect:
    """Statuses per principal; `tokens`: one for all five tokens, or own, group, dash, admin,
    integration."""
    given = tokens if isinstance(tokens, tuple) else (tokens,) * 5
    assert len(given) == 5
    return dict(zip(PRINCIPALS, (anonymous, own, group, dash, admin, *given), strict=True))


def public(status: int) -> Expect:
    """No sign-in needed: everyone gets the same answer."""
    return expect(status, status, status, status, status, status)


def page(ok: int = 200) -> Expect:
    """A page: the log-in form for anyone not signed in (a token opens no page)."""
    return expect(303, ok, ok, ok, ok, tokens=303)


def hidden_page(ok: int = 200) -> Expect:
    """A page about another group's lead: 404 for `own` and `group` rights."""
    return expect(303, 404, 404, ok, ok, tokens=303)


def admin_page(ok: int = 200) -> Expect:
    return expect(303, 403, 403, 403, ok, tokens=303)


def reader(ok: int = 200) -> Expect:
    """/api reads, JSON twins and CSV: a session or a token, else 401."""
    return expect(401, ok, ok, ok, ok, tokens=ok)


def hidden_reader(ok: int = 200) -> Expect:
    return expect(401, 404, 404, ok, ok, tokens=(404, 404, ok, ok, ok))


def writer(ok: int) -> Expect:
    """/api writes: tokens only (a cookie cannot write: 401)."""
    return expect(401, 401, 401, 401, 401, tokens=ok)


def hidden_writer(ok: int) -> Expect:
    return expect(401, 401, 401, 401, 401, tokens=(404, 404, ok, ok, ok))


def owner_api(ok: int) -> Expect:
    """/api/dashboards writes on the caller's own dashboard: a session (with X-CSRF-Token) or a
    token, else 401."""
    return expect(401, ok, ok, ok, ok, tokens=ok)


def hidden_board(ok: int) -> Expect:
    """Another user's unshared dashboard: unseen (404) but by the admin, who is not its owner
    (403); an integration changes every dashboard."""
    return expect(401, 404, 404, 404, 403, tokens=(404, 404, 404, 403, ok))


def share_api(ok: int) -> Expect:
    """Sharing: the dashboard-admin role (or admin, or an integration), else 403."""
    return expect(401, 403, 403, ok, ok, tokens=(403, 403, ok, ok, ok))


def admin_api(ok: int) -> Expect:
    """/api/admin: an admin's session (writes with X-CSRF-Token) or an admin's token; other users
    and an integration token 403."""
    return expect(401, 403, 403, 403, ok, tokens=(403, 403, 403, ok, 403))


# -- the world the calls run in ------------------------------------------------------------------


@dataclass
class World:
    app: FastAPI
    engine: Engine
    emails: dict[str, str]  # own, group, dash, admin -> email
    cookies: dict[str, str]  # the session cookie per signed-in principal
    csrf: dict[str, str]  # the session's CSRF token per signed-in principal
    headers: dict[str, dict[str, str]]  # the bearer header per token principal
    ids: dict[str, str]  # path parameters: lead, sale, form, campaign, form key
    theirs: dict[str, str]  # another group's lead and sale
    clients: dict[str, TestClient] = field(default_factory=dict)
    shared: dict[str, str] = field(default_factory=dict)  # throwaways the refused ones share

    def now(self) -> Any:
        return self.app.state.clock.now()

    def one(self, query: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(query).one()

    def throwaway_user(self) -> str:
        email = f"matrix-user-{next(_unique)}@example.com"
        with self.engine.begin() as conn:
            add_user(conn, email, now=self.now(), name="Matrix Throwaway")
        return email

    def throwaway_role(self) -> str:
        key = f"matrix-role-{next(_unique)}"
        with self.engine.begin() as conn:
            add_role(conn, key, name="Matrix throwaway")
        return key

    def throwaway_status(self) -> str:
        key = f"matrix-status-{next(_unique)}"
        with self.engine.begin() as conn:
            admin_ops.add_status(conn, f"Matrix {key}", None, key, False)
        return key

    def throwaway(self, kind: str, who: str) -> str:
        """A fresh user, role or status for each call that may write (lead statuses are few:
        at most 62 can ever be created); the callers refused share one per kind."""
        make = {
            "user": self.throwaway_user,
            "role": self.throwaway_role,
            "status": self.throwaway_status,
        }[kind]
        if who in ("admin", "admin token"):
            return make()
        if kind not in self.shared:
            self.shared[kind] = make()
        return self.shared[kind]

    def status_order(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(lead_statuses.c.key)
                    .where(lead_statuses.c.active.is_(True))
                    .order_by(lead_statuses.c.rank)
                ).scalars()
            )

    def lead(self, lead_id: str) -> Any:
        return self.one(
            select(leads.c.job_title, lead_statuses.c.key.label("status"), associates.c.email)
            .select_from(
                leads.join(lead_statuses, lead_statuses.c.id == leads.c.status_id).outerjoin(
                    associates, associates.c.id == leads.c.owner_id
                )
            )
            .where(leads.c.id == int(lead_id))
        )

    def sale_title(self, sale_id: str) -> str:
        return str(self.one(select(sales.c.title).where(sales.c.id == int(sale_id))).title)

    def rate(self, currency: str) -> str:
        return str(
            self.one(
                select(currency_rates.c.rate).where(currency_rates.c.currency == currency)
            ).rate
        )


Params = Callable[[World, str], dict[str, str]]
Body = Callable[[World, dict[str, str], str], dict[str, Any]]


def mine(w: World, who: str) -> dict[str, str]:
    return dict(w.ids)


def theirs(w: World, who: str) -> dict[str, str]:
    return {**w.ids, **w.theirs}


def a_user(w: World, who: str) -> dict[str, str]:
    return {**w.ids, "email": w.throwaway("user", who)}


def a_role(w: World, who: str) -> dict[str, str]:
    return {**w.ids, "key": w.throwaway("role", who)}


def a_status(w: World, who: str) -> dict[str, str]:
    return {**w.ids, "key": w.throwaway("status", who)}


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_unique)}"


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # the route's path, as the app lists it
    expected: Expect
    params: Params = mine
    body: Body | None = None  # form fields of a page POST, else the JSON body
    url: str | None = None  # what to request, when not the path filled with the params
    headers: dict[str, str] = field(default_factory=dict)


def same_status(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"status": w.lead(p["lead_id"]).status}


def same_owner(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"owner": w.lead(p["lead_id"]).email}


def same_job_title(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"job_title": w.lead(p["lead_id"]).job_title}


def same_sale_title(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"title": w.sale_title(p["sale_id"])}


def new_sale(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {
        "title": unique("Matrix sale"),
        "amount": "10.00",
        "currency": "EUR",
        "sale_date": TODAY.isoformat(),
        "lead_id": int(p["lead_id"]),
    }


def login_body(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    # anonymous: an unknown account (the form again, 200); signed in: their own password
    email = w.emails.get(who.removesuffix(" token"), "nobody@example.com")
    password = PASSWORD if who in w.cookies else "not-the-password"
    return {"email": email, "password": password, "next": "/leads"}


def language_body(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    email = w.emails.get(who, DEMO_ADMIN)
    current = w.one(select(associates.c.language).where(associates.c.email == email)).language
    return {"lang": current, "next": "/leads"}


def form_name(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"name": w.one(select(forms.c.name).where(forms.c.id == int(p["form_id"]))).name}


def campaign_name(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    row = w.one(select(campaigns.c.name).where(campaigns.c.id == int(p["campaign_id"])))
    return {"name": row.name}


def fixed(values: dict[str, Any]) -> Body:
    return lambda w, p, who: dict(values)


def fresh(make: Callable[[], dict[str, Any]]) -> Body:
    return lambda w, p, who: make()


def _owner_email(w: World, who: str) -> str:
    """The user a principal's writes act as (anonymous and the integration: the admin)."""
    return w.emails.get(who.removesuffix(" token"), w.emails["admin"])


def _stored(w: World, owner_email: str) -> dict[str, str]:
    """A fresh stored dashboard with one tile `t`, owned by this user, shared with nobody."""
    slug = unique("matrix-board")
    with w.engine.begin() as conn:
        owner = conn.execute(select(associates.c.id).where(associates.c.email == owner_email))
        create_dashboard(conn, board_definition(slug), owner.scalar_one(), w.now())
    return {**w.ids, "slug": slug, "key": "t"}


def my_board(w: World, who: str) -> dict[str, str]:
    return _stored(w, _owner_email(w, who))


def their_board(w: World, who: str) -> dict[str, str]:
    """Someone else's dashboard, not shared: `own`, `group` and the dashboard admin do not see
    it (404), the admin does but is not its owner (403), an integration may change it."""
    return _stored(w, w.throwaway("user", who))


def board_definition(slug: str) -> Dashboard:
    tile = {"key": "t", "name": {"en": "T", "nl": "T"}, "chart": "number", "entity": "leads"}
    return Dashboard.model_validate({"slug": slug, "name": {"en": "M", "nl": "M"}, "tiles": [tile]})


def new_board(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    body: dict[str, Any] = board_definition(unique("matrix-new")).model_dump(mode="json")
    return body | ({"owner": w.emails["admin"]} if who == "integration token" else {})


def same_board(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    body: dict[str, Any] = board_definition(p["slug"]).model_dump(mode="json")
    return body


def copy_owner(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"owner": w.emails["admin"]} if who == "integration token" else {}


def same_tile(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"key": "t", "name": {"en": "T", "nl": "T"}, "chart": "number", "entity": "leads"}


def new_tile(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return same_tile(w, p, who) | {"key": "u", "x": 0, "y": 1, "w": 2, "h": 1}


def editor_form() -> dict[str, Any]:
    """The tile editor's form of a number tile (save: action "save")."""
    return {"entity": "leads", "chart": "number", "name_en": "E", "name_nl": "E", "action": "save"}


def copy_target(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"target": p["slug"]}  # onto the same dashboard: one the caller may edit


def share_body(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"visible_for": {"users": [w.emails["own"]]}, "pinned_for": {}}


def same_owner_email(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"owner": _owner_email(w, who)}


def same_owner_id(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    """The owner form of the dashboard pages: the caller keeps it (an associate's id)."""
    email = _owner_email(w, who)
    return {"owner": str(w.one(select(associates.c.id).where(associates.c.email == email)).id)}


def settings_form() -> dict[str, Any]:
    return {"name_en": "M", "name_nl": "M", "theme": "light", "columns": "3"}


def share_page(ok: int) -> Expect:
    """The sharing page: the dashboard-admin role (or admin), else 403."""
    return expect(303, 403, 403, ok, ok, tokens=303)


def share_twin(ok: int) -> Expect:
    return expect(401, 403, 403, ok, ok, tokens=(403, 403, ok, ok, ok))


def hidden_board_page(ok: int) -> Expect:
    """A page about another user's unshared dashboard: 404, the admin 403 (not the owner)."""
    return expect(303, 404, 404, 404, 403, tokens=303)


def _selection(w: World, owner_email: str, everyone: bool = False) -> dict[str, str]:
    """A fresh selection of every lead, owned by this user; shared with nobody, or everyone."""
    slug = unique("matrix-selection")
    definition = SelectionDefinition(slug=slug, name=Translated(en="S", nl="S"), entity="leads")
    with w.engine.begin() as conn:
        owner = conn.execute(select(associates.c.id).where(associates.c.email == owner_email))
        create_selection(conn, definition, owner.scalar_one(), w.now())
        if everyone:
            audience = Audience(True, frozenset(), frozenset())
            set_selection_audience(conn, slug, audience, None, w.now())
    return {**w.ids, "slug": slug}


def my_selection(w: World, who: str) -> dict[str, str]:
    return _selection(w, _owner_email(w, who))


def their_selection(w: World, who: str) -> dict[str, str]:
    """Another user's selection, not shared: unseen (404) but by the admin and an integration,
    who see and may change every selection."""
    return _selection(w, w.throwaway("user", who))


def their_shared_selection(w: World, who: str) -> dict[str, str]:
    """Another user's selection shared with everyone: seen by all, changed by its owner (and the
    admin, an integration) only."""
    return _selection(w, w.throwaway("user", who), everyone=True)


def my_selection_their_lead(w: World, who: str) -> dict[str, str]:
    """The caller's selection of every lead, with another group's lead on its board."""
    return {**my_selection(w, who), **w.theirs}


def same_card_status(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    """The board's "Move to…" form, moving the lead to the status it has."""
    return {"lead_id": p["lead_id"], "status": w.lead(p["lead_id"]).status}


def new_selection(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    body = {"name": {"en": unique("Matrix selection"), "nl": "S"}, "entity": "leads"}
    return body | ({"owner": w.emails["admin"]} if who == "integration token" else {})


def same_selection(w: World, p: dict[str, str], who: str) -> dict[str, Any]:
    return {"name": {"en": "S", "nl": "S"}, "entity": "leads"}


def hidden_selection_page(ok: int) -> Expect:
    """A page about another user's unshared selection: 404, but the admin sees every one."""
    return expect(303, 404, 404, 404, ok, tokens=303)


def hidden_selection_api(ok: int) -> Expect:
    """Another user's unshared selection over /api: 404, but the admin and an integration see
    and change every selection."""
    return expect(401, 404, 404, 404, ok, tokens=(404, 404, 404, ok, ok))


def seen_selection_api(ok: int) -> Expect:
    """Another user's selection shared with everyone: seen, but changed by its owner only (the
    admin and an integration may): 403 for the rest."""
    return expect(401, 403, 403, 403, ok, tokens=(403, 403, 403, ok, ok))


LEAD_ID = "/leads/{lead_id}"
API_LEAD = "/api/leads/{lead_id}"
API_SALE = "/api/sales/{sale_id}"
TILE_PATH = "/dashboards/{slug}/tiles/{tile_key}"
DRILL = TILE_PATH  # the drill-down needs the key of a row (a channel)
BOARD = "/api/dashboards/{slug}"
BOARD_TILE = BOARD + "/tiles/{key}"
SELECTION = "/selections/{slug}"
API_SELECTION = "/api/selections/{slug}"

MATRIX: tuple[Case, ...] = (
    # -- public: docs, static files, capture -----------------------------------------------------
    Case("GET", "/openapi.json", public(200)),
    Case("HEAD", "/openapi.json", public(200)),
    Case("GET", "/docs", public(200)),
    Case("GET", "/healthz", public(200)),
    Case("GET", "/readyz", public(200)),
    Case("GET", "/static", public(200), url="/static/app.css"),
    Case("GET", "/t.js", public(200)),
    Case("GET", "/f/{form_key}", public(200)),
    # an empty post is the documented 422 naming the missing field; nothing is stored
    Case("POST", "/capture/forms/{form_key}", public(422), body=fixed({})),
    Case(
        "OPTIONS",
        "/capture/forms/{form_key}",
        public(204),
        headers={"Origin": "http://testserver", "Access-Control-Request-Method": "POST"},
    ),
    # -- log in and out ----------------------------------------------------------------------------
    Case("GET", "/login", expect(200, 303, 303, 303, 303, tokens=200)),
    # a token has no session, so no CSRF token: 400 (the form again, asking to reload)
    Case("POST", "/login", expect(200, 303, 303, 303, 303, tokens=400), body=login_body),
    Case("GET", "/logout", page(200)),
    Case("POST", "/logout", public(303), body=fixed({})),
    Case("POST", "/settings/language", page(303), body=language_body),
    # -- dashboards --------------------------------------------------------------------------------
    Case("GET", "/", page(303)),
    Case("GET", "/dashboards/{slug}", page(200)),
    Case("GET", "/dashboards/{slug}.json", reader(200)),
    Case("GET", "/dashboards/{slug}/tiles", page(200)),
    Case("GET", "/dashboards/{slug}/versions", page(200)),
    Case("POST", "/dashboards/{slug}/favourite", page(303), body=fixed({})),
    Case("POST", "/dashboards/{slug}/visit", page(204), body=fixed({})),
    # find, make, change, share and delete dashboards (dashboard_admin.py)
    Case("GET", "/dashboards", page(200)),
    Case("GET", "/dashboards.json", reader(200)),
    Case("GET", "/dashboards/new", page(200)),
    Case("GET", "/dashboards/new.json", reader(200)),
    Case("POST", "/dashboards/new", page(303), body=fresh(lambda: {"name_en": unique("Page")})),
    Case("GET", "/dashboards/{slug}/actions", page(200)),
    Case("GET", "/dashboards/{slug}/settings", page(200), my_board),
    Case("GET", "/dashboards/{slug}/settings", hidden_board_page(200), their_board),
    Case("GET", "/dashboards/{slug}/settings.json", reader(200), my_board),
    Case("POST", "/dashboards/{slug}/settings", page(303), my_board, fixed(settings_form())),
    Case("POST", "/dashboards/{slug}/duplicate", page(303), body=fixed({})),  # a built-in one
    Case("GET", "/dashboards/{slug}/delete", page(200), my_board),
    Case("GET", "/dashboards/{slug}/delete.json", reader(200), my_board),
    Case("POST", "/dashboards/{slug}/delete", page(303), my_board, fixed({})),
    Case("POST", "/dashboards/{slug}/delete", hidden_board_page(303), their_board, fixed({})),
    Case("GET", "/dashboards/{slug}/sharing", share_page(200), my_board),
    Case("GET", "/dashboards/{slug}/sharing.json", share_twin(200), my_board),
    Case(
        "POST",
        "/dashboards/{slug}/sharing",
        share_page(303),
        my_board,
        fixed({"visible_everyone": "yes"}),
    ),
    Case("POST", "/dashboards/{slug}/owner", page(303), my_board, same_owner_id),
    # the tile editor and the grid (tile_editor.py): on a fresh dashboard of the caller's
    Case("GET", "/dashboards/{slug}/tiles/new", page(200), my_board),
    Case("POST", "/dashboards/{slug}/tiles", page(303), my_board, lambda w, p, who: editor_form()),
    Case("POST", "/dashboards/{slug}/tiles/preview", page(200), my_board, fixed(editor_form())),
    Case("GET", "/dashboards/{slug}/tiles/{key}/edit", page(200), my_board),
    Case("GET", "/dashboards/{slug}/tiles/{key}/edit.json", reader(200), my_board),
    Case("POST", "/dashboards/{slug}/tiles/{key}/edit", page(303), my_board, fixed(editor_form())),
    Case("POST", "/dashboards/{slug}/tiles/{key}/duplicate", page(303), my_board, fixed({})),
    Case("POST", "/dashboards/{slug}/tiles/{key}/copy", page(303), my_board, copy_target),
    Case("POST", "/dashboards/{slug}/tiles/{key}/delete", page(303), my_board, fixed({})),
    Case("POST", "/dashboards/{slug}/layout", page(200), my_board, fixed({"layout": "[]"})),
    Case("GET", TILE_PATH + ".csv", reader(200)),
    Case("GET", TILE_PATH + "/records", page(200), url=DRILL + "/records?key={drill_key}"),
    Case("GET", TILE_PATH + "/figures", page(200)),
    Case(
        "GET", TILE_PATH + "/records.csv", reader(200), url=DRILL + "/records.csv?key={drill_key}"
    ),
    Case("GET", "/api/dashboards", reader(200)),
    Case("GET", "/api/dashboards/{slug}", reader(200)),
    # stored dashboards: each call on a fresh one of the caller's (the owner may do it all),
    # or of someone else's (see their_board); sharing needs the dashboard-admin role
    Case("POST", "/api/dashboards", owner_api(201), body=new_board),
    Case("GET", BOARD + "/definition", reader(200), my_board),
    Case("PUT", BOARD, owner_api(200), my_board, same_board),
    Case("PUT", BOARD, hidden_board(200), their_board, same_board),
    Case("DELETE", BOARD, owner_api(204), my_board),
    Case("DELETE", BOARD, hidden_board(204), their_board),
    Case("POST", BOARD + "/duplicate", owner_api(201), my_board, copy_owner),
    Case("POST", BOARD + "/duplicate", reader(201), body=copy_owner),  # a built-in one
    Case("PUT", BOARD + "/sharing", share_api(200), my_board, share_body),
    Case("PUT", BOARD + "/owner", owner_api(200), my_board, same_owner_email),
    Case("GET", BOARD + "/tiles", reader(200), my_board),
    Case("POST", BOARD + "/tiles", owner_api(201), my_board, new_tile),
    Case("GET", BOARD_TILE, reader(200), my_board),
    Case("PUT", BOARD_TILE, owner_api(200), my_board, same_tile),
    Case("PUT", BOARD_TILE, hidden_board(200), their_board, same_tile),
    Case("DELETE", BOARD_TILE, owner_api(204), my_board),
    Case(
        "GET",
        "/api/tiles/{slug}/{tile_key}/records",
        reader(200),
        url="/api/tiles/{slug}/{tile_key}/records?key={drill_key}",
    ),
    # -- dynamic selections (pages/selections.py, api/selections.py): on a fresh selection of the
    # caller's, of another user's not shared (404 but for the admin and an integration), or shared
    # with everyone (seen, changed by the owner only)
    Case("GET", "/selections", page(200)),
    Case("GET", "/selections.json", reader(200)),
    Case(
        "POST",
        "/selections",
        page(303),
        body=fresh(lambda: {"name_en": unique("Matrix page selection"), "entity": "leads"}),
    ),
    Case("GET", SELECTION, page(200), my_selection),
    Case("GET", SELECTION, hidden_selection_page(200), their_selection),
    Case("GET", SELECTION, page(200), their_shared_selection),
    Case("GET", SELECTION + ".json", reader(200), my_selection),
    Case("GET", SELECTION + ".json", hidden_selection_api(200), their_selection),
    Case("GET", SELECTION + ".csv", reader(200), my_selection),
    Case("GET", SELECTION + ".xlsx", reader(200), my_selection),
    Case("GET", SELECTION + "/board", page(200), my_selection),
    Case("GET", SELECTION + "/board", hidden_selection_page(200), their_selection),
    Case("GET", SELECTION + "/board.json", reader(200), my_selection),
    # a card moved to the status it has: the `own` user's lead, on everyone's board; another
    # group's lead is not on the `own` and `group` users' boards (404)
    Case("POST", SELECTION + "/board/move", page(303), my_selection, same_card_status),
    Case(
        "POST",
        SELECTION + "/board/move",
        hidden_page(303),
        my_selection_their_lead,
        same_card_status,
    ),
    Case(
        "POST",
        TILE_PATH + "/records/selection",
        page(303),
        body=lambda w, p, who: {"key": p["drill_key"], "name": unique("Matrix drill")},
    ),
    Case("GET", "/api/selections", reader(200)),
    Case("POST", "/api/selections", owner_api(201), body=new_selection),
    Case("GET", API_SELECTION, reader(200), my_selection),
    Case("GET", API_SELECTION, hidden_selection_api(200), their_selection),
    Case("GET", API_SELECTION, reader(200), their_shared_selection),
    Case("PUT", API_SELECTION, owner_api(200), my_selection, same_selection),
    Case("PUT", API_SELECTION, hidden_selection_api(200), their_selection, same_selection),
    Case("PUT", API_SELECTION, seen_selection_api(200), their_shared_selection, same_selection),
    Case("DELETE", API_SELECTION, owner_api(204), my_selection),
    Case("DELETE", API_SELECTION, hidden_selection_api(204), their_selection),
    Case("DELETE", API_SELECTION, seen_selection_api(204), their_shared_selection),
    Case("GET", API_SELECTION + "/records", reader(200), my_selection),
    Case("GET", API_SELECTION + "/records", hidden_selection_api(200), their_selection),
    # -- leads and forms pages ---------------------------------------------------------------------
    Case("GET", "/leads", page(200)),
    Case("GET", "/leads.json", reader(200)),
    Case("GET", LEAD_ID, page(200)),
    Case("GET", LEAD_ID, hidden_page(200), params=theirs),
    Case("GET", LEAD_ID + ".json", reader(200)),
    Case("GET", LEAD_ID + ".json", hidden_reader(200), params=theirs),
    Case("POST", LEAD_ID + "/status", page(303), body=same_status),
    Case("POST", LEAD_ID + "/status", hidden_page(303), params=theirs, body=same_status),
    Case("POST", LEAD_ID + "/owner", page(303), body=same_owner),
    Case("POST", LEAD_ID + "/owner", hidden_page(303), params=theirs, body=same_owner),
    Case("GET", "/forms", page(200)),
    Case("GET", "/forms/{form_key}", page(200)),
    # -- REST API: leads, sales, forms, campaigns, chats -------------------------------------------
    Case("POST", "/api/leads", writer(201), body=fresh(lambda: {"email": unique("m") + "@ex.com"})),
    Case("GET", "/api/leads", reader(200)),
    Case("GET", API_LEAD, reader(200)),
    Case("GET", API_LEAD, hidden_reader(200), params=theirs),
    Case("PATCH", API_LEAD, writer(200), body=same_job_title),
    Case("PATCH", API_LEAD, hidden_writer(200), params=theirs, body=same_job_title),
    Case("POST", API_LEAD + "/status", writer(200), body=same_status),
    Case("POST", API_LEAD + "/status", hidden_writer(200), params=theirs, body=same_status),
    Case("GET", API_LEAD + "/history", reader(200)),
    Case("GET", API_LEAD + "/history", hidden_reader(200), params=theirs),
    Case("GET", API_LEAD + "/conversions", reader(200)),
    Case("GET", API_LEAD + "/conversions", hidden_reader(200), params=theirs),
    Case("POST", "/api/sales", writer(201), body=new_sale),
    Case("GET", "/api/sales", reader(200)),
    Case("GET", API_SALE, reader(200)),
    Case("GET", API_SALE, hidden_reader(200), params=theirs),
    Case("PATCH", API_SALE, writer(200), body=same_sale_title),
    Case("PATCH", API_SALE, hidden_writer(200), params=theirs, body=same_sale_title),
    Case("POST", "/api/forms", writer(201), body=fresh(lambda: {"name": unique("Matrix form")})),
    Case("GET", "/api/forms", reader(200)),
    Case("GET", "/api/forms/{form_id}", reader(200)),
    Case("PATCH", "/api/forms/{form_id}", writer(200), body=form_name),
    Case("POST", "/api/campaigns", writer(201), body=fresh(lambda: {"key": unique("matrix")})),
    Case("GET", "/api/campaigns", reader(200)),
    Case("GET", "/api/campaigns/{campaign_id}", reader(200)),
    Case("PATCH", "/api/campaigns/{campaign_id}", writer(200), body=campaign_name),
    Case("POST", "/api/chats", writer(201), body=fixed({"started_at": "2026-11-20T10:00:00Z"})),
    # -- REST API: administration ------------------------------------------------------------------
    Case("GET", "/api/admin/users", admin_api(200)),
    # GDPR erasure: admins only; without erase=true refused (422), so the matrix erases nothing
    Case("DELETE", "/api/leads/{lead_id}", admin_api(422)),
    Case(
        "POST",
        "/api/admin/users",
        admin_api(201),
        body=fresh(lambda: {"email": unique("matrix-new") + "@example.com"}),
    ),
    Case("PATCH", "/api/admin/users/{email}", admin_api(200), a_user, fixed({"name": "Renamed"})),
    Case(
        "POST",
        "/api/admin/users/{email}/password",
        admin_api(200),
        a_user,
        fixed({"password": "a new password"}),
    ),
    Case("GET", "/api/admin/groups", admin_api(200)),
    Case(
        "POST", "/api/admin/groups", admin_api(201), body=fresh(lambda: {"name": unique("Group")})
    ),
    Case("GET", "/api/admin/roles", admin_api(200)),
    Case("POST", "/api/admin/roles", admin_api(201), body=fresh(lambda: {"key": unique("role")})),
    Case("PATCH", "/api/admin/roles/{key}", admin_api(200), a_role, fixed({"name": "Renamed"})),
    Case("GET", "/api/admin/statuses", admin_api(200)),
    Case(
        "POST",
        "/api/admin/statuses",
        admin_api(201),
        body=fresh(lambda: {"name_en": unique("Matrix status")}),
    ),
    Case(
        "PUT",
        "/api/admin/statuses/order",
        admin_api(200),
        body=lambda w, p, who: {"keys": w.status_order()},
    ),
    Case(
        "PATCH", "/api/admin/statuses/{key}", admin_api(200), a_status, fixed({"name_nl": "Nieuw"})
    ),
    Case("DELETE", "/api/admin/statuses/{key}", admin_api(200), a_status),
    Case("GET", "/api/admin/rates", admin_api(200)),
    Case(
        "PUT",
        "/api/admin/rates/{currency}",
        admin_api(200),
        body=lambda w, p, who: {"rate": w.rate(p["currency"])},
    ),
    # -- admin pages -------------------------------------------------------------------------------
    Case("GET", "/admin", admin_page(200)),
    Case("GET", "/admin/users", admin_page(200)),
    Case(
        "POST",
        "/admin/users",
        admin_page(303),
        body=fresh(lambda: {"email": unique("matrix-page") + "@example.com"}),
    ),
    Case("GET", "/admin/users/{email}", admin_page(200), a_user),
    Case("POST", "/admin/users/{email}", admin_page(303), a_user, fixed({"name": "Renamed"})),
    Case(
        "POST",
        "/admin/users/{email}/password",
        admin_page(303),
        a_user,
        fixed({"password": "a new password"}),
    ),
    Case("GET", "/admin/groups", admin_page(200)),
    Case("POST", "/admin/groups", admin_page(303), body=fresh(lambda: {"name": unique("Team")})),
    Case("GET", "/admin/roles", admin_page(200)),
    Case("POST", "/admin/roles", admin_page(303), body=fresh(lambda: {"key": unique("prole")})),
    Case(
        "POST",
        "/admin/roles/{key}",
        admin_page(303),
        a_role,
        fixed({"name": "Renamed", "leads": "own", "sales": "group"}),
    ),
    Case("GET", "/admin/statuses", admin_page(200)),
    Case(
        "POST",
        "/admin/statuses",
        admin_page(303),
        body=fresh(lambda: {"name_en": unique("Page status")}),
    ),
    Case(
        "POST",
        "/admin/statuses/{key}",
        admin_page(303),
        a_status,
        fixed({"name_en": "Renamed", "name_nl": "Hernoemd"}),
    ),
    Case(
        "POST", "/admin/statuses/{key}/move", admin_page(303), a_status, fixed({"direction": "up"})
    ),
    Case("POST", "/admin/statuses/{key}/delete", admin_page(303), a_status, fixed({})),
    Case("GET", "/admin/rates", admin_page(200)),
    Case(
        "POST",
        "/admin/rates",
        admin_page(303),
        body=lambda w, p, who: {"currency": p["currency"], "rate": w.rate(p["currency"])},
    ),
)


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[World]:
    """A demo (300 leads) on each engine with its group and own logins, a dashboard admin, the
    admin; a session (through /login) and an API token for each, and an integration token."""
    url = database_url(request.param, tmp_path_factory, pg_server)
    settings = Settings(database_url=url, secret_key="matrix-secret")
    engine = make_engine(url)
    generate_demo(engine, leads=300, seed=5, today=TODAY, tz=settings.tz)
    ensure_demo_admin(engine, PASSWORD)
    with engine.begin() as conn:
        kinds = {login.kind: login.email for login in demo_logins(conn, DEMO_ADMIN)}
        conn.execute(
            insert(associates).values(
                email=DASH_ADMIN,
                name="Matrix Dashboard Admin",
                role="dashboard-admin",
                language="en",
                active=True,
                password_hash=password_hash(PASSWORD),
            )
        )
        # the demo sells in the base currency only: one rate to read and write back
        conn.execute(insert(currency_rates).values(currency="USD", rate="0.92"))
    engine.dispose()
    emails = {"own": kinds["own"], "group": kinds["group"], "dash": DASH_ADMIN, "admin": DEMO_ADMIN}
    app = create_app(settings, end_of_day_clock(TODAY, settings.tz))
    engine = app.state.engine
    try:
        yield _world(app, engine, emails)
    finally:
        app.state.engine.dispose()
        if request.param == "postgresql" and pg_server is not None:
            pg_server.drop_database(url)


def _world(app: FastAPI, engine: Engine, emails: dict[str, str]) -> World:
    cookies: dict[str, str] = {}
    csrf: dict[str, str] = {}
    headers: dict[str, dict[str, str]] = {}
    with engine.begin() as conn:
        rows = conn.execute(
            select(associates.c.email, associates.c.id).where(
                associates.c.email.in_(list(emails.values()))
            )
        ).all()
        by_email: dict[str, int] = {row.email: row.id for row in rows}
        for who, email in emails.items():
            secret = create_token(conn, f"matrix {who}", app.state.clock.now(), by_email[email])
            headers[f"{who} token"] = {"Authorization": f"Bearer {secret}"}
        secret = create_token(conn, "matrix integration", app.state.clock.now())
        headers["integration token"] = {"Authorization": f"Bearer {secret}"}
    for who, email in emails.items():
        with TestClient(app, follow_redirects=False) as client:
            log_in(client, email)
            cookies[who] = str(client.cookies["leadboard_session"])
            csrf[who] = csrf_of(client.get("/logout").text)
    own = by_email[emails["own"]]
    with engine.connect() as conn:
        own_group = conn.execute(select(associates.c.group_id).where(associates.c.id == own)).one()
        assert own_group.group_id is not None
        # another group's associates: neither the own user nor the group user sees their records
        others = select(associates.c.id).where(associates.c.group_id != own_group.group_id)
        group_user = conn.execute(
            select(associates.c.group_id).where(associates.c.email == emails["group"])
        ).one()
        assert group_user.group_id == own_group.group_id, "the demo's own user is in the group"
        lead = conn.execute(select(func.min(leads.c.id)).where(leads.c.owner_id == own)).scalar()
        other_lead = conn.execute(
            select(func.min(leads.c.id)).where(leads.c.owner_id.in_(others))
        ).scalar()
        sale = conn.execute(select(func.min(sales.c.id)).where(sales.c.owner_id == own)).scalar()
        other_sale = conn.execute(
            select(func.min(sales.c.id)).where(sales.c.owner_id.in_(others))
        ).scalar()
        form = conn.execute(
            select(forms.c.id, forms.c.key).where(forms.c.active.is_(True)).order_by(forms.c.id)
        ).first()
        campaign = conn.execute(select(func.min(campaigns.c.id))).scalar()
        assert conn.execute(select(func.count()).select_from(associate_groups)).scalar()
        assert conn.execute(select(func.count()).select_from(roles)).scalar()
    assert None not in (lead, other_lead, sale, other_sale, form, campaign)
    assert form is not None
    ids = {
        "slug": SLUG,
        "tile_key": TILE,
        "lead_id": str(lead),
        "sale_id": str(sale),
        "form_id": str(form.id),
        "form_key": form.key,
        "campaign_id": str(campaign),
        "currency": "USD",
        "drill_key": _drill_key(app, headers["admin token"]),
    }
    return World(
        app,
        engine,
        emails,
        cookies,
        csrf,
        headers,
        ids,
        {"lead_id": str(other_lead), "sale_id": str(other_sale)},
    )


def _drill_key(app: FastAPI, admin: dict[str, str]) -> str:
    """The key of the tile's first row (a channel), for its drill-down."""
    with TestClient(app, headers=admin) as client:
        body = client.get(f"/api/dashboards/{SLUG}").json()
    tile = next(t for t in body["tiles"] if t["key"] == TILE)
    assert tile["rows"], "the demo has new leads this year"
    return str(tile["rows"][0]["key"])


# -- calling -------------------------------------------------------------------------------------


def client_for(w: World, who: str) -> TestClient:
    """One client per principal, reset before each call: only that principal's session cookie
    (none for anonymous and tokens) and its bearer header."""
    client = w.clients.get(who)
    if client is None:
        client = TestClient(w.app, follow_redirects=False, headers=w.headers.get(who, {}))
        w.clients[who] = client
    client.cookies.clear()
    if who in w.cookies:
        client.cookies.set("leadboard_session", w.cookies[who])
    return client


def is_page_post(case: Case) -> bool:
    return case.method != "GET" and not case.path.startswith(("/api", "/capture"))


def call(w: World, case: Case, who: str, with_csrf: bool = True) -> Any:
    params = case.params(w, who)
    url = (case.url or case.path).format(**params)
    body = case.body(w, params, who) if case.body else None
    headers = dict(case.headers)
    session = who in w.cookies
    if session and with_csrf and case.path.startswith("/api"):
        headers["X-CSRF-Token"] = w.csrf[who]
    if case.path in ("/login", "/logout") and case.method == "POST":
        return _account_post(w, case, who, url, body or {}, with_csrf)
    client = client_for(w, who)
    if is_page_post(case):
        form = dict(body or {})
        if session and with_csrf:
            form["csrf_token"] = w.csrf[who]
        return client.request(case.method, url, data=form, headers=headers)
    return client.request(case.method, url, json=body, headers=headers)


def _account_post(
    w: World, case: Case, who: str, url: str, body: dict[str, Any], with_csrf: bool
) -> Any:
    """Log-in and log-out change the session: a client of their own, and log-out ends a session
    logged in for it (through the form), never the matrix's."""
    with TestClient(w.app, follow_redirects=False, headers=w.headers.get(who, {})) as client:
        form = dict(body)
        if who in w.cookies:
            if case.path == "/logout":
                log_in(client, w.emails[who])
            else:
                client.cookies.set("leadboard_session", w.cookies[who])
            if with_csrf:
                form["csrf_token"] = csrf_of(client.get("/logout").text)
        elif who == "anonymous" and with_csrf:
            form["csrf_token"] = csrf_of(client.get("/login").text)
        return client.post(url, data=form)


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    found = set()
    for route in iter_route_contexts(app.routes):
        path = route.path
        assert path is not None, route
        if isinstance(route.original_route, Mount):
            found.add(("GET", path))
            continue
        for method in route.methods or ():
            found.add((method, path))
    return found


# -- the tests -----------------------------------------------------------------------------------


def test_the_matrix_lists_every_route_and_no_other(world: World) -> None:
    routes = app_routes(world.app)
    listed = {(case.method, case.path) for case in MATRIX}
    assert routes - listed == set(), "routes missing from MATRIX: add them with their statuses"
    assert listed - routes == set(), "MATRIX lists routes the app no longer has"
    # each route is called on records everyone may see (the hidden variants come on top)
    assert {(c.method, c.path) for c in MATRIX if c.params is not theirs} == routes


@pytest.mark.parametrize(
    "case",
    MATRIX,
    ids=lambda c: f"{c.method} {c.path}{'' if c.params is not theirs else ' (theirs)'}",
)
def test_route_answers_each_principal_as_expected(world: World, case: Case) -> None:
    got: dict[str, int] = {}
    wrong_redirects = []
    for who in PRINCIPALS:
        response = call(world, case, who)
        assert response.status_code < 500, (who, response.status_code, response.text[:500])
        got[who] = response.status_code
        if response.status_code == 303:
            location = response.headers["location"]
            to_login = location.startswith("/login")
            signed_in = who in world.cookies
            expected_login = not signed_in or case.path == "/logout"
            if to_login != expected_login:
                wrong_redirects.append((who, location))
    assert got == case.expected, {
        k: (v, case.expected[k]) for k, v in got.items() if v != case.expected[k]
    }
    assert wrong_redirects == []


CSRF_CASES = tuple(
    case
    for case in MATRIX
    if case.params is not theirs
    and case.method not in ("GET", "HEAD", "OPTIONS")
    and not case.path.startswith(("/capture", "/api/leads", "/api/sales", "/api/forms"))
    and not case.path.startswith(("/api/campaigns", "/api/chats"))
)


@pytest.mark.parametrize("case", CSRF_CASES, ids=lambda c: f"{c.method} {c.path}")
def test_state_changing_session_posts_need_the_csrf_token(world: World, case: Case) -> None:
    """A page POST or an /api/admin write by a signed-in session without its CSRF token: 403,
    for every role (a non-admin on an admin route is refused before the token matters), except
    the log-in form, which answers 400 with the form again (it has no user to refuse yet)."""
    for who in ("own", "dash", "admin"):
        response = call(world, case, who, with_csrf=False)
        expected = 400 if case.path == "/login" else 403
        assert response.status_code == expected, (who, response.text[:300])
