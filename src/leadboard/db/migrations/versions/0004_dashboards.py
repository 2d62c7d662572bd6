"""dashboards users build, and with whom they are shared

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 23:30:00

The definition is the JSON of a dashboard in the schema of the built-in YAML files
(dashboards/models.py); sharing is one row per audience (a group, a user, or everyone).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["associates.id"], name=op.f("fk_dashboards_owner_id_associates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboards")),
        sa.UniqueConstraint("slug", name=op.f("uq_dashboards_slug")),
    )
    op.create_table(
        "dashboard_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dashboard_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("associate_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dashboard_id"],
            ["dashboards.id"],
            name=op.f("fk_dashboard_shares_dashboard_id_dashboards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["associate_groups.id"],
            name=op.f("fk_dashboard_shares_group_id_associate_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["associate_id"],
            ["associates.id"],
            name=op.f("fk_dashboard_shares_associate_id_associates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_shares")),
    )
    op.create_index(
        "ix_dashboard_shares_dashboard", "dashboard_shares", ["dashboard_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_dashboard_shares_dashboard", table_name="dashboard_shares")
    op.drop_table("dashboard_shares")
    op.drop_table("dashboards")
