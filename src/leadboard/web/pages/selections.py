"""Pages of dynamic selections (issue 11 item 3), each with its JSON twin.

/selections(.json)                      the selections one may see, and a form for a new one
/selections/{slug}(.json)               its records as a list: columns chosen, sort, paging
/selections/{slug}.csv, .xlsx           every record (CSV cells guarded against formulas; XLSX
                                        strings are strings, never formulas)
/selections/{slug}/board(.json)         leads by status, a column per active status
/selections/{slug}/board/move  (POST)   {lead_id, status}: the card's lead changes status
/dashboards/{slug}/tiles/{key}/records/selection  (POST)  a drill-down saved as a selection

Records are always those the viewer's rights allow (dashboards/selections.py runs them as a list
tile through the semantic layer); a selection one may not see is 404.
"""

import io
import json
import re
from collections.abc import Iterator
from math import ceil
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from leadboard.dashboards.selections import (
    SELECTION_ENTITIES,
    SORTABLE,
    Selection,
    SelectionDefinition,
    board_columns,
    check_criteria,
    create_selection,
    drill_criteria,
    find_selection,
    list_selections,
    new_slug,
    resolve_tile,
    selection_records,
)
from leadboard.domain.lead_queries import lead_visible
from leadboard.domain.lead_updates import set_status
from leadboard.errors import FieldError, InputError, NotFound
from leadboard.i18n import WORDS, t
from leadboard.semantic.catalog import ENTITIES
from leadboard.semantic.lookups import load_lookups
from leadboard.semantic.results import LeadRecord
from leadboard.semantic.spec import LIST_COLUMNS, NO_VALUE, OPERATORS, Criterion, Translated
from leadboard.web.api.common import MAX_PAGE
from leadboard.web.api.models import MAX_ID
from leadboard.web.api.selections import records_json
from leadboard.web.pages import dashboard as pages
from leadboard.web.pages.drilldown import CSV_MAX_RECORDS, all_records, record_row, write_csv
from leadboard.web.pages.session import (
    PageUser,
    User,
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
from leadboard.web.pages.tile_routes import csv_response, dashboard_or_404, tile_or_404
from leadboard.web.pages.tiles import record_cells
from leadboard.web.present import tile_results
from leadboard.web.scope import request_viewer, viewer_scope

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
BOARD_CARDS = 100  # cards per status column (the column says how many there are in all)
FORM_LINES = 5
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _viewer_of(request: Request) -> tuple[User | None, int | None]:
    user, _ = twin_viewer(request)
    return user, user.id if user else None


def _find(request: Request, slug: str, user_id: int | None) -> Selection:
    viewer = request_viewer(request, user_id)
    try:
        with request.app.state.engine.connect() as conn:
            return find_selection(conn, slug, viewer)
    except NotFound:
        raise HTTPException(404) from None


def _summary(selection: Selection, lang: str, url_lang: str | None) -> dict[str, Any]:
    definition = selection.definition
    return {
        "slug": selection.slug,
        "name": definition.name.get(lang),
        "entity": definition.entity,
        "entity_label": t(lang, f"sel.entity_{definition.entity}"),
        "url": with_query(f"/selections/{quote(selection.slug)}", lang=url_lang),
        "board_url": with_query(f"/selections/{quote(selection.slug)}/board", lang=url_lang)
        if definition.entity == "leads"
        else None,
    }


# -- the list of selections, and a new one ------------------------------------------------------


def _form_fields(lang: str) -> dict[str, Any]:
    """The fields and operators the simple criteria form offers, per entity."""
    return {
        entity: [
            {"name": name, "label": t(lang, f"col.{name}") if f"col.{name}" in _COLS else name}
            for name in ENTITIES[entity].fields
        ]
        for entity in SELECTION_ENTITIES
    }


_COLS = {f"col.{c}" for cols in LIST_COLUMNS.values() for c in cols}
OPERATOR_NAMES = sorted({op for ops in OPERATORS.values() for op in ops})


def _index_context(
    request: Request, user: User, lang: str, form: dict[str, Any] | None, error: Any
) -> dict[str, Any]:
    url_lang = url_language(request)
    q = request.query_params.get("q", "")
    viewer = request_viewer(request, user.id)
    with request.app.state.engine.connect() as conn:
        found = list_selections(conn, viewer, q)
    lines = (form or {}).get("lines") or [{"field": "", "op": "", "value": "", "group": "1"}]
    lines = lines + [{"field": "", "op": "", "value": "", "group": "1"}] * (FORM_LINES - len(lines))
    return {
        "lang": lang,
        "user": user,
        "q": q,
        "selections": [_summary(s, lang, url_lang) for s in found],
        "form": {"name_en": "", "name_nl": "", "entity": "leads", **(form or {}), "lines": lines},
        "fields": _form_fields(lang),
        "operators": OPERATOR_NAMES,
        "error": error,
        "action": with_query("/selections", lang=url_lang),
    }


@router.get("/selections.json")
def selections_twin(request: Request) -> dict[str, Any]:
    user, user_id = _viewer_of(request)
    lang = twin_language(request, user)
    viewer = request_viewer(request, user_id)
    with request.app.state.engine.connect() as conn:
        found = list_selections(conn, viewer, request.query_params.get("q", ""))
    return {"lang": lang, "selections": [_summary(s, lang, None) for s in found]}


@router.get("/selections")
def selections_page(request: Request, user: PageUser) -> Response:
    lang = language(request, user)
    return render(request, "selections.html", _index_context(request, user, lang, None, None))


def _value(op: str, text: str) -> Any:
    """A criteria form line's typed value: lists comma-separated, `between` two of them."""
    text = text.strip()
    if op in NO_VALUE or not text:
        return None
    if op in ("in", "not_in"):
        return [part.strip() for part in text.split(",") if part.strip()]
    if op == "between":
        return [part.strip() for part in text.split(",", 1)]
    if op == "is":
        return text.lower() in ("true", "yes", "ja", "1")
    return text


def parse_lines(
    entity: str, fields: list[str], ops: list[str], values: list[str], groups: list[str]
) -> list[list[Criterion]]:
    """The form's rows as criteria: rows with the same group number are AND-ed, groups OR-ed;
    rows without a field are left out."""
    by_group: dict[str, list[Criterion]] = {}
    for i, name in enumerate(fields):
        name = name.strip()
        if not name:
            continue
        op = ops[i].strip() if i < len(ops) else ""
        text = values[i] if i < len(values) else ""
        group = (groups[i] if i < len(groups) else "1").strip() or "1"
        line = Criterion(field=name, op=op, value=_value(op, text))
        by_group.setdefault(group, []).append(line)
    return [by_group[g] for g in sorted(by_group)]


_LINE_PATH = re.compile(r"^criteria\[(\d+)\]\[(\d+)\]\.(field|op|value)$")


def form_error(lang: str, field: str, criteria: list[list[Criterion]]) -> dict[str, str]:
    """The new-selection form's problem in the page's language: `field` as the form names it,
    `label` the words that name it, `message` what is wrong. The checks' own messages are the
    REST API's (English): a criteria line's problem is told by its part (field, operator,
    value), with the line's field and value."""
    if field == "name_en":
        return {
            "field": field,
            "label": t(lang, "sel.name_en"),
            "message": t(lang, "sel.name_required"),
        }
    if field == "entity":
        return {
            "field": field,
            "label": t(lang, "sel.entity"),
            "message": t(lang, "sel.err.entity"),
        }
    found = _LINE_PATH.match(field)
    if found and int(found[1]) < len(criteria) and int(found[2]) < len(criteria[int(found[1])]):
        line = criteria[int(found[1])][int(found[2])]
        label = (
            t(lang, f"tf.field.{line.field}") if f"tf.field.{line.field}" in WORDS else line.field
        )
        value = ", ".join(map(str, line.value)) if isinstance(line.value, list) else line.value
        message = t(lang, f"sel.err.{found[3]}", field=label, op=line.op, value=f"“{value}”")
        return {"field": field, "label": t(lang, "sel.err.line", field=label), "message": message}
    return {"field": field, "label": t(lang, "sel.new"), "message": t(lang, "sel.err.invalid")}


@router.post("/selections")
def selections_create(
    request: Request,
    user: PageUser,
    name_en: Annotated[str, Form()] = "",
    name_nl: Annotated[str, Form()] = "",
    entity: Annotated[str, Form()] = "leads",
    field: Annotated[list[str] | None, Form()] = None,
    op: Annotated[list[str] | None, Form()] = None,
    value: Annotated[list[str] | None, Form()] = None,
    group: Annotated[list[str] | None, Form()] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, csrf_token)
    lang = language(request, user)
    fields, ops, values, groups = field or [], op or [], value or [], group or []
    form = {
        "name_en": name_en,
        "name_nl": name_nl,
        "entity": entity,
        "lines": [
            {
                "field": f,
                "op": ops[i] if i < len(ops) else "",
                "value": values[i] if i < len(values) else "",
                "group": groups[i] if i < len(groups) else "1",
            }
            for i, f in enumerate(fields)
            if f.strip()
        ],
    }
    state = request.app.state
    now = state.clock.now()
    criteria: list[list[Criterion]] = []
    try:
        if entity not in SELECTION_ENTITIES:
            raise FieldError("entity", t(lang, "sel.err.entity"))
        if not name_en.strip():
            raise FieldError("name_en", t(lang, "sel.name_required"))
        criteria = parse_lines(entity, fields, ops, values, groups)
        with state.engine.begin() as conn:
            check_criteria(conn, entity, criteria, now, state.settings.tz)
            definition = SelectionDefinition(
                slug=new_slug(conn, name_en),
                name=Translated(en=name_en.strip(), nl=(name_nl.strip() or name_en.strip())),
                entity=entity,
                criteria=criteria,
            )
            made = create_selection(conn, definition, user.id, now)
    except (InputError, ValueError) as exc:
        field_name = exc.field if isinstance(exc, InputError) else "criteria"
        error = form_error(lang, field_name, criteria)
        context = _index_context(request, user, lang, form, error)
        return render(request, "selections.html", context, status_code=422)
    target = with_query(f"/selections/{quote(made.slug)}", lang=url_language(request))
    return RedirectResponse(target, 303)


# -- one selection as a list ---------------------------------------------------------------------


def _columns(request: Request, selection: Selection) -> list[str]:
    """The columns chosen on the page (?columns=...), else the selection's, in list order."""
    allowed = LIST_COLUMNS[selection.definition.entity]
    asked = [c for c in request.query_params.getlist("columns") if c in allowed]
    chosen = asked or selection.definition.shown_columns()
    return [c for c in allowed if c in chosen]


def _order(request: Request) -> str | None:
    return request.query_params.get("order_by") or None


def _page(request: Request) -> int:
    try:
        # Past the last page there is nothing to show; past MAX_PAGE no OFFSET the database binds.
        return min(max(1, int(request.query_params.get("page") or 1)), MAX_PAGE)
    except ValueError:
        return 1


def _records(
    request: Request, slug: str, user_id: int | None, page: int, size: int, lang: str
) -> dict[str, Any]:
    state = request.app.state
    return records_json(
        state.engine,
        state.settings,
        state.clock,
        slug,
        request_viewer(request, user_id),
        viewer_scope(request, user_id),
        page,
        size,
        _order(request),
        lang,
    )


@router.get("/selections/{slug}.json")
def selection_twin(request: Request, slug: str) -> dict[str, Any]:
    user, user_id = _viewer_of(request)
    lang = twin_language(request, user)
    selection = _find(request, slug, user_id)
    result = _records(request, slug, user_id, _page(request), PAGE_SIZE, lang)
    return {
        "lang": lang,
        **_summary(selection, lang, None),
        "criteria": selection.definition.model_dump(mode="json")["criteria"],
        "columns": _columns(request, selection),
        **result,
    }


def _export_rows(
    request: Request, slug: str, user_id: int | None, lang: str, header: list[str]
) -> Iterator[list[Any]]:
    def fetch(page: int, size: int) -> dict[str, Any]:
        return _records(request, slug, user_id, page, size, lang)

    first = fetch(1, 1)  # an error (a bad sort) before the download starts
    limit = min(first["total"], CSV_MAX_RECORDS)
    return (record_row(r, header) for r in all_records(fetch, limit=limit))


def _export_header(selection: Selection, columns: list[str]) -> list[str]:
    extra = ["owner_name", "status_label"] if selection.definition.entity == "leads" else []
    return [*columns, *extra]


@router.get("/selections/{slug}.csv")
def selection_csv(request: Request, slug: str) -> Response:
    user, user_id = _viewer_of(request)
    lang = twin_language(request, user)
    selection = _find(request, slug, user_id)
    header = _export_header(selection, _columns(request, selection))
    rows = list(_export_rows(request, slug, user_id, lang, header))
    return csv_response(write_csv(header, rows), f"{slug}.csv")


@router.get("/selections/{slug}.xlsx")
def selection_xlsx(request: Request, slug: str) -> Response:
    user, user_id = _viewer_of(request)
    lang = twin_language(request, user)
    selection = _find(request, slug, user_id)
    header = _export_header(selection, _columns(request, selection))
    # imported here: openpyxl costs the server's start-up 50 ms, and only this export needs it
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(slug[:31])

    def row_of(values: list[Any]) -> list[Any]:
        cells = []
        for v in values:
            cell = WriteOnlyCell(sheet, value=v)
            if isinstance(v, str):
                cell.data_type = "s"  # text stays text: "=cmd" is never a formula
            cells.append(cell)
        return cells

    sheet.append(row_of(list(header)))
    for row in _export_rows(request, slug, user_id, lang, header):
        sheet.append(row_of(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return StreamingResponse(
        iter([buffer.getvalue()]),
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{slug}.xlsx"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/selections/{slug}")
def selection_page(request: Request, slug: str, user: PageUser) -> Response:
    lang = language(request, user)
    url_lang = url_language(request)
    fmt = formatter(request, lang)
    selection = _find(request, slug, user.id)
    entity = selection.definition.entity
    columns = _columns(request, selection)
    order = _order(request)
    try:
        result = _records(request, slug, user.id, _page(request), PAGE_SIZE, lang)
    except InputError as exc:
        raise HTTPException(422, detail=f"{exc.field}: {exc.message}") from None
    pages_count = max(1, ceil(result["total"] / PAGE_SIZE))
    page = result["page"]
    chosen = {"columns": columns} if columns != selection.definition.shown_columns() else {}
    base = f"/selections/{quote(slug)}"

    def url(path: str = base, **more: Any) -> str:
        params: dict[str, Any] = {"lang": url_lang, "order_by": order, "columns": columns}
        params.update(more)
        kept = {k: v for k, v in params.items() if v not in (None, "", [])}
        if "columns" not in more and not chosen:
            kept.pop("columns", None)
        return f"{path}?{urlencode(kept, doseq=True)}" if kept else path

    current = (order or selection.definition.order_by or "").lstrip("-")
    descending = (order or selection.definition.order_by or "").startswith("-")
    headers = []
    for column in columns:
        sortable = column in SORTABLE[entity]
        next_order = f"-{column}" if column == current and not descending else column
        headers.append(
            {
                "key": column,
                "label": t(lang, f"col.{column}"),
                "sort_url": url(order_by=next_order, page=None) if sortable else None,
                "sorted": ("descending" if descending else "ascending")
                if column == current
                else None,
            }
        )
    context = {
        "lang": lang,
        "user": user,
        "selection": _summary(selection, lang, url_lang),
        "editable": selection.editable_by(request_viewer(request, user.id)),
        "all_columns": [
            {"key": c, "label": t(lang, f"col.{c}"), "checked": c in columns}
            for c in LIST_COLUMNS[entity]
        ],
        "order_by": order or "",
        "headers": headers,
        "rows": [
            {"id": r["id"], "cells": record_cells(r, columns, entity, fmt, lang, url_lang)}
            for r in result["records"]
        ],
        "total": result["total"],
        "count_text": t(lang, "drill.count", n=fmt.number(result["total"])),
        "page_text": t(lang, "drill.page", page=page, pages=pages_count),
        "previous_url": url(page=page - 1) if page > 1 else None,
        "next_url": url(page=page + 1) if page < pages_count else None,
        "csv_url": url(f"{base}.csv", page=None),
        "xlsx_url": url(f"{base}.xlsx", page=None),
        "json_url": url(f"{base}.json", page=None),
        "action": base,
        "url_lang": url_lang,
    }
    return render(request, "selection.html", context)


# -- the board -----------------------------------------------------------------------------------


def _board(request: Request, selection: Selection, user_id: int | None, lang: str) -> Any:
    if selection.definition.entity != "leads":
        raise HTTPException(404, detail="a board shows leads by status")
    state = request.app.state
    viewer = request_viewer(request, user_id)
    scope = viewer_scope(request, user_id)
    with state.engine.connect() as conn:
        statuses = board_columns(load_lookups(conn))
    columns = []
    for status in statuses:
        line = Criterion(field="status", op="in", value=[status.key])
        result = selection_records(
            state.engine,
            state.settings,
            state.clock,
            selection.slug,
            viewer,
            scope,
            1,
            BOARD_CARDS,
            None,
            [line],
        )
        lookups = result.lookups
        cards = []
        for record in result.drill.records:
            if not isinstance(record, LeadRecord):
                continue
            owner = lookups.associate_by_id(record.owner_id) if record.owner_id else None
            name = " ".join(p for p in (record.first_name, record.last_name) if p)
            if record.erased:
                name = t(lang, "lead.erased")
            cards.append(
                {
                    "id": record.id,
                    "name": name or record.email or t(lang, "lead.title", id=record.id),
                    "company": record.company,
                    "owner": owner.name if owner else None,
                }
            )
        columns.append(
            {
                "status": status.key,
                "label": status.name(lang),
                "total": result.drill.total,
                "cards": cards,
            }
        )
    return columns


@router.get("/selections/{slug}/board.json")
def board_twin(request: Request, slug: str) -> dict[str, Any]:
    user, user_id = _viewer_of(request)
    lang = twin_language(request, user)
    selection = _find(request, slug, user_id)
    return {
        "lang": lang,
        **_summary(selection, lang, None),
        "columns": _board(request, selection, user_id, lang),
    }


@router.get("/selections/{slug}/board")
def board_page(request: Request, slug: str, user: PageUser) -> Response:
    lang = language(request, user)
    url_lang = url_language(request)
    selection = _find(request, slug, user.id)
    columns = _board(request, selection, user.id, lang)
    context = {
        "lang": lang,
        "user": user,
        "selection": _summary(selection, lang, url_lang),
        "columns": columns,
        "statuses": [{"key": c["status"], "label": c["label"]} for c in columns],
        "move_url": with_query(f"/selections/{quote(slug)}/board/move", lang=url_lang),
    }
    return render(request, "selection_board.html", context)


@router.post("/selections/{slug}/board/move")
async def board_move(request: Request, slug: str, user: PageUser) -> Response:
    """Move a card: the lead takes the status (its history records who and when). JSON bodies
    (the drag) answer JSON; the "Move to…" form redirects back to the board. The lead must be on
    this board and within the viewer's lead rights (else 404, as if unknown)."""
    is_json = request.headers.get("content-type", "").startswith("application/json")
    if is_json:
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return JSONResponse({"error": {"field": "body", "message": "a JSON object"}}, 422)
        submitted = None
    else:
        form = await request.form()
        data = {"lead_id": form.get("lead_id"), "status": form.get("status")}
        submitted = str(form.get("csrf_token") or "")
    if not csrf_ok(request, submitted):
        raise HTTPException(403, detail="missing or wrong CSRF token; reload the page")
    selection = _find(request, slug, user.id)
    try:
        lead_id = int(str(data.get("lead_id")))
    except ValueError:
        lead_id = 0
    status = str(data.get("status") or "")
    state = request.app.state
    now = state.clock.now()
    viewer, scope = request_viewer(request, user.id), viewer_scope(request, user.id)
    if selection.definition.entity != "leads" or not 1 <= lead_id <= MAX_ID:
        raise HTTPException(404)

    def move() -> bool:
        on_board = selection_records(
            state.engine,
            state.settings,
            state.clock,
            slug,
            viewer,
            scope,
            1,
            1,
            None,
            [Criterion(field="id", op="eq", value=lead_id)],
        )
        with state.engine.begin() as conn:
            if on_board.drill.total != 1 or not lead_visible(conn, lead_id, scope.leads):
                raise NotFound("lead_id", f"no lead {lead_id} on this board")
            return set_status(conn, lead_id, status, now, now, user.id)

    try:
        # In a worker thread: the write may wait for a lock (SQLite's write lock while an import
        # holds it, up to busy_timeout), and on the event loop every other request would wait too.
        changed = await run_in_threadpool(move)
    except NotFound:
        raise HTTPException(404) from None
    except InputError as exc:
        if is_json:
            return JSONResponse({"error": {"field": exc.field, "message": exc.message}}, 422)
        raise HTTPException(422, detail=exc.message) from None
    if is_json:
        return JSONResponse({"lead_id": lead_id, "status": status, "changed": changed})
    target = with_query(f"/selections/{quote(slug)}/board", lang=url_language(request))
    return RedirectResponse(target, 303)


# -- a drill-down saved as a selection -----------------------------------------------------------


@router.post("/dashboards/{slug}/tiles/{tile_key}/records/selection")
def save_drilldown(
    request: Request,
    slug: str,
    tile_key: str,
    user: PageUser,
    name: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The records behind a row as a new selection of the user's: the tile's criteria, the
    clicked row, the quick filters and the period (the query string, as the panel's links)."""
    require_csrf(request, csrf_token)
    lang = language(request, user)
    dashboard = dashboard_or_404(request, slug, user.id)
    state = request.app.state
    given = pages.filter_input(request.query_params)
    viewer = request_viewer(request, user.id)
    with state.engine.connect() as conn:
        try:
            definition = resolve_tile(conn, tile_or_404(dashboard, tile_key), viewer)
        except InputError as exc:
            raise HTTPException(422, detail=exc.message) from None
        lookups = load_lookups(conn)
    shown: list[str] = []
    if definition.kind == "grouped" and key:
        _typed, tile = tile_results(
            state.engine,
            state.settings,
            state.clock,
            definition,
            given,
            lang,
            viewer_scope(request, user.id),
        )
        shown = [row["key"] for row in tile.get("rows", [])]
    now = state.clock.now()
    try:
        criteria = drill_criteria(
            definition,
            key or None,
            shown,
            given.owner,
            given.country,
            given.status,
            given.period,
            lookups,
        )
        title = name.strip() or definition.name.get(lang)
        with state.engine.begin() as conn:
            check_criteria(conn, definition.entity, criteria, now, state.settings.tz)
            made = create_selection(
                conn,
                SelectionDefinition(
                    slug=new_slug(conn, title),
                    name=Translated(en=title, nl=title),
                    entity=definition.entity,  # type: ignore[arg-type]  # drill_criteria checked
                    criteria=criteria,
                ),
                user.id,
                now,
            )
    except InputError as exc:
        raise HTTPException(422, detail=f"{exc.field}: {exc.message}") from None
    target = with_query(f"/selections/{quote(made.slug)}", lang=url_language(request))
    return RedirectResponse(target, 303)
