"""roles with data rights, associates -> roles, server-side sessions

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00

Associates already had a free-text `role` ("user", "admin"); it becomes a foreign key to
`roles.key`. Values are normalised (lower case, `_` and spaces to `-`, empty -> user) and a value
that is no built-in role becomes a role of its own with the `user` defaults, so nobody loses it.
Groups stay in `associate_groups` (associates.group_id).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# key, name, leads rights, sales rights (admin is always all: the code enforces it too)
BUILTIN = (
    ("admin", "Admin", "all", "all"),
    ("dashboard-admin", "Dashboard admin", "all", "all"),
    ("user", "User", "group", "group"),
)


def _normalised(value: str | None) -> str:
    key = (value or "").strip().lower().replace("_", "-").replace(" ", "-")[:32]
    return key or "user"


def upgrade() -> None:
    roles = op.create_table(
        "roles",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("leads_rights", sa.String(length=8), nullable=False),
        sa.Column("sales_rights", sa.String(length=8), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_roles")),
    )
    rows = [
        {"key": k, "name": n, "leads_rights": le, "sales_rights": sa_, "builtin": True}
        for k, n, le, sa_ in BUILTIN
    ]
    # Existing values: normalised in place, unknown ones kept as roles of their own.
    conn = op.get_bind()
    associates = sa.table("associates", sa.column("id"), sa.column("role"))
    known = {k for k, *_ in BUILTIN}
    for role in [r for (r,) in conn.execute(sa.select(associates.c.role).distinct())]:
        key = _normalised(role)
        if key != role:
            conn.execute(sa.update(associates).where(associates.c.role == role).values(role=key))
        if key not in known:
            known.add(key)
            rows.append(
                {
                    "key": key,
                    "name": key,
                    "leads_rights": "group",
                    "sales_rights": "group",
                    "builtin": False,
                }
            )
    op.bulk_insert(roles, rows)

    with op.batch_alter_table("associates", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_associates_role_roles"), "roles", ["role"], ["key"]
        )

    op.create_table(
        "sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("associate_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["associate_id"],
            ["associates.id"],
            name=op.f("fk_sessions_associate_id_associates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    op.create_index("ix_sessions_associate", "sessions", ["associate_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sessions_associate", table_name="sessions")
    op.drop_table("sessions")
    with op.batch_alter_table("associates", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_associates_role_roles"), type_="foreignkey")
    op.drop_table("roles")
