"""The HTML pages and their JSON twins.

/login, /logout                      log in and out (account.py)
/                                    the user's first dashboard
/dashboards/{slug}(.json)            one dashboard: tabs, quick filters, tile grid
/dashboards/{slug}/tiles             the tiles' figures (htmx fragment, swapped in per tile)
/dashboards/{slug}/versions          each tile's data version: the page refetches changed tiles
/dashboards/{slug}/tiles/{key}...    CSV, figures table and drill-down (tile_routes.py)
/dashboards/{slug}/favourite         star or unstar (POST)
/dashboards/{slug}/visit             the page posts it on load: the "recent" tab (the GET of
                                     the page changes nothing)
/dashboards, /dashboards/new, /dashboards/{slug}/settings|duplicate|delete|sharing|owner
                                     find, make, change and share dashboards (dashboard_admin.py)
/leads(.json), /leads/{id}(.json)    the lead list and one lead, with its actions (leads_list.py)
/forms                               every form (forms_list.py)
/selections/...                      dynamic selections: list, board, exports (selections.py)
/admin/...                           the admin pages, admins only (admin.py)
/settings/language                   the user's language (POST, account.py)
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from leadboard.dashboards import preferences
from leadboard.dashboards.freshness import dashboard_versions, tile_versions
from leadboard.semantic.filters import InputError
from leadboard.web.pages import (
    account,
    admin,
    dashboard_admin,
    forms_list,
    leads_list,
    selections,
    tile_editor,
    tile_routes,
)
from leadboard.web.pages import dashboard as pages
from leadboard.web.pages.session import (
    PageUser,
    User,
    formatter,
    language,
    require_csrf,
    twin_language,
    twin_viewer,
    url_language,
    with_query,
)
from leadboard.web.pages.setup import render
from leadboard.web.pages.tiles import (
    failed_view,
    loading_view,
    script_words,
    tile_view,
)
from leadboard.web.present import dashboard_json, dashboard_results
from leadboard.web.scope import request_viewer, viewer_dashboard, viewer_scope

router = APIRouter(include_in_schema=False)
router.include_router(account.router)
router.include_router(tile_editor.router)  # /tiles/new and /tiles/preview are no tile keys
router.include_router(selections.router)
router.include_router(tile_routes.router)
router.include_router(leads_list.router)
router.include_router(forms_list.router)
router.include_router(admin.router)
# before /dashboards/{slug}: /dashboards/new is the form, not a dashboard called "new"
router.include_router(dashboard_admin.router)


def user_json(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"email": user.email, "name": user.name, "role": user.role, "language": user.language}


# -- dashboards --------------------------------------------------------------------------------


@router.get("/")
def home(request: Request, user: PageUser) -> Response:
    with request.app.state.engine.connect() as conn:
        slug = preferences.first_dashboard(conn, user.id)
    return RedirectResponse(with_query(f"/dashboards/{slug}", lang=url_language(request)), 303)


def refresh_seconds(request: Request) -> int:
    try:
        return int(request.query_params.get("refresh") or 0)
    except ValueError:
        return 0


@router.get("/dashboards/{slug}.json")
def dashboard_twin(request: Request, slug: str) -> dict[str, Any]:
    user, _principal = twin_viewer(request)
    # A token without a user (no `user`) is an integration: all rights.
    user_id = user.id if user else None
    dashboard = viewer_dashboard(request, slug, user_id)
    lang = twin_language(request, user)
    state = request.app.state
    given = pages.filter_input(request.query_params)
    scope = viewer_scope(request, user_id)
    context = pages.page_context(
        state.engine,
        dashboard,
        user.id if user else None,
        given,
        lang,
        url_language(request),
        refresh_seconds(request),
        scope,
    )
    viewer = request_viewer(request, user_id)
    data = dashboard_json(
        state.engine, state.settings, state.clock, slug, given, lang, scope, viewer
    )
    return {"user": user_json(user), "lang": lang, **context, "data": data}


@router.get("/dashboards/{slug}")
def dashboard_page(request: Request, slug: str, user: PageUser) -> Response:
    lang = language(request, user)
    dashboard = tile_routes.dashboard_or_404(request, slug, user.id)
    engine = request.app.state.engine
    given = pages.filter_input(request.query_params)
    context = pages.page_context(
        engine,
        dashboard,
        user.id,
        given,
        lang,
        url_language(request),
        refresh_seconds(request),
        viewer_scope(request, user.id),
    )
    tiles = [
        {**loading_view(tile, lang), **place}
        for tile, place in zip(dashboard.tiles, context["layout"], strict=True)
    ]
    status = 422 if context["filters"]["error"] else 200
    return render(
        request,
        "dashboard.html",
        {
            **context,
            "lang": lang,
            "user": user,
            "tiles": tiles,
            "default_theme": dashboard.theme,
            "js_locale": formatter(request, lang).js_locale,
            "words": script_words(lang),
            "favourite_url": with_query(
                f"/dashboards/{slug}/favourite", lang=url_language(request)
            ),
            "currency": request.app.state.settings.base_currency,
            "poll_ms": request.app.state.settings.poll_ms,
            "tile_edit": tile_editor.grid_edit(request, slug, user.id, lang),
        },
        status_code=status,
    )


@router.get("/dashboards/{slug}/tiles")
def tiles_fragment(
    request: Request, slug: str, user: PageUser, only: str | None = None
) -> Response:
    """Every tile's figures, as out-of-band swaps into the tiles already on the page; `only`
    (keys, comma-separated): just those tiles, the ones whose data changed (see /versions)."""
    dashboard = tile_routes.dashboard_or_404(request, slug, user.id)
    lang = language(request, user)
    fmt = formatter(request, lang)
    state = request.app.state
    given = pages.filter_input(request.query_params)
    url_lang = url_language(request)
    keys = None if only is None else set(only.split(","))
    shown = [
        (tile, place)
        for tile, place in zip(dashboard.tiles, pages.layout(dashboard, lang), strict=True)
        if keys is None or tile.key in keys
    ]
    with state.engine.connect() as conn:
        # read before the compute: a write in between refreshes the tile once more, harmlessly
        versions = tile_versions(conn, (tile for tile, _ in shown))
    try:
        computed, data = dashboard_results(
            state.engine,
            state.settings,
            state.clock,
            slug,
            given,
            lang,
            viewer_scope(request, user.id),
            request_viewer(request, user.id),
            keys,
        )
    except InputError as exc:
        message = f"{exc.field}: {exc.message}"
        failed = [failed_view(tile, lang, message) for tile, _ in shown]
        context = {"lang": lang, "user": user, "error": exc.message, "field": exc.field}
        return render(request, "_tiles_error.html", {**context, "tiles": failed})
    query = pages.filter_query(pages.filter_values(given), url_lang)
    views = [
        # the tile's JSON name wins over the layout's: a replaced period renames it (SPEC 9.4)
        {
            **place,
            **tile_view(tile_json, typed, definition, slug, query, fmt, lang, url_lang),
            "version": versions[definition.key],
        }
        for tile_json, typed, (definition, place) in zip(
            data["tiles"], computed.tiles, shown, strict=True
        )
    ]
    context = {
        "lang": lang,
        "user": user,
        "tiles": views,
        "updated": fmt.moment(data["as_of"]),
        "tile_edit": tile_editor.grid_edit(request, slug, user.id, lang),
    }
    return render(request, "_tiles.html", context)


@router.get("/dashboards/{slug}/versions")
def tile_versions_json(request: Request, slug: str, user: PageUser) -> Response:
    """Each tile's data version, which the open page asks for every LEADBOARD_POLL_MS: a tile
    whose version moved is fetched again (dashboards/freshness.py). 304 when nothing moved."""
    dashboard = tile_routes.dashboard_or_404(request, slug, user.id)
    with request.app.state.engine.connect() as conn:
        etag, tiles = dashboard_versions(conn, dashboard)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return JSONResponse({"tiles": tiles}, headers=headers)


@router.post("/dashboards/{slug}/visit", status_code=204)
def visit(
    request: Request, slug: str, user: PageUser, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """The dashboard page was opened (htmx posts this on load, with the CSRF header): it is
    the user's most recent one now. A POST, so opening or prefetching a page changes nothing."""
    require_csrf(request, csrf_token)
    tile_routes.dashboard_or_404(request, slug, user.id)
    with request.app.state.engine.begin() as conn:
        preferences.record_visit(conn, user.id, slug)
    return Response(status_code=204)


@router.post("/dashboards/{slug}/favourite")
def favourite(
    request: Request, slug: str, user: PageUser, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    require_csrf(request, csrf_token)
    dashboard = tile_routes.dashboard_or_404(request, slug, user.id)
    with request.app.state.engine.begin() as conn:
        now = preferences.toggle_favourite(conn, user.id, slug)
    lang = language(request, user)
    url_lang = url_language(request)
    if not request.headers.get("hx-request"):
        return RedirectResponse(with_query(f"/dashboards/{slug}", lang=url_lang), 303)
    with request.app.state.engine.connect() as conn:
        visible = preferences.visible_dashboards(conn, user.id)
        favs = preferences.favourites(conn, user.id, visible)
        last = preferences.recent(conn, user.id, exclude=slug, visible=visible)
    context = {
        "lang": lang,
        "user": user,
        "dashboard": {"slug": dashboard.slug, "favourite": now},
        "tabs": pages.tabs(slug, favs, last, lang, url_lang, visible),
        "star_oob_tabs": True,
        "favourite_url": with_query(f"/dashboards/{slug}/favourite", lang=url_lang),
    }
    return render(request, "_star.html", context)
