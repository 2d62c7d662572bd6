"""Leads people can work on: the lead list and the lead page with its actions.

/leads(.json)                 search (q: name, email, company), owner/country/status filters
                              (the dashboards' quick filters), newest first, 50 a page (?page=)
/leads/{id}(.json)            one lead: contact, status history, sales, conversions
/leads/{id}/status  (POST)    change the status (form fields status, csrf_token)
/leads/{id}/owner   (POST)    change the owner (form fields owner: an email, or `none`)

Every route applies the viewer's lead rights: the list and its count hold only leads within
them, a lead outside them answers 404 (as an unknown id) and nothing changes. The JSON twins take
a session or an API token acting as its user (a token without a user: all rights). Posts need the
session's CSRF token (403 without), answer with a redirect back to the lead page (Post/Redirect/
Get), or with the page and 422 naming the field (`status`, `owner`). The queries are the
domain's (domain/lead_list.py, domain/lead_detail.py); here they are labelled and rendered.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import Connection

from leadboard.db.times import from_db
from leadboard.domain.errors import FieldError, InputError, NotFound
from leadboard.domain.lead_detail import change_owner, lead_row, owner_choices
from leadboard.domain.lead_list import PAGE_SIZE, LeadSearch, lead_countries, search_leads
from leadboard.domain.lead_updates import set_status
from leadboard.i18n import t
from leadboard.semantic.filters import resolve_filters
from leadboard.semantic.keys import country_name
from leadboard.semantic.lookups import Lookups, load_lookups
from leadboard.web.api.common import MAX_PAGE
from leadboard.web.api.errors import error_response
from leadboard.web.api.models import MAX_ID
from leadboard.web.pages.dashboard import filter_input, filter_values, option
from leadboard.web.pages.lead import lead_json
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
from leadboard.web.scope import viewer_scope

router = APIRouter(include_in_schema=False)

LIST_FILTERS = ("owner", "country", "status")
NO_OWNER = "none"  # the owner form's value for "no owner" (an email always has an @)
# a change to a lead: (connection, the viewer's lead rights) -> None; raises InputError
Write = Callable[[Connection, tuple[int, ...] | None], None]


# -- the list ----------------------------------------------------------------------------------


def _page_number(raw: str | None) -> int:
    if raw is None or raw.strip() == "":
        return 1
    try:
        page = int(raw)
    except ValueError:
        raise FieldError("page", f"{raw!r} is not a whole number") from None
    if page < 1:
        raise FieldError("page", "must be 1 or more")
    if page > MAX_PAGE:  # and an OFFSET the database can bind
        raise FieldError("page", f"must be at most {MAX_PAGE}")
    return page


def _list_options(
    lookups: Lookups, countries: list[str], owners: tuple[int, ...] | None, lang: str
) -> dict[str, list[dict[str, str]]]:
    """The filters' choices: only owners (and countries of leads) within the viewer's rights."""
    visible = sorted(
        (a for a in lookups.associates if owners is None or a.id in owners),
        key=lambda a: (a.name.lower(), a.email),
    )
    return {
        "owner": [option("", t(lang, "filter.any_owner"))]
        + [option(a.email, a.name) for a in visible],
        "country": [
            option("", t(lang, "filter.any_country")),
            *sorted(
                (option(code, country_name(code, lang)) for code in countries),
                key=lambda o: o["label"].lower(),
            ),
            option("none", t(lang, "filter.no_country")),
        ],
        "status": [option("", t(lang, "filter.any_status"))]
        + [option(s.key, s.name(lang)) for s in lookups.active_statuses],
    }


def _row_json(row: Any, lang: str, request: Request) -> dict[str, Any]:
    tz = request.app.state.settings.tz
    name = " ".join(p for p in (row.first_name, row.last_name) if p) or None
    if row.anonymised_at is not None:  # GDPR-erased: no name left
        name = t(lang, "lead.erased")
    return {
        "id": row.id,
        "name": name,
        "email": row.email,
        "company": row.company_name,
        "country": row.country,
        "country_name": country_name(row.country, lang) if row.country else None,
        "owner": {"email": row.owner_email, "name": row.owner_name} if row.owner_email else None,
        "status": {
            "key": row.status_key,
            "label": row.status_name_nl if lang == "nl" else row.status_name_en,
        },
        "created_at": from_db(row.created_at).astimezone(tz).isoformat(),
        "url": with_query(f"/leads/{row.id}", lang=url_language(request)),
    }


def list_context(request: Request, user_id: int | None, lang: str) -> dict[str, Any]:
    """What /leads shows and /leads.json returns. A bad filter or page: `error` is set (field,
    message) and the list is empty."""
    params = request.query_params
    given = filter_input(params)
    values = {k: v for k, v in filter_values(given).items() if k in LIST_FILTERS}
    q = (params.get("q") or "").strip()
    owners = viewer_scope(request, user_id).leads
    error = None
    rows: list[Any] = []
    total = 0
    page = 1
    with request.app.state.engine.connect() as conn:
        lookups = load_lookups(conn)
        countries = lead_countries(conn, owners)
        try:
            page = _page_number(params.get("page"))
            quick = resolve_filters(lookups, given.owner, given.country, given.status)
            search = LeadSearch(q, quick.owner_id, quick.country, quick.status_id, owners)
            rows, total = search_leads(conn, search, page, PAGE_SIZE)
        except InputError as exc:
            error = {"field": exc.field, "message": exc.message}
    pages = max(1, -(-total // PAGE_SIZE))
    url_lang = url_language(request)
    kept = {**{k: v for k, v in values.items() if v}, "q": q or None, "lang": url_lang}
    return {
        "q": q,
        "filters": {
            "values": values,
            "options": _list_options(lookups, countries, owners, lang),
            "error": error,
        },
        "leads": [_row_json(r, lang, request) for r in rows],
        "total": total,
        "page": page,
        "pages": pages,
        "page_size": PAGE_SIZE,
        "previous_url": with_query("/leads", **kept, page=page - 1) if page > 1 else None,
        "next_url": with_query("/leads", **kept, page=page + 1) if page < pages else None,
    }


@router.get("/leads.json")
def leads_twin(request: Request) -> Response:
    user, _principal = twin_viewer(request)
    lang = twin_language(request, user)
    context = list_context(request, user.id if user else None, lang)
    error = context["filters"]["error"]
    if error:
        return error_response(422, error["field"], error["message"])
    body = {k: v for k, v in context.items() if k not in ("previous_url", "next_url")}
    user_json = (
        {"email": user.email, "name": user.name, "role": user.role, "language": user.language}
        if user
        else None
    )
    return JSONResponse({"user": user_json, "lang": lang, **body})


@router.get("/leads")
def leads_page(request: Request, user: PageUser) -> Response:
    lang = language(request, user)
    context = list_context(request, user.id, lang)
    status = 422 if context["filters"]["error"] else 200
    page = {
        **context,
        "lang": lang,
        "user": user,
        "fmt": formatter(request, lang),
        "url_lang": url_language(request),
    }
    return render(request, "leads.html", page, status_code=status)


# -- one lead ----------------------------------------------------------------------------------


@router.get("/leads/{lead_id}.json")
def lead_twin(request: Request, lead_id: int) -> Response:
    user, _ = twin_viewer(request)
    lang = twin_language(request, user)
    if not 1 <= lead_id <= MAX_ID:  # past what the database can bind: as unknown
        return error_response(404, "lead_id", f"no lead {lead_id}")
    scope = viewer_scope(request, user.id if user else None)
    with request.app.state.engine.connect() as conn:
        # outside the rights: 404, as if unknown
        found = lead_json(conn, lead_id, lang, request.app.state.settings.tz, scope)
    if found is None:
        return error_response(404, "lead_id", f"no lead {lead_id}")
    return JSONResponse(found)


def _lead_page(
    request: Request,
    user: User,
    lead_id: int,
    error: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    if not 1 <= lead_id <= MAX_ID:  # past what the database can bind: as unknown
        raise HTTPException(404)
    lang = language(request, user)
    scope = viewer_scope(request, user.id)
    owners = scope.leads
    with request.app.state.engine.connect() as conn:
        found = lead_json(conn, lead_id, lang, request.app.state.settings.tz, scope)
        if found is None:
            raise HTTPException(404)  # outside the rights: as if unknown
        lookups = load_lookups(conn)
        choices = owner_choices(conn, owners)
    url_lang = url_language(request)
    current = found["owner"]["email"] if found["owner"] else NO_OWNER
    owner_options = [option(a.email, a.name) for a in choices]
    if owners is None:
        owner_options.insert(0, option(NO_OWNER, t(lang, "leads.no_owner")))
    context = {
        "lang": lang,
        "user": user,
        "lead": found,
        "fmt": formatter(request, lang),
        "url_lang": url_lang,  # links (the form's page) keep ?lang=
        "error": error,
        "status_options": [option(s.key, s.name(lang)) for s in lookups.active_statuses],
        "owner_options": owner_options,
        # an owner who may not be chosen (inactive): shown, but not sent back
        "owner_unlisted": all(o["value"] != current for o in owner_options),
        "current_owner": current,
        "status_url": with_query(f"/leads/{lead_id}/status", lang=url_lang),
        "owner_url": with_query(f"/leads/{lead_id}/owner", lang=url_lang),
        "list_url": with_query("/leads", lang=url_lang),
    }
    return render(request, "lead.html", context, status_code=status_code)


@router.get("/leads/{lead_id}")
def lead_page(request: Request, lead_id: int, user: PageUser) -> Response:
    return _lead_page(request, user, lead_id)


def _after_post(request: Request, user: User, lead_id: int, write: Write) -> Response:
    """Run a change on a lead within the viewer's rights, in one transaction with the check
    (outside them: 404, as if unknown, and nothing changes). A refusal shows the lead page again
    with the field named (422, or 409 for an anonymised lead); success goes back to it (303)."""
    if not 1 <= lead_id <= MAX_ID:  # past what the database can bind: as unknown
        raise HTTPException(404)
    owners = viewer_scope(request, user.id).leads
    try:
        with request.app.state.engine.begin() as conn:
            if lead_row(conn, lead_id, owners) is None:
                raise NotFound("lead_id", f"no lead {lead_id}")
            write(conn, owners)
    except NotFound:
        raise HTTPException(404) from None
    except InputError as exc:
        error = {"field": exc.field, "message": exc.message}
        return _lead_page(request, user, lead_id, error, getattr(exc, "status", 422))
    return RedirectResponse(with_query(f"/leads/{lead_id}", lang=url_language(request)), 303)


@router.post("/leads/{lead_id}/status")
def lead_status_post(
    request: Request,
    lead_id: int,
    user: PageUser,
    status: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, csrf_token)
    now = request.app.state.clock.now()

    def write(conn: Connection, _owners: tuple[int, ...] | None) -> None:
        if not status.strip():
            raise FieldError("status", "choose a status")
        set_status(conn, lead_id, status, now, now, user.id)

    return _after_post(request, user, lead_id, write)


@router.post("/leads/{lead_id}/owner")
def lead_owner_post(
    request: Request,
    lead_id: int,
    user: PageUser,
    owner: Annotated[str | None, Form()] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, csrf_token)

    def write(conn: Connection, owners: tuple[int, ...] | None) -> None:
        if owner is None or not owner.strip():
            raise FieldError("owner", "choose an owner")
        wanted = owner.strip()
        change_owner(conn, lead_id, None if wanted.lower() == NO_OWNER else wanted, owners)

    return _after_post(request, user, lead_id, write)
