"""Campaigns (SPEC 1.4): a UTM campaign value (folded: trimmed, lower case) with an optional
display name and dates. Leads are attributed by their lead-creation campaign, which matches
the key."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from leadboard.db.schema import campaigns
from leadboard.domain.attribution import fold
from leadboard.domain.errors import Conflict, FieldError, NotFound

MAX_KEY = 200


def _key(conn: Connection, value: str, except_id: int | None = None) -> str:
    key = fold(value)
    if not key:
        raise FieldError("key", "must not be empty")
    if len(key) > MAX_KEY:
        raise FieldError("key", f"is longer than {MAX_KEY} characters in lower case")
    query = select(campaigns.c.id).where(campaigns.c.key == key)
    if except_id is not None:
        query = query.where(campaigns.c.id != except_id)
    other = conn.execute(query).scalar()
    if other is not None:
        raise Conflict("key", f"campaign {other} already has the key {key!r}")
    return key


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise FieldError("ends_on", f"{ends_on} lies before starts_on {starts_on}")


def create_campaign(
    conn: Connection,
    key: str,
    name: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> int:
    folded = _key(conn, key)
    _check_dates(starts_on, ends_on)
    row = {"key": folded, "name": name, "starts_on": starts_on, "ends_on": ends_on}
    return int(conn.execute(insert(campaigns).values(**row).returning(campaigns.c.id)).scalar_one())


UPDATABLE = ("key", "name", "starts_on", "ends_on")


def update_campaign(conn: Connection, campaign_id: int, changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {', '.join(sorted(unknown))}")
    current = get_campaign(conn, campaign_id)
    if current is None:
        raise NotFound("campaign_id", f"no campaign with id {campaign_id}")
    values = dict(changes)
    if "key" in values:
        values["key"] = _key(conn, values["key"], except_id=campaign_id)
    _check_dates(values.get("starts_on", current.starts_on), values.get("ends_on", current.ends_on))
    if values:
        conn.execute(update(campaigns).where(campaigns.c.id == campaign_id).values(**values))


def get_campaign(conn: Connection, campaign_id: int) -> Any:
    return conn.execute(select(campaigns).where(campaigns.c.id == campaign_id)).first()


def find_campaigns(
    conn: Connection, q: str | None, page: int, page_size: int
) -> tuple[list[Any], int]:
    """Campaigns by key, optionally those whose key or name contains `q`."""
    where = []
    if q:
        where.append(
            campaigns.c.key.icontains(q, autoescape=True)
            | campaigns.c.name.icontains(q, autoescape=True)
        )
    total = conn.execute(select(func.count()).select_from(campaigns).where(*where)).scalar_one()
    rows = conn.execute(
        select(campaigns)
        .where(*where)
        .order_by(campaigns.c.key)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return list(rows), int(total)
