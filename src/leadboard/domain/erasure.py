"""GDPR erasure that keeps the figures (SPEC 9.7): wipe a contact, keep what dashboards count.

An erased lead keeps its row, status, status history, owner, company, country, created_at,
attribution tuples (source, medium, campaign, term, content, referrer domain, click-id kind),
channel and sales, so every tile counts exactly what it counted before. What identifies the
person goes: names, email, phone, job title, the external id, custom fields, click ids, and
in its form submissions the payload (everything the visitor typed) and the error text (which
may quote it), in its chats the visitor's name, email and company. Answers the REST API kept
for idempotent retries lose the same values, and the capture endpoint's Idempotency-Keys of
its posts (each keeps a hash of the post's fields) are deleted. Leadboard stores no IP address
or user agent (the capture endpoint uses the address only for its rate limit, in memory).

Every erasure writes one `erasures` row: who, when, how (cli, api) and which kinds of fields
were cleared, never the values. Erasing an erased lead again is refused (409).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from leadboard.db.schema import (
    associates,
    capture_keys,
    chat_sessions,
    erasures,
    form_submissions,
    idempotency_keys,
    leads,
)
from leadboard.db.times import to_db
from leadboard.domain.emails import normalise_email
from leadboard.domain.errors import Conflict, FieldError, NotFound

# The lead's columns that hold personal data; set to NULL (all are nullable).
LEAD_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "external_id",
    "custom",
    "ft_click_id",
    "lc_click_id",
)
SUBMISSION_FIELDS = ("payload", "error", "visit_click_id")
CHAT_FIELDS = ("visitor_name", "visitor_email", "visitor_company")
VIA = ("cli", "api")


@dataclass(frozen=True)
class Erasure:
    lead_id: int
    erased_at: datetime  # naive UTC, as stored
    submissions: int  # form submissions wiped
    chats: int  # chat sessions wiped


def erase_lead(
    conn: Connection, lead_id: int, now: datetime, by_associate_id: int | None, via: str
) -> Erasure:
    """Wipe one lead's personal data in the caller's transaction and record who did it."""
    if via not in VIA:
        raise ValueError(f"via must be one of {VIA}")
    row = conn.execute(
        select(*(leads.c[name] for name in LEAD_FIELDS), leads.c.anonymised_at)
        .where(leads.c.id == lead_id)
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound("lead_id", f"no lead with id {lead_id}")
    if row.anonymised_at is not None:
        raise Conflict("lead_id", f"lead {lead_id} was erased already")
    moment = to_db(now)
    # The values to scrub from stored API answers: every personal text the lead had.
    values = dict(zip(LEAD_FIELDS, row, strict=False))
    personal = {value for value in values.values() if isinstance(value, str) and value}
    personal |= {" ".join(p for p in (row.first_name, row.last_name) if p)} - {""}
    personal |= _chat_values(conn, lead_id)

    conn.execute(
        update(leads)
        .where(leads.c.id == lead_id)
        .values({**dict.fromkeys(LEAD_FIELDS), "anonymised_at": moment})
    )
    submissions = conn.execute(
        update(form_submissions)
        .where(form_submissions.c.lead_id == lead_id)
        .values(dict.fromkeys(SUBMISSION_FIELDS))
    ).rowcount
    chats = conn.execute(
        update(chat_sessions)
        .where(chat_sessions.c.lead_id == lead_id)
        .values(dict.fromkeys(CHAT_FIELDS))
    ).rowcount
    orphan_ids = _erase_orphan_submissions(conn, row.email) if row.email else []
    orphans = len(orphan_ids)
    # A capture's Idempotency-Key keeps a hash of the post's fields: personal data too.
    own = select(form_submissions.c.id).where(form_submissions.c.lead_id == lead_id)
    conn.execute(
        delete(capture_keys).where(
            or_(capture_keys.c.submission_id.in_(own), capture_keys.c.submission_id.in_(orphan_ids))
        )
    )
    answers = _scrub_stored_answers(conn, personal)
    by_email = None
    if by_associate_id is not None:
        by_email = conn.execute(
            select(associates.c.email).where(associates.c.id == by_associate_id)
        ).scalar()
    conn.execute(
        insert(erasures).values(
            lead_id=lead_id,
            erased_at=moment,
            by_associate_id=by_associate_id,
            by_email=by_email,
            via=via,
            cleared={
                "lead": [name for name, value in values.items() if value],
                "submissions": submissions + orphans,
                "chats": chats,
                "stored_answers": answers,
            },
        )
    )
    return Erasure(lead_id, moment, submissions + orphans, chats)


def leads_with_email(conn: Connection, email: str) -> list[int]:
    """The ids of the not yet erased leads with this email (stored lower case), oldest first."""
    address = normalise_email(email)
    if not address:
        raise FieldError("email", "give an email address")
    return list(
        conn.execute(
            select(leads.c.id)
            .where(leads.c.email == address, leads.c.anonymised_at.is_(None))
            .order_by(leads.c.id)
        ).scalars()
    )


def erasure_log(conn: Connection, lead_id: int | None = None) -> list[dict[str, Any]]:
    """The audit rows, newest first (of one lead, or all)."""
    query = select(erasures).order_by(erasures.c.erased_at.desc(), erasures.c.id.desc())
    if lead_id is not None:
        query = query.where(erasures.c.lead_id == lead_id)
    return [dict(row._mapping) for row in conn.execute(query)]


def erased_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(erasures)).scalar_one())


def _chat_values(conn: Connection, lead_id: int) -> set[str]:
    rows = conn.execute(
        select(*(chat_sessions.c[name] for name in CHAT_FIELDS)).where(
            chat_sessions.c.lead_id == lead_id
        )
    )
    return {value for row in rows for value in row if isinstance(value, str) and value}


def _erase_orphan_submissions(conn: Connection, email: str) -> list[int]:
    """Posts by the same address that made no lead (failed ones keep their payload for a retry)
    are the person's data too. Their payloads are JSON, compared in Python on both engines."""
    rows = conn.execute(
        select(form_submissions.c.id, form_submissions.c.payload).where(
            form_submissions.c.lead_id.is_(None)
        )
    ).all()
    ids = [
        row.id
        for row in rows
        if isinstance(row.payload, dict)
        and isinstance(row.payload.get("email"), str)
        and normalise_email(row.payload["email"]) == email
    ]
    if ids:
        conn.execute(
            update(form_submissions)
            .where(form_submissions.c.id.in_(ids))
            .values(dict.fromkeys(SUBMISSION_FIELDS))
        )
    return ids


def _scrub_stored_answers(conn: Connection, personal: set[str]) -> int:
    """Replace the personal values in the answers kept for Idempotency-Key retries with null;
    a retry then gets the erased lead, as a read would."""
    if not personal:
        return 0
    changed = 0
    rows = conn.execute(
        select(idempotency_keys.c.token_id, idempotency_keys.c.key, idempotency_keys.c.response)
    ).all()
    for row in rows:
        scrubbed = _scrub(row.response, personal)
        if scrubbed != row.response:
            conn.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.token_id == row.token_id)
                .where(idempotency_keys.c.key == row.key)
                .values(response=scrubbed)
            )
            changed += 1
    return changed


def _scrub(value: Any, personal: set[str]) -> Any:
    if isinstance(value, dict):
        return {key: _scrub(item, personal) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, personal) for item in value]
    if isinstance(value, str) and value in personal:
        return None
    return value
