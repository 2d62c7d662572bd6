"""The catalog: entities, their fields (dimensions) and measures. Identifiers come only from here.

A field is an SQL expression plus the joins it needs and a type that decides its operators and how
its raw values become row keys and labels (see keys.py).
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, FromClause, exists, func, select
from sqlalchemy.sql.selectable import Join

from leadboard.db.schema import (
    associates,
    chat_sessions,
    companies,
    form_submissions,
    forms,
    leads,
    sales,
)

# Field types: the operators each accepts are in criteria.py; the key kinds in keys.py.
TEXT, FOLDED, ENUM, STATUS, ASSOCIATE, FORM, COUNTRY, BOOL, NUMBER, DATE = (
    "text",
    "folded",
    "enum",
    "status",
    "associate",
    "form",
    "country",
    "bool",
    "number",
    "date",
)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    expr: ColumnElement[Any]
    needs: tuple[str, ...] = ()  # joins, by name, in the entity's join order
    enum: str | None = None  # for ENUM fields: which list of keys (channel, created_via, ...)
    # Stored units per unit a user types: amounts are stored in cents and compared in currency
    # units, so a criterion's value is multiplied by this (criteria.py).
    scale: int = 1
    # Offered in the tile editor's criteria builder and group by; False for a field only the
    # product reads (statuses_held, the bits behind the `reached` operator of status).
    offered: bool = True


@dataclass(frozen=True)
class JoinDef:
    target: FromClause
    onclause: ColumnElement[Any]
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entity:
    name: str
    table: FromClause
    joins: dict[str, JoinDef]
    fields: dict[str, Field]
    measures: tuple[str, ...]
    date_fields: tuple[str, ...]
    # quick filter -> field name on this entity
    quick_filters: dict[str, str] = field(default_factory=dict)

    def field(self, name: str) -> Field:
        try:
            return self.fields[name]
        except KeyError:
            raise KeyError(f"entity {self.name!r} has no field {name!r}") from None

    def from_clause(self, used: list[Field]) -> FromClause:
        """The base table with just the outer joins the used fields need."""
        needed: set[str] = set()
        stack = [name for f in used for name in f.needs]
        while stack:
            name = stack.pop()
            if name not in needed:
                needed.add(name)
                stack.extend(self.joins[name].requires)
        clause: FromClause | Join = self.table
        for name, join in self.joins.items():  # dict order = dependency order
            if name in needed:
                clause = clause.outerjoin(join.target, join.onclause)
        return clause


lead_company = companies.alias("lead_company")
sale_company = companies.alias("sale_company")
lead_owner = associates.alias("lead_owner")
created_form = forms.alias("created_form")

_has_sale = exists(select(sales.c.id).where(sales.c.lead_id == leads.c.id))

LEADS = Entity(
    name="leads",
    table=leads,
    joins={
        "lead_company": JoinDef(lead_company, leads.c.company_id == lead_company.c.id),
    },
    fields={
        f.name: f
        for f in [
            Field("id", NUMBER, leads.c.id),
            Field("first_name", TEXT, leads.c.first_name),
            Field("last_name", TEXT, leads.c.last_name),
            Field("email", TEXT, leads.c.email),
            Field("job_title", TEXT, leads.c.job_title),
            Field("company", TEXT, lead_company.c.name, ("lead_company",)),
            Field(
                "country",
                COUNTRY,
                func.coalesce(leads.c.country, lead_company.c.country),
                ("lead_company",),
            ),
            Field("owner", ASSOCIATE, leads.c.owner_id),
            Field("status", STATUS, leads.c.status_id),
            Field("status_since", DATE, leads.c.status_since),
            Field("created_at", DATE, leads.c.created_at),
            Field("created_via", ENUM, leads.c.created_via, enum="created_via"),
            Field("form", FORM, leads.c.created_by_form_id),
            Field("campaign", FOLDED, leads.c.lc_campaign),
            Field("creation_source", FOLDED, leads.c.creation_source),
            Field("first_contact_source", FOLDED, leads.c.first_contact_source),
            Field("medium", FOLDED, leads.c.lc_medium),
            Field("referrer", FOLDED, leads.c.lc_referrer_domain),
            Field("channel", ENUM, leads.c.channel, enum="channel"),
            Field("has_sale", BOOL, _has_sale),
            # The statuses a lead has ever held, as bits; criteria use it through `reached`.
            Field("statuses_held", NUMBER, leads.c.statuses_held, offered=False),
            # GDPR-erased (domain/erasure.py): records show the lead as "Erased contact".
            Field("erased", BOOL, leads.c.anonymised_at.is_not(None), offered=False),
        ]
    },
    measures=("count",),
    date_fields=("created_at", "status_since"),
    quick_filters={"owner": "owner", "country": "country", "status": "status"},
)

SALES = Entity(
    name="sales",
    table=sales,
    joins={
        "lead": JoinDef(leads, sales.c.lead_id == leads.c.id),
        "lead_company": JoinDef(lead_company, leads.c.company_id == lead_company.c.id, ("lead",)),
        "sale_company": JoinDef(sale_company, sales.c.company_id == sale_company.c.id),
    },
    fields={
        f.name: f
        for f in [
            Field("id", NUMBER, sales.c.id),
            Field("title", TEXT, sales.c.title),
            Field("status", ENUM, sales.c.status, enum="sale_status"),
            Field("owner", ASSOCIATE, sales.c.owner_id),
            Field("amount", NUMBER, sales.c.amount_cents, scale=100),  # in the sale's currency
            Field("currency", TEXT, sales.c.currency),
            Field("stage", TEXT, sales.c.stage),
            Field("probability", NUMBER, sales.c.probability),
            Field("sale_date", DATE, sales.c.sale_date),
            Field("created_at", DATE, sales.c.created_at),
            Field("has_lead", BOOL, sales.c.lead_id.is_not(None)),
            Field("lead_status", STATUS, leads.c.status_id, ("lead",)),
            Field("creation_source", FOLDED, leads.c.creation_source, ("lead",)),
            Field("first_contact_source", FOLDED, leads.c.first_contact_source, ("lead",)),
            Field("campaign", FOLDED, leads.c.lc_campaign, ("lead",)),
            Field("channel", ENUM, leads.c.channel, ("lead",), enum="channel"),
            Field(
                "country",
                COUNTRY,
                func.coalesce(leads.c.country, lead_company.c.country, sale_company.c.country),
                ("lead", "lead_company", "sale_company"),
            ),
            Field(
                "company",
                TEXT,
                func.coalesce(sale_company.c.name, lead_company.c.name),
                ("lead", "lead_company", "sale_company"),
            ),
        ]
    },
    measures=("count", "amount", "weighted_amount"),
    date_fields=("sale_date", "created_at"),
    quick_filters={"owner": "owner", "country": "country", "status": "lead_status"},
)

# Form submissions and chats follow their lead: its owner, country and status are theirs (the
# owner, country and status quick filters and the rights scope apply through the lead, so a
# record without a lead is seen only with `all` rights; see Scope.owners).
_lead_of_submission = JoinDef(leads, form_submissions.c.lead_id == leads.c.id)
_lead_of_chat = JoinDef(leads, chat_sessions.c.lead_id == leads.c.id)
_lead_company = JoinDef(lead_company, leads.c.company_id == lead_company.c.id, ("lead",))
_lead_country = func.coalesce(leads.c.country, lead_company.c.country)

FORM_SUBMISSIONS = Entity(
    name="form_submissions",
    table=form_submissions,
    joins={"lead": _lead_of_submission, "lead_company": _lead_company},
    fields={
        f.name: f
        for f in [
            Field("id", NUMBER, form_submissions.c.id),
            Field("submitted_at", DATE, form_submissions.c.submitted_at),
            Field("form", FORM, form_submissions.c.form_id),
            Field("status", ENUM, form_submissions.c.status, enum="submission_status"),
            Field("is_conversion", BOOL, form_submissions.c.is_conversion),
            # The visit the submission came with (folded like the leads' tuples).
            Field("source", FOLDED, form_submissions.c.visit_source),
            Field("medium", FOLDED, form_submissions.c.visit_medium),
            Field("campaign", FOLDED, form_submissions.c.visit_campaign),
            Field("referrer", FOLDED, form_submissions.c.visit_referrer_domain),
            Field("has_lead", BOOL, form_submissions.c.lead_id.is_not(None)),
            Field("lead", NUMBER, form_submissions.c.lead_id),
            Field("owner", ASSOCIATE, leads.c.owner_id, ("lead",)),
            Field("country", COUNTRY, _lead_country, ("lead", "lead_company")),
            Field("lead_status", STATUS, leads.c.status_id, ("lead",)),
        ]
    },
    measures=("count",),
    date_fields=("submitted_at",),
    quick_filters={"owner": "owner", "country": "country", "status": "lead_status"},
)

CHATS = Entity(
    name="chats",
    table=chat_sessions,
    joins={"lead": _lead_of_chat, "lead_company": _lead_company},
    fields={
        f.name: f
        for f in [
            Field("id", NUMBER, chat_sessions.c.id),
            Field("started_at", DATE, chat_sessions.c.started_at),
            Field("ended_at", DATE, chat_sessions.c.ended_at),
            Field("agent", ASSOCIATE, chat_sessions.c.agent_id),
            Field("visitor_name", TEXT, chat_sessions.c.visitor_name),
            Field("visitor_company", TEXT, chat_sessions.c.visitor_company),
            Field("visitor_country", COUNTRY, chat_sessions.c.visitor_country),
            # The lead's country (its own, else its company's), else what the visitor gave.
            Field(
                "country",
                COUNTRY,
                func.coalesce(
                    leads.c.country, lead_company.c.country, chat_sessions.c.visitor_country
                ),
                ("lead", "lead_company"),
            ),
            Field("has_lead", BOOL, chat_sessions.c.lead_id.is_not(None)),
            Field("lead", NUMBER, chat_sessions.c.lead_id),
            Field("owner", ASSOCIATE, leads.c.owner_id, ("lead",)),
            Field("lead_status", STATUS, leads.c.status_id, ("lead",)),
        ]
    },
    measures=("count",),
    date_fields=("started_at", "ended_at"),
    quick_filters={"owner": "owner", "country": "country", "status": "lead_status"},
)

ENTITIES = {
    "leads": LEADS,
    "sales": SALES,
    "form_submissions": FORM_SUBMISSIONS,
    "chats": CHATS,
}
SALE_STATUSES = ("open", "sold", "lost", "stalled")
SUBMISSION_STATUSES = ("submitted", "processed", "failed")
CREATED_VIA = ("form", "chat", "import", "api", "manual")
