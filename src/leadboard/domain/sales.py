"""Sales (SPEC 1.3): creating and changing one with checks, reading them, and their totals.

Amounts are integer cents in the sale's own currency; the sale date is a day, stored as 00:00 of
that day in the organisation's timezone (naive UTC), like imported sale dates. Totals convert to
the base currency with the rate table; a missing rate is refused, never summed wrongly.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from babel.numbers import list_currencies
from sqlalchemy import Connection, Select, func, insert, select, update

from leadboard.db.schema import associates, companies, leads, sales
from leadboard.db.times import from_db, to_db
from leadboard.domain.errors import Conflict, FieldError, NotFound
from leadboard.domain.lead_queries import day_start
from leadboard.domain.lead_updates import associate_id, company_id
from leadboard.domain.rates import Converter, RateError, list_rates

SALE_STATUSES = ("open", "sold", "lost", "stalled")
MAX_CENTS = 10**14 - 1  # 999,999,999,999.99: sums of many stay exact within 64 bits
# The probability a status implies when none is given: SuperOffice sets 100 % when a sale is
# sold and 0 % when it is lost.
STATUS_PROBABILITY = {"sold": 100, "lost": 0}
CENT = Decimal("0.01")


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str, field: str = "currency") -> str:
    code = code.strip().upper()
    if code not in currency_codes():
        raise FieldError(field, f"{code!r} is not an ISO 4217 currency code")
    return code


def cents(amount: str, field: str = "amount") -> int:
    """A decimal string with at most 2 decimals -> integer cents."""
    try:
        value = Decimal(amount.strip())
    except ArithmeticError:
        raise FieldError(field, f"{amount!r} is not a decimal number") from None
    if not value.is_finite() or value != value.quantize(CENT) or value < 0:
        raise FieldError(field, "must be a positive decimal with at most 2 decimals")
    result = int(value * 100)
    if result > MAX_CENTS:
        raise FieldError(field, "is too large")
    return result


def amount_text(amount_cents: int) -> str:
    """Integer cents -> a decimal string with 2 places: 123456 -> "1234.56"."""
    return str((Decimal(amount_cents) / 100).quantize(CENT))


def weighted_text(amount_cents: int, probability: int) -> str:
    weighted = Decimal(amount_cents) * probability / 10000
    return str(weighted.quantize(CENT, rounding=ROUND_HALF_UP))


def sale_day(moment: datetime, tz: tzinfo) -> date:
    """A stored sale date -> the day it falls on in the organisation's timezone."""
    return from_db(moment).astimezone(tz).date()


@dataclass
class NewSale:
    title: str
    amount_cents: int
    currency: str
    sale_date: date
    status: str = "open"
    probability: int | None = None
    stage: str | None = None
    reason: str | None = None
    lead_id: int | None = None
    company: str | None = None  # a company name: found or created
    owner: str | None = None  # an associate's email
    external_id: str | None = None
    origin: str | None = None


def _lead_company(conn: Connection, lead_id: int) -> int | None:
    row = conn.execute(select(leads.c.company_id).where(leads.c.id == lead_id)).first()
    if row is None:
        raise FieldError("lead_id", f"no lead with id {lead_id}")
    company_id: int | None = row.company_id
    return company_id


def _check_status(status: str) -> str:
    if status not in SALE_STATUSES:
        raise FieldError("status", f"use one of {', '.join(SALE_STATUSES)}")
    return status


def create_sale(conn: Connection, new: NewSale, now: datetime, tz: tzinfo) -> int:
    """Insert a sale; call inside the caller's transaction. Returns its id."""
    status = _check_status(new.status)
    if new.external_id is not None:
        if not new.origin:
            raise FieldError("origin", "an external_id needs an origin")
        other = conn.execute(
            select(sales.c.id).where(
                sales.c.origin == new.origin, sales.c.external_id == new.external_id
            )
        ).scalar()
        if other is not None:
            raise Conflict(
                "external_id",
                f"sale {other} already has external_id {new.external_id!r} in {new.origin!r}",
            )
    elif new.origin is not None:
        raise FieldError("origin", "an origin only goes with an external_id")
    lead_company = _lead_company(conn, new.lead_id) if new.lead_id is not None else None
    probability = new.probability
    if probability is None:
        probability = STATUS_PROBABILITY.get(status, 0)
    row = {
        "title": new.title,
        "lead_id": new.lead_id,
        "company_id": company_id(conn, new.company) if new.company else lead_company,
        "owner_id": associate_id(conn, new.owner) if new.owner else None,
        "amount_cents": new.amount_cents,
        "currency": check_currency(new.currency),
        "stage": new.stage,
        "probability": probability,
        "status": status,
        "sale_date": day_start(new.sale_date, tz),
        "created_at": to_db(now),
        "reason": new.reason,
        "external_id": new.external_id,
        "origin": new.origin,
    }
    return int(conn.execute(insert(sales).values(**row).returning(sales.c.id)).scalar_one())


UPDATABLE = (
    "title",
    "amount_cents",
    "currency",
    "sale_date",
    "status",
    "probability",
    "stage",
    "reason",
    "lead_id",
    "company",
    "owner",
)


def update_sale(conn: Connection, sale_id: int, changes: Mapping[str, Any], tz: tzinfo) -> None:
    """Change the given fields (None clears an optional one). A new status without a new
    probability sets the probability that status implies (sold 100, lost 0)."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {', '.join(sorted(unknown))}")
    if conn.execute(select(sales.c.id).where(sales.c.id == sale_id)).first() is None:
        raise NotFound("sale_id", f"no sale with id {sale_id}")
    values: dict[str, Any] = {}
    for name in ("title", "amount_cents", "stage", "reason", "probability"):
        if name in changes:
            values[name] = changes[name]
    if "currency" in changes:
        values["currency"] = check_currency(changes["currency"])
    if "sale_date" in changes:
        values["sale_date"] = day_start(changes["sale_date"], tz)
    if "status" in changes:
        values["status"] = _check_status(changes["status"])
        if "probability" not in changes and values["status"] in STATUS_PROBABILITY:
            values["probability"] = STATUS_PROBABILITY[values["status"]]
    if "lead_id" in changes:
        lead_id = changes["lead_id"]
        if lead_id is not None:
            _lead_company(conn, lead_id)
        values["lead_id"] = lead_id
    if "company" in changes:
        name = changes["company"]
        values["company_id"] = company_id(conn, name) if name is not None else None
    if "owner" in changes:
        owner = changes["owner"]
        values["owner_id"] = associate_id(conn, owner) if owner is not None else None
    if values:
        conn.execute(update(sales).where(sales.c.id == sale_id).values(**values))


@dataclass(frozen=True)
class SaleFilters:
    status: str | None = None
    owner_id: int | None = None
    lead_id: int | None = None
    date_from: datetime | None = None  # naive UTC, inclusive
    date_before: datetime | None = None  # naive UTC, exclusive
    # The viewer's rights: only sales owned by one of these (None: every sale).
    owners: tuple[int, ...] | None = None


def resolve_sale_filters(
    conn: Connection,
    tz: tzinfo,
    status: str | None = None,
    owner: str | None = None,
    lead_id: int | None = None,
    sale_date_from: date | None = None,
    sale_date_to: date | None = None,
) -> SaleFilters:
    if status is not None:
        _check_status(status)
    if sale_date_from and sale_date_to and sale_date_to < sale_date_from:
        raise FieldError("sale_date_to", "lies before sale_date_from")
    return SaleFilters(
        status=status,
        owner_id=associate_id(conn, owner) if owner else None,
        lead_id=lead_id,
        date_from=day_start(sale_date_from, tz) if sale_date_from else None,
        date_before=day_start(sale_date_to + timedelta(days=1), tz) if sale_date_to else None,
    )


def sale_visible(conn: Connection, sale_id: int, owners: tuple[int, ...] | None) -> bool:
    """Whether the sale exists and its owner is within the viewer's rights (None: all)."""
    query = select(sales.c.id).where(sales.c.id == sale_id)
    if owners is not None:
        query = query.where(sales.c.owner_id.in_(owners))
    return conn.execute(query).first() is not None


def _where(query: Select[Any], f: SaleFilters) -> Select[Any]:
    if f.owners is not None:
        query = query.where(sales.c.owner_id.in_(f.owners))
    if f.status is not None:
        query = query.where(sales.c.status == f.status)
    if f.owner_id is not None:
        query = query.where(sales.c.owner_id == f.owner_id)
    if f.lead_id is not None:
        query = query.where(sales.c.lead_id == f.lead_id)
    if f.date_from is not None:
        query = query.where(sales.c.sale_date >= f.date_from)
    if f.date_before is not None:
        query = query.where(sales.c.sale_date < f.date_before)
    return query


def sale_query() -> Select[Any]:
    """A sale with its company name, owner email and its lead's owner (for lead rights)."""
    owner = associates.alias("owner")
    return (
        select(
            sales,
            companies.c.name.label("company_name"),
            owner.c.email.label("owner_email"),
            leads.c.owner_id.label("lead_owner_id"),
        )
        .outerjoin(companies, companies.c.id == sales.c.company_id)
        .outerjoin(owner, owner.c.id == sales.c.owner_id)
        .outerjoin(leads, leads.c.id == sales.c.lead_id)
    )


def get_sale(conn: Connection, sale_id: int) -> Any:
    return conn.execute(sale_query().where(sales.c.id == sale_id)).first()


def find_sales(
    conn: Connection, filters: SaleFilters, page: int, page_size: int
) -> tuple[list[Any], int]:
    """A page of sales, latest sale date first, and how many match in all."""
    count = conn.execute(_where(select(func.count()).select_from(sales), filters)).scalar_one()
    rows = conn.execute(
        _where(sale_query(), filters)
        .order_by(sales.c.sale_date.desc(), sales.c.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return list(rows), int(count)


def sales_sum(conn: Connection, filters: SaleFilters, base_currency: str) -> Decimal:
    """The sum of the matching sales' amounts in the base currency (all pages)."""
    query = _where(
        select(sales.c.currency, func.sum(sales.c.amount_cents)).group_by(sales.c.currency),
        filters,
    )
    by_currency = {currency: int(total or 0) for currency, total in conn.execute(query)}
    try:
        return Converter(list_rates(conn), base_currency).to_base(by_currency)
    except RateError as exc:
        raise FieldError("currency", str(exc)) from None
