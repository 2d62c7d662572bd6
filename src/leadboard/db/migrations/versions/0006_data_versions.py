"""data versions: one counter per table group, bumped by triggers on every write

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 10:00:00

`data_versions(name, version)` holds one row per group of tables that tiles read (GROUPS in
leadboard.db.schema), and an `epoch` row: a random number set when the table is made, so a
database built again from scratch never repeats a version another one had. Triggers bump a
group's version on every INSERT, UPDATE, DELETE (and TRUNCATE on PostgreSQL) in the writer's
own transaction, so no write path can forget it: capture, REST, imports, the demo, direct SQL.

PostgreSQL: one plpgsql function, statement-level BEFORE triggers. Each first locks every
data_versions row in name order, so writers of two groups in opposite orders wait for each other
instead of deadlocking. SQLite has only row-level triggers (one writer at a time anyway).
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Table -> group: what tile queries (and the reference data they label with) read. Kept equal
# to leadboard.db.schema.DATA_GROUPS by tests/db/test_data_versions.py (a migration is frozen).
GROUPS = {
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
FUNCTION = "leadboard_bump_data_version"

# DDL from the constants above only (no input): string-built on purpose.
PG_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM data_versions ORDER BY name FOR UPDATE;
    UPDATE data_versions SET version = version + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END
$$
"""  # noqa: S608


def _trigger(table: str, event: str = "") -> str:
    return f"trg_{table}_data_version{event}"


def upgrade() -> None:
    op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    rows = [{"name": group, "version": 0} for group in GROUPS]
    rows.append({"name": "epoch", "version": secrets.randbits(62)})
    op.bulk_insert(
        sa.table("data_versions", sa.column("name"), sa.column("version")),
        rows,
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        op.execute(PG_FUNCTION)
    for group, tables in GROUPS.items():
        for table in tables:
            if sqlite:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    bump = f"UPDATE data_versions SET version = version + 1 WHERE name = '{group}'"  # noqa: S608
                    op.execute(
                        f"CREATE TRIGGER {_trigger(table, '_' + event.lower())} "
                        f"AFTER {event} ON {table} FOR EACH ROW BEGIN {bump}; END"
                    )
            else:
                op.execute(
                    f"CREATE TRIGGER {_trigger(table)} "
                    f"BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}('{group}')"
                )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for tables in GROUPS.values():
        for table in tables:
            if sqlite:
                for event in ("insert", "update", "delete"):
                    op.execute(f"DROP TRIGGER IF EXISTS {_trigger(table, '_' + event)}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {_trigger(table)} ON {table}")
    if not sqlite:
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.drop_table("data_versions")
