"""The admin pages (admins only): users, groups, roles and their rights, lead statuses, rates.

/admin                                  the sections
/admin/users                            list, add (POST)
/admin/users/{email}                    change name, role, group, active (POST)
/admin/users/{email}/password           reset the password (POST)
/admin/groups                           list, add (POST)
/admin/roles, /admin/roles/{key}        list, add (POST); change name and rights (POST)
/admin/statuses                         list, add (POST)
/admin/statuses/{key}                   rename, translate, funnel on/off (POST)
/admin/statuses/{key}/move|delete       one place up or down; soft-delete (POST)
/admin/rates                            list, set (POST)

Plain HTML forms with the CSRF field, Post/Redirect/Get with a notice carried in the session;
a refused change shows the form again with the message next to its field (422, 409 for a
duplicate). Anyone signed in but not an admin gets 403, anyone else the log-in form. The work is
done by the domain's functions (as the CLI and /api/admin do): a new role, deactivation and a new
password end the user's sessions there, so they take effect on that user's next request.
"""

from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from pydantic import AfterValidator
from starlette.exceptions import HTTPException as StarletteHTTPException

from leadboard.domain import statuses as status_list
from leadboard.domain.errors import FieldError, NotFound
from leadboard.domain.rates import list_rates
from leadboard.domain.users import (
    ADMIN,
    SCOPES,
    add_group,
    add_role,
    add_user,
    find_user,
    list_groups,
    list_roles,
    list_users,
    set_password,
    set_role,
)
from leadboard.i18n import t
from leadboard.web.api.models import clean_text
from leadboard.web.pages import admin_ops
from leadboard.web.pages.session import (
    PageUser,
    User,
    csrf_ok,
    language,
    sign_in,
    url_language,
    with_query,
)
from leadboard.web.pages.setup import error_page, render, validation_error_page

NOTICE = "admin_notice"  # the session key of the next page's notice (Post/Redirect/Get)
SECTIONS = ("users", "groups", "roles", "statuses", "rates")
FormText = Annotated[str, Form()]
# The email or key in a path: looked up, never stored, but PostgreSQL cannot compare a NUL.
PathText = Annotated[str, Path(max_length=400), AfterValidator(clean_text)]


class PageRefused(Exception):
    """An admin page's refusal, answered with the HTML error page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class AdminPageRoute(APIRoute):
    """Refusals, bad parameters and HTTP errors of these pages are HTML error pages (the log-in
    redirect of an anonymous visitor passes through to the app's handler)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except PageRefused as exc:
                return error_page(request, exc.status, exc.message)
            except RequestValidationError as exc:
                return validation_error_page(request, exc)
            except StarletteHTTPException as exc:
                detail = exc.detail if isinstance(exc.detail, str) else None
                return error_page(request, exc.status_code, detail)

        return route_handler


router = APIRouter(prefix="/admin", include_in_schema=False, route_class=AdminPageRoute)


def admin_user(request: Request, user: PageUser) -> User:
    """Dependency of every admin page: the signed-in admin, else 403 (log-in form if nobody)."""
    if user.role != ADMIN:
        raise PageRefused(403, t(language(request, user), "admin.forbidden"))
    return user


AdminUser = Annotated[User, Depends(admin_user)]


def _csrf(request: Request, user: User, token: str) -> None:
    if not csrf_ok(request, token):
        raise PageRefused(403, t(language(request, user), "admin.csrf"))


def _notify(request: Request, word: str, **values: str) -> None:
    request.session[NOTICE] = {"key": word, "values": values}


def _notice(request: Request, lang: str) -> str | None:
    found = request.session.pop(NOTICE, None)
    if not isinstance(found, dict) or not str(found.get("key", "")).startswith("admin."):
        return None
    values = found.get("values")
    return t(lang, str(found["key"]), **(values if isinstance(values, dict) else {}))


def _context(request: Request, user: User, section: str, **extra: Any) -> dict[str, Any]:
    lang = language(request, user)
    url_lang = url_language(request)
    return {
        "lang": lang,
        "user": user,
        "section": section,
        "sections": SECTIONS,
        "scopes": SCOPES,
        "href": lambda path: with_query(path, lang=url_lang),
        "notice": _notice(request, lang),
        "form": {},
        "errors": {},
        "row": None,
        **extra,
    }


def _back(request: Request, path: str) -> Response:
    return RedirectResponse(with_query(path, lang=url_language(request)), status_code=303)


def _optional(value: str) -> str | None:
    return value if value.strip() else None


@contextmanager
def _refusal(request: Request) -> Iterator[dict[str, Any]]:
    """Collects a refused change: an unknown subject is the 404 page, anything else is shown
    next to its field (`caught["errors"]`, `caught["status"]`)."""
    caught: dict[str, Any] = {"errors": {}, "status": 200}
    try:
        yield caught
    except NotFound as exc:
        raise PageRefused(404, f"{exc.field}: {exc.message}") from None
    except FieldError as exc:
        caught["errors"] = {exc.field: exc.message}
        caught["status"] = exc.status


def _engine(request: Request) -> Any:
    return request.app.state.engine


def _now(request: Request) -> Any:
    return request.app.state.clock.now()


# -- index ---------------------------------------------------------------------------------------


@router.get("")
def index(request: Request, user: AdminUser) -> Response:
    with _engine(request).connect() as conn:
        counts = {
            "users": len(list_users(conn)),
            "groups": len(list_groups(conn)),
            "roles": len(list_roles(conn)),
            "statuses": len(status_list.all_statuses(conn)),
            "rates": len(list_rates(conn)),
        }
    return render(request, "admin/index.html", _context(request, user, "index", counts=counts))


# -- users ---------------------------------------------------------------------------------------


def _users_page(request: Request, user: User, **extra: Any) -> Response:
    status = extra.pop("status", 200)
    with _engine(request).connect() as conn:
        found = {"users": list_users(conn), "roles": list_roles(conn), "groups": list_groups(conn)}
    context = _context(request, user, "users", **found, **extra)
    return render(request, "admin/users.html", context, status_code=status)


@router.get("/users")
def users(request: Request, user: AdminUser) -> Response:
    return _users_page(request, user)


@router.post("/users")
def add_user_form(
    request: Request,
    user: AdminUser,
    email: FormText = "",
    name: FormText = "",
    role: FormText = "",
    group: FormText = "",
    password: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    _csrf(request, user, csrf_token)
    with _refusal(request) as caught, _engine(request).begin() as conn:
        for value, field in ((email, "email"), (name, "name"), (role, "role"), (group, "group")):
            admin_ops.checked_text(value, field)
        added, created = add_user(
            conn,
            email,
            now=_now(request),
            name=_optional(name),
            role=_optional(role),
            group=_optional(group),
            password=password or None,
        )
    if caught["errors"]:
        form = {"email": email, "name": name, "role": role, "group": group}  # no password
        return _users_page(
            request, user, form=form, errors=caught["errors"], status=caught["status"]
        )
    _notify(request, "admin.user_added" if created else "admin.user_made", email=added.email)
    return _back(request, "/admin/users")


def _user_page(request: Request, user: User, email: str, **extra: Any) -> Response:
    status = extra.pop("status", 200)
    with _refusal(request), _engine(request).connect() as conn:
        subject = find_user(conn, email)
        found = {"roles": list_roles(conn), "groups": list_groups(conn)}
    context = _context(request, user, "users", subject=subject, **found, **extra)
    return render(request, "admin/user.html", context, status_code=status)


@router.get("/users/{email}")
def user_page(request: Request, email: PathText, user: AdminUser) -> Response:
    return _user_page(request, user, email)


@router.post("/users/{email}")
def change_user_form(
    request: Request,
    email: PathText,
    user: AdminUser,
    name: FormText = "",
    role: FormText = "",
    group: FormText = "",
    active: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    _csrf(request, user, csrf_token)
    with _refusal(request) as caught, _engine(request).begin() as conn:
        if active not in ("yes", "no", ""):
            raise FieldError("active", f"use yes or no, not {active!r}")
        changed = admin_ops.set_user_fields(
            conn,
            email,
            now=_now(request),
            name=name if name.strip() else None,
            role=_optional(role),
            group=group,  # "" is no group
            active=None if not active else active == "yes",
        )
    if caught["errors"]:
        form = {"name": name, "role": role, "group": group, "active": active}
        return _user_page(
            request, user, email, form=form, errors=caught["errors"], status=caught["status"]
        )
    _notify(request, "admin.user_changed", email=changed.email)
    return _back(request, f"/admin/users/{changed.email}")


@router.post("/users/{email}/password")
def password_form(
    request: Request,
    email: PathText,
    user: AdminUser,
    password: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    _csrf(request, user, csrf_token)
    with _refusal(request) as caught, _engine(request).begin() as conn:
        changed = set_password(conn, email, password, now=_now(request))
    if caught["errors"]:
        return _user_page(request, user, email, errors=caught["errors"], status=caught["status"])
    if changed.id == user.id:
        sign_in(request, user.id)  # their own: every session ended, this one starts afresh
    _notify(request, "admin.password_set", email=changed.email)
    return _back(request, f"/admin/users/{changed.email}")


# -- groups --------------------------------------------------------------------------------------


def _groups_page(request: Request, user: User, **extra: Any) -> Response:
    status = extra.pop("status", 200)
    with _engine(request).connect() as conn:
        found = list_groups(conn)
    context = _context(request, user, "groups", groups=found, **extra)
    return render(request, "admin/groups.html", context, status_code=status)


@router.get("/groups")
def groups(request: Request, user: AdminUser) -> Response:
    return _groups_page(request, user)


@router.post("/groups")
def add_group_form(
    request: Request, user: AdminUser, name: FormText = "", csrf_token: FormText = ""
) -> Response:
    _csrf(request, user, csrf_token)
    with _refusal(request) as caught, _engine(request).begin() as conn:
        added = add_group(conn, admin_ops.checked_text(name, "name"))
    if caught["errors"]:
        return _groups_page(
            request, user, form={"name": name}, errors=caught["errors"], status=caught["status"]
        )
    _notify(request, "admin.group_added", name=added.name)
    return _back(request, "/admin/groups")


# -- roles ---------------------------------------------------------------------------------------


def _roles_page(request: Request, user: User, **extra: Any) -> Response:
    status = extra.pop("status", 200)
    with _engine(request).connect() as conn:
        found = list_roles(conn)
    context = _context(request, user, "roles", roles=found, **extra)
    return render(request, "admin/roles.html", context, status_code=status)


@router.get("/roles")
def roles(request: Request, user: AdminUser) -> Response:
    return _roles_page(request, user)


@router.post("/roles")
def add_role_form(
    request: Request,
    user: AdminUser,
    key: FormText = "",
    name: FormText = "",
    leads: FormText = "group",
    sales: FormText = "group",
    csrf_token: FormText = "",
) -> Response:
    _csrf(request, user, csrf_token)
    with _refusal(request) as caught, _engine(request).begin() as conn:
        for value, field in ((key, "key"), (name, "name")):
            admin_ops.checked_text(value, field)
        added = add_role(conn, key, name=_optional(name), leads=leads, sales=sales)
    if caught["errors"]:
        form = {"key": key, "name": name, "leads": leads, "sales": sales}
        return _roles_page(
            request, user, form=form, errors=caught["errors"], status=caught["status"]
        )
    _notify(request, "admin.role_added", role=added.key)
    return _back(request, "/admin/roles")


@router.post("/roles/{key}")
def change_role_form(
    request: Request,
    key: PathText,
    user: AdminUser,
    name: FormText = "",
    leads: FormText = "",
    sales: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    _csrf(request, user, csrf_token)
    with _refusal(request) as caught, _engine(request).begin() as conn:
        admin_ops.checked_text(name, "name")
        changed = set_role(conn, key, name=name, leads=_optional(leads), sales=_optional(sales))
    if caught["errors"]:
        form = {"name": name, "leads": leads, "sales": sales}
        return _roles_page(
            request, user, form=form, row=key, errors=caught["errors"], status=caught["status"]
        )
    _notify(request, "admin.role_changed", role=changed.key)
    return _back(request, "/admin/roles")


# -- lead statuses -------------------------------------------------------------------------------


def _statuses_page(request: Request, user: User, **extra: Any) -> Response:
    status = extra.pop("status", 200)
    with _engine(request).connect() as conn:
        found = status_list.all_statuses(conn, include_deleted=True)
    context = _context(
        request,
        user,
        "statuses",
        statuses=[s for s in found if s.active],
        deleted=[s for s in found if not s.active],
        **extra,
    )
    return render(request, "admin/statuses.html", context, status_code=status)


@router.get("/statuses")
def statuses(request: Request, user: AdminUser) -> Response:
    return _statuses_page(request, user)


@router.post("/statuses")
def add_status_form(
    request: Request,
    user: AdminUser,
    name_en: FormText = "",
    name_nl: FormText = "",
    key: FormText = "",
    on_funnel: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    _csrf(request, user, csrf_token)
    with _refusal(request) as caught, _engine(request).begin() as conn:
        added = admin_ops.add_status(
            conn, name_en, _optional(name_nl), _optional(key), on_funnel == "1"
        )
    if caught["errors"]:
        form = {"name_en": name_en, "name_nl": name_nl, "key": key, "on_funnel": on_funnel}
        return _statuses_page(
            request, user, form=form, errors=caught["errors"], status=caught["status"]
        )
    _notify(request, "admin.status_added", status=added.key)
    return _back(request, "/admin/statuses")


@router.post("/statuses/{key}")
def change_status_form(
    request: Request,
    key: PathText,
    user: AdminUser,
    name_en: FormText = "",
    name_nl: FormText = "",
    on_funnel: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    """The row's form sends its whole state: an unticked funnel box puts the status off it."""
    _csrf(request, user, csrf_token)
    with _refusal(request) as caught, _engine(request).begin() as conn:
        changed = admin_ops.update_status(
            conn, key, name_en=name_en, name_nl=name_nl, on_funnel=on_funnel == "1"
        )
    if caught["errors"]:
        form = {"name_en": name_en, "name_nl": name_nl, "on_funnel": on_funnel}
        return _statuses_page(
            request, user, form=form, row=key, errors=caught["errors"], status=caught["status"]
        )
    _notify(request, "admin.status_changed", status=changed.key)
    return _back(request, "/admin/statuses")


@router.post("/statuses/{key}/move")
def move_status_form(
    request: Request,
    key: PathText,
    user: AdminUser,
    direction: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    _csrf(request, user, csrf_token)
    with _refusal(request) as caught, _engine(request).begin() as conn:
        admin_ops.move_status(conn, key, direction)
    if caught["errors"]:
        return _statuses_page(
            request, user, row=key, errors=caught["errors"], status=caught["status"]
        )
    _notify(request, "admin.status_moved", status=key)
    return _back(request, "/admin/statuses")


@router.post("/statuses/{key}/delete")
def delete_status_form(
    request: Request, key: PathText, user: AdminUser, csrf_token: FormText = ""
) -> Response:
    _csrf(request, user, csrf_token)
    with _refusal(request) as caught, _engine(request).begin() as conn:
        admin_ops.delete_status(conn, key)
    if caught["errors"]:
        return _statuses_page(
            request, user, row=key, errors=caught["errors"], status=caught["status"]
        )
    _notify(request, "admin.status_deleted", status=key)
    return _back(request, "/admin/statuses")


# -- currency rates ------------------------------------------------------------------------------


def _rates_page(request: Request, user: User, **extra: Any) -> Response:
    status = extra.pop("status", 200)
    with _engine(request).connect() as conn:
        found = list_rates(conn)
    context = _context(
        request,
        user,
        "rates",
        rates=[(currency, str(rate)) for currency, rate in found.items()],
        base_currency=request.app.state.settings.base_currency,
        **extra,
    )
    return render(request, "admin/rates.html", context, status_code=status)


@router.get("/rates")
def rates(request: Request, user: AdminUser) -> Response:
    return _rates_page(request, user)


@router.post("/rates")
def set_rate_form(
    request: Request,
    user: AdminUser,
    currency: FormText = "",
    rate: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    _csrf(request, user, csrf_token)
    base = request.app.state.settings.base_currency
    with _refusal(request) as caught, _engine(request).begin() as conn:
        value = admin_ops.set_rate(conn, currency, rate, base)
    if caught["errors"]:
        form = {"currency": currency, "rate": rate}
        return _rates_page(
            request, user, form=form, errors=caught["errors"], status=caught["status"]
        )
    _notify(request, "admin.rate_set", currency=currency.strip().upper(), rate=value, base=base)
    return _back(request, "/admin/rates")
