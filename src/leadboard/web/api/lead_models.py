"""Request and response models of the leads API (input ≠ storage ≠ output, DESIGN habit 8)."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from leadboard.db.times import from_db
from leadboard.domain.attribution import Visit
from leadboard.web.api.models import (
    MEDIUM_NEEDS_SOURCE,
    ORIGIN_NEEDS_EXTERNAL_ID,
    Country,
    Email,
    Moment,
    Text64,
    Text100,
    Text200,
    Text300,
    given,
)


class LeadIn(BaseModel):
    """A new lead. Give at least an email, a name or a phone number."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "email": "ann.jansen@example.nl",
                    "first_name": "Ann",
                    "last_name": "Jansen",
                    "company": "Jansen BV",
                    "country": "NL",
                    "owner": "sam@example.com",
                    "source": "linkedin",
                    "medium": "cpc",
                    "campaign": "spring-2026",
                    "external_id": "crm-4711",
                    "origin": "crm",
                }
            ],
            # At least one way to reach the lead.
            "allOf": [
                {"anyOf": [given(name) for name in ("email", "first_name", "last_name", "phone")]},
                ORIGIN_NEEDS_EXTERNAL_ID,
                MEDIUM_NEEDS_SOURCE,
            ],
        },
    )
    email: Email | None = Field(None, description="The dedupe key: one lead per email")
    first_name: Text200 | None = None
    last_name: Text200 | None = None
    phone: Text64 | None = None
    job_title: Text200 | None = None
    company: Text300 | None = Field(
        None, description="Company name: the company with exactly this name, else a new one"
    )
    country: Country | None = None
    owner: Email | None = Field(None, description="Email of the owning associate")
    created_via: Literal["api", "manual"] = "api"
    created_at: Moment | None = Field(
        None, description="When the lead came in (not in the future); default: now"
    )
    source: Text200 | None = Field(
        None,
        description="Lead creation source: it sets the channel by the GA4 rules, with `medium` "
        "or alone (the medium then being `(not set)`)",
    )
    medium: Text200 | None = None
    campaign: Text200 | None = Field(None, description="The utm_campaign value")
    external_id: Text200 | None = Field(
        None, description="The lead's id in another system; unique within `origin`"
    )
    origin: Text100 | None = Field(
        None, description="The system `external_id` comes from (default `api` when one is given)"
    )


class LeadPatch(BaseModel):
    """Fields to change; a field left out stays, `null` clears it. Sources, tuples, channel and
    created_at are written once, when the lead is created, and cannot be changed."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"job_title": "CFO", "owner": "sam@example.com"}]},
    )
    email: Email | None = None
    first_name: Text200 | None = None
    last_name: Text200 | None = None
    phone: Text64 | None = None
    job_title: Text200 | None = None
    company: Text300 | None = None
    country: Country | None = None
    owner: Email | None = None


class StatusChangeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"status": "qualified", "at": "2026-03-02T10:15:00Z"}]},
    )
    status: Text64 = Field(description="A lead status key, e.g. `contacting` or `qualified`")
    at: Moment | None = Field(
        None,
        description="When the change happened (not in the future, not before the current "
        "status began); default: now",
    )


class VisitOut(BaseModel):
    """An attribution tuple (SPEC 1.1)."""

    source: str | None
    medium: str | None
    campaign: str | None
    term: str | None
    content: str | None
    utm_id: str | None
    referrer_domain: str | None
    click_id_param: str | None
    click_id: str | None
    at: datetime | None


class CompanyRef(BaseModel):
    id: int
    name: str


class LeadOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "external_id": "crm-4711",
                    "origin": "crm",
                    "email": "ann.jansen@example.nl",
                    "first_name": "Ann",
                    "last_name": "Jansen",
                    "phone": None,
                    "job_title": None,
                    "company": {"id": 3, "name": "Jansen BV"},
                    "country": "NL",
                    "owner": "sam@example.com",
                    "status": "open",
                    "status_since": "2026-03-01T09:30:00Z",
                    "created_at": "2026-03-01T09:30:00Z",
                    "created_via": "api",
                    "created_by_form_id": None,
                    "chat_session_id": None,
                    "creation_source": "linkedin",
                    "first_contact_source": "linkedin",
                    "channel": "paid-social",
                    "channel_origin": "rules",
                    "lead_creation": {
                        "source": "linkedin",
                        "medium": "cpc",
                        "campaign": "spring-2026",
                        "term": None,
                        "content": None,
                        "utm_id": None,
                        "referrer_domain": None,
                        "click_id_param": None,
                        "click_id": None,
                        "at": None,
                    },
                    "first_touch": None,
                    "anonymised_at": None,
                    "erased": False,
                    "custom": None,
                }
            ]
        }
    )
    id: int
    external_id: str | None
    origin: str | None
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    job_title: str | None
    company: CompanyRef | None
    country: str | None
    owner: str | None = Field(description="The owner's email")
    status: str = Field(description="The lead status key")
    status_since: datetime
    created_at: datetime
    created_via: str
    created_by_form_id: int | None
    chat_session_id: int | None
    creation_source: str | None
    first_contact_source: str | None
    channel: str | None = Field(description="Channel key, e.g. `organic-search`")
    channel_origin: str | None = Field(description="rules, preset or created_via")
    lead_creation: VisitOut | None
    first_touch: VisitOut | None
    anonymised_at: datetime | None
    erased: bool = Field(
        default=False,
        description="GDPR-erased (DELETE ?erase=true): the contact's personal fields are null",
    )
    custom: dict[str, Any] | None = Field(
        description="Attributes without a field of their own (e.g. from an import)"
    )


class FormRef(BaseModel):
    key: str
    name: str


class ConversionOut(BaseModel):
    """A later form post of the lead's contact (SPEC 6.1): the lead's own tuples stay as they
    were, the post keeps the visit it came with."""

    submission_id: int
    submitted_at: datetime
    form: FormRef
    visit: VisitOut | None = Field(description="The visit tuple of the post (null: none known)")


class LeadConversions(BaseModel):
    """A lead's conversions, oldest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "lead_id": 12,
                    "conversions": [
                        {
                            "submission_id": 88,
                            "submitted_at": "2026-04-02T14:05:00Z",
                            "form": {"key": "contact", "name": "Contact us"},
                            "visit": {
                                "source": "google",
                                "medium": "cpc",
                                "campaign": "brand",
                                "term": None,
                                "content": None,
                                "utm_id": None,
                                "referrer_domain": "google.com",
                                "click_id_param": "gclid",
                                "click_id": "abc123",
                                "at": "2026-04-02T14:01:00Z",
                            },
                        }
                    ],
                }
            ]
        }
    )
    lead_id: int
    conversions: list[ConversionOut]


class LeadPage(BaseModel):
    leads: list[LeadOut]
    total: int = Field(description="How many leads match the filters in all")
    page: int
    page_size: int


class AssociateRef(BaseModel):
    id: int
    email: str
    name: str


class HistoryEntry(BaseModel):
    from_status: str | None = Field(description="null for the first entry (lead created)")
    to_status: str
    at: datetime
    by: AssociateRef | None = Field(description="Who made the change (null: an integration)")


class LeadHistory(BaseModel):
    lead_id: int
    history: list[HistoryEntry]


def _moment(value: datetime | None) -> datetime | None:
    return from_db(value) if value is not None else None


def _visit(row: Any, prefix: str) -> VisitOut | None:
    values = {name: getattr(row, f"{prefix}_{name}") for name in Visit.__dataclass_fields__}
    if all(value is None for value in values.values()):
        return None
    values["at"] = _moment(values["at"])
    return VisitOut(**values)


def lead_out(row: Any) -> LeadOut:
    """A row of `lead_query()` -> the API's lead."""
    return LeadOut(
        id=row.id,
        external_id=row.external_id,
        origin=row.origin,
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        phone=row.phone,
        job_title=row.job_title,
        company=CompanyRef(id=row.company_id, name=row.company_name)
        if row.company_id is not None
        else None,
        country=row.country,
        owner=row.owner_email,
        status=row.status_key,
        status_since=from_db(row.status_since),
        created_at=from_db(row.created_at),
        created_via=row.created_via,
        created_by_form_id=row.created_by_form_id,
        chat_session_id=row.chat_session_id,
        creation_source=row.creation_source,
        first_contact_source=row.first_contact_source,
        channel=row.channel,
        channel_origin=row.channel_origin,
        lead_creation=_visit(row, "lc"),
        first_touch=_visit(row, "ft"),
        anonymised_at=_moment(row.anonymised_at),
        erased=row.anonymised_at is not None,
        custom=row.custom if isinstance(row.custom, dict) else None,
    )


def history_entry(row: Any) -> HistoryEntry:
    by = AssociateRef(id=row.by_id, email=row.by_email, name=row.by_name) if row.by_id else None
    return HistoryEntry(from_status=row.from_key, to_status=row.to_key, at=from_db(row.at), by=by)


def conversion_out(row: Any) -> ConversionOut:
    """A row of `domain.lead_detail.conversion_rows` -> the API's conversion."""
    return ConversionOut(
        submission_id=row.id,
        submitted_at=from_db(row.submitted_at),
        form=FormRef(key=row.form_key, name=row.form_name),
        visit=_visit(row, "visit"),
    )
