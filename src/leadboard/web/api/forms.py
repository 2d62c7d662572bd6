"""The REST API for forms and campaigns: create, read, update, list."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Connection

from leadboard.domain.campaigns import (
    create_campaign,
    find_campaigns,
    get_campaign,
    update_campaign,
)
from leadboard.domain.errors import FieldError, NotFound
from leadboard.domain.form_admin import create_form, find_forms, get_form, update_form
from leadboard.web.api.common import (
    DOCUMENTED_AUTH,
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
)
from leadboard.web.api.errors import CONFLICT, NOT_FOUND, ApiRoute, responses
from leadboard.web.api.form_models import (
    FORM_NOT_NULL,
    CampaignIn,
    CampaignOut,
    CampaignPage,
    CampaignPatch,
    FormIn,
    FormOut,
    FormPage,
    FormPatch,
    campaign_out,
    form_out,
)
from leadboard.web.api.idempotency import IdempotencyKey, idempotent_write

router = APIRouter(prefix="/api", route_class=ApiRoute, dependencies=DOCUMENTED_AUTH)

FormId = Annotated[int, path_id("The form's id")]
CampaignId = Annotated[int, path_id("The campaign's id")]

# What a new form's or campaign's answer leads to (OpenAPI links): its reads and writes, and a
# form's capture endpoint by its key.
_FORM, _CAMPAIGN = "/api/forms/{form_id}", "/api/campaigns/{campaign_id}"
_FORM_ID, _CAMPAIGN_ID = {"form_id": "$response.body#/id"}, {"campaign_id": "$response.body#/id"}
FORM_LINKS = links(
    201,
    ReadForm=link(_FORM, "get", _FORM_ID),
    ChangeForm=link(_FORM, "patch", _FORM_ID),
    PostToForm=link("/capture/forms/{form_key}", "post", {"form_key": "$response.body#/key"}),
)
CAMPAIGN_LINKS = links(
    201,
    ReadCampaign=link(_CAMPAIGN, "get", _CAMPAIGN_ID),
    ChangeCampaign=link(_CAMPAIGN, "patch", _CAMPAIGN_ID),
)


def _form(conn: Connection, form_id: int) -> FormOut:
    row = get_form(conn, form_id)
    if row is None:
        raise NotFound("form_id", f"no form with id {form_id}")
    return form_out(row)


def _campaign(conn: Connection, campaign_id: int) -> CampaignOut:
    row = get_campaign(conn, campaign_id)
    if row is None:
        raise NotFound("campaign_id", f"no campaign with id {campaign_id}")
    return campaign_out(row)


@router.post(
    "/forms",
    tags=["forms"],
    status_code=201,
    response_model=FormOut,
    responses={**responses(CONFLICT), **FORM_LINKS},
    summary="Create a form",
    response_description="The new form; a retry with the same Idempotency-Key gets it again",
)
def create(
    request: Request, body: FormIn, principal: Writer, key: IdempotencyKey = None
) -> JSONResponse:
    now = clock(request).now()

    def write(conn: Connection) -> tuple[int, BaseModel]:
        form_id = create_form(
            conn,
            body.name,
            now,
            key=body.key,
            active=body.active,
            allowed_origins=body.allowed_origins,
            fields=[f.model_dump(exclude_none=True) for f in body.fields],
            thank_you_url=body.thank_you_url,
        )
        return 201, _form(conn, form_id)

    return idempotent_write(request, principal, key, body, write)


@router.get(
    "/forms", tags=["forms"], response_model=FormPage, responses=responses(), summary="List forms"
)
def list_forms(
    request: Request,
    _principal: Reader,
    active: Annotated[bool | None, Query(description="Only active or inactive forms")] = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> FormPage:
    with engine(request).connect() as conn:
        rows, total = find_forms(conn, active, page, page_size)
    return FormPage(
        forms=[form_out(row) for row in rows], total=total, page=page, page_size=page_size
    )


@router.get(
    "/forms/{form_id}",
    tags=["forms"],
    response_model=FormOut,
    responses=responses(NOT_FOUND),
    summary="Read a form",
)
def read(request: Request, form_id: FormId, _principal: Reader) -> FormOut:
    with engine(request).connect() as conn:
        return _form(conn, form_id)


@router.patch(
    "/forms/{form_id}",
    tags=["forms"],
    response_model=FormOut,
    responses=responses(NOT_FOUND, CONFLICT),
    summary="Change a form",
)
def patch(request: Request, form_id: FormId, body: FormPatch, _principal: Writer) -> FormOut:
    """Changing `key` changes the capture URL: embedded snippets must be updated."""
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    for name in FORM_NOT_NULL:
        if name in changes and changes[name] is None:
            raise FieldError(name, "cannot be null")
    if "fields" in changes:
        changes["fields"] = [f.model_dump(exclude_none=True) for f in body.fields or []]
    with engine(request).begin() as conn:
        update_form(conn, form_id, changes)
        return _form(conn, form_id)


@router.post(
    "/campaigns",
    tags=["campaigns"],
    status_code=201,
    response_model=CampaignOut,
    responses={**responses(CONFLICT), **CAMPAIGN_LINKS},
    summary="Register a campaign",
    response_description="The new campaign; a retry with the same Idempotency-Key gets it again",
)
def create_one_campaign(
    request: Request, body: CampaignIn, principal: Writer, key: IdempotencyKey = None
) -> JSONResponse:
    """The key is the utm_campaign value, stored trimmed and lower case; it is unique."""

    def write(conn: Connection) -> tuple[int, BaseModel]:
        campaign_id = create_campaign(conn, body.key, body.name, body.starts_on, body.ends_on)
        return 201, _campaign(conn, campaign_id)

    return idempotent_write(request, principal, key, body, write)


@router.get(
    "/campaigns",
    tags=["campaigns"],
    response_model=CampaignPage,
    responses=responses(),
    summary="List campaigns (by key)",
)
def list_campaigns(
    request: Request,
    _principal: Reader,
    q: Annotated[FilterText | None, Query(description="Part of the key or name")] = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> CampaignPage:
    with engine(request).connect() as conn:
        rows, total = find_campaigns(conn, q or None, page, page_size)
    return CampaignPage(
        campaigns=[campaign_out(row) for row in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get(
    "/campaigns/{campaign_id}",
    tags=["campaigns"],
    response_model=CampaignOut,
    responses=responses(NOT_FOUND),
    summary="Read a campaign",
)
def read_campaign(request: Request, campaign_id: CampaignId, _principal: Reader) -> CampaignOut:
    with engine(request).connect() as conn:
        return _campaign(conn, campaign_id)


@router.patch(
    "/campaigns/{campaign_id}",
    tags=["campaigns"],
    response_model=CampaignOut,
    responses=responses(NOT_FOUND, CONFLICT),
    summary="Change a campaign",
)
def patch_campaign(
    request: Request, campaign_id: CampaignId, body: CampaignPatch, _principal: Writer
) -> CampaignOut:
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    if "key" in changes and changes["key"] is None:
        raise FieldError("key", "cannot be null")
    with engine(request).begin() as conn:
        update_campaign(conn, campaign_id, changes)
        return _campaign(conn, campaign_id)
