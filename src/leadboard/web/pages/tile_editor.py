"""The tile editor and arranging tiles on the grid (issue 11 item 2), for dashboards one may edit.

GET  /dashboards/{slug}/tiles/new               the library; with ?source=&tile=, ?entity= or
                                                ?selection= the editor, prefilled
POST /dashboards/{slug}/tiles                   save a new tile (or redraw the form: +line, ...)
GET  /dashboards/{slug}/tiles/{key}/edit(.json) the editor (its JSON twin: spec and choices)
POST /dashboards/{slug}/tiles/{key}/edit        save the tile
POST /dashboards/{slug}/tiles/preview           the tile computed from the form (htmx)
POST /dashboards/{slug}/tiles/{key}/duplicate   a copy with a fresh key, after it
POST /dashboards/{slug}/tiles/{key}/copy        a copy on another dashboard one may edit
POST /dashboards/{slug}/tiles/{key}/delete      remove it
POST /dashboards/{slug}/layout                  every tile's place: [{key, x, y, w, h}]

Only the owner edits (stored.py `editable_by`): others who may open the dashboard get 403 (a
built-in one too: it is a read-only template), those who may not see it 404. The form <-> tile
conversion is tile_form.py; the figures are computed like the dashboard's (present.tile_results).
"""

import json
from datetime import datetime
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import escape
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from leadboard.dashboards import selections as sel
from leadboard.dashboards.models import Dashboard, Tile
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import StoredDashboard, find_stored, replace_dashboard
from leadboard.dashboards.stored import stored_dashboards as all_stored
from leadboard.domain.channels import CHANNEL_NAMES, channel_label
from leadboard.domain.users import Viewer
from leadboard.errors import InputError, NotFound
from leadboard.i18n import t
from leadboard.semantic import catalog as c
from leadboard.semantic.choices import countries_with_data
from leadboard.semantic.keys import country_name, enum_label
from leadboard.semantic.lookups import Lookups, load_lookups
from leadboard.semantic.periods import UNITS
from leadboard.semantic.spec import CHARTS, LIST_COLUMNS, MONEY_MEASURES, OPERATORS, Compare, Scope
from leadboard.web import present
from leadboard.web.pages import dashboard as pages
from leadboard.web.pages import tile_form as tf
from leadboard.web.pages.session import (
    PageUser,
    csrf_ok,
    formatter,
    language,
    require_csrf,
    twin_language,
    twin_viewer,
    url_language,
    with_query,
)
from leadboard.web.pages.setup import render
from leadboard.web.pages.tiles import script_words, tile_view
from leadboard.web.scope import request_viewer, viewer_scope

router = APIRouter(include_in_schema=False)

ENUM_VALUES = {
    "created_via": c.CREATED_VIA,
    "sale_status": c.SALE_STATUSES,
    "submission_status": c.SUBMISSION_STATUSES,
}
SERIES_CHARTS = ("column-line", "bar-line")
# The chart kinds each option applies to (the others hide it, see app.js).
_GROUPED = "pie donut column bar line area column-line bar-line"
_MEASURED = f"{_GROUPED} number"
OPTION_CHARTS = {
    "aggregate": _MEASURED,
    "compare_value": "number",
    "sort": _GROUPED,
    "legend": _GROUPED,
    "data_labels": f"{_GROUPED} funnel",
    "short_numbers": f"{_MEASURED} funnel gauge",
    "colours": f"{_GROUPED} funnel gauge",
    "currency": _MEASURED,
    "url": "web",
    "html": "html",
    "selection": "list",
}
# Options of amounts only: shown while the measure (or the line's) is one (app.js; spec.py
# refuses them on a count).
OPTION_MEASURES = {"aggregate": MONEY_MEASURES, "currency": MONEY_MEASURES}


# -- rights --------------------------------------------------------------------------------------


def _editable(conn: Connection, slug: str, viewer: Viewer) -> StoredDashboard:
    """The stored dashboard if this viewer may change it: 404 unseen, 403 seen but not theirs."""
    if slug in builtin_dashboards():
        raise HTTPException(403, detail="a built-in dashboard is read-only; duplicate it first")
    try:
        found = find_stored(conn, slug, viewer)
    except NotFound:
        raise HTTPException(404) from None
    if not found.editable_by(viewer):
        raise HTTPException(403, detail="only the dashboard's owner may change its tiles")
    return found


def editable(request: Request, slug: str, user_id: int | None) -> StoredDashboard:
    viewer = request_viewer(request, user_id)
    with request.app.state.engine.connect() as conn:
        return _editable(conn, slug, viewer)


def copy_targets(conn: Connection, viewer: Viewer, lang: str, but: str) -> list[dict[str, str]]:
    """The other dashboards this viewer may put a tile on."""
    return [
        {"slug": d.slug, "name": d.definition.name.get(lang)}
        for d in all_stored(conn, viewer)
        if d.editable_by(viewer) and d.slug != but
    ]


def grid_edit(request: Request, slug: str, user_id: int, lang: str) -> dict[str, Any] | None:
    """What the dashboard page needs to offer editing (the toolbar and the tile menu's items),
    or None when this user may not change the dashboard."""
    if slug in builtin_dashboards():
        return None
    viewer = request_viewer(request, user_id)
    with request.app.state.engine.connect() as conn:
        try:
            found = find_stored(conn, slug, viewer)
        except NotFound:
            return None
        if not found.editable_by(viewer):
            return None
        targets = copy_targets(conn, viewer, lang, slug)
    url_lang = url_language(request)
    return {
        "slug": slug,
        "lang": url_lang,
        "new_url": with_query(f"/dashboards/{slug}/tiles/new", lang=url_lang),
        "layout_url": f"/dashboards/{slug}/layout",
        "targets": targets,
    }


# -- saving --------------------------------------------------------------------------------------


def _with_tiles(definition: Dashboard, tiles: list[Tile]) -> Dashboard:
    return Dashboard.model_validate(
        definition.model_dump(exclude_defaults=True) | {"tiles": [x.model_dump() for x in tiles]}
    )


def _save(
    conn: Connection, request: Request, found: StoredDashboard, tiles: list[Tile], viewer: Viewer
) -> None:
    now: datetime = request.app.state.clock.now()
    replace_dashboard(conn, found.slug, _with_tiles(found.definition, tiles), viewer, now)


def _back(request: Request, slug: str) -> Response:
    return RedirectResponse(with_query(f"/dashboards/{slug}", lang=url_language(request)), 303)


async def _form(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    return {key: [str(v) for v in form.getlist(key)] for key in form}


# -- the editor's words and choices ------------------------------------------------------------


def field_label(name: str, lang: str) -> str:
    return t(lang, f"tf.field.{name}")


def offered_fields(entity: c.Entity) -> list[c.Field]:
    """The fields the criteria builder offers (not the product's own, like statuses_held)."""
    return [f for f in entity.fields.values() if f.offered]


def grouping_fields(entity: c.Entity) -> list[c.Field]:
    """The fields a tile groups by: offered ones, but not amounts (a measure, see spec.py)."""
    return [f for f in offered_fields(entity) if f.scale == 1]


def value_choices(
    conn: Connection, lookups: Lookups, entity: c.Entity, lang: str, scope: Scope
) -> dict[str, list[dict[str, str]]]:
    """The values a multi-select offers per field of the entity (key -> label)."""
    visible = scope.visible_owners()
    found: dict[str, list[dict[str, str]]] = {}
    countries: list[str] | None = None
    for field in offered_fields(entity):
        if field.type == c.STATUS:
            found[field.name] = [
                {"value": s.key, "label": s.name(lang)} for s in lookups.active_statuses
            ]
        elif field.type == c.ASSOCIATE:
            found[field.name] = [
                {"value": a.email, "label": a.name}
                for a in sorted(lookups.associates, key=lambda a: a.name.lower())
                if visible is None or a.id in visible
            ]
        elif field.type == c.FORM:
            found[field.name] = [{"value": f.key, "label": f.name} for f in lookups.forms]
        elif field.type == c.COUNTRY:
            if countries is None:
                countries = countries_with_data(conn, scope)
            found[field.name] = sorted(
                ({"value": code, "label": country_name(code, lang)} for code in countries),
                key=lambda o: o["label"].lower(),
            )
        elif field.type == c.ENUM and field.enum == "channel":
            keys = list(CHANNEL_NAMES) + [
                k for k in lookups.channel_names if k not in CHANNEL_NAMES
            ]
            found[field.name] = [
                {"value": k, "label": channel_label(k, lang, lookups.channel_names)} for k in keys
            ]
        elif field.type == c.ENUM and field.enum in ENUM_VALUES:
            enum = field.enum
            found[field.name] = [
                {"value": v, "label": enum_label(enum, v, lang)} for v in ENUM_VALUES[enum]
            ]
    return found


def choices_json(lang: str) -> dict[str, Any]:
    """What a script needs to build a tile: entities, their fields and measures, operators per
    field type, chart kinds, periods and grains (the editor's choices)."""
    return {
        "entities": {
            name: {
                "label": t(lang, f"tf.entity.{name}"),
                "fields": [
                    {
                        "name": f.name,
                        "label": field_label(f.name, lang),
                        "type": f.type,
                        "operators": list(OPERATORS[f.type]),
                        "group_by": f.scale == 1,
                    }
                    for f in offered_fields(entity)
                ],
                "measures": list(entity.measures),
                "date_fields": list(entity.date_fields),
                "list_columns": list(LIST_COLUMNS.get(name, ())),
            }
            for name, entity in c.ENTITIES.items()
        },
        "operators": {kind: list(ops) for kind, ops in OPERATORS.items()},
        "charts": list(CHARTS),
        "periods": list(pages.PERIOD_CHOICES),
        "grains": list(UNITS),
        "options": {
            name: {"kind": kind, "choices": list(choices)}
            for name, (kind, choices) in tf.OPTIONS.items()
        },
    }


def _options(items: Any, prefix: str, lang: str) -> list[dict[str, str]]:
    return [{"value": str(v), "label": t(lang, f"{prefix}.{v}")} for v in items]


def option_inputs(lang: str, currency: str, saved: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The options' inputs: label, widget, choices and the chart kinds they apply to. An empty
    currency is the organisation's; a list tile may show one of the viewer's saved selections."""
    inputs = []
    for name, (kind, fixed) in tf.OPTIONS.items():
        choices = _options(fixed, f"tf.opt.{name}", lang)
        widget = {"check": "check", "choice": "select", "int": "number", "float": "number"}.get(
            kind, "text"
        )
        blank: str | None = None  # the empty choice: the tile's default
        hint = ""
        if name == "sort":
            blank = t(lang, "tf.opt.sort.default")
        elif name == "currency":
            hint = currency  # empty: the organisation's currency
        elif name == "selection":
            widget, choices, blank = "select", saved, t(lang, "tf.opt.selection.none")
        elif name == "html":
            widget = "textarea"
        elif name == "url":
            widget = "url"
        inputs.append(
            {
                "name": name,
                "label": t(lang, f"tf.opt.{name}"),
                "widget": widget,
                "choices": choices,
                "blank": blank,
                "hint": hint,
                "charts": OPTION_CHARTS[name],
                "measures": " ".join(OPTION_MEASURES.get(name, ())),
            }
        )
    return inputs


def editor_context(
    request: Request,
    found: StoredDashboard,
    state: dict[str, Any],
    lang: str,
    mode: str,
    problems: dict[str, str],
    scope: Scope,
    user_id: int,
) -> dict[str, Any]:
    entity = c.ENTITIES.get(str(state.get("entity"))) or c.LEADS
    with request.app.state.engine.connect() as conn:
        lookups = load_lookups(conn)
        choices = value_choices(conn, lookups, entity, lang, scope)
    slug, key = found.slug, state.get("key") or ""
    url_lang = url_language(request)
    query = pages.filter_query(pages.filter_values(pages.filter_input(request.query_params)), None)
    save_url = (
        f"/dashboards/{slug}/tiles" if mode == "new" else f"/dashboards/{slug}/tiles/{key}/edit"
    )
    fields = [
        {"name": f.name, "label": field_label(f.name, lang), "type": f.type}
        for f in offered_fields(entity)
    ]
    currency = request.app.state.settings.base_currency
    saved = [{"value": s["slug"], "label": s["name"]} for s in _selections(request, user_id, lang)]
    periods = list(pages.PERIOD_CHOICES)
    return {
        "lang": lang,
        "mode": mode,
        "state": state,
        "problems": problems,
        "dashboard": {"slug": slug, "name": found.definition.name.get(lang)},
        "save_url": with_query(save_url, lang=url_lang, **query),
        "preview_url": with_query(f"/dashboards/{slug}/tiles/preview", lang=url_lang, **query),
        "back_url": with_query(f"/dashboards/{slug}", lang=url_lang),
        "library_url": with_query(f"/dashboards/{slug}/tiles/new", lang=url_lang),
        "entities": [{"value": n, "label": t(lang, f"tf.entity.{n}")} for n in c.ENTITIES],
        "charts": _options(CHARTS, "tf.chart", lang),
        "fields": fields,
        "group_fields": [
            {"value": f.name, "label": field_label(f.name, lang)} for f in grouping_fields(entity)
        ],
        "date_fields": [{"value": n, "label": field_label(n, lang)} for n in entity.date_fields],
        "measures": _options(entity.measures, "tf.measure", lang),
        "grains": _options(UNITS, "tf.grain", lang),
        "periods": [{"value": p, "label": pages.period_label(p, lang)} for p in periods],
        "compares": _options(get_args(Compare), "tf.compare", lang),
        "operators": {kind: _options(ops, "tf.op", lang) for kind, ops in OPERATORS.items()},
        "value_choices": choices,
        "list_columns": [
            {"value": col, "label": t(lang, f"col.{col}")} for col in LIST_COLUMNS[entity.name]
        ],
        # a list tile sorts on a field (plan.py records_query)
        "sort_fields": [
            {"value": f.name, "label": field_label(f.name, lang)} for f in offered_fields(entity)
        ],
        "options": option_inputs(lang, currency, saved),
        "series_charts": SERIES_CHARTS,
        "js_locale": formatter(request, lang).js_locale,
        "words": script_words(lang),
        "currency": currency,
    }


def _render_editor(
    request: Request,
    found: StoredDashboard,
    state: dict[str, Any],
    mode: str,
    user: Any,
    problems: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    lang = language(request, user)
    scope = viewer_scope(request, user.id)
    context = editor_context(request, found, state, lang, mode, problems or {}, scope, user.id)
    return render(request, "tile_editor.html", {**context, "user": user}, status_code=status)


# -- the library -----------------------------------------------------------------------------------


def _selections(request: Request, user_id: int, lang: str) -> list[dict[str, str]]:
    """The saved selections this user may see (slug and name)."""
    viewer = request_viewer(request, user_id)
    with request.app.state.engine.connect() as conn:
        found = sel.list_selections(conn, viewer)
    return [{"slug": s.slug, "name": s.definition.name.get(lang)} for s in found]


def _selection_tile(request: Request, user_id: int, slug: str) -> Tile:
    """A list tile of the selection (404 when the user may not see it): it shows the
    selection's records, re-read on every view (`selection` set)."""
    viewer = request_viewer(request, user_id)
    with request.app.state.engine.connect() as conn:
        try:
            found = sel.find_selection(conn, slug, viewer)
        except NotFound:
            raise HTTPException(404) from None
    return sel.list_tile(found).model_copy(update={"key": "tile", "width": 3})


def _empty_tile(entity: str, lang: str) -> Tile:
    names = {code: t(code, f"tf.entity.{entity}") for code in ("en", "nl")}
    return Tile.model_validate({"key": "tile", "name": names, "chart": "number", "entity": entity})


@router.get("/dashboards/{slug}/tiles/new")
def new_tile(
    request: Request,
    slug: str,
    user: PageUser,
    source: str | None = None,
    tile: str | None = None,
    entity: str | None = None,
    selection: str | None = None,
) -> Response:
    """The library, or (a tile picked) the editor prefilled with it."""
    found = editable(request, slug, user.id)
    lang = language(request, user)
    url_lang = url_language(request)
    picked: Tile | None = None
    if source and tile:
        definition = builtin_dashboards().get(source)
        picked = definition.tile(tile) if definition else None
        if picked is None:
            raise HTTPException(404)
    elif entity:
        if entity not in c.ENTITIES:
            raise HTTPException(404)
        picked = _empty_tile(entity, lang)
    elif selection:
        picked = _selection_tile(request, user.id, selection)
    if picked is not None:
        # a new tile flows after the others: no place of the library's
        state = tf.editor_state(picked.model_copy(update={"x": None, "y": None}))
        return _render_editor(request, found, state, "new", user)
    base = f"/dashboards/{slug}/tiles/new"
    library = [
        {
            "name": definition.name.get(lang),
            "tiles": [
                {
                    "name": x.name.get(lang),
                    "chart": t(lang, f"tf.chart.{x.chart}"),
                    "url": with_query(base, source=dslug, tile=x.key, lang=url_lang),
                    "key": x.key,
                }
                for x in definition.tiles
            ],
        }
        for dslug, definition in builtin_dashboards().items()
    ]
    empty = [
        {
            "name": t(lang, f"tf.entity.{n}"),
            "url": with_query(base, entity=n, lang=url_lang),
            "entity": n,
        }
        for n in c.ENTITIES
    ]
    selections = [
        {"name": s["name"], "url": with_query(base, selection=s["slug"], lang=url_lang)}
        for s in _selections(request, user.id, lang)
    ]
    context = {
        "lang": lang,
        "user": user,
        "dashboard": {"slug": slug, "name": found.definition.name.get(lang)},
        "library": library,
        "empty": empty,
        "selections": selections,
        "back_url": with_query(f"/dashboards/{slug}", lang=url_lang),
    }
    return render(request, "tile_library.html", context)


# -- the editor ----------------------------------------------------------------------------------


def _apply_action(state: dict[str, Any], action: str) -> None:
    """+ AND line, + OR group and remove line, on the editor's state (no JavaScript needed)."""
    parts = action.split("-")
    name = "numerator" if len(parts) > 2 and parts[2] == "n" else "criteria"
    groups: list[list[dict[str, Any]]] = state.setdefault(name, [])
    blank = {
        "field": "",
        "op": "",
        "type": "",
        "widget": "none",
        "values": [],
        "active": False,
        "ops": [],
    }
    try:
        if action.startswith("add-line-") and len(parts) == 4:
            g = int(parts[3])
            if g < len(groups):
                groups[g].append(dict(blank))
            else:
                groups.append([dict(blank)])
        elif action.startswith("add-group-"):
            groups.append([dict(blank)])
        elif action.startswith("remove-") and len(parts) == 5:
            g, i = int(parts[3]), int(parts[4])
            if g < len(groups) and i < len(groups[g]):
                del groups[g][i]
            state[name] = [group for group in groups if group]
    except ValueError:
        pass


def _post_editor(
    request: Request,
    slug: str,
    user: Any,
    mode: str,
    key: str | None,
    form: dict[str, list[str]],
) -> Response:
    """A tile saved from the editor (in a worker thread: it reads and writes the database)."""
    found = editable(request, slug, user.id)
    if key is not None:
        _tile_or_404(found, key)
    require_csrf(request, (form.get("csrf_token") or [""])[0])
    action = (form.get("action") or ["save"])[0]
    if action != "save":
        state = tf.form_state(form)
        state["key"] = key or ""
        _apply_action(state, action)
        return _render_editor(request, found, state, mode, user)
    definition = found.definition
    taken = {x.key for x in definition.tiles}
    if mode == "new":
        name = (form.get("name_en") or [""])[0]
        key = tf.fresh_key(name, taken)
    assert_key = key or ""
    try:
        tile = tf.tile_from_form(form, assert_key, language(request, user))
    except tf.TileFormError as exc:
        state = tf.form_state(form)
        state["key"] = "" if mode == "new" else assert_key
        return _render_editor(request, found, state, mode, user, exc.problems, 422)
    viewer = request_viewer(request, user.id)
    with request.app.state.engine.begin() as conn:
        current = _editable(conn, found.slug, viewer)
        tiles = list(current.definition.tiles)
        if mode == "new":
            tiles.append(tile)
        else:
            tiles = [tile if x.key == key else x for x in tiles]
        _save(conn, request, current, tiles, viewer)
    return _back(request, found.slug)


@router.post("/dashboards/{slug}/tiles")
async def save_new(request: Request, slug: str, user: PageUser) -> Response:
    form = await _form(request)
    return await run_in_threadpool(_post_editor, request, slug, user, "new", None, form)


def _tile_or_404(found: StoredDashboard, key: str) -> Tile:
    tile = found.definition.tile(key)
    if tile is None:
        raise HTTPException(404)
    return tile


@router.get("/dashboards/{slug}/tiles/{key}/edit")
def edit_tile(request: Request, slug: str, key: str, user: PageUser) -> Response:
    found = editable(request, slug, user.id)
    tile = _tile_or_404(found, key)
    return _render_editor(request, found, tf.editor_state(tile), "edit", user)


@router.post("/dashboards/{slug}/tiles/{key}/edit")
async def save_tile(request: Request, slug: str, key: str, user: PageUser) -> Response:
    form = await _form(request)
    return await run_in_threadpool(_post_editor, request, slug, user, "edit", key, form)


@router.get("/dashboards/{slug}/tiles/{key}/edit.json")
def edit_twin(request: Request, slug: str, key: str) -> dict[str, Any]:
    """The tile's spec (as the REST API's, with x, y, width, height) and the editor's choices."""
    user, principal = twin_viewer(request)
    user_id = user.id if user else (principal.associate_id if principal else None)
    lang = twin_language(request, user)
    found = editable(request, slug, user_id)
    tile = _tile_or_404(found, key)
    return {
        "dashboard": slug,
        "tile": tile.model_dump(mode="json", exclude_defaults=True),
        "choices": choices_json(lang),
    }


@router.post("/dashboards/{slug}/tiles/preview")
async def preview(request: Request, slug: str, user: PageUser) -> Response:
    """The tile the form describes, computed with the viewer's rights and the page's quick
    filters; a form that is not a tile yet is a 422 naming its fields. Computed in a worker
    thread: a tile over a million leads must not hold up every other request."""
    form = await _form(request)
    return await run_in_threadpool(_preview, request, slug, user, form)


def _preview(request: Request, slug: str, user: Any, form: dict[str, list[str]]) -> Response:
    found = editable(request, slug, user.id)
    require_csrf(request, (form.get("csrf_token") or [""])[0])
    lang = language(request, user)
    key = (form.get("key") or [""])[0] or "tile"
    try:
        tile = tf.tile_from_form(form, key if key not in tf.RESERVED_KEYS else "tile", lang)
    except tf.TileFormError as exc:
        return _problems_response(exc.problems, lang)
    state = request.app.state
    given = pages.filter_input(request.query_params)
    try:
        typed, data = present.tile_results(
            state.engine,
            state.settings,
            state.clock,
            tile,
            given,
            lang,
            viewer_scope(request, user.id),
        )
    except InputError as exc:
        return _problems_response({exc.field: exc.message}, lang)
    fmt = formatter(request, lang)
    query = pages.filter_query(pages.filter_values(given), url_language(request))
    view = tile_view(data, typed, tile, found.slug, query, fmt, lang, url_language(request))
    # an unsaved tile has no records, figures or CSV behind it yet
    view.update(drill_url=None, figures_url=None, csv_url=None, drillable=False)
    view.update(place(tile, found.definition))
    return render(request, "_tile.html", {"lang": lang, "user": user, "tile": view, "oob": False})


def place(tile: Tile, dashboard: Dashboard) -> dict[str, Any]:
    return {"width": min(tile.width, dashboard.columns), "height": tile.height}


def problem_label(name: str, lang: str) -> str:
    """The label of the form field a problem is about (never its name: name_nl, c-0-1-field)."""
    line = tf.LINE.match(name)
    if line:
        return t(lang, "tf.problem_line", group=int(line["group"]) + 1, line=int(line["line"]) + 1)
    if name in tf.OPTIONS:
        return t(lang, f"tf.opt.{name}")
    if name in tf.FORM_FIELDS:
        return t(lang, f"tf.{name}")
    return t(lang, "tf.problem_tile")  # the key (from the English name) or the tile as a whole


def _problems_response(problems: dict[str, str], lang: str) -> Response:
    items = "".join(
        f'<li data-field="{escape(name)}">{escape(problem_label(name, lang))}: '
        f"{escape(message)}</li>"
        for name, message in problems.items()
    )
    body = (
        f'<div class="preview-problems" role="alert" data-testid="preview-problems" '
        f'data-problems="{escape(json.dumps(problems))}"><p>{escape(t(lang, "tf.not_a_tile"))}'
        f"</p><ul>{items}</ul></div>"
    )
    return HTMLResponse(body, status_code=422, headers={"Cache-Control": "no-store"})


# -- the grid: duplicate, copy, remove, layout --------------------------------------------------


@router.post("/dashboards/{slug}/tiles/{key}/duplicate")
def duplicate_tile(
    request: Request, slug: str, key: str, user: PageUser, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    require_csrf(request, csrf_token)
    viewer = request_viewer(request, user.id)
    with request.app.state.engine.begin() as conn:
        found = _editable(conn, slug, viewer)
        source = _tile_or_404(found, key)
        tiles = list(found.definition.tiles)
        copy_key = tf.fresh_key(f"{key}-copy", {x.key for x in tiles})
        copy = source.model_copy(update={"key": copy_key, "x": None, "y": None})
        tiles.insert(tiles.index(source) + 1, copy)
        _save(conn, request, found, tiles, viewer)
    return _back(request, slug)


@router.post("/dashboards/{slug}/tiles/{key}/copy")
def copy_tile(
    request: Request,
    slug: str,
    key: str,
    user: PageUser,
    csrf_token: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
) -> Response:
    """A copy on another dashboard the user may edit (403 or 404 there otherwise), at its end."""
    require_csrf(request, csrf_token)
    viewer = request_viewer(request, user.id)
    with request.app.state.engine.begin() as conn:
        found = _editable(conn, slug, viewer)
        source = _tile_or_404(found, key)
        there = _editable(conn, target, viewer)
        tiles = list(there.definition.tiles)
        copy_key = tf.fresh_key(key, {x.key for x in tiles})
        tiles.append(source.model_copy(update={"key": copy_key, "x": None, "y": None}))
        _save(conn, request, there, tiles, viewer)
    return _back(request, target)


@router.post("/dashboards/{slug}/tiles/{key}/delete")
def delete_tile(
    request: Request, slug: str, key: str, user: PageUser, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    require_csrf(request, csrf_token)
    viewer = request_viewer(request, user.id)
    with request.app.state.engine.begin() as conn:
        found = _editable(conn, slug, viewer)
        _tile_or_404(found, key)
        _save(conn, request, found, [x for x in found.definition.tiles if x.key != key], viewer)
    return _back(request, slug)


def _layout_error(field: str, message: str) -> Response:
    return JSONResponse({"error": {"field": field, "message": message}}, status_code=422)


def layout_tiles(dashboard: Dashboard, items: Any) -> list[Tile]:
    """The tiles at the places given ([{key, x, y, w, h}], grid cells; a list tile's height
    counts double on the page, see pages/dashboard.py layout()); InputError naming the item."""
    if not isinstance(items, list):
        raise InputError("layout", "send a JSON list of {key, x, y, w, h}")
    places: dict[str, dict[str, int]] = {}
    for i, item in enumerate(items):
        where = f"layout[{i}]"
        if not isinstance(item, dict):
            raise InputError(where, "each item is {key, x, y, w, h}")
        key = item.get("key")
        if not isinstance(key, str) or dashboard.tile(key) is None:
            raise InputError(f"{where}.key", f"dashboard {dashboard.slug!r} has no tile {key!r}")
        if key in places:
            raise InputError(f"{where}.key", f"tile {key!r} is given twice")
        numbers = {}
        for name in ("x", "y", "w", "h"):
            value = item.get(name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{where}.{name}", "needs a whole number")
            numbers[name] = value
        if numbers["w"] < 1 or numbers["h"] < 1 or numbers["x"] < 0 or numbers["y"] < 0:
            raise InputError(where, "x and y start at 0, w and h at 1")
        if numbers["x"] + numbers["w"] > dashboard.columns:
            raise InputError(
                f"{where}.x", f"the tile reaches outside the grid of {dashboard.columns} columns"
            )
        if numbers["y"] > 1000 or numbers["h"] > 24:
            raise InputError(f"{where}.y", "the tile lies outside the grid")
        places[key] = numbers
    tiles = []
    for tile in dashboard.tiles:
        spot = places.get(tile.key)
        if spot is None:
            tiles.append(tile)
            continue
        height = spot["h"]
        if tile.chart == "list":
            height = max(1, (height + 1) // 2)
        tiles.append(
            tile.model_copy(
                update={
                    "x": spot["x"],
                    "y": spot["y"],
                    "width": spot["w"],
                    "height": min(height, 12),
                }
            )
        )
    return [Tile.model_validate(x.model_dump()) for x in tiles]


@router.post("/dashboards/{slug}/layout")
async def save_layout(request: Request, slug: str, user: PageUser) -> Response:
    """Every tile's place, as JSON with the X-CSRF-Token header (or a form with `layout`, the
    JSON, and `csrf_token`)."""
    if request.headers.get("content-type", "").startswith("application/json"):
        if not csrf_ok(request, None):
            raise HTTPException(403, detail="missing or wrong CSRF token; reload the page")
        raw = await request.body()
    else:
        form = await _form(request)
        require_csrf(request, (form.get("csrf_token") or [""])[0])
        raw = (form.get("layout") or ["[]"])[0].encode()
    try:
        items = json.loads(raw or b"[]")
    except ValueError:
        return _layout_error("layout", "not JSON")
    return await run_in_threadpool(_save_layout, request, slug, user, items)


def _save_layout(request: Request, slug: str, user: Any, items: Any) -> Response:
    viewer = request_viewer(request, user.id)
    with request.app.state.engine.begin() as conn:
        found = _editable(conn, slug, viewer)
        try:
            tiles = layout_tiles(found.definition, items)
        except InputError as exc:
            return _layout_error(exc.field, exc.message)
        _save(conn, request, found, tiles, viewer)
    return JSONResponse(
        {"tiles": [{"key": x.key, "x": x.x, "y": x.y, "w": x.width, "h": x.height} for x in tiles]}
    )
