"""The lead list people work from (`/leads`, `leadboard leads list`): search, quick filters, pages;
and the forms list (`/forms`) with the submissions the viewer may see.

`q` matches part of the first name, last name, full name ("Ann Jansen"), email or company name,
ignoring case; it is a bound LIKE pattern with `%`, `_` and the escape character escaped, so
every character of `q` matches itself. (SQLite folds the case of ASCII letters only; PostgreSQL
that of every letter.) The quick filters are the dashboards' (owner, country, status), resolved
to ids by the caller: the country is the lead's own, else its company's, as in the tiles. The
viewer's rights (`owners`: the owners whose leads they may see, None for all) restrict every
query here, the count and the countries offered included.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, case, func, or_, select

from leadboard.db.schema import (
    associates,
    companies,
    form_submissions,
    forms,
    lead_statuses,
    leads,
)

__all__ = [
    "NO_COUNTRY",
    "PAGE_SIZE",
    "LeadSearch",
    "forms_overview",
    "lead_countries",
    "search_leads",
]

NO_COUNTRY = "none"
PAGE_SIZE = 50


@dataclass(frozen=True)
class LeadSearch:
    q: str | None = None
    owner_id: int | None = None
    country: str | None = None  # an ISO code (upper case) or "none"
    status_id: int | None = None
    owners: tuple[int, ...] | None = None  # the viewer's rights; None: every lead


def _country() -> Any:
    return func.coalesce(leads.c.country, companies.c.country)


def _from() -> Any:
    return leads.outerjoin(companies, companies.c.id == leads.c.company_id)


def _where(query: Select[Any], s: LeadSearch) -> Select[Any]:
    if s.owners is not None:
        query = query.where(leads.c.owner_id.in_(s.owners))
    if s.owner_id is not None:
        query = query.where(leads.c.owner_id == s.owner_id)
    if s.country == NO_COUNTRY:
        query = query.where(_country().is_(None))
    elif s.country is not None:
        query = query.where(_country() == s.country)
    if s.status_id is not None:
        query = query.where(leads.c.status_id == s.status_id)
    q = (s.q or "").strip()
    if q:
        first, last = func.coalesce(leads.c.first_name, ""), func.coalesce(leads.c.last_name, "")
        full_name = first + " " + last
        query = query.where(
            or_(
                *(
                    column.icontains(q, autoescape=True)
                    for column in (
                        leads.c.first_name,
                        leads.c.last_name,
                        full_name,
                        leads.c.email,
                        companies.c.name,
                    )
                )
            )
        )
    return query


def search_leads(
    conn: Connection, search: LeadSearch, page: int = 1, page_size: int = PAGE_SIZE
) -> tuple[list[Any], int]:
    """A page of matching leads, newest first (then highest id), and how many match in all.

    Each row: id, first_name, last_name, email, created_at, country (the lead's, else its
    company's), company_name, owner_name, owner_email, status_key, status_name_en/_nl and
    anonymised_at (set: GDPR-erased)."""
    total = conn.execute(_where(select(func.count()).select_from(_from()), search)).scalar_one()
    owner = associates.alias("owner")
    query = (
        select(
            leads.c.id,
            leads.c.first_name,
            leads.c.last_name,
            leads.c.email,
            leads.c.created_at,
            _country().label("country"),
            companies.c.name.label("company_name"),
            owner.c.name.label("owner_name"),
            owner.c.email.label("owner_email"),
            lead_statuses.c.key.label("status_key"),
            lead_statuses.c.name_en.label("status_name_en"),
            lead_statuses.c.name_nl.label("status_name_nl"),
            leads.c.anonymised_at,
        )
        .select_from(
            _from()
            .join(lead_statuses, lead_statuses.c.id == leads.c.status_id)
            .outerjoin(owner, owner.c.id == leads.c.owner_id)
        )
        .order_by(leads.c.created_at.desc(), leads.c.id.desc())
        .limit(page_size)
        .offset((max(page, 1) - 1) * page_size)
    )
    return list(conn.execute(_where(query, search))), int(total)


def lead_countries(conn: Connection, owners: tuple[int, ...] | None) -> list[str]:
    """The countries of the leads within the rights `owners` (for the country filter)."""
    query = select(_country().label("code")).select_from(_from()).distinct()
    query = _where(query, LeadSearch(owners=owners))
    return sorted(str(c).upper() for c in conn.execute(query).scalars() if c)


def forms_overview(conn: Connection, owners: tuple[int, ...] | None) -> list[Any]:
    """Every form (active or not, by name) with how many of its submissions and conversions the
    viewer sees: submissions follow their lead, so with rights `owners` only those whose lead one
    of them owns count (None: every submission, failed ones without a lead included).

    Each row: id, key, name, active, submissions, conversions."""
    visible = select(form_submissions.c.form_id, form_submissions.c.is_conversion)
    if owners is not None:
        visible = visible.join(leads, leads.c.id == form_submissions.c.lead_id).where(
            leads.c.owner_id.in_(owners)
        )
    counted = visible.subquery("visible")
    counts = (
        select(
            counted.c.form_id,
            func.count().label("submissions"),
            func.sum(case((counted.c.is_conversion.is_(True), 1), else_=0)).label("conversions"),
        )
        .group_by(counted.c.form_id)
        .subquery("counts")
    )
    return list(
        conn.execute(
            select(
                forms.c.id,
                forms.c.key,
                forms.c.name,
                forms.c.active,
                func.coalesce(counts.c.submissions, 0).label("submissions"),
                func.coalesce(counts.c.conversions, 0).label("conversions"),
            )
            .select_from(forms.outerjoin(counts, counts.c.form_id == forms.c.id))
            .order_by(forms.c.name, forms.c.id)
        )
    )
