"""Reading leads for the REST API: one lead, a filtered page of leads, a lead's status history."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select

from leadboard.db.schema import associates, companies, lead_status_history, lead_statuses, leads
from leadboard.db.times import to_db
from leadboard.domain.attribution import fold
from leadboard.domain.errors import FieldError
from leadboard.domain.lead_updates import associate_id
from leadboard.domain.leads import CREATED_VIA
from leadboard.domain.statuses import all_statuses

NO_COUNTRY = "none"


@dataclass(frozen=True)
class LeadFilters:
    """Resolved filters: ids and UTC bounds; None = no filter."""

    status_id: int | None = None
    owner_id: int | None = None
    country: str | None = None  # an ISO code, or "none" for leads without one
    created_via: str | None = None
    source: str | None = None  # the lead creation source, folded
    created_from: datetime | None = None  # naive UTC, inclusive
    created_before: datetime | None = None  # naive UTC, exclusive
    q: str | None = None
    # The viewer's rights: only leads owned by one of these (None: every lead).
    owners: tuple[int, ...] | None = None


def day_start(day: date, tz: tzinfo) -> datetime:
    """00:00 of a day in the organisation's timezone, as naive UTC."""
    return to_db(datetime.combine(day, time(0), tzinfo=tz))


def resolve_lead_filters(
    conn: Connection,
    tz: tzinfo,
    status: str | None = None,
    owner: str | None = None,
    country: str | None = None,
    created_via: str | None = None,
    source: str | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    q: str | None = None,
) -> LeadFilters:
    status_id = None
    if status:
        found = {s.key: s.id for s in all_statuses(conn)}
        if status.strip().lower() not in found:
            raise FieldError("status", f"no lead status {status!r} (use one of {', '.join(found)})")
        status_id = found[status.strip().lower()]
    if created_via and created_via not in CREATED_VIA:
        raise FieldError("created_via", f"use one of {', '.join(CREATED_VIA)}")
    if created_from and created_to and created_to < created_from:
        raise FieldError("created_to", "lies before created_from")
    return LeadFilters(
        status_id=status_id,
        owner_id=associate_id(conn, owner) if owner else None,
        country=country,
        created_via=created_via or None,
        source=fold(source),
        created_from=day_start(created_from, tz) if created_from else None,
        created_before=day_start(created_to + timedelta(days=1), tz) if created_to else None,
        q=q.strip() if q and q.strip() else None,
    )


def lead_query() -> Select[Any]:
    """A lead with its status key, company name and owner email."""
    owner = associates.alias("owner")
    return (
        select(
            leads,
            lead_statuses.c.key.label("status_key"),
            companies.c.name.label("company_name"),
            owner.c.email.label("owner_email"),
        )
        .join(lead_statuses, lead_statuses.c.id == leads.c.status_id)
        .outerjoin(companies, companies.c.id == leads.c.company_id)
        .outerjoin(owner, owner.c.id == leads.c.owner_id)
    )


def get_lead(conn: Connection, lead_id: int) -> Any:
    return conn.execute(lead_query().where(leads.c.id == lead_id)).first()


def lead_visible(conn: Connection, lead_id: int, owners: tuple[int, ...] | None) -> bool:
    """Whether the lead exists and its owner is within the viewer's rights (None: all)."""
    query = select(leads.c.id).where(leads.c.id == lead_id)
    if owners is not None:
        query = query.where(leads.c.owner_id.in_(owners))
    return conn.execute(query).first() is not None


def _where(query: Select[Any], f: LeadFilters) -> Select[Any]:
    if f.owners is not None:
        query = query.where(leads.c.owner_id.in_(f.owners))
    if f.status_id is not None:
        query = query.where(leads.c.status_id == f.status_id)
    if f.owner_id is not None:
        query = query.where(leads.c.owner_id == f.owner_id)
    if f.country == NO_COUNTRY:
        query = query.where(leads.c.country.is_(None))
    elif f.country is not None:
        query = query.where(leads.c.country == f.country)
    if f.created_via is not None:
        query = query.where(leads.c.created_via == f.created_via)
    if f.source is not None:
        query = query.where(leads.c.creation_source == f.source)
    if f.created_from is not None:
        query = query.where(leads.c.created_at >= f.created_from)
    if f.created_before is not None:
        query = query.where(leads.c.created_at < f.created_before)
    if f.q is not None:
        query = query.where(
            or_(
                leads.c.email.icontains(f.q, autoescape=True),
                leads.c.first_name.icontains(f.q, autoescape=True),
                leads.c.last_name.icontains(f.q, autoescape=True),
            )
        )
    return query


def find_leads(
    conn: Connection, filters: LeadFilters, page: int, page_size: int
) -> tuple[list[Any], int]:
    """A page of leads, newest first, and how many match in all."""
    total = conn.execute(_where(select(func.count()).select_from(leads), filters)).scalar_one()
    rows = conn.execute(
        _where(lead_query(), filters)
        .order_by(leads.c.created_at.desc(), leads.c.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return list(rows), int(total)


def status_history(conn: Connection, lead_id: int) -> list[Any]:
    """Every status change of a lead in time order: from, to, at, by whom."""
    old = lead_statuses.alias("from_status")
    new = lead_statuses.alias("to_status")
    return list(
        conn.execute(
            select(
                lead_status_history.c.at,
                old.c.key.label("from_key"),
                new.c.key.label("to_key"),
                associates.c.id.label("by_id"),
                associates.c.email.label("by_email"),
                associates.c.name.label("by_name"),
            )
            .join(new, new.c.id == lead_status_history.c.to_status_id)
            .outerjoin(old, old.c.id == lead_status_history.c.from_status_id)
            .outerjoin(associates, associates.c.id == lead_status_history.c.by_associate_id)
            .where(lead_status_history.c.lead_id == lead_id)
            .order_by(lead_status_history.c.at, lead_status_history.c.id)
        )
    )
