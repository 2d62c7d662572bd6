"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 20:05:42.111501
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "associate_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_associate_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_associate_groups_name")),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("key", name=op.f("uq_campaigns_key")),
    )
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("origin", "external_id", name="uq_companies_origin_external_id"),
    )
    op.create_table(
        "currency_rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("currency", name=op.f("pk_currency_rates")),
    )
    op.create_table(
        "forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("thank_you_url", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forms")),
        sa.UniqueConstraint("key", name=op.f("uq_forms_key")),
    )
    op.create_table(
        "lead_statuses",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("on_funnel", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("name_nl", sa.String(length=100), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("description_nl", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_statuses")),
        sa.UniqueConstraint("key", name=op.f("uq_lead_statuses_key")),
    )
    # The default lead statuses of SPEC 1.2 (frozen here: later edits are the admin's).
    op.bulk_insert(
        sa.table(
            "lead_statuses",
            *(
                sa.column(c)
                for c in (
                    "id",
                    "key",
                    "rank",
                    "on_funnel",
                    "active",
                    "name_en",
                    "name_nl",
                    "description_en",
                    "description_nl",
                )
            ),
        ),
        [
            dict(
                id=1,
                key="open",
                rank=1,
                on_funnel=True,
                active=True,
                name_en="Open",
                name_nl="Open",
                description_en="Not contacted yet",
                description_nl="Nog geen contact opgenomen",
            ),
            dict(
                id=2,
                key="contacting",
                rank=2,
                on_funnel=True,
                active=True,
                name_en="Contacting",
                name_nl="Contact opnemen",
                description_en="Sales is trying to reach the lead",
                description_nl="Verkoop probeert de lead te bereiken",
            ),
            dict(
                id=3,
                key="qualified",
                rank=3,
                on_funnel=True,
                active=True,
                name_en="Qualified",
                name_nl="Gekwalificeerd",
                description_en="Meets the criteria, ready for sales",
                description_nl="Voldoet aan de criteria, klaar voor verkoop",
            ),
            dict(
                id=4,
                key="disqualified",
                rank=4,
                on_funnel=False,
                active=True,
                name_en="Disqualified",
                name_nl="Gediskwalificeerd",
                description_en="No further contact",
                description_nl="Geen verder contact",
            ),
            dict(
                id=5,
                key="re-nurture",
                rank=5,
                on_funnel=False,
                active=True,
                name_en="Re-nurture",
                name_nl="Opnieuw koesteren",
                description_en="Not ready, marketing follows up",
                description_nl="Nog niet klaar, marketing volgt op",
            ),
        ],
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "associates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["associate_groups.id"],
            name=op.f("fk_associates_group_id_associate_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_associates")),
        sa.UniqueConstraint("email", name=op.f("uq_associates_email")),
    )
    op.create_table(
        "chat_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visitor_name", sa.String(length=200), nullable=True),
        sa.Column("visitor_email", sa.String(length=320), nullable=True),
        sa.Column("visitor_company", sa.String(length=300), nullable=True),
        sa.Column("visitor_country", sa.String(length=2), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["associates.id"], name=op.f("fk_chat_sessions_agent_id_associates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_sessions")),
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.String(length=100), nullable=True),
        sa.Column("first_name", sa.String(length=200), nullable=True),
        sa.Column("last_name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("job_title", sa.String(length=200), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status_id", sa.Integer(), nullable=False),
        sa.Column("status_since", sa.DateTime(), nullable=False),
        sa.Column("statuses_held", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_via", sa.String(length=16), nullable=False),
        sa.Column("created_by_form_id", sa.Integer(), nullable=True),
        sa.Column("chat_session_id", sa.Integer(), nullable=True),
        sa.Column("ft_source", sa.String(length=200), nullable=True),
        sa.Column("ft_medium", sa.String(length=200), nullable=True),
        sa.Column("ft_campaign", sa.String(length=200), nullable=True),
        sa.Column("ft_term", sa.String(length=200), nullable=True),
        sa.Column("ft_content", sa.String(length=200), nullable=True),
        sa.Column("ft_utm_id", sa.String(length=200), nullable=True),
        sa.Column("ft_referrer_domain", sa.String(length=253), nullable=True),
        sa.Column("ft_click_id_param", sa.String(length=16), nullable=True),
        sa.Column("ft_click_id", sa.String(length=500), nullable=True),
        sa.Column("ft_at", sa.DateTime(), nullable=True),
        sa.Column("lc_source", sa.String(length=200), nullable=True),
        sa.Column("lc_medium", sa.String(length=200), nullable=True),
        sa.Column("lc_campaign", sa.String(length=200), nullable=True),
        sa.Column("lc_term", sa.String(length=200), nullable=True),
        sa.Column("lc_content", sa.String(length=200), nullable=True),
        sa.Column("lc_utm_id", sa.String(length=200), nullable=True),
        sa.Column("lc_referrer_domain", sa.String(length=253), nullable=True),
        sa.Column("lc_click_id_param", sa.String(length=16), nullable=True),
        sa.Column("lc_click_id", sa.String(length=500), nullable=True),
        sa.Column("lc_at", sa.DateTime(), nullable=True),
        sa.Column("creation_source", sa.String(length=200), nullable=True),
        sa.Column("first_contact_source", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("channel_origin", sa.String(length=16), nullable=True),
        sa.Column("custom", sa.JSON(), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["chat_session_id"],
            ["chat_sessions.id"],
            name=op.f("fk_leads_chat_session_id_chat_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_leads_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_form_id"], ["forms.id"], name=op.f("fk_leads_created_by_form_id_forms")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["associates.id"], name=op.f("fk_leads_owner_id_associates")
        ),
        sa.ForeignKeyConstraint(
            ["status_id"], ["lead_statuses.id"], name=op.f("fk_leads_status_id_lead_statuses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("origin", "external_id", name="uq_leads_origin_external_id"),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index("ix_leads_company", ["company_id"], unique=False)
        batch_op.create_index("ix_leads_country_created", ["country", "created_at"], unique=False)
        batch_op.create_index("ix_leads_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_leads_email", ["email"], unique=False)
        batch_op.create_index("ix_leads_owner_created", ["owner_id", "created_at"], unique=False)
        batch_op.create_index("ix_leads_status", ["status_id", "status_since"], unique=False)

    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("is_conversion", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("visit_source", sa.String(length=200), nullable=True),
        sa.Column("visit_medium", sa.String(length=200), nullable=True),
        sa.Column("visit_campaign", sa.String(length=200), nullable=True),
        sa.Column("visit_term", sa.String(length=200), nullable=True),
        sa.Column("visit_content", sa.String(length=200), nullable=True),
        sa.Column("visit_utm_id", sa.String(length=200), nullable=True),
        sa.Column("visit_referrer_domain", sa.String(length=253), nullable=True),
        sa.Column("visit_click_id_param", sa.String(length=16), nullable=True),
        sa.Column("visit_click_id", sa.String(length=500), nullable=True),
        sa.Column("visit_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["form_id"], ["forms.id"], name=op.f("fk_form_submissions_form_id_forms")
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_form_submissions_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
    )
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.create_index("ix_form_submissions_form", ["form_id", "submitted_at"], unique=False)

    op.create_table(
        "lead_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("from_status_id", sa.Integer(), nullable=True),
        sa.Column("to_status_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by_associate_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_associate_id"],
            ["associates.id"],
            name=op.f("fk_lead_status_history_by_associate_id_associates"),
        ),
        sa.ForeignKeyConstraint(
            ["from_status_id"],
            ["lead_statuses.id"],
            name=op.f("fk_lead_status_history_from_status_id_lead_statuses"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_lead_status_history_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_status_id"],
            ["lead_statuses.id"],
            name=op.f("fk_lead_status_history_to_status_id_lead_statuses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_status_history")),
    )
    with op.batch_alter_table("lead_status_history", schema=None) as batch_op:
        batch_op.create_index("ix_lead_status_history_lead", ["lead_id", "at"], unique=False)

    op.create_table(
        "sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=True),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sale_date", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("custom", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_sales_company_id_companies")
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_sales_lead_id_leads")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["associates.id"], name=op.f("fk_sales_owner_id_associates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales")),
        sa.UniqueConstraint("origin", "external_id", name="uq_sales_origin_external_id"),
    )
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.create_index("ix_sales_lead", ["lead_id"], unique=False)
        batch_op.create_index("ix_sales_owner", ["owner_id", "status"], unique=False)
        batch_op.create_index("ix_sales_status_date", ["status", "sale_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.drop_index("ix_sales_status_date")
        batch_op.drop_index("ix_sales_owner")
        batch_op.drop_index("ix_sales_lead")

    op.drop_table("sales")
    with op.batch_alter_table("lead_status_history", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_status_history_lead")

    op.drop_table("lead_status_history")
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_form_submissions_form")

    op.drop_table("form_submissions")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_status")
        batch_op.drop_index("ix_leads_owner_created")
        batch_op.drop_index("ix_leads_email")
        batch_op.drop_index("ix_leads_created_at")
        batch_op.drop_index("ix_leads_country_created")
        batch_op.drop_index("ix_leads_company")

    op.drop_table("leads")
    op.drop_table("chat_sessions")
    op.drop_table("associates")
    op.drop_table("meta")
    op.drop_table("lead_statuses")
    op.drop_table("forms")
    op.drop_table("currency_rates")
    op.drop_table("companies")
    op.drop_table("campaigns")
    op.drop_table("associate_groups")
