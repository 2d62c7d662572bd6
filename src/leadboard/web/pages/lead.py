"""The lead page's data (`/leads/{id}` and its JSON twin `/leads/{id}.json`).

Contact, company, owner, status with its history, the first-touch and lead-creation tuples, the
channel, the form or chat it came from, its sales and its conversions (later form posts with the
visit tuple each came with). The rows come from the domain (domain/lead_detail.py, which also
applies the viewer's rights); here they get their labels: times are ISO 8601 in the
organisation's timezone, keys come with their translated labels.
"""

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Connection

from leadboard.db.times import from_db
from leadboard.domain.channels import channel_label, rule_channel_names
from leadboard.domain.lead_detail import lead_detail
from leadboard.domain.sales import amount_text
from leadboard.i18n import t
from leadboard.semantic.keys import country_name, enum_label
from leadboard.semantic.spec import ALL, Scope

TUPLE_FIELDS = (
    "source",
    "medium",
    "campaign",
    "term",
    "content",
    "utm_id",
    "referrer_domain",
    "click_id_param",
    "click_id",
    "at",
)


def _iso(moment: datetime | None, tz: tzinfo) -> str | None:
    return from_db(moment).astimezone(tz).isoformat() if moment else None


def _status(row: Any, prefix: str, lang: str) -> dict[str, str] | None:
    key = getattr(row, f"{prefix}key")
    if key is None:
        return None
    name = getattr(row, f"{prefix}name_nl" if lang == "nl" else f"{prefix}name_en")
    return {"key": key, "label": name}


def lead_json(
    conn: Connection,
    lead_id: int,
    lang: str,
    tz: tzinfo,
    scope: Scope = ALL,
) -> dict[str, Any] | None:
    """The lead as the page and its twin show it; None when unknown or outside the viewer's
    lead rights; its sales only those within the sales rights."""
    detail = lead_detail(conn, lead_id, scope.leads, scope.sales)
    if detail is None:
        return None
    row = detail.row
    country = row.country or row.company_country
    name = " ".join(p for p in (row.first_name, row.last_name) if p) or None
    if row.anonymised_at is not None:  # GDPR-erased: no name left
        name = t(lang, "lead.erased")
    return {
        "id": row.id,
        "external_id": row.external_id,
        "name": name,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "email": row.email,
        "phone": row.phone,
        "job_title": row.job_title,
        "country": country,
        "country_name": country_name(country, lang) if country else None,
        "company": {
            "id": row.company_id,
            "name": row.company_name,
            "country": row.company_country,
            "category": row.company_category,
        }
        if row.company_id
        else None,
        "owner": {"email": row.owner_email, "name": row.owner_name, "group": row.owner_group}
        if row.owner_id
        else None,
        "status": {
            "key": row.status_key,
            "label": row.status_name_nl if lang == "nl" else row.status_name_en,
            "since": _iso(row.status_since, tz),
        },
        "history": [history_entry(r, lang, tz) for r in detail.history],
        "created_at": _iso(row.created_at, tz),
        "created_via": {
            "key": row.created_via,
            "label": enum_label("created_via", row.created_via, lang),
        },
        "channel": {
            "key": row.channel,
            "label": channel_label(row.channel, lang, rule_channel_names(conn))
            if row.channel
            else None,
            "origin": row.channel_origin,
        },
        "creation_source": row.creation_source,
        "first_contact_source": row.first_contact_source,
        "form": {"key": row.form_key, "name": row.form_name} if row.form_key else None,
        "chat": chat(detail.chat, tz) if detail.chat is not None else None,
        "first_touch": attribution(row, "ft", tz),
        "lead_creation": attribution(row, "lc", tz),
        "sales": [sale(r, lang, tz) for r in detail.sales],
        "conversions": [conversion(r, tz) for r in detail.conversions],
        "anonymised_at": _iso(row.anonymised_at, tz),
    }


def attribution(row: Any, prefix: str, tz: tzinfo) -> dict[str, Any] | None:
    values = {f: getattr(row, f"{prefix}_{f}") for f in TUPLE_FIELDS}
    if not any(values.values()):
        return None
    values["at"] = _iso(values["at"], tz)
    return values


def history_entry(r: Any, lang: str, tz: tzinfo) -> dict[str, Any]:
    return {
        "at": _iso(r.at, tz),
        "from": _status(r, "from_", lang),
        "to": _status(r, "to_", lang),
        "by": r.by_name,
    }


def chat(row: Any, tz: tzinfo) -> dict[str, Any]:
    return {
        "id": row.id,
        "visitor_name": row.visitor_name,
        "visitor_email": row.visitor_email,
        "agent": row.agent_name,
        "started_at": _iso(row.started_at, tz),
        "ended_at": _iso(row.ended_at, tz),
    }


def sale(r: Any, lang: str, tz: tzinfo) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "status": r.status,
        "status_label": enum_label("sale_status", r.status, lang),
        "amount": amount_text(int(r.amount_cents)),  # a decimal string, as in the REST API
        "currency": r.currency,
        "stage": r.stage,
        "probability": r.probability,
        "sale_date": _iso(r.sale_date, tz),
        "owner": r.owner_name,
    }


def conversion(r: Any, tz: tzinfo) -> dict[str, Any]:
    """A later form post of the lead's contact: when, which form, and its visit tuple (null when
    the post carried no attribution at all)."""
    return {
        "submission_id": r.id,
        "submitted_at": _iso(r.submitted_at, tz),
        "form": {"key": r.form_key, "name": r.form_name},
        "visit": attribution(r, "visit", tz),
    }
