"""One tile's extras: its figures as CSV or as a table, and the drill-down (HTML and CSV).

/dashboards/{slug}/tiles/{key}.csv             the tile's figures as CSV
/dashboards/{slug}/tiles/{key}/figures          the figures as a table, each row with its records
/dashboards/{slug}/tiles/{key}/records(.csv)    the drill-down panel, and all its records as CSV
"""

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from leadboard.dashboards.models import Dashboard, Tile
from leadboard.dashboards.service import get_tile
from leadboard.semantic.filters import InputError
from leadboard.web.api.errors import error_response
from leadboard.web.pages import dashboard as pages
from leadboard.web.pages.drilldown import (
    CSV_MAX_RECORDS,
    PAGE_SIZE,
    all_records,
    drill_context,
    figures_context,
    record_row,
    record_table,
    row_label,
    tile_csv_rows,
    write_csv,
)
from leadboard.web.pages.session import (
    PageUser,
    formatter,
    language,
    twin_language,
    twin_viewer,
    url_language,
    with_query,
)
from leadboard.web.pages.setup import render
from leadboard.web.pages.tiles import series, tile_formatter
from leadboard.web.present import tile_records_json
from leadboard.web.scope import request_viewer, viewer_dashboard, viewer_scope

router = APIRouter(include_in_schema=False)


def dashboard_or_404(request: Request, slug: str, user_id: int | None) -> Dashboard:
    try:
        return viewer_dashboard(request, slug, user_id)
    except InputError:
        raise HTTPException(404) from None


def tile_or_404(dashboard: Dashboard, key: str) -> Tile:
    try:
        return get_tile(dashboard, key)
    except InputError:
        raise HTTPException(404) from None


@router.get("/dashboards/{slug}/tiles/{tile_key}.csv")
def tile_csv(request: Request, slug: str, tile_key: str) -> Response:
    user, _ = twin_viewer(request)
    lang = twin_language(request, user)
    dashboard = viewer_dashboard(request, slug, user.id if user else None)
    definition = get_tile(dashboard, tile_key)
    state = request.app.state
    given = pages.filter_input(request.query_params)
    typed, tile = pages.tile_json(
        state.engine,
        state.settings,
        state.clock,
        definition,
        given,
        lang,
        viewer_scope(request, user.id if user else None),
    )
    if typed.kind == "panel":
        raise HTTPException(404)  # a web page or a piece of HTML has no figures
    if typed.kind == "failed" or "error" in tile:
        return error_response(409, "tile_key", tile["error"])
    header, rows = tile_csv_rows(tile, typed.kind, definition)
    return csv_response(write_csv(header, rows), f"{slug}-{tile_key}.csv")


def csv_response(chunks: Any, filename: str) -> Response:
    return StreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/dashboards/{slug}/tiles/{tile_key}/records")
def drilldown(
    request: Request,
    slug: str,
    tile_key: str,
    user: PageUser,
    key: str | None = None,
    page: int = 1,
) -> Response:
    """The drill-down panel's content (htmx fragment)."""
    lang = language(request, user)
    fmt = formatter(request, lang)
    dashboard = dashboard_or_404(request, slug, user.id)
    try:
        definition = get_tile(dashboard, tile_key)
    except InputError:
        raise HTTPException(404) from None
    state = request.app.state
    given = pages.filter_input(request.query_params)
    url_lang = url_language(request)
    query = pages.filter_query(pages.filter_values(given), url_lang)
    scope = viewer_scope(request, user.id)
    try:
        result = tile_records_json(
            state.engine,
            state.settings,
            state.clock,
            slug,
            tile_key,
            given,
            key or None,
            max(page, 1),
            PAGE_SIZE,
            lang,
            scope,
            request_viewer(request, user.id),
        )
        typed, tile = pages.tile_json(
            state.engine, state.settings, state.clock, definition, given, lang, scope
        )
    except InputError as exc:
        context = {"lang": lang, "drill": None, "error": exc.message}
        return render(request, "_drilldown.html", context)
    label = row_label(tile, typed.kind, key) or (tile["name"] if not key else key)
    fmt = tile_formatter(fmt, tile)  # the totals' money in the tile's currency
    drill = drill_context(
        result, definition, label, query, slug, fmt, lang, url_lang, tile_name=tile["name"]
    )
    return render(request, "_drilldown.html", {"lang": lang, "drill": drill, "error": None})


@router.get("/dashboards/{slug}/tiles/{tile_key}/figures")
def tile_figures(request: Request, slug: str, tile_key: str, user: PageUser) -> Response:
    """The tile's figures as a table, each row linking to its records (the tile menu)."""
    lang = language(request, user)
    fmt = formatter(request, lang)
    dashboard = dashboard_or_404(request, slug, user.id)
    try:
        definition = get_tile(dashboard, tile_key)
    except InputError:
        raise HTTPException(404) from None
    state = request.app.state
    given = pages.filter_input(request.query_params)
    query = pages.filter_query(pages.filter_values(given), url_language(request))
    try:
        typed, tile = pages.tile_json(
            state.engine,
            state.settings,
            state.clock,
            definition,
            given,
            lang,
            viewer_scope(request, user.id),
        )
    except InputError as exc:
        return render(
            request, "_drilldown.html", {"lang": lang, "drill": None, "error": exc.message}
        )
    if typed.kind == "panel":
        raise HTTPException(404)
    if typed.kind == "failed" or "error" in tile:
        return render(
            request, "_drilldown.html", {"lang": lang, "drill": None, "error": tile["error"]}
        )
    names, units = series(tile, definition, lang)
    drill_url = with_query(f"/dashboards/{slug}/tiles/{tile_key}/records", **query)
    fmt = tile_formatter(fmt, tile)
    table = figures_context(tile, typed.kind, definition, units, names, drill_url, fmt, lang)
    return render(request, "_figures.html", {"lang": lang, "figures": table})


@router.get("/dashboards/{slug}/tiles/{tile_key}/records.csv")
def drilldown_csv(request: Request, slug: str, tile_key: str, key: str | None = None) -> Response:
    user, _ = twin_viewer(request)
    lang = twin_language(request, user)
    user_id = user.id if user else None
    definition = get_tile(viewer_dashboard(request, slug, user_id), tile_key)
    state = request.app.state
    given = pages.filter_input(request.query_params)
    scope = viewer_scope(request, user_id)
    viewer = request_viewer(request, user_id)

    def fetch(page: int, size: int) -> dict[str, Any]:
        return tile_records_json(
            state.engine,
            state.settings,
            state.clock,
            slug,
            tile_key,
            given,
            key or None,
            page,
            size,
            lang,
            scope,
            viewer,
        )

    first = fetch(1, 1)  # errors (a bad key or filter) before the download starts
    header, _ = record_table([], definition)
    limit = min(first["total"], CSV_MAX_RECORDS)
    rows = (record_row(r, header) for r in all_records(fetch, limit=limit))
    suffix = f"-{key}" if key else ""
    return csv_response(write_csv(header, rows), f"{slug}-{tile_key}{suffix}.csv".replace("/", "_"))
