"""The admin API (/api/admin), twin of the admin pages: users, groups, roles with their data
rights, lead statuses and currency rates. Admins only.

Who may call it: a signed-in admin (the session cookie; writes then need the page's CSRF token in
the `X-CSRF-Token` header) or an API token acting as an admin (`leadboard token create NAME
--user ADMIN_EMAIL`). Anyone else is refused with 403, a token without a user (an integration)
too; no credentials at all get 401. The same domain functions as the CLI do the work, with the
same messages; errors are `{"error": {"field", "message"}, "errors": [...]}` with 404 for an
unknown email or key, 409 for a duplicate, 422 for anything else that is wrong.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator

from leadboard.auth.requests import Principal, bearer_principal, session_principal
from leadboard.domain import statuses as status_list
from leadboard.domain.errors import FieldError
from leadboard.domain.rates import list_rates
from leadboard.domain.users import (
    ADMIN,
    add_group,
    add_role,
    add_user,
    list_groups,
    list_roles,
    list_users,
    set_password,
    set_role,
)
from leadboard.web.api.admin_models import (
    GroupIn,
    GroupList,
    GroupOut,
    PasswordIn,
    RateIn,
    RateList,
    RateOut,
    RoleIn,
    RoleList,
    RoleOut,
    RolePatch,
    StatusIn,
    StatusList,
    StatusOrder,
    StatusOut,
    StatusPatch,
    UserIn,
    UserList,
    UserOut,
    UserPatch,
    group_out,
    role_out,
    status_out,
    user_out,
)
from leadboard.web.api.common import DOCUMENTED_AUTH, clock, engine, link, links, settings
from leadboard.web.api.errors import CONFLICT, NOT_FOUND, ApiRoute, ErrorOut, responses
from leadboard.web.api.models import clean_text
from leadboard.web.pages import admin_ops
from leadboard.web.pages.session import CSRF_HEADER, csrf_ok

READS = ("GET", "HEAD", "OPTIONS")
INTEGRATION_REFUSED = (
    "this API token acts for no user (an integration): the admin API needs the token of an "
    "admin; create one with `leadboard token create NAME --user EMAIL`, EMAIL an admin's"
)


class Forbidden(FieldError):
    """Signed in or a valid token, but not allowed: 403."""

    status = 403


def require_admin(request: Request) -> Principal:
    """An admin's API token, or a signed-in admin's session (writes: with the CSRF header)."""
    principal = bearer_principal(request)
    by_session = False
    if principal is None:
        principal = session_principal(request)
        by_session = True
    if principal is None:
        raise HTTPException(
            401,
            detail="sign in as an admin, or send Authorization: Bearer <an admin's token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if principal.associate_id is None:
        raise Forbidden("Authorization", INTEGRATION_REFUSED)
    if principal.role != ADMIN:
        raise Forbidden("Authorization", f"admins only; {principal.email} is {principal.role!r}")
    if by_session and request.method not in READS and not csrf_ok(request, None):
        raise Forbidden(
            "X-CSRF-Token", "missing or wrong CSRF token: send the page's token in X-CSRF-Token"
        )
    return principal


Admin = Annotated[Principal, Depends(require_admin)]
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorOut,
        "description": "Not an admin (or a token without a user); a session's write without "
        f"its `{CSRF_HEADER}` header",
    }
}

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    route_class=ApiRoute,
    dependencies=DOCUMENTED_AUTH,
    responses=responses(FORBIDDEN),
)

# Path parameters are looked up, not stored; still no NUL (PostgreSQL cannot compare one).
EmailPath = Annotated[
    str,
    Path(max_length=320, description="The user's email", examples=["ann@example.com"]),
    AfterValidator(clean_text),
]
KeyPath = Annotated[
    str,
    Path(max_length=64, description="The key", examples=["qualified"]),
    AfterValidator(clean_text),
]
CurrencyPath = Annotated[
    str,
    Path(
        max_length=16,
        json_schema_extra={"pattern": "^[A-Za-z]{3}$"},  # the domain says what is wrong
        description="ISO 4217 code (any case), not the base currency",
        examples=["USD"],
    ),
    AfterValidator(clean_text),
]

# What a new user's, role's or status's answer leads to (OpenAPI links).
_USER, _EMAIL = "/api/admin/users/{email}", {"email": "$response.body#/email"}
_USER_LINKS = {
    "ChangeUser": link(_USER, "patch", _EMAIL),
    "SetPassword": link(f"{_USER}/password", "post", _EMAIL),
}
_KEY = {"key": "$response.body#/key"}
ROLE_LINKS = links(201, ChangeRole=link("/api/admin/roles/{key}", "patch", _KEY))
STATUS_LINKS = links(
    201,
    ChangeStatus=link("/api/admin/statuses/{key}", "patch", _KEY),
    DeleteStatus=link("/api/admin/statuses/{key}", "delete", _KEY),
)


# -- users ---------------------------------------------------------------------------------------


@router.get("/users", response_model=UserList, summary="List the users (every associate)")
def users(request: Request, _: Admin) -> UserList:
    with engine(request).connect() as conn:
        return UserList(users=[user_out(u) for u in list_users(conn)])


@router.post(
    "/users",
    status_code=201,
    response_model=UserOut,
    responses={
        **CONFLICT,
        **links(201, **_USER_LINKS),
        200: {
            "model": UserOut,
            "description": "An existing associate made a user",
            "links": _USER_LINKS,
        },
    },
    summary="Add a user",
)
def add(request: Request, body: UserIn, _: Admin) -> JSONResponse:
    """Creates the associate (201), or makes an existing one who cannot log in yet a user
    (200). An associate who can already log in is a 409: change them with PATCH."""
    now = clock(request).now()
    with engine(request).begin() as conn:
        user, created = add_user(
            conn,
            body.email,
            now=now,
            name=body.name,
            role=body.role,
            group=body.group,
            password=body.password,
        )
    return JSONResponse(user_out(user).model_dump(), 201 if created else 200)


@router.patch(
    "/users/{email}",
    response_model=UserOut,
    responses=responses(NOT_FOUND),
    summary="Change a user's name, role, group or active flag",
)
def change(request: Request, email: EmailPath, body: UserPatch, _: Admin) -> UserOut:
    """A new role or deactivation ends the user's sessions: their next request is refused."""
    now = clock(request).now()
    with engine(request).begin() as conn:
        user = admin_ops.set_user_fields(
            conn,
            email,
            now=now,
            name=body.name,
            role=body.role,
            group="" if "group" in body.model_fields_set and body.group is None else body.group,
            active=body.active,
        )
    return user_out(user)


@router.post(
    "/users/{email}/password",
    response_model=UserOut,
    responses=responses(NOT_FOUND),
    summary="Set a user's password",
)
def password(request: Request, email: EmailPath, body: PasswordIn, _: Admin) -> UserOut:
    """Every session of the user ends; the password is not shown again."""
    now = clock(request).now()
    with engine(request).begin() as conn:
        return user_out(set_password(conn, email, body.password, now=now))


# -- groups --------------------------------------------------------------------------------------


@router.get("/groups", response_model=GroupList, summary="List the groups")
def groups(request: Request, _: Admin) -> GroupList:
    with engine(request).connect() as conn:
        return GroupList(groups=[group_out(g) for g in list_groups(conn)])


@router.post(
    "/groups",
    status_code=201,
    response_model=GroupOut,
    responses=responses(CONFLICT),
    summary="Add a group",
)
def new_group(request: Request, body: GroupIn, _: Admin) -> GroupOut:
    admin_ops.checked_text(body.name, "name")
    with engine(request).begin() as conn:
        return group_out(add_group(conn, body.name))


# -- roles ---------------------------------------------------------------------------------------


@router.get("/roles", response_model=RoleList, summary="List the roles and their data rights")
def roles(request: Request, _: Admin) -> RoleList:
    with engine(request).connect() as conn:
        return RoleList(roles=[role_out(r) for r in list_roles(conn)])


@router.post(
    "/roles",
    status_code=201,
    response_model=RoleOut,
    responses={**responses(CONFLICT), **ROLE_LINKS},
    summary="Add a role",
)
def new_role(request: Request, body: RoleIn, _: Admin) -> RoleOut:
    with engine(request).begin() as conn:
        return role_out(
            add_role(conn, body.key, name=body.name, leads=body.leads, sales=body.sales)
        )


@router.patch(
    "/roles/{key}",
    response_model=RoleOut,
    responses=responses(NOT_FOUND),
    summary="Rename a role or change its rights",
)
def change_role(request: Request, key: KeyPath, body: RolePatch, _: Admin) -> RoleOut:
    """In force on every user's next request. `admin` always has all rights: 422."""
    with engine(request).begin() as conn:
        return role_out(set_role(conn, key, name=body.name, leads=body.leads, sales=body.sales))


# -- lead statuses -------------------------------------------------------------------------------


@router.get("/statuses", response_model=StatusList, summary="List the lead statuses")
def statuses(
    request: Request,
    _: Admin,
    include_deleted: Annotated[bool, Query(description="Soft-deleted ones too")] = False,
) -> StatusList:
    with engine(request).connect() as conn:
        found = status_list.all_statuses(conn, include_deleted=include_deleted)
    return StatusList(statuses=[status_out(s) for s in found])


@router.post(
    "/statuses",
    status_code=201,
    response_model=StatusOut,
    responses={**responses(CONFLICT), **STATUS_LINKS},
    summary="Add a lead status",
)
def new_status(request: Request, body: StatusIn, _: Admin) -> StatusOut:
    with engine(request).begin() as conn:
        status = admin_ops.add_status(
            conn,
            body.name_en,
            body.name_nl,
            body.key,
            body.on_funnel,
            body.description_en,
            body.description_nl,
        )
    return status_out(status)


@router.put(
    "/statuses/order",
    response_model=StatusList,
    responses=responses(),
    summary="Set the order of the lead statuses",
)
def order(request: Request, body: StatusOrder, _: Admin) -> StatusList:
    with engine(request).begin() as conn:
        found = admin_ops.reorder_statuses(conn, [k.strip() for k in body.keys])
    return StatusList(statuses=[status_out(s) for s in found])


@router.patch(
    "/statuses/{key}",
    response_model=StatusOut,
    responses=responses(NOT_FOUND),
    summary="Rename, translate or describe a lead status; funnel path on or off",
)
def change_status(request: Request, key: KeyPath, body: StatusPatch, _: Admin) -> StatusOut:
    with engine(request).begin() as conn:
        status = admin_ops.update_status(
            conn,
            key,
            name_en=body.name_en,
            name_nl=body.name_nl,
            description_en=body.description_en,
            description_nl=body.description_nl,
            on_funnel=body.on_funnel,
        )
    return status_out(status)


@router.delete(
    "/statuses/{key}",
    response_model=StatusOut,
    responses=responses(NOT_FOUND),
    summary="Soft-delete a lead status",
)
def delete_status(request: Request, key: KeyPath, _: Admin) -> StatusOut:
    """Leads keep it in their history; it leaves lists and filters. Open cannot be deleted."""
    with engine(request).begin() as conn:
        return status_out(admin_ops.delete_status(conn, key))


# -- currency rates ------------------------------------------------------------------------------


@router.get("/rates", response_model=RateList, summary="List the currency rates")
def rates(request: Request, _: Admin) -> RateList:
    with engine(request).connect() as conn:
        found = list_rates(conn)
    return RateList(
        base_currency=settings(request).base_currency,
        rates=[RateOut(currency=c, rate=str(r)) for c, r in found.items()],
    )


@router.put(
    "/rates/{currency}",
    response_model=RateOut,
    responses=responses(),
    summary="Set a currency's rate",
)
def set_rate(
    request: Request,
    currency: CurrencyPath,
    body: RateIn,
    _: Admin,
) -> RateOut:
    """1 CURRENCY = RATE base currency; sales in it are converted with this from now on."""
    base = settings(request).base_currency
    with engine(request).begin() as conn:
        value = admin_ops.set_rate(conn, currency, body.rate, base)
    return RateOut(currency=currency.strip().upper(), rate=value)
