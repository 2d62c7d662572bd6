"""Pages that find, make, change, duplicate, delete and share dashboards (issue 11 item 1).

/dashboards(.json)                  every dashboard the user may open; ?q= searches names and
                                    descriptions in both languages
/dashboards/new(.json)              the form of a new dashboard; POST makes it
/dashboards/{slug}/settings(.json)  name, description, theme, columns (the owner only)
/dashboards/{slug}/duplicate        POST: a copy "<name> 2", the user's, not shared
/dashboards/{slug}/delete(.json)    the confirm page; POST deletes (the owner only)
/dashboards/{slug}/sharing(.json)   visible for / pinned to (dashboard admins: their own, admins:
                                    any) and the transfer of the owner
/dashboards/{slug}/owner            POST: transfer (the owner or an admin; the form is on the
                                    settings and sharing pages)
/dashboards/{slug}/actions          the dashboard page's buttons (an htmx fragment: who may do
                                    what is known only here)

The rules are dashboards/stored.py's, as for the REST API: a dashboard the user may not open is
404, one they may open but not change is 403, built-in ones are read-only templates anyone may
duplicate. Plain HTML forms with the CSRF field, Post/Redirect/Get with a notice carried in the
session; a refused change shows the form again with the message next to its field (422, 409).
Every GET page has a JSON twin (the path + ".json"), for a session or an API token.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection

from leadboard.dashboards import preferences
from leadboard.dashboards.models import Dashboard, Translated
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import (
    Audience,
    StoredDashboard,
    create_dashboard,
    delete_dashboard,
    duplicate_dashboard,
    find_stored,
    free_slug,
    replace_dashboard,
    set_audience,
    stored_dashboards,
    transfer_dashboard,
)
from leadboard.domain.users import Viewer, list_groups, list_users
from leadboard.errors import Conflict, FieldError, Forbidden, NotFound
from leadboard.i18n import t
from leadboard.web.pages.session import (
    PageUser,
    User,
    language,
    require_csrf,
    twin_language,
    twin_viewer,
    url_language,
    with_query,
)
from leadboard.web.pages.setup import render
from leadboard.web.scope import request_viewer

router = APIRouter(include_in_schema=False)

NOTICE = "dashboard_notice"  # the session key of the next page's notice (Post/Redirect/Get)
THEMES = ("light", "dark")
COLUMNS = range(1, 13)
NAME_LENGTH, DESCRIPTION_LENGTH = 200, 1000
FormText = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]  # checkboxes: none checked is None


# -- who asks, what they may do ------------------------------------------------------------------


@dataclass(frozen=True)
class Asker:
    """The signed-in user (None for an integration token on a JSON twin), their rights, language."""

    user: User | None
    viewer: Viewer
    lang: str

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None


def _page_asker(request: Request, user: User) -> Asker:
    return Asker(user, request_viewer(request, user.id), language(request, user))


def _twin_asker(request: Request) -> Asker:
    user, principal = twin_viewer(request)
    associate_id = user.id if user else principal.associate_id if principal else None
    return Asker(user, request_viewer(request, associate_id), twin_language(request, user))


def may(found: StoredDashboard | None, viewer: Viewer) -> dict[str, bool]:
    """What the viewer may do with a dashboard they may open (None: a built-in one)."""
    if found is None:
        return dict.fromkeys(("settings", "sharing", "owner", "delete"), False) | {
            "duplicate": True
        }
    own = found.editable_by(viewer)  # the owner (or an integration)
    share = viewer.associate_id is None or (
        viewer.may_share_dashboards and (own or viewer.is_admin)
    )
    return {
        "settings": own,
        "duplicate": True,
        "sharing": share,
        "owner": own or viewer.is_admin,
        "delete": own,
    }


def _open(conn: Connection, slug: str, viewer: Viewer) -> tuple[Dashboard, StoredDashboard | None]:
    """A built-in definition (no stored row), or a stored one the viewer may open; else 404."""
    if slug in builtin_dashboards():
        return builtin_dashboards()[slug], None
    try:
        found = find_stored(conn, slug, viewer)
    except NotFound:
        raise HTTPException(404) from None
    return found.definition, found


def _allowed(conn: Connection, slug: str, asker: Asker, right: str) -> StoredDashboard:
    """A stored dashboard the asker may do `right` with: 404 unseen, 403 built-in or not theirs."""
    _definition, found = _open(conn, slug, asker.viewer)
    if found is None:
        raise HTTPException(403, t(asker.lang, "dashadmin.readonly"))
    if not may(found, asker.viewer)[right]:
        word = {
            "sharing": "dashadmin.no_share_right"
            if not asker.viewer.may_share_dashboards
            else "dashadmin.owner_or_admin",
            "owner": "dashadmin.owner_or_admin",
        }.get(right, "dashadmin.not_owner")
        raise HTTPException(403, t(asker.lang, word))
    return found


# -- small helpers -------------------------------------------------------------------------------


def _engine(request: Request) -> Any:
    return request.app.state.engine


def _now(request: Request) -> Any:
    return request.app.state.clock.now()


def _href(request: Request, path: str) -> str:
    return with_query(path, lang=url_language(request))


def _go(request: Request, path: str) -> Response:
    return RedirectResponse(_href(request, path), status_code=303)


def _notify(request: Request, word: str, **values: str) -> None:
    request.session[NOTICE] = {"key": word, "values": values}


def _notice(request: Request, lang: str) -> str | None:
    found = request.session.pop(NOTICE, None)
    if not isinstance(found, dict) or not str(found.get("key", "")).startswith("dashadmin."):
        return None
    values = found.get("values")
    return t(lang, str(found["key"]), **(values if isinstance(values, dict) else {}))


def _translated(value: Translated | None) -> dict[str, str] | None:
    return {"en": value.en, "nl": value.nl} if value else None


@contextmanager
def _refusal(lang: str) -> Iterator[dict[str, Any]]:
    """A refused write of stored.py: unseen is 404, not allowed 403, anything else is shown
    next to its field (`caught["errors"]`, `caught["status"]`: 422, or 409 for a clash), in the
    page's words (stored.py's messages are the REST API's, in English). The slug is made from
    the English name: a clash is shown at that name."""
    caught: dict[str, Any] = {"errors": {}, "status": 200}
    try:
        yield caught
    except NotFound:
        raise HTTPException(404) from None
    except Forbidden as exc:
        word = "dashadmin.no_share_right" if exc.field == "role" else "dashadmin.not_owner"
        raise HTTPException(403, t(lang, word)) from None
    except FieldError as exc:
        word = "dashadmin.slug_taken" if isinstance(exc, Conflict) else "dashadmin.refused"
        field = "name_en" if exc.field == "slug" else exc.field
        caught["errors"] = {field: t(lang, word)}
        caught["status"] = exc.status


def _page(
    request: Request, asker: Asker, template: str, context: dict[str, Any], status: int = 200
) -> Response:
    return render(
        request,
        template,
        {
            "lang": asker.lang,
            "user": asker.user,
            "href": lambda path: _href(request, path),
            "notice": _notice(request, asker.lang),
            "errors": {},
            "row": None,  # admin/_fields.html: the errors are the page's own form's
            **context,
        },
        status_code=status,
    )


# -- the list ------------------------------------------------------------------------------------


def _matches(definition: Dashboard, words: str) -> bool:
    """Every word of the search in the name or description, in either language."""
    texts = [definition.name.en, definition.name.nl]
    if definition.description:
        texts += [definition.description.en, definition.description.nl]
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in words.casefold().split())


def list_context(request: Request, asker: Asker, q: str) -> dict[str, Any]:
    """Built-in dashboards, then the stored ones the asker may open, oldest first; with `q`,
    those whose name or description has every word of it."""
    lang, viewer = asker.lang, asker.viewer
    with _engine(request).connect() as conn:
        names = {u.id: u.name for u in list_users(conn)}
        stored = stored_dashboards(conn, viewer)
        favs = set(preferences.favourites(conn, asker.user_id)) if asker.user else set()
    entries: list[tuple[Dashboard, StoredDashboard | None]] = [
        (definition, None) for definition in builtin_dashboards().values()
    ]
    entries += [(found.definition, found) for found in stored]
    rows = []
    for definition, found in entries:
        if q.strip() and not _matches(definition, q):
            continue
        slug = definition.slug
        rows.append(
            {
                "slug": slug,
                "name": definition.name.get(lang),
                "description": definition.description.get(lang) if definition.description else None,
                "url": _href(request, f"/dashboards/{slug}"),
                "builtin": found is None,
                "owner": None if found is None else names.get(found.owner_id),
                "mine": found is not None and found.owner_id == asker.user_id,
                "shared": found is None or not (found.visible.is_empty and found.pinned.is_empty),
                "pinned": found is None or found.pinned_for(viewer),
                "favourite": slug in favs,
                "tiles": len(definition.tiles),
                "may": may(found, viewer),
            }
        )
    return {"q": q, "dashboards": rows}


@router.get("/dashboards.json")
def list_twin(request: Request, q: str = "") -> dict[str, Any]:
    asker = _twin_asker(request)
    return {"lang": asker.lang, **list_context(request, asker, q)}


@router.get("/dashboards")
def list_page(request: Request, user: PageUser, q: str = "") -> Response:
    asker = _page_asker(request, user)
    return _page(request, asker, "dashboards.html", list_context(request, asker, q))


# -- the fields of new and settings --------------------------------------------------------------


def _blank_form() -> dict[str, str]:
    return {
        "name_en": "",
        "name_nl": "",
        "description_en": "",
        "description_nl": "",
        "theme": "light",
        "columns": "3",
    }


def _form_of(definition: Dashboard) -> dict[str, str]:
    description = definition.description
    return {
        "name_en": definition.name.en,
        "name_nl": definition.name.nl,
        "description_en": description.en if description else "",
        "description_nl": description.nl if description else "",
        "theme": definition.theme,
        "columns": str(definition.columns),
    }


def _text(lang: str, form: dict[str, str], field: str, longest: int, errors: dict[str, str]) -> str:
    value = form[field].strip()
    if "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        errors[field] = t(lang, "dashadmin.bad_text")
    elif len(value) > longest:
        errors[field] = t(lang, "dashadmin.too_long", n=longest)
    return value


def checked_fields(lang: str, form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The definition's name, description, theme and columns from the form, and the message of
    each field that is wrong (all of them at once). Dutch texts left empty are the English."""
    errors: dict[str, str] = {}
    name_en = _text(lang, form, "name_en", NAME_LENGTH, errors)
    name_nl = _text(lang, form, "name_nl", NAME_LENGTH, errors) or name_en
    description_en = _text(lang, form, "description_en", DESCRIPTION_LENGTH, errors)
    description_nl = _text(lang, form, "description_nl", DESCRIPTION_LENGTH, errors)
    if not name_en and "name_en" not in errors:
        errors["name_en"] = t(lang, "dashadmin.need_name")
    if form["theme"] not in THEMES:
        errors["theme"] = t(lang, "dashadmin.bad_theme")
    columns = form["columns"].strip()
    if not (columns.isascii() and columns.isdigit() and int(columns) in COLUMNS):
        errors["columns"] = t(lang, "dashadmin.bad_columns")
    if errors:
        return {}, errors
    description = None
    if description_en or description_nl:
        description = Translated(
            en=description_en or description_nl, nl=description_nl or description_en
        )
    return {
        "name": Translated(en=name_en, nl=name_nl),
        "description": description,
        "theme": form["theme"],
        "columns": int(columns),
    }, {}


def _form(
    name_en: str,
    name_nl: str,
    description_en: str,
    description_nl: str,
    theme: str,
    columns: str,
) -> dict[str, str]:
    return {
        "name_en": name_en,
        "name_nl": name_nl,
        "description_en": description_en,
        "description_nl": description_nl,
        "theme": theme,
        "columns": columns,
    }


def _choices(lang: str) -> dict[str, Any]:
    return {
        "themes": [{"value": v, "label": t(lang, f"dashadmin.theme_{v}")} for v in THEMES],
        "columns_range": {"min": COLUMNS.start, "max": COLUMNS.stop - 1},
    }


# -- new -----------------------------------------------------------------------------------------


@router.get("/dashboards/new.json")
def new_twin(request: Request) -> dict[str, Any]:
    asker = _twin_asker(request)
    return {"lang": asker.lang, "form": _blank_form(), **_choices(asker.lang)}


@router.get("/dashboards/new")
def new_page(request: Request, user: PageUser) -> Response:
    asker = _page_asker(request, user)
    context = {"form": _blank_form(), **_choices(asker.lang)}
    return _page(request, asker, "dashboard_new.html", context)


@router.post("/dashboards/new")
def new_form(
    request: Request,
    user: PageUser,
    name_en: FormText = "",
    name_nl: FormText = "",
    description_en: FormText = "",
    description_nl: FormText = "",
    theme: FormText = "light",
    columns: FormText = "3",
    csrf_token: FormText = "",
) -> Response:
    require_csrf(request, csrf_token)
    asker = _page_asker(request, user)
    form = _form(name_en, name_nl, description_en, description_nl, theme, columns)
    fields, errors = checked_fields(asker.lang, form)
    status = 422
    if not errors:
        with _refusal(asker.lang) as caught, _engine(request).begin() as conn:
            slug = free_slug(conn, fields["name"].en)
            definition = Dashboard(slug=slug, tiles=[], **fields)
            create_dashboard(conn, definition, user.id, _now(request))
        errors, status = caught["errors"], caught["status"]
    if errors:
        context = {"form": form, "errors": errors, **_choices(asker.lang)}
        return _page(request, asker, "dashboard_new.html", context, status)
    _notify(request, "dashadmin.created", name=fields["name"].get(asker.lang))
    return _go(request, f"/dashboards/{slug}")


# -- settings ------------------------------------------------------------------------------------


def _users_choice(conn: Connection) -> list[dict[str, Any]]:
    return [{"id": u.id, "name": u.name, "email": u.email} for u in list_users(conn) if u.active]


def _owner_context(conn: Connection, found: StoredDashboard) -> dict[str, Any]:
    users = list_users(conn)
    owner = next((u for u in users if u.id == found.owner_id), None)
    return {
        "owner": {"id": found.owner_id, "name": owner.name, "email": owner.email}
        if owner
        else None,
        "owner_choices": _users_choice(conn),
    }


def settings_context(request: Request, asker: Asker, slug: str) -> dict[str, Any]:
    with _engine(request).connect() as conn:
        found = _allowed(conn, slug, asker, "settings")
        owner = _owner_context(conn, found)
    definition = found.definition
    return {
        "dashboard": {
            "slug": slug,
            "name": definition.name.get(asker.lang),
            "url": _href(request, f"/dashboards/{slug}"),
            "may": may(found, asker.viewer),
        },
        "form": _form_of(definition),
        **owner,
        **_choices(asker.lang),
    }


@router.get("/dashboards/{slug}/settings.json")
def settings_twin(request: Request, slug: str) -> dict[str, Any]:
    asker = _twin_asker(request)
    return {"lang": asker.lang, **settings_context(request, asker, slug)}


@router.get("/dashboards/{slug}/settings")
def settings_page(request: Request, slug: str, user: PageUser) -> Response:
    asker = _page_asker(request, user)
    return _page(request, asker, "dashboard_settings.html", settings_context(request, asker, slug))


@router.post("/dashboards/{slug}/settings")
def settings_form(
    request: Request,
    slug: str,
    user: PageUser,
    name_en: FormText = "",
    name_nl: FormText = "",
    description_en: FormText = "",
    description_nl: FormText = "",
    theme: FormText = "",
    columns: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    require_csrf(request, csrf_token)
    asker = _page_asker(request, user)
    form = _form(name_en, name_nl, description_en, description_nl, theme, columns)
    with _engine(request).begin() as conn:
        current = _allowed(conn, slug, asker, "settings").definition
        fields, errors = checked_fields(asker.lang, form)
        status = 422
        if not errors:
            with _refusal(asker.lang) as caught:
                changed = Dashboard.model_validate(
                    current.model_dump(exclude_defaults=True) | fields
                )
                replace_dashboard(conn, slug, changed, asker.viewer, _now(request))
            errors, status = caught["errors"], caught["status"]
    if errors:
        context = settings_context(request, asker, slug) | {"form": form, "errors": errors}
        return _page(request, asker, "dashboard_settings.html", context, status)
    _notify(request, "dashadmin.saved", name=fields["name"].get(asker.lang))
    return _go(request, f"/dashboards/{slug}")


# -- duplicate -----------------------------------------------------------------------------------


@router.post("/dashboards/{slug}/duplicate")
def duplicate_form(
    request: Request, slug: str, user: PageUser, csrf_token: FormText = ""
) -> Response:
    require_csrf(request, csrf_token)
    asker = _page_asker(request, user)
    with _refusal(asker.lang) as caught, _engine(request).begin() as conn:
        source, _found = _open(conn, slug, asker.viewer)
        copy = duplicate_dashboard(conn, source, user.id, _now(request))
    if caught["errors"]:
        raise HTTPException(caught["status"], next(iter(caught["errors"].values())))
    _notify(request, "dashadmin.duplicated", name=copy.definition.name.get(asker.lang))
    return _go(request, f"/dashboards/{copy.slug}")


# -- delete --------------------------------------------------------------------------------------


def delete_context(request: Request, asker: Asker, slug: str) -> dict[str, Any]:
    with _engine(request).connect() as conn:
        found = _allowed(conn, slug, asker, "delete")
    return {
        "dashboard": {
            "slug": slug,
            "name": found.definition.name.get(asker.lang),
            "url": _href(request, f"/dashboards/{slug}"),
            "tiles": len(found.definition.tiles),
        }
    }


@router.get("/dashboards/{slug}/delete.json")
def delete_twin(request: Request, slug: str) -> dict[str, Any]:
    asker = _twin_asker(request)
    return {"lang": asker.lang, **delete_context(request, asker, slug)}


@router.get("/dashboards/{slug}/delete")
def delete_page(request: Request, slug: str, user: PageUser) -> Response:
    asker = _page_asker(request, user)
    return _page(request, asker, "dashboard_delete.html", delete_context(request, asker, slug))


@router.post("/dashboards/{slug}/delete")
def delete_form(request: Request, slug: str, user: PageUser, csrf_token: FormText = "") -> Response:
    require_csrf(request, csrf_token)
    asker = _page_asker(request, user)
    with _refusal(asker.lang), _engine(request).begin() as conn:
        name = _allowed(conn, slug, asker, "delete").definition.name.get(asker.lang)
        delete_dashboard(conn, slug, asker.viewer)
    _notify(request, "dashadmin.deleted", name=name)
    return _go(request, "/dashboards")


# -- sharing and the owner -----------------------------------------------------------------------


def _audience_doc(audience: Audience) -> dict[str, Any]:
    return {
        "everyone": audience.everyone,
        "groups": sorted(audience.group_ids),
        "users": sorted(audience.user_ids),
    }


def sharing_context(request: Request, asker: Asker, slug: str) -> dict[str, Any]:
    with _engine(request).connect() as conn:
        found = _allowed(conn, slug, asker, "sharing")
        groups = [{"id": g.id, "name": g.name} for g in list_groups(conn)]
        owner = _owner_context(conn, found)
    return {
        "dashboard": {
            "slug": slug,
            "name": found.definition.name.get(asker.lang),
            "url": _href(request, f"/dashboards/{slug}"),
            "may": may(found, asker.viewer),
        },
        "visible": _audience_doc(found.visible),
        "pinned": _audience_doc(found.pinned),
        "groups": groups,
        "users": owner["owner_choices"],
        **owner,
    }


@router.get("/dashboards/{slug}/sharing.json")
def sharing_twin(request: Request, slug: str) -> dict[str, Any]:
    asker = _twin_asker(request)
    return {"lang": asker.lang, **sharing_context(request, asker, slug)}


@router.get("/dashboards/{slug}/sharing")
def sharing_page(request: Request, slug: str, user: PageUser) -> Response:
    asker = _page_asker(request, user)
    return _page(request, asker, "dashboard_sharing.html", sharing_context(request, asker, slug))


def _ids(
    lang: str, values: list[str] | None, known: set[int], field: str, errors: dict[str, str]
) -> frozenset[int]:
    """The checked ids of a group of checkboxes; one that is not a choice is the field's error."""
    found = set()
    for value in values or []:
        if not (value.isascii() and value.isdigit() and int(value) in known):
            errors[field] = t(lang, "dashadmin.bad_choice", value=value[:40])
            continue
        found.add(int(value))
    return frozenset(found)


@router.post("/dashboards/{slug}/sharing")
def sharing_form(
    request: Request,
    slug: str,
    user: PageUser,
    visible_everyone: FormText = "",
    visible_groups: FormList = None,
    visible_users: FormList = None,
    pinned_everyone: FormText = "",
    pinned_groups: FormList = None,
    pinned_users: FormList = None,
    csrf_token: FormText = "",
) -> Response:
    require_csrf(request, csrf_token)
    asker = _page_asker(request, user)
    lang = asker.lang
    errors: dict[str, str] = {}
    with _engine(request).begin() as conn:
        found = _allowed(conn, slug, asker, "sharing")
        group_ids = {g.id for g in list_groups(conn)}
        user_ids = {u["id"] for u in _users_choice(conn)}
        given = {
            "visible": (visible_everyone, visible_groups, visible_users),
            "pinned": (pinned_everyone, pinned_groups, pinned_users),
        }
        audiences = {
            mode: Audience(
                everyone=bool(everyone),
                group_ids=_ids(lang, groups, group_ids, f"{mode}_groups", errors),
                user_ids=_ids(lang, users, user_ids, f"{mode}_users", errors),
            )
            for mode, (everyone, groups, users) in given.items()
        }
        if not errors:
            with _refusal(lang):
                now = _now(request)
                set_audience(conn, slug, "visible", audiences["visible"], asker.viewer, now)
                set_audience(conn, slug, "pinned", audiences["pinned"], asker.viewer, now)
    if errors:
        context = sharing_context(request, asker, slug) | {
            mode: _audience_doc(audience) for mode, audience in audiences.items()
        }
        return _page(request, asker, "dashboard_sharing.html", context | {"errors": errors}, 422)
    _notify(request, "dashadmin.shared_saved", name=found.definition.name.get(lang))
    return _go(request, f"/dashboards/{slug}/sharing")


@router.post("/dashboards/{slug}/owner")
def owner_form(
    request: Request,
    slug: str,
    user: PageUser,
    owner: FormText = "",
    back: FormText = "settings",
    csrf_token: FormText = "",
) -> Response:
    """Transfer the dashboard; a refusal shows the page the form was on (`back`) again."""
    require_csrf(request, csrf_token)
    asker = _page_asker(request, user)
    with _engine(request).begin() as conn:
        found = _allowed(conn, slug, asker, "owner")
        chosen = {str(u["id"]): u for u in _users_choice(conn)}.get(owner.strip())
        if chosen is not None:
            changed = transfer_dashboard(conn, slug, chosen["id"], asker.viewer, _now(request))
    if chosen is None:
        # The owner may open the settings, an admin the sharing page (admins may share).
        rights = may(found, asker.viewer)
        pages = [p for p in (back, "settings", "sharing") if p in ("settings", "sharing")]
        page = next(p for p in pages if rights[p])
        make = sharing_context if page == "sharing" else settings_context
        context = make(request, asker, slug) | {
            "errors": {"owner": t(asker.lang, "dashadmin.bad_choice", value=owner[:40])}
        }
        return _page(request, asker, f"dashboard_{page}.html", context, 422)
    name = found.definition.name.get(asker.lang)
    _notify(request, "dashadmin.transferred", name=name, owner=chosen["name"])
    # Given away and not shared with them: the former owner may no longer open it.
    return _go(
        request, f"/dashboards/{slug}" if changed.visible_to(asker.viewer) else "/dashboards"
    )


# -- the dashboard page's buttons ----------------------------------------------------------------


@router.get("/dashboards/{slug}/actions")
def actions_fragment(request: Request, slug: str, user: PageUser) -> Response:
    """Settings, Duplicate, Share, Delete as this user may (built-in: Duplicate), and the notice
    of the change that led here."""
    asker = _page_asker(request, user)
    with _engine(request).connect() as conn:
        _definition, found = _open(conn, slug, asker.viewer)
    context = {"slug": slug, "actions": may(found, asker.viewer)}
    return _page(request, asker, "_dash_actions.html", context)
