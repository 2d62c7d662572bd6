"""The choices a quick filter offers that come from the data: the countries there are."""

from sqlalchemy import Connection, func, select

from leadboard.db.schema import companies, leads
from leadboard.semantic.catalog import LEADS, SALES
from leadboard.semantic.spec import ALL, Scope

__all__ = ["countries_with_data"]


def countries_with_data(conn: Connection, scope: Scope = ALL) -> list[str]:
    """The countries of leads and companies, for the country filter.

    Leads are read with a loose index scan (a recursive "next larger country" query over
    ix_leads_country_created): one index probe per country instead of a scan of every lead.
    A viewer with restricted rights is offered only the countries of the leads and sales they
    may see (see `_scoped_countries`).
    """
    if not scope.is_all:
        return _scoped_countries(conn, scope)
    found = select(func.min(leads.c.country).label("code")).cte("codes", recursive=True)
    following = (
        select(func.min(leads.c.country)).where(leads.c.country > found.c.code).scalar_subquery()
    )
    found = found.union_all(select(following).where(found.c.code.is_not(None)))
    lead_codes = conn.execute(select(found.c.code).where(found.c.code.is_not(None))).scalars()
    company_codes = conn.execute(
        select(companies.c.country).where(companies.c.country.is_not(None)).distinct()
    ).scalars()
    return sorted({str(code).upper() for code in (*lead_codes, *company_codes) if code})


def _scoped_countries(conn: Connection, scope: Scope) -> list[str]:
    """The countries (as the tiles' country field and the country filter see them: a lead's own,
    else its company's; a sale's lead's, else the sale company's) of the leads and the sales
    within the viewer's rights, so the choices do not tell where anyone else's records are."""
    codes: set[str] = set()
    for entity in (LEADS, SALES):
        country = entity.field("country")
        owner = entity.field(entity.quick_filters["owner"])
        query = (
            select(country.expr.label("code"))
            .select_from(entity.from_clause([country, owner]))
            .where(country.expr.is_not(None))
            .distinct()
        )
        allowed = scope.owners(entity.name)
        if allowed is not None:
            query = query.where(owner.expr.in_(list(allowed)))
        codes.update(str(code).upper() for code in conn.execute(query).scalars() if code)
    return sorted(codes)
