"""The REST API for leads: create, read, update, list, change status, status history,
conversions.

Reads take an API token or a session; writes take an API token (see common.py). Errors are
`{"error": {"field", "message"}, "errors": [...]}` with 401, 404, 409 or 422.
"""

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Connection

from leadboard.auth.requests import Principal
from leadboard.domain.erasure import erase_lead
from leadboard.domain.errors import FieldError, NotFound
from leadboard.domain.lead_detail import check_owner, conversion_rows
from leadboard.domain.lead_queries import (
    NO_COUNTRY,
    find_leads,
    get_lead,
    lead_visible,
    resolve_lead_filters,
    status_history,
)
from leadboard.domain.lead_updates import add_lead, set_status, update_lead
from leadboard.domain.leads import NewLead
from leadboard.semantic.keys import country_codes
from leadboard.web.api.admin import FORBIDDEN, Admin
from leadboard.web.api.common import (
    DOCUMENTED_AUTH,
    CountryFilter,
    FilterText,
    Page,
    PageSize,
    Reader,
    Writer,
    clock,
    engine,
    link,
    links,
    path_id,
    settings,
)
from leadboard.web.api.errors import CONFLICT, NOT_FOUND, ApiRoute, responses
from leadboard.web.api.idempotency import IdempotencyKey, idempotent_write
from leadboard.web.api.lead_models import (
    LeadConversions,
    LeadHistory,
    LeadIn,
    LeadOut,
    LeadPage,
    LeadPatch,
    StatusChangeIn,
    conversion_out,
    history_entry,
    lead_out,
)
from leadboard.web.api.models import Day
from leadboard.web.scope import viewer_scope

router = APIRouter(
    prefix="/api", tags=["leads"], route_class=ApiRoute, dependencies=DOCUMENTED_AUTH
)

LeadId = Annotated[int, path_id("The lead's id")]

# What a new lead's answer leads to (OpenAPI links): its reads and writes by its id.
_LEAD = "/api/leads/{lead_id}"
_BY_ID = {"lead_id": "$response.body#/id"}
LEAD_LINKS = links(
    201,
    ReadLead=link(_LEAD, "get", _BY_ID),
    ChangeLead=link(_LEAD, "patch", _BY_ID),
    ChangeStatus=link(f"{_LEAD}/status", "post", _BY_ID),
    ReadHistory=link(f"{_LEAD}/history", "get", _BY_ID),
    ReadConversions=link(f"{_LEAD}/conversions", "get", _BY_ID),
    EraseLead=link(_LEAD, "delete", {**_BY_ID, "query.erase": True}),
)


def _check_visible(conn: Connection, lead_id: int, owners: tuple[int, ...] | None) -> None:
    """Outside the viewer's rights a lead does not exist: 404, like an unknown id (no 403, so
    its existence is not leaked)."""
    if not lead_visible(conn, lead_id, owners):
        raise NotFound("lead_id", f"no lead with id {lead_id}")


def _owners(request: Request, principal: Principal) -> tuple[int, ...] | None:
    return viewer_scope(request, principal.associate_id).leads


def _lead(conn: Connection, lead_id: int) -> LeadOut:
    row = get_lead(conn, lead_id)
    if row is None:
        raise NotFound("lead_id", f"no lead with id {lead_id}")
    return lead_out(row)


@router.post(
    "/leads",
    status_code=201,
    response_model=LeadOut,
    responses={**responses(CONFLICT), **LEAD_LINKS},
    summary="Create a lead",
    response_description="The new lead; a retry with the same Idempotency-Key gets it again",
)
def create(
    request: Request, body: LeadIn, principal: Writer, key: IdempotencyKey = None
) -> JSONResponse:
    """A new lead at status Open. With a `source` (and maybe `medium`, `campaign`) its channel comes
    from the GA4 channel rules, like a form lead, a missing medium being `(not set)`; without a
    source it is API (or Manual). A second lead with the
    same email, or the same `external_id` within an `origin`, is refused with 409. A token
    acting as a user with `own` or `group` lead rights makes leads within them: the owner is an
    associate within them (another is refused as an unknown email), by default the user."""
    now = clock(request).now()
    owners = _owners(request, principal)
    owner = body.owner if owners is None or body.owner else principal.email

    def write(conn: Connection) -> tuple[int, BaseModel]:
        if not (body.email or body.first_name or body.last_name or body.phone):
            raise FieldError("email", "a lead needs an email, a name or a phone number")
        if body.created_at is not None and body.created_at > now:
            raise FieldError("created_at", "lies in the future")
        origin = body.origin or ("api" if body.external_id is not None else None)
        new = NewLead(
            created_via=body.created_via,
            created_at=body.created_at or now,
            email=body.email,
            first_name=body.first_name,
            last_name=body.last_name,
            phone=body.phone,
            job_title=body.job_title,
            country=body.country,
            given_source=body.source,
            given_medium=body.medium,
            given_campaign=body.campaign,
            external_id=body.external_id,
            origin=origin,
        )
        # Else the user could not read what they made.
        check_owner(conn, owner, owners)
        lead_id = add_lead(conn, new, body.company, owner, principal.associate_id)
        return 201, _lead(conn, lead_id)

    return idempotent_write(request, principal, key, body, write)


@router.get(
    "/leads",
    response_model=LeadPage,
    responses=responses(),
    summary="List leads (filtered, paged, newest first)",
)
def list_leads(
    request: Request,
    principal: Reader,
    status: Annotated[FilterText | None, Query(description="A lead status key")] = None,
    owner: Annotated[FilterText | None, Query(description="The owner's email")] = None,
    country: Annotated[
        CountryFilter | None, Query(description="ISO 3166-1 alpha-2 code, or `none`")
    ] = None,
    created_via: Annotated[
        Literal["form", "chat", "import", "api", "manual"] | None, Query()
    ] = None,
    source: Annotated[
        FilterText | None, Query(description="Lead creation source (any case)")
    ] = None,
    created_from: Annotated[
        Day | None, Query(description="First day (organisation's timezone), YYYY-MM-DD")
    ] = None,
    created_to: Annotated[Day | None, Query(description="Last day, inclusive")] = None,
    q: Annotated[
        FilterText | None, Query(description="Part of the email, first or last name")
    ] = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> LeadPage:
    code = None
    if country:
        code = country.upper() if country.lower() != NO_COUNTRY else NO_COUNTRY
        if code != NO_COUNTRY and code not in country_codes():
            raise FieldError("country", f"{country!r} is not an ISO 3166-1 code (or none)")
    owners = _owners(request, principal)
    with engine(request).connect() as conn:
        filters = resolve_lead_filters(
            conn,
            settings(request).tz,
            status=status,
            owner=owner,
            country=code,
            created_via=created_via,
            source=source,
            created_from=created_from,
            created_to=created_to,
            q=q,
        )
        rows, total = find_leads(conn, replace(filters, owners=owners), page, page_size)
    return LeadPage(
        leads=[lead_out(row) for row in rows], total=total, page=page, page_size=page_size
    )


@router.get(
    "/leads/{lead_id}",
    response_model=LeadOut,
    responses=responses(NOT_FOUND),
    summary="Read a lead",
)
def read(request: Request, lead_id: LeadId, principal: Reader) -> LeadOut:
    owners = _owners(request, principal)
    with engine(request).connect() as conn:
        _check_visible(conn, lead_id, owners)
        return _lead(conn, lead_id)


@router.patch(
    "/leads/{lead_id}",
    response_model=LeadOut,
    responses=responses(NOT_FOUND, CONFLICT),
    summary="Change a lead's contact fields, company or owner",
)
def patch(request: Request, lead_id: LeadId, body: LeadPatch, principal: Writer) -> LeadOut:
    """Only the fields sent change; `null` clears one. The attribution tuples, sources, channel
    and created_at are written once and cannot be changed; the status has its own endpoint.
    A token acting as a user with `own` or `group` lead rights may give the lead only to an
    associate within those rights (another is refused like an unknown email) and may not leave
    it without an owner."""
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    owners = _owners(request, principal)
    with engine(request).begin() as conn:
        _check_visible(conn, lead_id, owners)
        if "owner" in changes:
            # A new owner within the viewer's rights only, refused as an unknown email is (no
            # leak of who exists); no owner at all only with all rights (SPEC 7: a user edits
            # only leads within their rights, and the lead would leave them).
            check_owner(conn, changes["owner"], owners)
        update_lead(conn, lead_id, changes)
        return _lead(conn, lead_id)


@router.post(
    "/leads/{lead_id}/status",
    response_model=LeadOut,
    responses=responses(NOT_FOUND, CONFLICT),
    summary="Change a lead's status",
    response_description="The lead with its new status",
)
def change_lead_status(
    request: Request,
    lead_id: LeadId,
    body: StatusChangeIn,
    principal: Writer,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Records the change in the status history with when (`at`, default now) and who (the
    token's user). Changing to the status the lead already has changes nothing."""
    now = clock(request).now()
    owners = _owners(request, principal)

    def write(conn: Connection) -> tuple[int, BaseModel]:
        _check_visible(conn, lead_id, owners)
        set_status(conn, lead_id, body.status, body.at or now, now, principal.associate_id)
        return 200, _lead(conn, lead_id)

    return idempotent_write(request, principal, key, body, write)


@router.delete(
    "/leads/{lead_id}",
    response_model=LeadOut,
    responses=responses(NOT_FOUND, CONFLICT, FORBIDDEN),
    summary="Erase a lead's personal data (GDPR), keeping its figures",
)
def erase(
    request: Request,
    lead_id: LeadId,
    principal: Admin,
    erase: Annotated[
        bool,
        Query(
            description="Must be true: the lead is anonymised, never removed",
            json_schema_extra={"enum": [True]},
        ),
    ],
) -> LeadOut:
    """Admins only. Wipes the contact's names, email, phone, job title, external id, custom
    fields and click ids, its form submissions' payloads and its chats' visitor details; keeps
    its status history, source, channel, campaign and dates, so every count stays as it was.
    The answer is the erased lead (`erased: true`); an audit row records who erased it. A lead
    is never deleted: without `erase=true` the request is refused (422)."""
    if not erase:
        raise FieldError(
            "erase", "a lead is never deleted (past figures would change): send erase=true"
        )
    now = clock(request).now()
    with engine(request).begin() as conn:
        erase_lead(conn, lead_id, now, principal.associate_id, "api")
        return _lead(conn, lead_id)


@router.get(
    "/leads/{lead_id}/history",
    response_model=LeadHistory,
    responses=responses(NOT_FOUND),
    summary="A lead's status history",
)
def history(request: Request, lead_id: LeadId, principal: Reader) -> LeadHistory:
    owners = _owners(request, principal)
    with engine(request).connect() as conn:
        _check_visible(conn, lead_id, owners)
        rows = status_history(conn, lead_id)
    return LeadHistory(lead_id=lead_id, history=[history_entry(row) for row in rows])


@router.get(
    "/leads/{lead_id}/conversions",
    response_model=LeadConversions,
    responses=responses(NOT_FOUND),
    summary="A lead's conversions",
)
def conversions(request: Request, lead_id: LeadId, principal: Reader) -> LeadConversions:
    """Later form posts of the lead's contact, oldest first, each with its form and the visit
    tuple it came with (the lead's own tuples stay as they were, SPEC 6.1). They follow their
    lead: outside the viewer's rights, 404."""
    owners = _owners(request, principal)
    with engine(request).connect() as conn:
        _check_visible(conn, lead_id, owners)
        rows = conversion_rows(conn, lead_id)
    return LeadConversions(lead_id=lead_id, conversions=[conversion_out(row) for row in rows])
