"""Leads from the API and by hand: creating one with checks, changing its contact fields and
its status. What `domain.leads` leaves to its callers (who the owner is, which company, whether
the email or external id is taken) is decided here, with refusals that name the field.

First-touch and lead-creation tuples, sources, channel and created_at are never changed here
(SPEC 1.1): they are written once by `create_lead`.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from leadboard.db.engine import take_write_lock
from leadboard.db.schema import associates, companies, leads
from leadboard.db.times import from_db, to_db
from leadboard.domain.attribution import fold
from leadboard.domain.channels import effective_rules
from leadboard.domain.errors import Conflict, FieldError, NotFound
from leadboard.domain.leads import NewLead, change_status, create_lead, normalise_email
from leadboard.domain.statuses import all_statuses

CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "job_title", "country")
UPDATABLE = (*CONTACT_FIELDS, "company", "owner")
MAX_TUPLE_TEXT = 200  # the source, medium and campaign columns


def associate_id(conn: Connection, email: str, field: str = "owner") -> int:
    """The id of the active associate with this email, else a refusal naming `field`."""
    row = conn.execute(
        select(associates.c.id, associates.c.active).where(
            associates.c.email == email.strip().lower()
        )
    ).first()
    if row is None or not row.active:
        raise FieldError(field, f"no active associate with email {email!r}")
    return int(row.id)


def company_id(conn: Connection, name: str, country: str | None = None) -> int:
    """The company with exactly this (trimmed) name; created when there is none."""
    name = name.strip()
    found = conn.execute(
        select(companies.c.id).where(companies.c.name == name).order_by(companies.c.id).limit(1)
    ).scalar()
    if found is not None:
        return int(found)
    return int(
        conn.execute(
            insert(companies).values(name=name, country=country).returning(companies.c.id)
        ).scalar_one()
    )


def lock_email(conn: Connection, email: str) -> None:
    """Serialise writes by the same address on PostgreSQL (a transaction-scoped advisory lock,
    the same key as `conversions.lock_email`, so API calls and form posts wait for each other).
    SQLite lets one writer in at a time."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big", signed=True)
        conn.execute(select(func.pg_advisory_xact_lock(key)))


def _email_taken(conn: Connection, email: str, except_id: int | None = None) -> None:
    lock_email(conn, email)  # two requests at once never make two leads with one email
    query = select(leads.c.id).where(leads.c.email == email)
    if except_id is not None:
        query = query.where(leads.c.id != except_id)
    other = conn.execute(query.order_by(leads.c.id).limit(1)).scalar()
    if other is not None:  # not which lead: it may lie outside the writer's rights
        raise Conflict("email", f"a lead with the email {email!r} exists already")


def _external_id_taken(conn: Connection, origin: str, external_id: str) -> None:
    other = conn.execute(
        select(leads.c.id).where(leads.c.origin == origin, leads.c.external_id == external_id)
    ).scalar()
    if other is not None:  # not which lead: it may lie outside the writer's rights
        raise Conflict(
            "external_id", f"a lead with external_id {external_id!r} in {origin!r} exists already"
        )


def add_lead(
    conn: Connection,
    new: NewLead,
    company_name: str | None = None,
    owner_email: str | None = None,
    by_associate_id: int | None = None,
) -> int:
    """Create a lead after the checks `create_lead` leaves to its callers; returns its id.

    The channel comes from the rules in force (imported ones, else GA4's), as for form leads.
    The email is the dedupe key (SPEC 1.1): a second lead with the same email is refused (409),
    as is a second lead with the same external_id in the same origin.
    """
    if new.given_medium and not new.given_source:
        raise FieldError("medium", "a medium needs a source")
    if new.given_campaign and not new.given_source:
        raise FieldError("campaign", "a campaign needs a source")
    for field, value in (
        ("source", new.given_source),
        ("medium", new.given_medium),
        ("campaign", new.given_campaign),
    ):
        folded = fold(value)
        if folded is not None and len(folded) > MAX_TUPLE_TEXT:
            raise FieldError(field, f"is longer than {MAX_TUPLE_TEXT} characters in lower case")
    email = normalise_email(new.email)
    if email:
        _email_taken(conn, email)
    if new.external_id is not None:
        if not new.origin:
            raise FieldError("origin", "an external_id needs an origin")
        _external_id_taken(conn, new.origin, new.external_id)
    elif new.origin is not None:
        raise FieldError("origin", "an origin only goes with an external_id")
    if owner_email is not None:
        new = replace(new, owner_id=associate_id(conn, owner_email))
    if company_name is not None:
        new = replace(new, company_id=company_id(conn, company_name, new.country))
    # A concurrent insert of the same external id between the check and here fails on the
    # unique constraint (IntegrityError); the API retries the request once, and the check
    # above then answers 409.
    return create_lead(conn, new, by_associate_id, effective_rules(conn))


def lead_for_update(conn: Connection, lead_id: int) -> Any:
    """The lead, locked until the caller's transaction ends: a status change or an edit writes
    from what it reads (the status it leaves, the statuses held), so two at once must not both
    read the same state (tests/capture/test_concurrent_writers.py saw broken history chains on
    both engines). SQLite: the write lock before any read; PostgreSQL: FOR UPDATE on the row."""
    take_write_lock(conn)
    row = conn.execute(
        select(leads.c.id, leads.c.status_since, leads.c.anonymised_at, leads.c.created_at)
        .where(leads.c.id == lead_id)
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound("lead_id", f"no lead with id {lead_id}")
    if row.anonymised_at is not None:
        raise Conflict("lead_id", f"lead {lead_id} is anonymised; it cannot change")
    return row


def update_lead(conn: Connection, lead_id: int, changes: Mapping[str, Any]) -> None:
    """Change contact fields, company (by name) and owner (by email); None clears a field."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {', '.join(sorted(unknown))}")
    lead_for_update(conn, lead_id)
    values: dict[str, Any] = {name: changes[name] for name in CONTACT_FIELDS if name in changes}
    if "email" in values:
        values["email"] = normalise_email(values["email"])
        if values["email"]:
            _email_taken(conn, values["email"], except_id=lead_id)
    if "country" in values and values["country"] is not None:
        values["country"] = values["country"].strip().upper()
    if "owner" in changes:
        owner = changes["owner"]
        values["owner_id"] = None if owner is None else associate_id(conn, owner)
    if "company" in changes:
        name = changes["company"]
        values["company_id"] = None if name is None else company_id(conn, name)
    if values:
        conn.execute(update(leads).where(leads.c.id == lead_id).values(**values))


def set_status(
    conn: Connection,
    lead_id: int,
    status_key: str,
    at: datetime,
    now: datetime,
    by_associate_id: int | None = None,
) -> bool:
    """Move a lead to an active status at `at` (aware); False when it already holds it.

    `at` may not lie in the future nor before the lead's current status began, so the history
    stays in time order and status_since never goes back.
    """
    row = lead_for_update(conn, lead_id)
    active = {s.key: s for s in all_statuses(conn)}
    key = status_key.strip().lower()
    if key not in active:
        raise FieldError(
            "status", f"no lead status {status_key!r} (use one of {', '.join(active)})"
        )
    if at > now:
        raise FieldError("at", f"{at.isoformat()} lies in the future")
    since = from_db(row.status_since)
    if at < since:
        raise FieldError(
            "at", f"{at.isoformat()} lies before the current status began ({since.isoformat()})"
        )
    current = conn.execute(select(leads.c.status_id).where(leads.c.id == lead_id)).scalar_one()
    if current == active[key].id:
        return False
    change_status(conn, lead_id, key, to_db(at), by_associate_id)
    return True
