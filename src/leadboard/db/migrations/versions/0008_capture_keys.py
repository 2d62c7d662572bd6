"""capture keys: the Idempotency-Key of each capture post, per form, with its submission

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-12 10:00:00

A retried capture post with the same key gets the first answer again (domain/capture_keys.py).
No data-version trigger: no tile reads this table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capture_keys",
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["forms.id"],
            name=op.f("fk_capture_keys_form_id_forms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["form_submissions.id"],
            name=op.f("fk_capture_keys_submission_id_form_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("form_id", "key", name=op.f("pk_capture_keys")),
    )


def downgrade() -> None:
    op.drop_table("capture_keys")
