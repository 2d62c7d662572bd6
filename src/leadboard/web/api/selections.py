"""/api/selections: dynamic selections (saved criteria over leads or sales, issue 11).

GET/POST /api/selections, GET/PUT/DELETE /api/selections/{slug} and
GET /api/selections/{slug}/records. The rules are dashboards/selections.py's: a selection is
visible to its owner until shared; its owner (or an admin; an integration) changes, shares and
deletes it (403 for others who may see it, 404 for the rest); its records are always the ones
the caller's rights allow. Sessions write with the X-CSRF-Token header, as on /api/dashboards.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import AfterValidator, ValidationError
from sqlalchemy import Connection, Engine

from leadboard.auth.requests import Principal, require_principal
from leadboard.clock import Clock
from leadboard.dashboards.audience import Audience
from leadboard.dashboards.selections import (
    Selection,
    SelectionDefinition,
    check_criteria,
    create_selection,
    delete_selection,
    find_selection,
    list_selections,
    new_slug,
    replace_selection,
    selection_records,
    set_selection_audience,
)
from leadboard.db.times import from_db
from leadboard.domain.users import Viewer, find_user, list_groups, list_users
from leadboard.errors import FieldError, Forbidden, NotFound
from leadboard.semantic.filters import resolve_language
from leadboard.semantic.spec import QuickFilters, Scope
from leadboard.settings import Settings
from leadboard.web.api.common import DOCUMENTED_AUTH, Lang, link, links
from leadboard.web.api.dashboard_admin_models import AudienceIO
from leadboard.web.api.dashboards import FORBIDDEN, require_writer
from leadboard.web.api.errors import CONFLICT, NOT_FOUND, ApiRoute, responses
from leadboard.web.api.models import NO_NUL, clean_text
from leadboard.web.api.selection_models import (
    SelectionIn,
    SelectionList,
    SelectionOut,
    SelectionRecords,
)
from leadboard.web.present import Presenter
from leadboard.web.scope import request_viewer, viewer_scope

__all__ = ["records_json", "router", "selection_out"]

router = APIRouter(
    prefix="/api",
    tags=["selections"],
    route_class=ApiRoute,
    dependencies=[*DOCUMENTED_AUTH, Depends(require_principal)],
    responses=responses(NOT_FOUND, FORBIDDEN, CONFLICT),
)
Asking = Annotated[Principal, Depends(require_principal)]
Writer = Annotated[Principal, Depends(require_writer)]
SlugPath = Annotated[
    str,
    Path(max_length=100, description="The selection's slug", examples=["hot-leads-nl"]),
    AfterValidator(clean_text),
]


# What a new selection's answer leads to (OpenAPI links): its reads and writes by its slug.
_SELECTION, _SLUG = "/api/selections/{slug}", {"slug": "$response.body#/slug"}
SELECTION_LINKS = links(
    201,
    ReadSelection=link(_SELECTION, "get", _SLUG),
    ReplaceSelection=link(_SELECTION, "put", _SLUG),
    DeleteSelection=link(_SELECTION, "delete", _SLUG),
    ReadRecords=link(f"{_SELECTION}/records", "get", _SLUG),
)


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.clock.now()
    return now


def selection_out(conn: Connection, found: Selection, viewer: Viewer) -> dict[str, Any]:
    groups = {group.id: group.name for group in list_groups(conn)}
    emails = {user.id: user.email for user in list_users(conn)}
    definition = found.definition
    return {
        **definition.model_dump(mode="json", include={"slug", "name", "entity", "criteria"}),
        "columns": definition.shown_columns(),
        "order_by": definition.order_by,
        "owner": emails.get(found.owner_id),
        "visible_for": {
            "everyone": found.visible.everyone,
            "groups": sorted(groups[g] for g in found.visible.group_ids if g in groups),
            "users": sorted(emails[u] for u in found.visible.user_ids if u in emails),
        },
        "editable": found.editable_by(viewer),
        "created_at": from_db(found.created_at),
        "updated_at": from_db(found.updated_at),
    }


def audience_in(conn: Connection, doc: AudienceIO, where: str = "visible_for") -> Audience:
    """Groups by name and users by email, as ids (an unknown one: 422 naming it)."""
    groups = {group.name: group.id for group in list_groups(conn)}
    group_ids = set()
    for i, name in enumerate(doc.groups):
        if name not in groups:
            raise FieldError(f"{where}.groups[{i}]", f"no group {name!r}")
        group_ids.add(groups[name])
    user_ids = set()
    for i, email in enumerate(doc.users):
        try:
            user_ids.add(find_user(conn, email).id)
        except NotFound:
            raise FieldError(f"{where}.users[{i}]", f"no user with email {email!r}") from None
    return Audience(doc.everyone, frozenset(group_ids), frozenset(user_ids))


def definition_of(
    conn: Connection, body: SelectionIn, slug: str, now: datetime, settings: Settings
) -> SelectionDefinition:
    """The body as a definition: criteria checked line by line (the path of the first line at
    fault), then columns and sort."""
    check_criteria(conn, body.entity, body.criteria, now, settings.tz)
    data = body.model_dump(exclude={"visible_for", "owner"}) | {"slug": slug}
    try:
        return SelectionDefinition.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first.get("msg", "is invalid")).removeprefix("Value error, ")
        field = ".".join(str(part) for part in first.get("loc", ())) or message.split(":")[0]
        raise FieldError(field or "body", message) from None


def _owner_of(conn: Connection, principal: Principal, owner: str | None) -> int:
    """A new selection is its maker's; an integration (a token without a user) names the
    owner by email."""
    if principal.associate_id is None:
        if owner is None:
            raise FieldError("owner", "is required for a token without a user (an integration)")
        try:
            return find_user(conn, owner).id
        except NotFound:
            raise FieldError("owner", f"no user with email {owner!r}") from None
    if owner is not None and owner.strip().lower() != principal.email:
        raise Forbidden("owner", "a new selection is its maker's")
    return principal.associate_id


@router.get("/selections", response_model=SelectionList, summary="The selections one may see")
def get_selections(
    request: Request,
    principal: Asking,
    q: Annotated[
        str,
        Query(max_length=200, description="Words in a name", json_schema_extra={"pattern": NO_NUL}),
        AfterValidator(clean_text),
    ] = "",
) -> dict[str, Any]:
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.connect() as conn:
        found = list_selections(conn, viewer, q)
        return {"selections": [selection_out(conn, s, viewer) for s in found]}


@router.post(
    "/selections",
    status_code=201,
    response_model=SelectionOut,
    responses=SELECTION_LINKS,
    summary="Save a selection",
)
def post_selection(request: Request, principal: Writer, body: SelectionIn) -> dict[str, Any]:
    """A new selection owned by the caller, visible to them only unless `visible_for` says
    more. A criterion that does not apply is a 422 naming it (`criteria[0][1].value`)."""
    viewer = request_viewer(request, principal.associate_id)
    now = _now(request)
    with request.app.state.engine.begin() as conn:
        owner_id = _owner_of(conn, principal, body.owner)
        slug = body.slug or new_slug(conn, body.name.en)
        made = create_selection(
            conn, definition_of(conn, body, slug, now, request.app.state.settings), owner_id, now
        )
        if body.visible_for is not None:
            audience = audience_in(conn, body.visible_for)
            made = set_selection_audience(conn, made.slug, audience, viewer, now)
        return selection_out(conn, made, viewer)


@router.get("/selections/{slug}", response_model=SelectionOut, summary="One selection")
def get_selection(request: Request, principal: Asking, slug: SlugPath) -> dict[str, Any]:
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.connect() as conn:
        return selection_out(conn, find_selection(conn, slug, viewer), viewer)


@router.put("/selections/{slug}", response_model=SelectionOut, summary="Replace a selection")
def put_selection(
    request: Request, principal: Writer, slug: SlugPath, body: SelectionIn
) -> dict[str, Any]:
    """A new definition (the owner or an admin); a new `slug` renames it (409 when taken).
    `visible_for` left out keeps who may see it."""
    viewer = request_viewer(request, principal.associate_id)
    now = _now(request)
    with request.app.state.engine.begin() as conn:
        current = find_selection(conn, slug, viewer)
        if not current.editable_by(viewer):
            raise Forbidden("owner", "only the selection's owner may change it")
        definition = definition_of(conn, body, body.slug or slug, now, request.app.state.settings)
        changed = replace_selection(conn, slug, definition, viewer, now)
        if body.visible_for is not None:
            audience = audience_in(conn, body.visible_for)
            changed = set_selection_audience(conn, changed.slug, audience, viewer, now)
        return selection_out(conn, changed, viewer)


@router.delete("/selections/{slug}", status_code=204, summary="Delete a selection")
def delete_one(request: Request, principal: Writer, slug: SlugPath) -> Response:
    """The owner or an admin; list tiles showing it then show that it is gone."""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.begin() as conn:
        delete_selection(conn, slug, viewer)
    return Response(status_code=204)


def records_json(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    slug: str,
    viewer: Viewer,
    scope: Scope,
    page: int,
    page_size: int,
    order_by: str | None,
    lang: str | None = "en",
) -> dict[str, Any]:
    """One page of records as the API, the list page's JSON twin and the exports give it."""
    result = selection_records(
        engine, settings, clock, slug, viewer, scope, page, page_size, order_by
    )
    presenter = Presenter(
        resolve_language(lang),
        settings.tz,
        result.lookups,
        QuickFilters(),
        settings.base_currency,
        result.as_of,
    )
    definition = result.selection.definition
    return {
        "selection": definition.slug,
        "entity": definition.entity,
        "page": page,
        "page_size": page_size,
        "total": result.drill.total,
        "order_by": order_by or definition.order_by,
        "records": [presenter.record_json(r) for r in result.drill.records],
    }


@router.get(
    "/selections/{slug}/records",
    response_model=SelectionRecords,
    summary="A selection's records, evaluated now",
)
def get_records(
    request: Request,
    principal: Asking,
    slug: SlugPath,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 50,
    order_by: Annotated[
        str | None, Query(max_length=64, description="A column; `-` first: descending")
    ] = None,
    lang: Lang = "en",
) -> dict[str, Any]:
    """The records matching the criteria now, within the caller's rights, sorted by
    `order_by` (else the selection's sort), with `total`."""
    state = request.app.state
    viewer = request_viewer(request, principal.associate_id)
    scope = viewer_scope(request, principal.associate_id)
    return records_json(
        state.engine,
        state.settings,
        state.clock,
        slug,
        viewer,
        scope,
        page,
        page_size,
        order_by,
        lang,
    )
