"""Leads: creating one (sources, channel, first history row) and changing its status.

A status change moves the history, the set of statuses held and status_since together.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from leadboard.db.schema import lead_status_history, leads
from leadboard.db.times import to_db
from leadboard.domain.attribution import Visit, has_tag_half, lead_sources, tag_value
from leadboard.domain.channels import (
    CREATED_VIA_CHANNELS,
    ChannelRules,
    channel_key,
    effective_rules,
)
from leadboard.domain.statuses import Status, get_status


def change_status(
    conn: Connection,
    lead_id: int,
    status_key: str,
    at: datetime,
    by_associate_id: int | None = None,
) -> None:
    """Record a status change; call inside the caller's transaction so all three stay in step."""
    status = get_status(conn, status_key)
    row = conn.execute(
        select(leads.c.status_id, leads.c.statuses_held).where(leads.c.id == lead_id)
    ).one()
    if row.status_id == status.id:
        return
    conn.execute(
        insert(lead_status_history).values(
            lead_id=lead_id,
            from_status_id=row.status_id,
            to_status_id=status.id,
            at=at,
            by_associate_id=by_associate_id,
        )
    )
    conn.execute(
        update(leads)
        .where(leads.c.id == lead_id)
        .values(status_id=status.id, status_since=at, statuses_held=row.statuses_held | status.bit)
    )


CREATED_VIA = ("form", "chat", "import", "api", "manual")


@dataclass
class NewLead:
    """Everything a new lead can start with; tuples and sources are written once (SPEC 1.1)."""

    created_via: str
    created_at: datetime  # aware
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    job_title: str | None = None
    company_id: int | None = None
    country: str | None = None
    owner_id: int | None = None
    created_by_form_id: int | None = None
    chat_session_id: int | None = None
    first_touch: Visit | None = None
    creation: Visit | None = None
    # For leads that did not come from the web: the source the caller or import gives.
    given_source: str | None = None
    given_medium: str | None = None
    given_campaign: str | None = None
    channel: str | None = None  # a channel name set by an import preset; else derived
    external_id: str | None = None
    origin: str | None = None
    custom: dict[str, Any] | None = None


def normalise_email(email: str | None) -> str | None:
    """The dedupe key: trimmed, lower case (SPEC 1.1)."""
    if email is None:
        return None
    return email.strip().lower() or None


# Built once (a capture runs them): building and keying a statement costs more than running it.
LEAD_BY_EMAIL = (
    select(leads.c.id).where(leads.c.email == bindparam("email")).order_by(leads.c.id).limit(1)
)
NEW_LEAD = insert(leads).returning(leads.c.id)
NEW_HISTORY = insert(lead_status_history)


def find_lead_by_email(conn: Connection, email: str | None) -> int | None:
    email = normalise_email(email)
    if email is None:
        return None
    return conn.execute(LEAD_BY_EMAIL, {"email": email}).scalar()


def derive_channel(
    created_via: str, creation: Visit | None, preset_channel: str | None, rules: ChannelRules
) -> tuple[str, str]:
    """(channel key, where it came from): a preset's map, the rules, or created_via (SPEC 6.4)."""
    if preset_channel:
        return channel_key(preset_channel), "preset"
    # SPEC 6.4: a form lead (its tuple is from the web) and any lead with a source or a medium
    # are classified by the rules, a missing value being `(not set)` as in GA4 (a tag with
    # only a source or only a medium counts); a lead with neither gets its channel from
    # created_via.
    if has_tag_half(creation) or created_via not in CREATED_VIA_CHANNELS:
        visit = creation or Visit()
        channel = rules.classify(visit.source, visit.medium, visit.campaign)
        return channel_key(channel), "rules"
    return channel_key(CREATED_VIA_CHANNELS[created_via]), "created_via"


def lead_row(new: NewLead, open_status: Status, rules: ChannelRules) -> dict[str, Any]:
    """The leads row for a new lead (shared by single creates and bulk imports)."""
    if new.created_via not in CREATED_VIA:
        raise ValueError(f"created_via must be one of {', '.join(CREATED_VIA)}")
    creation = new.creation
    if creation is None and (tag_value(new.given_source) or tag_value(new.given_medium)):
        # A source or medium given by an import or the API is kept as the lead-creation tuple,
        # so the channel can be derived again when the rules change.
        creation = Visit(
            source=tag_value(new.given_source),
            medium=tag_value(new.given_medium),
            campaign=tag_value(new.given_campaign),
        )
    creation_source, first_contact_source = lead_sources(
        new.created_via, creation, new.first_touch, new.given_source
    )
    channel, channel_origin = derive_channel(new.created_via, creation, new.channel, rules)
    created = to_db(new.created_at)
    return {
        "external_id": new.external_id,
        "origin": new.origin,
        "first_name": new.first_name,
        "last_name": new.last_name,
        "email": normalise_email(new.email),
        "phone": new.phone,
        "job_title": new.job_title,
        "company_id": new.company_id,
        "country": new.country.strip().upper() if new.country else None,
        "owner_id": new.owner_id,
        "status_id": open_status.id,
        "status_since": created,
        "statuses_held": open_status.bit,
        "created_at": created,
        "created_via": new.created_via,
        "created_by_form_id": new.created_by_form_id,
        "chat_session_id": new.chat_session_id,
        **_tuple(new.first_touch, "ft"),
        **_tuple(creation, "lc"),
        "creation_source": creation_source,
        "first_contact_source": first_contact_source,
        "channel": channel,
        "channel_origin": channel_origin,
        "custom": new.custom,
    }


def _tuple(visit: Visit | None, prefix: str) -> dict[str, Any]:
    columns = (visit or Visit()).columns(prefix)
    at = columns[f"{prefix}_at"]
    columns[f"{prefix}_at"] = to_db(at) if isinstance(at, datetime) else None
    return columns


def create_lead(
    conn: Connection,
    new: NewLead,
    by_associate_id: int | None = None,
    rules: ChannelRules | None = None,
    open_status: Status | None = None,
) -> int:
    """Insert a lead at Open with its first history row; call inside the caller's transaction
    (`open_status` and `rules` when the caller read them already)."""
    open_status = open_status or get_status(conn, "open")
    row = lead_row(new, open_status, rules or effective_rules(conn))
    # The values as parameters of a bare INSERT, not .values(): SQLAlchemy then compiles the
    # statement once for these columns instead of building ~40 bound parameters per lead (the
    # largest share of a capture's CPU).
    lead_id = int(conn.execute(NEW_LEAD, row).scalar_one())
    conn.execute(
        NEW_HISTORY,
        {
            "lead_id": lead_id,
            "from_status_id": None,
            "to_status_id": open_status.id,
            "at": row["created_at"],
            "by_associate_id": by_associate_id,
        },
    )
    return lead_id
