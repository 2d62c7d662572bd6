"""What the admin pages and their JSON twins (/api/admin) change, through the domain's functions.

The same functions the CLI calls (domain/users.py, statuses.py, rates.py), with the same messages.
The status list and the rate table refuse with a plain message (`StatusError`, `RateError`): here
those become `FieldError`s naming the field at fault, with the status code the REST API uses
(404 an unknown key, 409 a duplicate, else 422). Text that no database column can hold (a NUL
character, more characters than the column) is refused here too, before it reaches the database.

A user's name is the one change the domain's `set_user` has no parameter for: `set_user_fields`
validates it as `add_user` does and writes it in the same transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection

from leadboard.domain import rates as rate_table
from leadboard.domain import statuses as status_list
from leadboard.domain.errors import Conflict, FieldError, NotFound
from leadboard.domain.statuses import Status, StatusError
from leadboard.domain.users import UserInfo, find_user, set_user

__all__ = [
    "add_status",
    "checked_text",
    "delete_status",
    "move_status",
    "reorder_statuses",
    "set_rate",
    "set_user_fields",
    "update_status",
]

MAX_STATUS_NAME = 100  # lead_statuses.name_en / name_nl
MAX_STATUS_KEY = 64
MAX_RATE = 40  # currency_rates.rate holds the decimal as text


def checked_text(value: str, field: str, longest: int | None = None) -> str:
    """Text any database can store: no NUL, valid Unicode, at most `longest` characters."""
    if "\x00" in value:
        raise FieldError(field, "must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise FieldError(field, "must be valid Unicode text") from None
    if longest is not None and len(value.strip()) > longest:
        raise FieldError(field, f"at most {longest} characters")
    return value


@contextmanager
def _status_errors(field: str) -> Iterator[None]:
    """The status list's refusals as field errors: unknown key 404, duplicate 409, else 422."""
    try:
        yield
    except StatusError as exc:
        message = str(exc)
        if message.startswith("no lead status"):
            raise NotFound("key", message) from None
        if "already exists" in message:
            raise Conflict("key", message) from None
        raise FieldError(field, message) from None


# -- users ---------------------------------------------------------------------------------------


def set_user_fields(
    conn: Connection,
    email: str,
    *,
    now: datetime,
    name: str | None = None,
    role: str | None = None,
    group: str | None = None,
    active: bool | None = None,
) -> UserInfo:
    """`set_user` (role, group, active; it ends sessions as needed) and the name, at once."""
    for value, field in ((name, "name"), (role, "role"), (group, "group")):
        if value is not None:
            checked_text(value, field)
    user = find_user(conn, email)
    return set_user(conn, user.email, now=now, role=role, group=group, active=active, name=name)


# -- statuses ------------------------------------------------------------------------------------


def _status_name(value: str, field: str) -> str:
    checked_text(value, field, MAX_STATUS_NAME)
    if not value.strip():
        raise FieldError(field, "a status name cannot be empty")
    return value.strip()


def add_status(
    conn: Connection,
    name_en: str,
    name_nl: str | None = None,
    key: str | None = None,
    on_funnel: bool = False,
    description_en: str = "",
    description_nl: str = "",
) -> Status:
    english = _status_name(name_en, "name_en")
    dutch = _status_name(name_nl, "name_nl") if name_nl and name_nl.strip() else None
    wanted = key.strip() if key and key.strip() else None
    if wanted is not None:
        checked_text(wanted, "key", MAX_STATUS_KEY)
    elif len(status_list.slugify(english)) > MAX_STATUS_KEY:
        raise FieldError("key", f"the key made from the name is longer than {MAX_STATUS_KEY}")
    checked_text(description_en, "description_en")
    checked_text(description_nl, "description_nl")
    with _status_errors("key"):
        return status_list.add_status(
            conn, english, dutch, wanted, on_funnel, description_en, description_nl
        )


def update_status(
    conn: Connection,
    key: str,
    *,
    name_en: str | None = None,
    name_nl: str | None = None,
    description_en: str | None = None,
    description_nl: str | None = None,
    on_funnel: bool | None = None,
) -> Status:
    """Rename or translate (en, nl), describe, put on or off the funnel path; in one go."""
    with _status_errors("key"):
        status = status_list.get_status(conn, key)
    if not status.active:
        raise FieldError("key", f"status {key!r} is deleted")
    for lang, name, description in (
        ("en", name_en, description_en),
        ("nl", name_nl, description_nl),
    ):
        if name is None and description is None:
            continue
        label = _status_name(name, f"name_{lang}") if name is not None else status.name(lang)
        if description is not None:
            checked_text(description, f"description_{lang}")
        with _status_errors(f"name_{lang}"):
            status_list.translate_status(conn, status.key, lang, label, description)
    if on_funnel is not None and on_funnel != status.on_funnel:
        with _status_errors("on_funnel"):
            status_list.set_funnel(conn, status.key, on_funnel)
    return status_list.get_status(conn, status.key)


def reorder_statuses(conn: Connection, keys: list[str]) -> list[Status]:
    with _status_errors("keys"):
        return status_list.reorder_statuses(conn, keys)


def move_status(conn: Connection, key: str, direction: str) -> list[Status]:
    """One place up or down the rank order (the first stays first, the last stays last)."""
    if direction not in ("up", "down"):
        raise FieldError("direction", f"use up or down, not {direction!r}")
    keys = [s.key for s in status_list.all_statuses(conn)]
    if key not in keys:
        with _status_errors("key"):
            status_list.get_status(conn, key)  # unknown: 404
        raise FieldError("key", f"status {key!r} is deleted")
    at = keys.index(key)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(keys):
        keys[at], keys[to] = keys[to], keys[at]
    return reorder_statuses(conn, keys)


def delete_status(conn: Connection, key: str) -> Status:
    with _status_errors("key"):
        status_list.get_status(conn, key)  # an unknown key is 404, also for "open"
        return status_list.delete_status(conn, key)


# -- rates ---------------------------------------------------------------------------------------


def set_rate(conn: Connection, currency: str, rate: str, base_currency: str) -> str:
    """1 CURRENCY = RATE base currency; returns the rate as stored (a decimal string)."""
    checked_text(currency, "currency")
    checked_text(rate, "rate", MAX_RATE)
    try:
        if len(str(Decimal(rate.strip()))) > MAX_RATE:  # 1E+50 may print longer than typed
            raise FieldError("rate", f"at most {MAX_RATE} characters")
    except InvalidOperation:
        pass  # set_rate says what is wrong with it
    try:
        value = rate_table.set_rate(conn, currency, rate.strip(), base_currency)
    except rate_table.RateError as exc:
        message = str(exc)
        field = "rate" if message.startswith("rate") else "currency"
        raise FieldError(field, message) from None
    return str(value)
