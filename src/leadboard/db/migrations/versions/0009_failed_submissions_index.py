"""failed submissions index: the retry's work list without reading every submission

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-13 10:00:00

`leadboard serve` retries failed capture posts at every start (capture/retry.py): a partial
index over the failed ones only (a handful, usually none) answers that from an index of a few
pages instead of a scan of every form submission.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FAILED = sa.text("status = 'failed'")


def upgrade() -> None:
    op.create_index(
        "ix_form_submissions_failed",
        "form_submissions",
        ["id"],
        sqlite_where=FAILED,
        postgresql_where=FAILED,
    )


def downgrade() -> None:
    op.drop_index("ix_form_submissions_failed", table_name="form_submissions")
