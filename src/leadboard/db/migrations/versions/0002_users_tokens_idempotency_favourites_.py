"""users, tokens, idempotency, favourites, external ids

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 20:36:48.698335
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("associate_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["associate_id"], ["associates.id"], name=op.f("fk_api_tokens_associate_id_associates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "dashboard_favourites",
        sa.Column("associate_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["associate_id"],
            ["associates.id"],
            name=op.f("fk_dashboard_favourites_associate_id_associates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("associate_id", "slug", name=op.f("pk_dashboard_favourites")),
    )
    op.create_table(
        "dashboard_visits",
        sa.Column("associate_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("visited_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["associate_id"],
            ["associates.id"],
            name=op.f("fk_dashboard_visits_associate_id_associates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("associate_id", "slug", name=op.f("pk_dashboard_visits")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_idempotency_keys_token_id_api_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", "key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("associates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("origin", sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(
            "uq_associates_origin_external_id", ["origin", "external_id"]
        )

    with op.batch_alter_table("forms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("origin", sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint("uq_forms_origin_external_id", ["origin", "external_id"])


def downgrade() -> None:
    with op.batch_alter_table("forms", schema=None) as batch_op:
        batch_op.drop_constraint("uq_forms_origin_external_id", type_="unique")
        batch_op.drop_column("origin")
        batch_op.drop_column("external_id")

    with op.batch_alter_table("associates", schema=None) as batch_op:
        batch_op.drop_constraint("uq_associates_origin_external_id", type_="unique")
        batch_op.drop_column("origin")
        batch_op.drop_column("external_id")
        batch_op.drop_column("password_hash")

    op.drop_table("idempotency_keys")
    op.drop_table("dashboard_visits")
    op.drop_table("dashboard_favourites")
    op.drop_table("api_tokens")
