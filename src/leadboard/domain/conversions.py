"""Form submissions (SPEC 6.1): a new lead, or a conversion of a contact we already know.

Same email => conversion: the submission row carries the visit tuple and `is_conversion`, the
lead's first-touch and lead-creation tuples stay as they were. New email => a new lead at Open,
created_via form, created_by_form, with the post's first touch (or, without one, the current
visit) and the current visit as its lead-creation tuple.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from leadboard.db.schema import form_submissions, forms
from leadboard.db.times import from_db, to_db
from leadboard.domain.attribution import Visit
from leadboard.domain.channels import ChannelRules
from leadboard.domain.errors import FieldError
from leadboard.domain.intake import CONTACT_FIELDS, Contact, contact_from
from leadboard.domain.lead_updates import company_id
from leadboard.domain.leads import NewLead, create_lead, find_lead_by_email
from leadboard.domain.statuses import Status
from leadboard.domain.tracking import Tracking

MAX_CUSTOM_TEXT = 10_000  # a free-text field (a message); the whole body is at most 64 KiB
MAX_ERROR_TEXT = 2000


@dataclass(frozen=True)
class Form:
    id: int
    key: str
    name: str
    active: bool
    allowed_origins: tuple[str, ...]
    fields: tuple[tuple[str, bool], ...]  # (name, required)
    thank_you_url: str | None


def form_fields(raw: object) -> tuple[tuple[str, bool], ...]:
    """forms.fields: a list of {"name", "required"} objects (or plain names)."""
    found: list[tuple[str, bool]] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            found.append((item, False))
        elif isinstance(item, Mapping) and isinstance(item.get("name"), str):
            found.append((item["name"], bool(item.get("required"))))
    return tuple(found)


def find_form(conn: Connection, key: str) -> Form | None:
    row = conn.execute(select(forms).where(forms.c.key == key)).first()
    return None if row is None else form_of(row)


def form_of(row: Any) -> Form:
    """A forms row as a Form."""
    origins = row.allowed_origins if isinstance(row.allowed_origins, list) else []
    return Form(
        id=row.id,
        key=row.key,
        name=row.name,
        active=bool(row.active),
        allowed_origins=tuple(o for o in origins if isinstance(o, str)),
        fields=form_fields(row.fields),
        thank_you_url=row.thank_you_url,
    )


@dataclass(frozen=True)
class Submission:
    """A checked post: who (contact), what they filled in (payload), where from (tracking)."""

    form_id: int
    contact: Contact
    payload: dict[str, Any]
    tracking: Tracking


def read_fields(form: Form, fields: Mapping[str, object]) -> tuple[Contact, dict[str, Any]]:
    """The contact and the stored payload of a post; FieldError names the first bad field.

    The payload keeps the contact fields and the form's own fields (e.g. `message`); other
    names (tracking fields, the honeypot, stray inputs) are not stored.
    """
    declared = dict(form.fields)
    for name, required in form.fields:
        value = fields.get(name)
        if required and (value is None or (isinstance(value, str) and not value.strip())):
            raise FieldError(name, "is required")
    texts: dict[str, str | None] = {}
    for name in CONTACT_FIELDS:
        value = fields.get(name)
        if value is not None and not isinstance(value, str):
            raise FieldError(name, "must be a string")
        texts[name] = value
    contact = contact_from(texts)
    payload: dict[str, Any] = {
        name: value.strip() for name, value in texts.items() if value and value.strip()
    }
    payload["email"] = contact.email
    for name in declared:
        if name in CONTACT_FIELDS or name not in fields:
            continue
        value = fields[name]
        if isinstance(value, str) and len(value) > MAX_CUSTOM_TEXT:
            raise FieldError(name, f"at most {MAX_CUSTOM_TEXT} characters")
        payload[name] = value
    return contact, payload


@dataclass(frozen=True)
class Outcome:
    submission_id: int
    lead_id: int
    conversion: bool


def _visit_columns(visit: Visit) -> dict[str, Any]:
    columns = visit.columns("visit")
    if isinstance(visit.at, datetime):
        columns["visit_at"] = to_db(visit.at)
    return columns


def lock_email(conn: Connection, email: str) -> None:
    """Serialise posts by the same address, so two at once never make two leads.

    PostgreSQL: a transaction-scoped advisory lock. SQLite needs none: the submission row is
    written before the address is looked up, and SQLite lets one writer in at a time.
    """
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big", signed=True)
        conn.execute(select(func.pg_advisory_xact_lock(key)))


# Built once: a capture runs them, and building (and keying) a statement per post costs more
# than running it.
NEW_SUBMISSION = insert(form_submissions).returning(form_submissions.c.id)
SUBMISSION_PROCESSED = update(form_submissions).where(
    form_submissions.c.id == bindparam("submission_id")
)


def record_submission(
    conn: Connection,
    submission: Submission,
    now: datetime,
    rules: ChannelRules,
    open_status: Status | None = None,
) -> Outcome:
    """Store a submission and its lead or conversion; call inside one transaction (the Open
    status and the rules: as read in it, or kept under the current reference version)."""
    visit = submission.tracking.visit
    submission_id = int(
        conn.execute(
            NEW_SUBMISSION,
            {  # parameters, not .values(): compiled once (domain/leads.py create_lead)
                "form_id": submission.form_id,
                "status": "submitted",
                "is_conversion": False,
                "submitted_at": to_db(now),
                "payload": submission.payload,
                **_visit_columns(visit),
            },
        ).scalar_one()
    )
    return _attach_lead(conn, submission_id, submission, now, rules, open_status)


def _attach_lead(
    conn: Connection,
    submission_id: int,
    submission: Submission,
    now: datetime,
    rules: ChannelRules,
    open_status: Status | None = None,
) -> Outcome:
    """The stored submission's lead: a known contact (a conversion) or a new one."""
    visit = submission.tracking.visit
    contact = submission.contact
    lock_email(conn, contact.email)
    lead_id = find_lead_by_email(conn, contact.email)
    conversion = lead_id is not None
    if lead_id is None:
        company = company_id(conn, contact.company, contact.country) if contact.company else None
        lead_id = create_lead(
            conn,
            NewLead(
                created_via="form",
                created_at=now,
                email=contact.email,
                first_name=contact.first_name,
                last_name=contact.last_name,
                phone=contact.phone,
                job_title=contact.job_title,
                company_id=company,
                country=contact.country,
                created_by_form_id=submission.form_id,
                first_touch=submission.tracking.first_touch or visit,
                creation=visit,
            ),
            rules=rules,
            open_status=open_status,
        )
    conn.execute(
        SUBMISSION_PROCESSED,
        {
            "submission_id": submission_id,
            "lead_id": lead_id,
            "is_conversion": conversion,
            "status": "processed",
        },
    )
    return Outcome(submission_id, lead_id, conversion)


def record_failed(
    conn: Connection,
    form_id: int,
    payload: dict[str, Any],
    visit: Visit | None,
    now: datetime,
    error: str,
) -> int:
    """Keep a valid post whose processing failed, with its error (SPEC 6.1)."""
    return int(
        conn.execute(
            insert(form_submissions)
            .values(
                form_id=form_id,
                status="failed",
                error=error[:MAX_ERROR_TEXT],
                is_conversion=False,
                submitted_at=to_db(now),
                payload=payload,
                **(_visit_columns(visit) if visit is not None else {}),
            )
            .returning(form_submissions.c.id)
        ).scalar_one()
    )


def failed_submissions(conn: Connection, limit: int | None = None) -> list[int]:
    """Failed submissions, oldest first (the retry's work list)."""
    query = (
        select(form_submissions.c.id)
        .where(form_submissions.c.status == "failed")
        .order_by(form_submissions.c.id)
        .limit(limit)
    )
    return [int(i) for i in conn.execute(query).scalars()]


def retry_failed(conn: Connection, submission_id: int, rules: ChannelRules) -> Outcome | None:
    """Process a failed submission again, in place (call inside one transaction): its lead or
    conversion as of when it was submitted. None when it is no longer failed (a concurrent
    retry took it). FieldError when its stored fields no longer fit its form.

    The stored row keeps the payload and the current visit, not the first touch: a new lead
    made by a retry has the visit as its first touch too.
    """
    row = conn.execute(
        update(form_submissions)
        .where(form_submissions.c.id == submission_id, form_submissions.c.status == "failed")
        .values(status="submitted", error=None)
        .returning(form_submissions)
    ).first()
    if row is None:
        return None
    form_row = conn.execute(select(forms.c.key).where(forms.c.id == row.form_id)).one()
    form = find_form(conn, form_row.key)
    if form is None:  # the foreign key forbids it
        raise FieldError("form_id", f"no form {row.form_id}")
    contact, payload = read_fields(form, row.payload if isinstance(row.payload, dict) else {})
    names = Visit.__dataclass_fields__
    visit = Visit(**{name: getattr(row, f"visit_{name}") for name in names})
    if visit.at is not None:
        visit = replace(visit, at=from_db(visit.at))
    submitted = from_db(row.submitted_at)
    submission = Submission(form.id, contact, payload, Tracking(None, visit))
    return _attach_lead(conn, submission_id, submission, submitted, rules)


def record_retry_failure(conn: Connection, submission_id: int, error: str) -> None:
    """A retry that failed again: the submission stays failed, with the new error."""
    conn.execute(
        update(form_submissions)
        .where(form_submissions.c.id == submission_id)
        .values(status="failed", error=error[:MAX_ERROR_TEXT])
    )
