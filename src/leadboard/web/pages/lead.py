"""The lead page's data (`/leads/{id}` and its JSON twin `/leads/{id}.json`).

Contact, company, owner, status with its history, the first-touch and lead-creation tuples, the
channel, the form or chat it came from, and its sales. Times are ISO 8601 in the organisation's
timezone; keys come with their translated labels.
"""

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Connection, select

from leadboard.db.schema import (
    associate_groups,
    associates,
    chat_sessions,
    companies,
    forms,
    lead_status_history,
    lead_statuses,
    leads,
    sales,
)
from leadboard.db.times import from_db
from leadboard.domain.channels import channel_label, rule_channel_names
from leadboard.domain.sales import amount_text
from leadboard.semantic.keys import ENUM_LABELS, country_name

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


def lead_json(conn: Connection, lead_id: int, lang: str, tz: tzinfo) -> dict[str, Any] | None:
    owner = associates.alias("owner")
    row = conn.execute(
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
    ).first()
    if row is None:
        return None
    country = row.country or row.company_country
    name = " ".join(p for p in (row.first_name, row.last_name) if p) or None
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
        "history": history(conn, lead_id, lang, tz),
        "created_at": _iso(row.created_at, tz),
        "created_via": {
            "key": row.created_via,
            "label": ENUM_LABELS["created_via"][lang].get(row.created_via, row.created_via),
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
        "chat": chat(conn, row.chat_session_id, tz) if row.chat_session_id else None,
        "first_touch": attribution(row, "ft", tz),
        "lead_creation": attribution(row, "lc", tz),
        "sales": lead_sales(conn, lead_id, lang, tz),
        "anonymised_at": _iso(row.anonymised_at, tz),
    }


def attribution(row: Any, prefix: str, tz: tzinfo) -> dict[str, Any] | None:
    values = {f: getattr(row, f"{prefix}_{f}") for f in TUPLE_FIELDS}
    if not any(values.values()):
        return None
    values["at"] = _iso(values["at"], tz)
    return values


def history(conn: Connection, lead_id: int, lang: str, tz: tzinfo) -> list[dict[str, Any]]:
    before, after = lead_statuses.alias("before"), lead_statuses.alias("after")
    by = associates.alias("by")
    rows = conn.execute(
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
    return [
        {
            "at": _iso(r.at, tz),
            "from": _status(r, "from_", lang),
            "to": _status(r, "to_", lang),
            "by": r.by_name,
        }
        for r in rows
    ]


def chat(conn: Connection, chat_id: int, tz: tzinfo) -> dict[str, Any] | None:
    agent = associates.alias("agent")
    row = conn.execute(
        select(chat_sessions, agent.c.name.label("agent_name"))
        .select_from(chat_sessions.outerjoin(agent, agent.c.id == chat_sessions.c.agent_id))
        .where(chat_sessions.c.id == chat_id)
    ).first()
    if row is None:
        return None
    return {
        "id": row.id,
        "visitor_name": row.visitor_name,
        "visitor_email": row.visitor_email,
        "agent": row.agent_name,
        "started_at": _iso(row.started_at, tz),
        "ended_at": _iso(row.ended_at, tz),
    }


def lead_sales(conn: Connection, lead_id: int, lang: str, tz: tzinfo) -> list[dict[str, Any]]:
    owner = associates.alias("sale_owner")
    rows = conn.execute(
        select(sales, owner.c.name.label("owner_name"))
        .select_from(sales.outerjoin(owner, owner.c.id == sales.c.owner_id))
        .where(sales.c.lead_id == lead_id)
        .order_by(sales.c.sale_date.desc(), sales.c.id)
    )
    return [
        {
            "id": r.id,
            "title": r.title,
            "status": r.status,
            "status_label": ENUM_LABELS["sale_status"][lang].get(r.status, r.status),
            "amount": amount_text(int(r.amount_cents)),  # a decimal string, as in the REST API
            "currency": r.currency,
            "stage": r.stage,
            "probability": r.probability,
            "sale_date": _iso(r.sale_date, tz),
            "owner": r.owner_name,
        }
        for r in rows
    ]
