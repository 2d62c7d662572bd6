"""Forms as an admin or integration manages them (SPEC 1.4): name, public key, active flag,
allowed origins, fields, thank-you URL. The capture endpoint reads what is stored here.
"""

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, func, insert, select, update

from leadboard.db.schema import forms
from leadboard.db.times import to_db
from leadboard.domain.errors import Conflict, FieldError, NotFound

KEY_PREFIX = "f_"
DEFAULT_PORTS = {"http": 80, "https": 443}


def new_form_key() -> str:
    """A random, URL-safe public key (as `secrets.token_urlsafe`: A-Z a-z 0-9 _ -)."""
    return KEY_PREFIX + secrets.token_urlsafe(9)


def normalise_origin(value: str) -> str:
    """`HTTPS://WWW.Example.com:443/` -> `https://www.example.com`; anything else is refused.

    An origin is a scheme (http or https), a host and an optional port: what a browser sends in
    its Origin header. Paths, queries, fragments and user names are not part of one."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValueError(f"{value!r} is not an origin like https://www.example.com") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if (
        scheme not in DEFAULT_PORTS
        or not host
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or any(c.isspace() for c in text)
        or not all(c.isalnum() or c in ".-[]:" for c in host)
    ):
        raise ValueError(f"{value!r} is not an origin like https://www.example.com")
    if port is not None and port != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def check_web_url(value: str) -> str:
    """An absolute http(s) URL with a host (a thank-you page)."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ValueError(f"{value!r} is not an http(s) URL") from None
    if (
        parts.scheme.lower() not in DEFAULT_PORTS
        or not parts.hostname
        or any(c.isspace() or ord(c) < 32 for c in text)
    ):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return text


def _key_taken(conn: Connection, key: str, except_id: int | None = None) -> None:
    query = select(forms.c.id).where(forms.c.key == key)
    if except_id is not None:
        query = query.where(forms.c.id != except_id)
    other = conn.execute(query).scalar()
    if other is not None:
        raise Conflict("key", f"form {other} already has the key {key!r}")


def _check_fields(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for index, field in enumerate(fields):
        if field["name"] in seen:
            raise FieldError(f"fields[{index}].name", f"{field['name']!r} appears twice")
        seen.add(field["name"])
    return fields


def _origins(origins: list[str]) -> list[str]:
    return list(dict.fromkeys(origins))  # without repeats, in the given order


def create_form(
    conn: Connection,
    name: str,
    now: datetime,
    key: str | None = None,
    active: bool = True,
    allowed_origins: list[str] | None = None,
    fields: list[dict[str, Any]] | None = None,
    thank_you_url: str | None = None,
) -> int:
    if key is None:
        key = new_form_key()
        while conn.execute(select(forms.c.id).where(forms.c.key == key)).first():
            key = new_form_key()
    else:
        _key_taken(conn, key)
    row = {
        "key": key,
        "name": name,
        "active": active,
        "allowed_origins": _origins(allowed_origins or []),
        "fields": _check_fields(fields or []),
        "thank_you_url": thank_you_url,
        "created_at": to_db(now),
    }
    return int(conn.execute(insert(forms).values(**row).returning(forms.c.id)).scalar_one())


UPDATABLE = ("name", "key", "active", "allowed_origins", "fields", "thank_you_url")


def update_form(conn: Connection, form_id: int, changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {', '.join(sorted(unknown))}")
    if get_form(conn, form_id) is None:
        raise NotFound("form_id", f"no form with id {form_id}")
    values = dict(changes)
    if "key" in values:
        _key_taken(conn, values["key"], except_id=form_id)
    if "fields" in values:
        values["fields"] = _check_fields(values["fields"])
    if "allowed_origins" in values:
        values["allowed_origins"] = _origins(values["allowed_origins"])
    if values:
        conn.execute(update(forms).where(forms.c.id == form_id).values(**values))


def get_form(conn: Connection, form_id: int) -> Any:
    return conn.execute(select(forms).where(forms.c.id == form_id)).first()


def find_forms(
    conn: Connection, active: bool | None, page: int, page_size: int
) -> tuple[list[Any], int]:
    where = [] if active is None else [forms.c.active.is_(active)]
    total = conn.execute(select(func.count()).select_from(forms).where(*where)).scalar_one()
    rows = conn.execute(
        select(forms)
        .where(*where)
        .order_by(forms.c.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return list(rows), int(total)
