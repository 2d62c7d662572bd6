"""Tables and indexes: one schema for SQLite and PostgreSQL.

Conventions: times are naive UTC datetimes (converted at the edges, so both engines compare them the
same way); amounts are integer cents in the record's own currency (exact sums on both engines);
sources, mediums, campaigns and referrer domains are folded to lower case in Python when written.
"""

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Key/value facts about the database itself (e.g. that it holds demo data).
meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

associate_groups = Table(
    "associate_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
)

# Roles and their data rights (SPEC 7): which leads and which sales a user sees, `own`, `group`
# or `all`. The built-in ones (admin, dashboard-admin, user) are seeded by migration 0003; the
# key is fixed at creation, so associates refer to it. See leadboard.domain.users.
roles = Table(
    "roles",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("leads_rights", String(8), nullable=False),  # own, group, all
    Column("sales_rights", String(8), nullable=False),
    Column("builtin", Boolean, nullable=False, default=False),
)

associates = Table(
    "associates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),  # stored lower case
    Column("name", String(200), nullable=False),
    Column("group_id", ForeignKey("associate_groups.id"), nullable=True),
    Column("role", ForeignKey("roles.key"), nullable=False, default="user"),
    Column("language", String(8), nullable=False, default="en"),
    Column("timezone", String(64), nullable=True),
    Column("country", String(2), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("password_hash", String(200), nullable=True),  # argon2; NULL = cannot log in
    Column("external_id", String(200), nullable=True),  # e.g. an imported sales rep's id
    Column("origin", String(100), nullable=True),
    UniqueConstraint("origin", "external_id", name="uq_associates_origin_external_id"),
)

# Log-in sessions: the cookie carries a random token, the table (by the token's sha256) says whose
# it is; ending a session (logout, password or role change, deactivation) sets revoked_at.
sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 hex of the cookie's token
    Column("associate_id", ForeignKey("associates.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
    Index("ix_sessions_associate", "associate_id"),
)

# Tokens for integrations (REST API, chats). Only a hash of the secret is stored.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex of the secret
    Column("associate_id", ForeignKey("associates.id"), nullable=True),  # acts as this user
    Column("created_at", DateTime, nullable=False),
    Column("last_used_at", DateTime, nullable=True),
    Column("revoked_at", DateTime, nullable=True),
)

# A retried POST with the same Idempotency-Key gets the first answer again, never a duplicate.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("token_id", ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),  # method, path and body
    Column("status_code", Integer, nullable=False),
    Column("response", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

dashboard_favourites = Table(
    "dashboard_favourites",
    metadata,
    Column("associate_id", ForeignKey("associates.id", ondelete="CASCADE"), primary_key=True),
    Column("slug", String(100), primary_key=True),
)

# Dashboards users build (issue 11): the definition is the JSON of dashboards.models.Dashboard,
# the schema of the built-in YAML files; the slug never collides with a built-in one. Who may
# see it and whose tabs it is pinned to live in dashboard_shares.
dashboards = Table(
    "dashboards",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(100), nullable=False, unique=True),
    Column("owner_id", ForeignKey("associates.id"), nullable=False),
    Column("definition", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# One row per audience of a dashboard: `mode` visible (may open it) or pinned (a tab for them,
# dashboard-admin right); a group, a user, or neither (everyone).
dashboard_shares = Table(
    "dashboard_shares",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dashboard_id", ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False),
    Column("mode", String(8), nullable=False),  # visible, pinned
    Column("group_id", ForeignKey("associate_groups.id", ondelete="CASCADE"), nullable=True),
    Column("associate_id", ForeignKey("associates.id", ondelete="CASCADE"), nullable=True),
    Index("ix_dashboard_shares_dashboard", "dashboard_id"),
)

# Saved criteria over leads or sales (a dynamic selection, issue 11): re-evaluated on every view.
# `criteria` is the tile spec's list[list[Criterion]] as JSON, `columns` a list of LIST_COLUMNS.
selections = Table(
    "selections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(100), nullable=False, unique=True),
    Column("name_en", String(200), nullable=False),
    Column("name_nl", String(200), nullable=False),
    Column("entity", String(16), nullable=False),  # leads, sales
    Column("criteria", JSON, nullable=False),
    Column("columns", JSON, nullable=True),
    Column("order_by", String(64), nullable=True),
    Column("owner_id", ForeignKey("associates.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# Who a selection is visible for, as dashboard_shares (one row per group or user; neither:
# everyone), without pinning.
selection_shares = Table(
    "selection_shares",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("selection_id", ForeignKey("selections.id", ondelete="CASCADE"), nullable=False),
    Column("group_id", ForeignKey("associate_groups.id", ondelete="CASCADE"), nullable=True),
    Column("associate_id", ForeignKey("associates.id", ondelete="CASCADE"), nullable=True),
    Index("ix_selection_shares_selection", "selection_id"),
)

# The last time each user opened each dashboard: the "most recent" tab.
dashboard_visits = Table(
    "dashboard_visits",
    metadata,
    Column("associate_id", ForeignKey("associates.id", ondelete="CASCADE"), primary_key=True),
    Column("slug", String(100), primary_key=True),
    Column("visited_at", DateTime, nullable=False),
)

companies = Table(
    "companies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("country", String(2), nullable=True),
    Column("category", String(100), nullable=True),
    Column("external_id", String(200), nullable=True),
    Column("origin", String(100), nullable=True),
    UniqueConstraint("origin", "external_id", name="uq_companies_origin_external_id"),
)

# Admin-editable lead statuses. `key` is fixed at creation; ids are small, because each lead keeps
# the set of statuses it has ever held as a bit mask over status ids (see leads.statuses_held).
lead_statuses = Table(
    "lead_statuses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("key", String(64), nullable=False, unique=True),
    Column("rank", Integer, nullable=False),
    Column("on_funnel", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),  # False = soft-deleted
    Column("name_en", String(100), nullable=False),
    Column("name_nl", String(100), nullable=False),
    Column("description_en", Text, nullable=False, default=""),
    Column("description_nl", Text, nullable=False, default=""),
)

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),  # the folded utm_campaign value
    Column("name", String(200), nullable=True),
    Column("starts_on", Date, nullable=True),
    Column("ends_on", Date, nullable=True),
)

forms = Table(
    "forms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),  # public key, used in capture URLs
    Column("name", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("allowed_origins", JSON, nullable=False, default=list),
    Column("fields", JSON, nullable=False, default=list),
    Column("thank_you_url", String(2000), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("external_id", String(200), nullable=True),  # e.g. an imported landing page id
    Column("origin", String(100), nullable=True),
    UniqueConstraint("origin", "external_id", name="uq_forms_origin_external_id"),
)

chat_sessions = Table(
    "chat_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("visitor_name", String(200), nullable=True),
    Column("visitor_email", String(320), nullable=True),
    Column("visitor_company", String(300), nullable=True),
    Column("visitor_country", String(2), nullable=True),
    Column("agent_id", ForeignKey("associates.id"), nullable=True),
    Column("started_at", DateTime, nullable=False),
    Column("ended_at", DateTime, nullable=True),
    Column("lead_id", Integer, nullable=True),  # the contact it created or was linked to
)


def _tuple_columns(prefix: str) -> list[Column[Any]]:
    """A visit's attribution tuple (SPEC 1.1): source, medium, campaign, term, content, ..."""
    return [
        Column(f"{prefix}_source", String(200), nullable=True),
        Column(f"{prefix}_medium", String(200), nullable=True),
        Column(f"{prefix}_campaign", String(200), nullable=True),
        Column(f"{prefix}_term", String(200), nullable=True),
        Column(f"{prefix}_content", String(200), nullable=True),
        Column(f"{prefix}_utm_id", String(200), nullable=True),
        Column(f"{prefix}_referrer_domain", String(253), nullable=True),
        Column(f"{prefix}_click_id_param", String(16), nullable=True),
        Column(f"{prefix}_click_id", String(500), nullable=True),
        Column(f"{prefix}_at", DateTime, nullable=True),
    ]


# A lead is a contact with a lead status (SPEC 1.1).
leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("external_id", String(200), nullable=True),
    Column("origin", String(100), nullable=True),  # the preset or integration of external_id
    Column("first_name", String(200), nullable=True),
    Column("last_name", String(200), nullable=True),
    Column("email", String(320), nullable=True),  # trimmed, lower case: the dedupe key
    Column("phone", String(64), nullable=True),
    Column("job_title", String(200), nullable=True),
    Column("company_id", ForeignKey("companies.id"), nullable=True),
    Column("country", String(2), nullable=True),  # the contact's own; tiles fall back to company
    Column("owner_id", ForeignKey("associates.id"), nullable=True),
    Column("status_id", ForeignKey("lead_statuses.id"), nullable=False),
    Column("status_since", DateTime, nullable=False),
    # Bit i set <=> the lead has held status id i; written with every status change.
    Column("statuses_held", BigInteger, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_via", String(16), nullable=False),  # form, chat, import, api, manual
    Column("created_by_form_id", ForeignKey("forms.id"), nullable=True),
    Column("chat_session_id", ForeignKey("chat_sessions.id"), nullable=True),
    *_tuple_columns("ft"),  # first touch
    *_tuple_columns("lc"),  # lead creation
    Column("creation_source", String(200), nullable=True),  # SPEC 6.3
    Column("first_contact_source", String(200), nullable=True),  # SPEC 6.3
    Column("channel", String(64), nullable=True),  # channel key, e.g. organic-search
    Column("channel_origin", String(16), nullable=True),  # rules, preset, created_via
    Column("custom", JSON, nullable=True),
    Column("anonymised_at", DateTime, nullable=True),
    UniqueConstraint("origin", "external_id", name="uq_leads_origin_external_id"),
    Index("ix_leads_created_at", "created_at"),
    Index("ix_leads_owner_created", "owner_id", "created_at"),
    Index("ix_leads_country_created", "country", "created_at"),
    Index("ix_leads_status", "status_id", "status_since"),
    Index("ix_leads_email", "email"),
    Index("ix_leads_company", "company_id"),
)

lead_status_history = Table(
    "lead_status_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lead_id", ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("from_status_id", ForeignKey("lead_statuses.id"), nullable=True),
    Column("to_status_id", ForeignKey("lead_statuses.id"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("by_associate_id", ForeignKey("associates.id"), nullable=True),
    Index("ix_lead_status_history_lead", "lead_id", "at"),
)

form_submissions = Table(
    "form_submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("form_id", ForeignKey("forms.id"), nullable=False),
    Column("lead_id", ForeignKey("leads.id"), nullable=True),
    Column("status", String(16), nullable=False),  # submitted, processed, failed
    Column("error", Text, nullable=True),
    Column("is_conversion", Boolean, nullable=False, default=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("payload", JSON, nullable=True),
    *_tuple_columns("visit"),  # the current visit: lead creation or conversion tuple
    Index("ix_form_submissions_form", "form_id", "submitted_at"),
    # Partial, `WHERE status = 'failed'` (migration 0009): the retry at every start reads just
    # those. The condition is left to the migration: declared here as postgresql_where, it made
    # SQLAlchemy import its PostgreSQL dialect in every command (~10-40 ms of each start).
    Index("ix_form_submissions_failed", "id"),
)

# A capture post's Idempotency-Key, per form, and the submission it made (migration 0008): a
# retry gets the first answer again (domain/capture_keys.py).
capture_keys = Table(
    "capture_keys",
    metadata,
    Column("form_id", ForeignKey("forms.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),  # form, fields and Referer
    Column("submission_id", ForeignKey("form_submissions.id", ondelete="CASCADE"), nullable=True),
    Column("created_at", DateTime, nullable=False),
)

sales = Table(
    "sales",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("external_id", String(200), nullable=True),
    Column("origin", String(100), nullable=True),
    Column("title", String(300), nullable=False),
    Column("lead_id", ForeignKey("leads.id"), nullable=True),
    Column("company_id", ForeignKey("companies.id"), nullable=True),
    Column("owner_id", ForeignKey("associates.id"), nullable=True),
    Column("amount_cents", BigInteger, nullable=False),  # in the sale's own currency
    Column("currency", String(3), nullable=False),
    Column("stage", String(64), nullable=True),
    Column("probability", Integer, nullable=False, default=0),  # percent
    Column("status", String(16), nullable=False),  # open, sold, lost, stalled
    Column("sale_date", DateTime, nullable=False),  # expected close; actual when sold or lost
    Column("created_at", DateTime, nullable=False),
    Column("reason", String(300), nullable=True),
    Column("custom", JSON, nullable=True),
    UniqueConstraint("origin", "external_id", name="uq_sales_origin_external_id"),
    Index("ix_sales_status_date", "status", "sale_date"),
    Index("ix_sales_lead", "lead_id"),
    Index("ix_sales_sale_date", "sale_date"),  # the span of sale dates (rollups, 0010)
    Index("ix_sales_owner", "owner_id", "status"),
)

# GDPR erasures (migration 0007): who wiped which lead's personal fields, when and how (cli,
# api), and the kinds of fields cleared; never the values. lead_id is no foreign key: the record
# outlives the lead row. See leadboard.domain.erasure.
erasures = Table(
    "erasures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lead_id", Integer, nullable=False),
    Column("erased_at", DateTime, nullable=False),
    Column("by_associate_id", ForeignKey("associates.id", ondelete="SET NULL"), nullable=True),
    Column("by_email", String(320), nullable=True),  # the eraser's email then, or a token's name
    Column("via", String(16), nullable=False),  # cli, api
    Column("cleared", JSON, nullable=False),  # {"lead": [columns], "submissions": n, ...}
    Index("ix_erasures_lead", "lead_id"),
)

# 1 unit of `currency` = `rate` units of the base currency; stored as a decimal string (exact).
currency_rates = Table(
    "currency_rates",
    metadata,
    Column("currency", String(3), primary_key=True),
    Column("rate", String(40), nullable=False),
)

# One counter per group of tables that tiles read, bumped by triggers (migration 0006) in the
# writer's transaction on every write; plus an `epoch` row, random per database. A cached tile
# result is keyed by the versions of the groups its query reads (semantic/executors/cached.py).
data_versions = Table(
    "data_versions",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("version", BigInteger, nullable=False),
)

# A version per entity (leads, sales) and UTC hour ('YYYY-MM-DD HH') of lead creation or sale
# date, moved by triggers whenever a record of that hour (or what its tiles read of a lead or a
# company) is written (migration 0010): which pieces of the rollups a write changed
# (semantic/executors/partitioned.py).
partition_versions = Table(
    "partition_versions",
    metadata,
    Column("entity", String(32), primary_key=True),
    Column("hour", String(13), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Index("ix_partition_versions_version", "entity", "version"),
)

# Table -> group, by what tile queries read: a lead with its history and its company (a lead's
# country falls back to its company's); sales; form submissions; chats; and the reference data
# tiles filter and label by (associates and their groups and roles, statuses, forms, campaigns,
# rates, and `meta`, where the channel rules are kept). Tables no tile reads have no version.
DATA_GROUPS: dict[str, tuple[str, ...]] = {
    "leads": ("leads", "lead_status_history", "companies"),
    "sales": ("sales",),
    "submissions": ("form_submissions",),
    "chats": ("chat_sessions",),
    "reference": (
        "associates",
        "associate_groups",
        "roles",
        "lead_statuses",
        "forms",
        "campaigns",
        "currency_rates",
        "meta",
    ),
}
