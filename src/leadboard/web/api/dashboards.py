"""GET /api/dashboards, /api/dashboards/{slug}, /api/tiles/{slug}/{tile_key}/records, and the
routes that create, change, share and duplicate dashboards and their tiles (issue 11)."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, WithJsonSchema
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from leadboard.auth.requests import Principal, bearer_principal, require_principal
from leadboard.dashboards.models import Dashboard, Tile
from leadboard.dashboards.service import FilterInput, list_dashboards
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import (
    Audience,
    StoredDashboard,
    create_dashboard,
    delete_dashboard,
    duplicate_dashboard,
    find_stored,
    replace_dashboard,
    set_audience,
    transfer_dashboard,
)
from leadboard.domain.emails import normalise_email
from leadboard.domain.users import Viewer, find_user, list_groups, list_users
from leadboard.errors import Conflict, FieldError, Forbidden, NotFound
from leadboard.web.api.common import DOCUMENTED_AUTH, Lang, link, links
from leadboard.web.api.dashboard_admin_models import (
    AudienceIO,
    DashboardIn,
    DefinitionIn,
    DefinitionOut,
    DuplicateIn,
    OwnerIn,
    SharingIn,
    TileIO,
    TileList,
)
from leadboard.web.api.dashboard_models import DashboardList, DashboardOut
from leadboard.web.api.errors import NOT_FOUND, AllowingRoute, ApiRoute, ErrorOut, responses
from leadboard.web.api.models import COUNTRY_FILTER, NO_NUL, clean_text
from leadboard.web.pages.session import CSRF_HEADER, csrf_ok
from leadboard.web.present import dashboard_json, tile_records_json
from leadboard.web.scope import request_viewer, viewer_scope

# DOCUMENTED_AUTH: /docs offers the bearer token for these too; the check is require_principal.
router = APIRouter(
    prefix="/api",
    tags=["dashboards"],
    route_class=AllowingRoute,
    dependencies=[*DOCUMENTED_AUTH, Depends(require_principal)],
    responses=responses(NOT_FOUND),
)

# The quick filters (empty: none). Owners and statuses are looked up (an unknown one is a 422);
# a period is a name of SPEC 5 (any case) that stays within the calendar.
_UNIT = "(day|week|month|quarter|year)"
PERIOD_PATTERN = (
    rf"^(all|ytd|today|this-{_UNIT}|(previous|next)-{_UNIT}"
    rf"|(previous|next|this-and-previous|this-and-next)-[1-9][0-9]{{0,3}}-{_UNIT}s"
    r"|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})?$"
)
_TEXT = {"type": "string", "pattern": NO_NUL}
Owner = Annotated[str | None, Query(description="An associate's email"), WithJsonSchema(_TEXT)]
Country = Annotated[
    str | None,
    Query(description="ISO 3166-1 alpha-2 code, or `none`"),
    WithJsonSchema({"type": "string", "pattern": COUNTRY_FILTER}),
]
Status = Annotated[str | None, Query(description="A lead status key"), WithJsonSchema(_TEXT)]
Period = Annotated[
    str | None,
    Query(description="A period name (SPEC 5), e.g. ytd"),
    WithJsonSchema({"type": "string", "pattern": PERIOD_PATTERN}),
]
# The same dependency as the router's (FastAPI asks it once per request): who is asking.
Asking = Annotated[Principal, Depends(require_principal)]


@router.get("/dashboards", response_model=DashboardList)
def get_dashboards(request: Request, principal: Asking, lang: Lang = "en") -> dict[str, Any]:
    """The built-in dashboards, then those users made that the viewer may open."""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.connect() as conn:
        return {"dashboards": list_dashboards(conn, lang, viewer)}


# The model documents the answer; the presented JSON is returned as it is (see dashboard_models).
@router.get("/dashboards/{slug}", response_model=DashboardOut)
async def get_dashboard(
    request: Request,
    principal: Asking,
    slug: str,
    owner: Owner = None,
    country: Country = None,
    status: Status = None,
    period: Period = None,
    lang: Lang = "en",
) -> Response:
    """Every tile computed. Each tile names its `measure` (and `measure2`) and, for money, its
    `currency`; counts are integers, money is a decimal string with 2 places ("147300.00"),
    percentages are numbers with 1 decimal. Every figure counts only the records the viewer's
    rights allow (a token acts as its user; one without a user sees all). This is the computed
    dashboard; its definition (what `PUT` takes) is `GET /api/dashboards/{slug}/definition`."""
    state = request.app.state
    filters = FilterInput(owner, country, status, period)

    def computed() -> dict[str, Any]:  # one trip to the thread pool: a warm answer is ~2 ms
        scope = viewer_scope(request, principal.associate_id)
        viewer = request_viewer(request, principal.associate_id)
        return dashboard_json(
            state.engine, state.settings, state.clock, slug, filters, lang, scope, viewer
        )

    return JSONResponse(await run_in_threadpool(computed))


@router.get("/tiles/{slug}/{tile_key}/records")
async def get_tile_records(
    request: Request,
    principal: Asking,
    slug: str,
    tile_key: str,
    key: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 50,
    owner: Owner = None,
    country: Country = None,
    status: Status = None,
    period: Period = None,
    lang: Lang = "en",
) -> dict[str, Any]:
    """The records behind one row or step, with `total` and `measure` (the tile's figure over
    them: an integer count, or a decimal string with `currency` for money). A sale record's
    `amount` is a decimal string in its own `currency`."""
    state = request.app.state
    scope = await run_in_threadpool(viewer_scope, request, principal.associate_id)
    viewer = await run_in_threadpool(request_viewer, request, principal.associate_id)
    return await run_in_threadpool(
        tile_records_json,
        state.engine,
        state.settings,
        state.clock,
        slug,
        tile_key,
        FilterInput(owner, country, status, period),
        key,
        page,
        page_size,
        lang,
        scope,
        viewer,
    )


# -- dashboards users build: create, change, share, tiles (issue 11) ----------------------------
#
# Who may call these: a signed-in user (the session cookie; writes then need the page's CSRF
# token in the X-CSRF-Token header) or an API token, which acts as its user (request_viewer); a
# token without a user is an integration that may change and share every dashboard. The rules
# are those of dashboards/stored.py: only the owner changes or deletes a dashboard (403 for
# others who may open it, 404 for those who may not), the owner or an admin transfers it, sharing
# and pinning need the dashboard-admin role. Built-in dashboards are read-only templates (409).

READS = ("GET", "HEAD", "OPTIONS")
# What a new dashboard's (or copy's) answer leads to, and a new tile's (OpenAPI links).
_DASHBOARD, _TILE = "/api/dashboards/{slug}", "/api/dashboards/{slug}/tiles/{key}"
_SLUG = {"slug": "$response.body#/slug"}
_TILE_KEY = {"slug": "$request.path.slug", "key": "$response.body#/key"}
DASHBOARD_LINKS = links(
    201,
    ReadDashboard=link(_DASHBOARD, "get", _SLUG),
    ReadDefinition=link(f"{_DASHBOARD}/definition", "get", _SLUG),
    ReplaceDashboard=link(_DASHBOARD, "put", _SLUG),
    DeleteDashboard=link(_DASHBOARD, "delete", _SLUG),
    DuplicateDashboard=link(f"{_DASHBOARD}/duplicate", "post", _SLUG),
    ShareDashboard=link(f"{_DASHBOARD}/sharing", "put", _SLUG),
    TransferDashboard=link(f"{_DASHBOARD}/owner", "put", _SLUG),
    ReadTiles=link(f"{_DASHBOARD}/tiles", "get", _SLUG),
    AddTile=link(f"{_DASHBOARD}/tiles", "post", _SLUG),
)
TILE_LINKS = links(
    201,
    ReadTile=link(_TILE, "get", _TILE_KEY),
    ReplaceTile=link(_TILE, "put", _TILE_KEY),
    DeleteTile=link(_TILE, "delete", _TILE_KEY),
    ReadRecords=link(
        "/api/tiles/{slug}/{tile_key}/records",
        "get",
        {"slug": "$request.path.slug", "tile_key": "$response.body#/key"},
    ),
)
BUILTIN_READ_ONLY = "{slug!r} is a built-in dashboard and read-only; duplicate it to change it"


def require_writer(request: Request) -> Principal:
    """require_principal, and for a session's write the CSRF header (tokens need none)."""
    principal = bearer_principal(request)
    if principal is not None:
        return principal
    principal = require_principal(request)
    if request.method not in READS and not csrf_ok(request, None):
        raise Forbidden(
            "X-CSRF-Token", "missing or wrong CSRF token: send the page's token in X-CSRF-Token"
        )
    return principal


Writer = Annotated[Principal, Depends(require_writer)]
SlugPath = Annotated[
    str,
    Path(max_length=100, description="The dashboard's slug", examples=["marketing"]),
    AfterValidator(clean_text),
]
KeyPath = Annotated[
    str,
    Path(max_length=100, description="The tile's key", examples=["new-leads"]),
    AfterValidator(clean_text),
]
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorOut,
        "description": "May open the dashboard but not do this (not its owner; sharing without "
        f"the dashboard-admin role); a session's write without its `{CSRF_HEADER}` header",
    }
}
BUILTIN_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorOut,
        "description": "A built-in dashboard (read-only), or a slug or tile key in use",
    }
}

# Included into `router` (its /api prefix, bearer documentation and require_principal), with the
# route class that answers the domain's 403 and 409 with their own status.
admin_router = APIRouter(
    route_class=ApiRoute, responses=responses(NOT_FOUND, FORBIDDEN, BUILTIN_CONFLICT)
)


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.clock.now()
    return now


def _email_id(conn: Connection, email: str, field: str) -> int:
    try:
        return find_user(conn, email).id
    except NotFound:
        raise FieldError(field, f"no user with email {email!r}") from None


def _caller_owner(conn: Connection, principal: Principal, owner: str | None) -> int:
    """Whom a new dashboard or copy belongs to: the token's or session's user; an integration
    names the owner."""
    if principal.associate_id is None:
        if owner is None:
            raise FieldError("owner", "is required for a token without a user (an integration)")
        return _email_id(conn, owner, "owner")
    if owner is not None and normalise_email(owner) != principal.email:
        raise Forbidden("owner", "a new dashboard is its maker's; transfer it afterwards")
    return principal.associate_id


def _audience_out(audience: Audience, groups: dict[int, str], emails: dict[int, str]) -> Any:
    return {
        "everyone": audience.everyone,
        "groups": sorted(groups[g] for g in audience.group_ids),
        "users": sorted(emails[u] for u in audience.user_ids),
    }


def _definition_out(conn: Connection, stored: StoredDashboard) -> dict[str, Any]:
    groups = {group.id: group.name for group in list_groups(conn)}
    emails = {user.id: user.email for user in list_users(conn)}
    return stored.definition.model_dump(mode="json") | {
        "builtin": False,
        "owner": emails[stored.owner_id],
        "visible_for": _audience_out(stored.visible, groups, emails),
        "pinned_for": _audience_out(stored.pinned, groups, emails),
    }


def _builtin_out(definition: Dashboard) -> dict[str, Any]:
    return definition.model_dump(mode="json") | {
        "builtin": True,
        "owner": None,
        "visible_for": None,
        "pinned_for": None,
    }


def _readable(conn: Connection, slug: str, viewer: Viewer) -> Dashboard:
    """A built-in definition, or a stored one the viewer may open (else 404 on slug)."""
    if slug in builtin_dashboards():
        return builtin_dashboards()[slug]
    return find_stored(conn, slug, viewer).definition


def _editable(conn: Connection, slug: str, viewer: Viewer) -> StoredDashboard:
    """A stored dashboard the viewer may change: 409 built-in, 404 unseen, 403 not the owner."""
    if slug in builtin_dashboards():
        raise Conflict("slug", BUILTIN_READ_ONLY.format(slug=slug))
    found = find_stored(conn, slug, viewer)
    if not found.editable_by(viewer):
        raise Forbidden("owner", "only the dashboard's owner may change it")
    return found


def _with_tiles(definition: Dashboard, tiles: list[Tile]) -> Dashboard:
    return Dashboard.model_validate(
        definition.model_dump(exclude_defaults=True) | {"tiles": [t.model_dump() for t in tiles]}
    )


@admin_router.post(
    "/dashboards",
    status_code=201,
    response_model=DefinitionOut,
    responses=DASHBOARD_LINKS,
    summary="Create a dashboard",
)
def post_dashboard(request: Request, principal: Writer, body: DashboardIn) -> dict[str, Any]:
    """A new dashboard from a definition in the built-in schema (see
    `GET /api/dashboards/{slug}/definition`), visible to its owner only until it is shared. The
    owner is the caller; an integration (a token without a user) gives `owner`, an email. A slug
    in use or of a built-in dashboard is a 409 naming `slug`."""
    with request.app.state.engine.begin() as conn:
        owner_id = _caller_owner(conn, principal, body.owner)
        made = create_dashboard(conn, body.definition(), owner_id, _now(request))
        return _definition_out(conn, made)


@admin_router.get(
    "/dashboards/{slug}/definition",
    response_model=DefinitionOut,
    summary="A dashboard's definition, owner and audiences",
)
def get_definition(request: Request, principal: Asking, slug: SlugPath) -> dict[str, Any]:
    """The definition in the built-in schema (what `PUT /api/dashboards/{slug}` takes), the
    owner's email and `visible_for` / `pinned_for` (groups by name, users by email); a built-in
    dashboard has its definition only. (`GET /api/dashboards/{slug}` computes the figures.)"""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.connect() as conn:
        if slug in builtin_dashboards():
            return _builtin_out(builtin_dashboards()[slug])
        return _definition_out(conn, find_stored(conn, slug, viewer))


@admin_router.put(
    "/dashboards/{slug}", response_model=DefinitionOut, summary="Replace a dashboard's definition"
)
def put_dashboard(
    request: Request, principal: Writer, slug: SlugPath, body: DefinitionIn
) -> dict[str, Any]:
    """A new definition (the owner only; an integration too). The body's `slug` may rename it
    (409 when taken); owner, audiences, favourites and visits stay."""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.begin() as conn:
        _editable(conn, slug, viewer)
        changed = replace_dashboard(conn, slug, body.definition(), viewer, _now(request))
        return _definition_out(conn, changed)


@admin_router.delete("/dashboards/{slug}", status_code=204, summary="Delete a dashboard")
def delete_stored(request: Request, principal: Writer, slug: SlugPath) -> Response:
    """The owner only (an integration too); its sharing, favourites and visits go with it."""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.begin() as conn:
        _editable(conn, slug, viewer)
        delete_dashboard(conn, slug, viewer)
    return Response(status_code=204)


@admin_router.post(
    "/dashboards/{slug}/duplicate",
    status_code=201,
    response_model=DefinitionOut,
    responses=DASHBOARD_LINKS,
    summary="Duplicate a dashboard (built-in ones too)",
)
def post_duplicate(
    request: Request, principal: Writer, slug: SlugPath, body: DuplicateIn | None = None
) -> dict[str, Any]:
    """A copy of a dashboard the caller may open, built-in ones included: slug `<slug>-2` (or
    the first free of `-3`, `-4`, ...), named "<name> 2" (the same number) in both languages,
    owned by the caller (an integration gives `owner`) and shared with nobody."""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.begin() as conn:
        source = _readable(conn, slug, viewer)
        owner_id = _caller_owner(conn, principal, body.owner if body else None)
        made = duplicate_dashboard(conn, source, owner_id, _now(request))
        return _definition_out(conn, made)


def _audience_in(conn: Connection, doc: AudienceIO, where: str) -> Audience:
    groups = {group.name: group.id for group in list_groups(conn)}
    group_ids = set()
    for i, name in enumerate(doc.groups):
        if name not in groups:
            raise FieldError(f"{where}.groups[{i}]", f"no group {name!r}")
        group_ids.add(groups[name])
    user_ids = {_email_id(conn, e, f"{where}.users[{i}]") for i, e in enumerate(doc.users)}
    return Audience(doc.everyone, frozenset(group_ids), frozenset(user_ids))


@admin_router.put(
    "/dashboards/{slug}/sharing",
    response_model=DefinitionOut,
    summary="Who a dashboard is visible for and pinned to",
)
def put_sharing(
    request: Request, principal: Writer, slug: SlugPath, body: SharingIn
) -> dict[str, Any]:
    """Replace both audiences: `everyone`, `groups` by name, `users` by email. Needs the
    dashboard-admin role (or admin; an integration may too), and the dashboard must be the
    caller's own unless they are admin. An unknown group or email is a 422 naming it."""
    viewer = request_viewer(request, principal.associate_id)
    now = _now(request)
    with request.app.state.engine.begin() as conn:
        if slug in builtin_dashboards():
            raise Conflict("slug", BUILTIN_READ_ONLY.format(slug=slug))
        found = find_stored(conn, slug, viewer)
        if viewer.associate_id is not None:
            if not viewer.may_share_dashboards:
                raise Forbidden(
                    "role", "sharing and pinning dashboards needs the dashboard-admin role"
                )
            if not (found.editable_by(viewer) or viewer.is_admin):
                raise Forbidden("owner", "only the dashboard's owner or an admin may share it")
        visible = _audience_in(conn, body.visible_for, "visible_for")
        pinned = _audience_in(conn, body.pinned_for, "pinned_for")
        set_audience(conn, slug, "visible", visible, viewer, now)
        changed = set_audience(conn, slug, "pinned", pinned, viewer, now)
        return _definition_out(conn, changed)


@admin_router.put(
    "/dashboards/{slug}/owner", response_model=DefinitionOut, summary="Transfer a dashboard"
)
def put_owner(request: Request, principal: Writer, slug: SlugPath, body: OwnerIn) -> dict[str, Any]:
    """A new owner, by email: the owner or an admin (an integration too) may do this."""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.begin() as conn:
        if slug in builtin_dashboards():
            raise Conflict("slug", BUILTIN_READ_ONLY.format(slug=slug))
        found = find_stored(conn, slug, viewer)
        if not (found.editable_by(viewer) or viewer.is_admin):
            raise Forbidden("owner", "only the dashboard's owner or an admin may transfer it")
        owner_id = _email_id(conn, body.owner, "owner")
        changed = transfer_dashboard(conn, slug, owner_id, viewer, _now(request))
        return _definition_out(conn, changed)


# -- tiles ---------------------------------------------------------------------------------------


def _tile_of(definition: Dashboard, key: str) -> Tile:
    tile = definition.tile(key)
    if tile is None:
        raise NotFound("tile_key", f"dashboard {definition.slug!r} has no tile {key!r}")
    return tile


@admin_router.get(
    "/dashboards/{slug}/tiles", response_model=TileList, summary="A dashboard's tiles"
)
def get_tiles(request: Request, principal: Asking, slug: SlugPath) -> dict[str, Any]:
    """Every tile's definition with its grid place `x`, `y` and size `w`, `h`, in order."""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.connect() as conn:
        definition = _readable(conn, slug, viewer)
    return {"tiles": [TileIO.of(tile) for tile in definition.tiles]}


@admin_router.post(
    "/dashboards/{slug}/tiles",
    status_code=201,
    response_model=TileIO,
    responses=TILE_LINKS,
    summary="Add a tile to a dashboard",
)
def post_tile(request: Request, principal: Writer, slug: SlugPath, body: TileIO) -> TileIO:
    """Adds the tile after the others (the owner only); a key in use is a 409 naming `key`."""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.begin() as conn:
        current = _editable(conn, slug, viewer).definition
        if current.tile(body.key) is not None:
            raise Conflict("key", f"dashboard {slug!r} has a tile {body.key!r} already")
        changed = _with_tiles(current, [*current.tiles, body.tile()])
        # as stored: a tile put where another is moves down (stored.replace reflows them)
        saved = replace_dashboard(conn, slug, changed, viewer, _now(request)).definition
    return TileIO.of(_tile_of(saved, body.key))


@admin_router.get(
    "/dashboards/{slug}/tiles/{key}", response_model=TileIO, summary="One tile's definition"
)
def get_one_tile(request: Request, principal: Asking, slug: SlugPath, key: KeyPath) -> TileIO:
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.connect() as conn:
        definition = _readable(conn, slug, viewer)
    return TileIO.of(_tile_of(definition, key))


@admin_router.put("/dashboards/{slug}/tiles/{key}", response_model=TileIO, summary="Replace a tile")
def put_tile(
    request: Request, principal: Writer, slug: SlugPath, key: KeyPath, body: TileIO
) -> TileIO:
    """The tile in its place (the owner only); a new `key` renames it (409 when in use)."""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.begin() as conn:
        current = _editable(conn, slug, viewer).definition
        _tile_of(current, key)
        if body.key != key and current.tile(body.key) is not None:
            raise Conflict("key", f"dashboard {slug!r} has a tile {body.key!r} already")
        tiles = [body.tile() if t.key == key else t for t in current.tiles]
        changed = _with_tiles(current, tiles)
        saved = replace_dashboard(conn, slug, changed, viewer, _now(request)).definition
    return TileIO.of(_tile_of(saved, body.key))


@admin_router.delete("/dashboards/{slug}/tiles/{key}", status_code=204, summary="Remove a tile")
def delete_tile(request: Request, principal: Writer, slug: SlugPath, key: KeyPath) -> Response:
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.begin() as conn:
        current = _editable(conn, slug, viewer).definition
        _tile_of(current, key)
        changed = _with_tiles(current, [t for t in current.tiles if t.key != key])
        replace_dashboard(conn, slug, changed, viewer, _now(request))
    return Response(status_code=204)


router.include_router(admin_router)
