"""erasures: who erased which lead's personal data, and when (GDPR, SPEC 9.7)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-11 10:00:00

One row per erased lead. The lead row stays (its status history, source, channel, campaign and
dates keep every count as it was), only its personal fields are wiped; this table says who did
it, how (cli or api) and which kinds of fields were cleared, never the values themselves. The
lead id is a plain integer, not a foreign key: the record outlives the lead row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.Column("by_associate_id", sa.Integer(), nullable=True),
        sa.Column("by_email", sa.String(length=320), nullable=True),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("cleared", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_associate_id"],
            ["associates.id"],
            name=op.f("fk_erasures_by_associate_id_associates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    op.create_index("ix_erasures_lead", "erasures", ["lead_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_erasures_lead", table_name="erasures")
    op.drop_table("erasures")
