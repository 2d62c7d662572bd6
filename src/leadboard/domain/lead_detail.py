"""One lead as the people who work on it see it, and what they may change on it.

`lead_detail` reads the lead with its company, owner (and the owner's group), current status and
form, and beside it its status history, chat, sales and conversions (later form posts of the same
contact, each with the visit tuple it came with): plain rows, which the lead page and its JSON twin
label and format. The viewer's rights are applied here: a lead outside them is not found.

`owner_choices` and `change_owner` keep a lead's new owner within the viewer's rights: someone
who may see only some owners' leads cannot hand a lead to an associate outside them (it would
leave their rights, an edit beyond them), nor leave it without an owner (only `all` sees such
leads). The refusal of an associate outside the rights reads exactly as that of an unknown email,
so it tells nothing about who exists.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from leadboard.db.schema import (
    associate_groups,
    associates,
    chat_sessions,
    companies,
    form_submissions,
    forms,
    lead_status_history,
    lead_statuses,
    leads,
    sales,
)
from leadboard.domain.errors import FieldError
from leadboard.domain.lead_updates import update_lead

__all__ = [
    "Associate",
    "LeadDetail",
    "change_owner",
    "conversion_rows",
    "history_rows",
    "lead_detail",
    "lead_row",
    "owner_choices",
]


@dataclass(frozen=True)
class LeadDetail:
    """A lead's row (see `lead_row`) and the rows of everything that hangs off it."""

    row: Any
    history: list[Any]
    chat: Any | None
    sales: list[Any]
    conversions: list[Any]


@dataclass(frozen=True)
class Associate:
    id: int
    email: str
    name: str


def _restrict(query: Any, owners: tuple[int, ...] | None) -> Any:
    """Only leads owned by one of `owners` (None: every lead, unowned ones included)."""
    return query if owners is None else query.where(leads.c.owner_id.in_(owners))


def lead_row(conn: Connection, lead_id: int, owners: tuple[int, ...] | None = None) -> Any:
    """The lead with its company, owner, owner's group, status and form; None when there is no
    such lead or it lies outside the rights `owners`."""
    owner = associates.alias("owner")
    query = (
        select(
            leads,
            companies.c.name.label("company_name"),
            companies.c.country.label("company_country"),
            companies.c.category.label("company_category"),
            owner.c.email.label("owner_email"),
            owner.c.name.label("owner_name"),
            associate_groups.c.name.label("owner_group"),
            lead_statuses.c.key.label("status_key"),
            lead_statuses.c.name_en.label("status_name_en"),
            lead_statuses.c.name_nl.label("status_name_nl"),
            forms.c.key.label("form_key"),
            forms.c.name.label("form_name"),
        )
        .select_from(
            leads.outerjoin(companies, companies.c.id == leads.c.company_id)
            .outerjoin(owner, owner.c.id == leads.c.owner_id)
            .outerjoin(associate_groups, associate_groups.c.id == owner.c.group_id)
            .join(lead_statuses, lead_statuses.c.id == leads.c.status_id)
            .outerjoin(forms, forms.c.id == leads.c.created_by_form_id)
        )
        .where(leads.c.id == lead_id)
    )
    return conn.execute(_restrict(query, owners)).first()


def history_rows(conn: Connection, lead_id: int) -> list[Any]:
    """Every status change, oldest first: from and to (key, names) and who made it."""
    before, after = lead_statuses.alias("before"), lead_statuses.alias("after")
    by = associates.alias("by")
    return list(
        conn.execute(
            select(
                lead_status_history.c.at,
                before.c.key.label("from_key"),
                before.c.name_en.label("from_name_en"),
                before.c.name_nl.label("from_name_nl"),
                after.c.key.label("to_key"),
                after.c.name_en.label("to_name_en"),
                after.c.name_nl.label("to_name_nl"),
                by.c.name.label("by_name"),
            )
            .select_from(
                lead_status_history.outerjoin(
                    before, before.c.id == lead_status_history.c.from_status_id
                )
                .join(after, after.c.id == lead_status_history.c.to_status_id)
                .outerjoin(by, by.c.id == lead_status_history.c.by_associate_id)
            )
            .where(lead_status_history.c.lead_id == lead_id)
            .order_by(lead_status_history.c.at, lead_status_history.c.id)
        )
    )


def chat_row(conn: Connection, chat_id: int) -> Any:
    agent = associates.alias("agent")
    return conn.execute(
        select(chat_sessions, agent.c.name.label("agent_name"))
        .select_from(chat_sessions.outerjoin(agent, agent.c.id == chat_sessions.c.agent_id))
        .where(chat_sessions.c.id == chat_id)
    ).first()


def sale_rows(conn: Connection, lead_id: int, owners: tuple[int, ...] | None = None) -> list[Any]:
    """The lead's sales within the viewer's sales rights `owners` (None: all): a role may see
    every lead but only its own sales."""
    owner = associates.alias("sale_owner")
    query = (
        select(sales, owner.c.name.label("owner_name"))
        .select_from(sales.outerjoin(owner, owner.c.id == sales.c.owner_id))
        .where(sales.c.lead_id == lead_id)
        .order_by(sales.c.sale_date.desc(), sales.c.id)
    )
    if owners is not None:
        query = query.where(sales.c.owner_id.in_(owners))
    return list(conn.execute(query))


def conversion_rows(conn: Connection, lead_id: int) -> list[Any]:
    """The lead's conversions, oldest first: its later form posts (`is_conversion`), each with
    its form and the visit tuple it came with (columns `visit_source`, ... `visit_at`)."""
    return list(
        conn.execute(
            select(
                form_submissions,
                forms.c.key.label("form_key"),
                forms.c.name.label("form_name"),
            )
            .select_from(form_submissions.join(forms, forms.c.id == form_submissions.c.form_id))
            .where(
                form_submissions.c.lead_id == lead_id,
                form_submissions.c.is_conversion.is_(True),
            )
            .order_by(form_submissions.c.submitted_at, form_submissions.c.id)
        )
    )


def lead_detail(
    conn: Connection,
    lead_id: int,
    owners: tuple[int, ...] | None = None,
    sale_owners: tuple[int, ...] | None = None,
) -> LeadDetail | None:
    """The lead and everything about it; None when unknown or outside the lead rights `owners`;
    its sales within the sales rights `sale_owners` (None: all)."""
    row = lead_row(conn, lead_id, owners)
    if row is None:
        return None
    return LeadDetail(
        row=row,
        history=history_rows(conn, lead_id),
        chat=chat_row(conn, row.chat_session_id) if row.chat_session_id else None,
        sales=sale_rows(conn, lead_id, sale_owners),
        conversions=conversion_rows(conn, lead_id),
    )


def owner_choices(conn: Connection, owners: tuple[int, ...] | None) -> list[Associate]:
    """The active associates a viewer may make a lead's owner: those within their rights
    (None: every active associate), by name."""
    query = select(associates.c.id, associates.c.email, associates.c.name).where(
        associates.c.active.is_(True)
    )
    if owners is not None:
        query = query.where(associates.c.id.in_(owners))
    rows = conn.execute(query.order_by(associates.c.name, associates.c.email))
    return [Associate(r.id, r.email, r.name) for r in rows]


def check_owner(conn: Connection, email: str | None, owners: tuple[int, ...] | None) -> None:
    """Refuse a new owner outside the viewer's rights `owners` (None: all rights), as an unknown
    email is refused; an empty owner only for a viewer with all rights."""
    if owners is None:
        return  # update_lead refuses unknown and inactive associates itself
    if email is None:
        raise FieldError(
            "owner", "a lead without an owner is seen by no one with your rights: choose an owner"
        )
    wanted = email.strip().lower()
    if not any(a.email == wanted for a in owner_choices(conn, owners)):
        raise FieldError("owner", f"no active associate with email {email!r}")


def change_owner(
    conn: Connection, lead_id: int, email: str | None, owners: tuple[int, ...] | None
) -> None:
    """Give a lead (already known to be within the rights) a new owner within them."""
    check_owner(conn, email, owners)
    update_lead(conn, lead_id, {"owner": email.strip().lower() if email else None})
