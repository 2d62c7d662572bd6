"""The REST API for sales: create, read, update, list with count and sum in the base currency."""

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Connection

from leadboard.auth.requests import Principal
from leadboard.domain.errors import FieldError, NotFound
from leadboard.domain.lead_detail import check_owner
from leadboard.domain.lead_queries import lead_visible
from leadboard.domain.sales import (
    NewSale,
    cents,
    create_sale,
    find_sales,
    get_sale,
    resolve_sale_filters,
    sale_visible,
    sales_sum,
    update_sale,
)
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
    settings,
)
from leadboard.web.api.errors import CONFLICT, NOT_FOUND, ApiRoute, responses
from leadboard.web.api.idempotency import IdempotencyKey, idempotent_write
from leadboard.web.api.models import MAX_ID, Day
from leadboard.web.api.sale_models import (
    NOT_NULL,
    SaleIn,
    SaleOut,
    SalePage,
    SalePatch,
    SaleStatus,
    sale_out,
)
from leadboard.web.scope import viewer_scope

router = APIRouter(
    prefix="/api", tags=["sales"], route_class=ApiRoute, dependencies=DOCUMENTED_AUTH
)

SaleId = Annotated[int, path_id("The sale's id")]

# What a new sale's answer leads to (OpenAPI links): its reads and writes by its id.
_SALE = "/api/sales/{sale_id}"
_BY_ID = {"sale_id": "$response.body#/id"}
SALE_LINKS = links(
    201, ReadSale=link(_SALE, "get", _BY_ID), ChangeSale=link(_SALE, "patch", _BY_ID)
)


def _check_visible(conn: Connection, sale_id: int, owners: tuple[int, ...] | None) -> None:
    """Outside the viewer's rights a sale does not exist: 404, like an unknown id."""
    if not sale_visible(conn, sale_id, owners):
        raise NotFound("sale_id", f"no sale with id {sale_id}")


def _owners(request: Request, principal: Principal) -> tuple[int, ...] | None:
    return viewer_scope(request, principal.associate_id).sales


def _check_lead(conn: Connection, lead_id: int | None, owners: tuple[int, ...] | None) -> None:
    """A sale's lead must be one the viewer may see: else the same 422 as an unknown lead."""
    if lead_id is not None and owners is not None and not lead_visible(conn, lead_id, owners):
        raise FieldError("lead_id", f"no lead with id {lead_id}")


def _sale(
    request: Request, conn: Connection, sale_id: int, lead_owners: tuple[int, ...] | None
) -> SaleOut:
    row = get_sale(conn, sale_id)
    if row is None:
        raise NotFound("sale_id", f"no sale with id {sale_id}")
    return sale_out(row, settings(request).tz, lead_owners)


@router.post(
    "/sales",
    status_code=201,
    response_model=SaleOut,
    responses={**responses(CONFLICT), **SALE_LINKS},
    summary="Create a sale",
    response_description="The new sale; a retry with the same Idempotency-Key gets it again",
)
def create(
    request: Request, body: SaleIn, principal: Writer, key: IdempotencyKey = None
) -> JSONResponse:
    """A sale with its amount in its own currency. A second sale with the same `external_id`
    within an `origin` is refused with 409. A token acting as a user with `own` or `group`
    sales rights makes sales within them: the owner is an associate within them (another is
    refused as an unknown email), by default the user."""
    now = clock(request).now()
    owners = _owners(request, principal)
    owner = body.owner if owners is None or body.owner else principal.email
    new = NewSale(
        title=body.title,
        amount_cents=cents(body.amount),
        currency=body.currency,
        sale_date=body.sale_date,
        status=body.status,
        probability=body.probability,
        stage=body.stage,
        reason=body.reason,
        lead_id=body.lead_id,
        company=body.company,
        owner=owner,
        external_id=body.external_id,
        origin=body.origin or ("api" if body.external_id is not None else None),
    )

    lead_owners = viewer_scope(request, principal.associate_id).leads

    def write(conn: Connection) -> tuple[int, BaseModel]:
        _check_lead(conn, new.lead_id, lead_owners)
        check_owner(conn, owner, owners)  # else the user could not read what they made
        sale_id = create_sale(conn, new, now, settings(request).tz)
        return 201, _sale(request, conn, sale_id, lead_owners)

    return idempotent_write(request, principal, key, body, write)


@router.get(
    "/sales",
    response_model=SalePage,
    responses=responses(),
    summary="List sales (filtered, paged) with their count and sum",
)
def list_sales(
    request: Request,
    principal: Reader,
    status: Annotated[SaleStatus | None, Query()] = None,
    owner: Annotated[FilterText | None, Query(description="The owner's email")] = None,
    lead_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    sale_date_from: Annotated[
        Day | None, Query(description="First sale date (organisation's timezone)")
    ] = None,
    sale_date_to: Annotated[Day | None, Query(description="Last sale date, inclusive")] = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> SalePage:
    """`count` and `sum` cover every matching sale, not only this page; `sum` is in the base
    currency (`LEADBOARD_BASE_CURRENCY`), converted with the rate table. A currency without a
    rate is refused with 422 naming `currency`, never summed wrongly."""
    base = settings(request).base_currency
    tz = settings(request).tz
    owners = _owners(request, principal)
    lead_owners = viewer_scope(request, principal.associate_id).leads
    with engine(request).connect() as conn:
        filters = resolve_sale_filters(
            conn, tz, status, owner or None, lead_id, sale_date_from, sale_date_to
        )
        # The sales of a lead outside the lead rights: none, as for an unknown lead.
        hidden_lead = lead_id is not None and not lead_visible(conn, lead_id, lead_owners)
        filters = replace(filters, owners=() if hidden_lead else owners)
        total = sales_sum(conn, filters, base)
        rows, count = find_sales(conn, filters, page, page_size)
    return SalePage(
        sales=[sale_out(row, tz, lead_owners) for row in rows],
        count=count,
        sum=str(total),
        base_currency=base,
        page=page,
        page_size=page_size,
    )


@router.get(
    "/sales/{sale_id}",
    response_model=SaleOut,
    responses=responses(NOT_FOUND),
    summary="Read a sale",
)
def read(request: Request, sale_id: SaleId, principal: Reader) -> SaleOut:
    owners = _owners(request, principal)
    lead_owners = viewer_scope(request, principal.associate_id).leads
    with engine(request).connect() as conn:
        _check_visible(conn, sale_id, owners)
        return _sale(request, conn, sale_id, lead_owners)


@router.patch(
    "/sales/{sale_id}",
    response_model=SaleOut,
    responses=responses(NOT_FOUND),
    summary="Change a sale",
)
def patch(request: Request, sale_id: SaleId, body: SalePatch, principal: Writer) -> SaleOut:
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    for name in NOT_NULL:
        if name in changes and changes[name] is None:
            raise FieldError(name, "cannot be null")
    if "amount" in changes:
        changes["amount_cents"] = cents(changes.pop("amount"))
    owners = _owners(request, principal)
    lead_owners = viewer_scope(request, principal.associate_id).leads
    with engine(request).begin() as conn:
        _check_visible(conn, sale_id, owners)
        _check_lead(conn, changes.get("lead_id"), lead_owners)
        if "owner" in changes:  # a new owner within the rights, as when the sale was made
            check_owner(conn, changes["owner"], owners)
        update_sale(conn, sale_id, changes, settings(request).tz)
        return _sale(request, conn, sale_id, lead_owners)
