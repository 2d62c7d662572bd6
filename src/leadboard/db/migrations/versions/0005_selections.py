"""dynamic selections: saved criteria over leads or sales, and who may see them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 10:00:00

A selection keeps criteria (the tile spec's JSON), the list's columns and sort, and an owner;
its audience is one row per group, per user, or one for everyone (as dashboard_shares).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_nl", sa.String(length=200), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=True),
        sa.Column("order_by", sa.String(length=64), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["associates.id"], name=op.f("fk_selections_owner_id_associates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selections")),
        sa.UniqueConstraint("slug", name=op.f("uq_selections_slug")),
    )
    op.create_table(
        "selection_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("selection_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("associate_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["selection_id"],
            ["selections.id"],
            name=op.f("fk_selection_shares_selection_id_selections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["associate_groups.id"],
            name=op.f("fk_selection_shares_group_id_associate_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["associate_id"],
            ["associates.id"],
            name=op.f("fk_selection_shares_associate_id_associates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_shares")),
    )
    op.create_index(
        "ix_selection_shares_selection", "selection_shares", ["selection_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_selection_shares_selection", table_name="selection_shares")
    op.drop_table("selection_shares")
    op.drop_table("selections")
