"""partition versions: a counter per hour of lead creation, bumped by triggers on every write

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-14 10:00:00

The rollups (semantic/executors/partitioned.py) keep each lead tile's figures per local month
and day of `leads.created_at`. `partition_versions(entity, hour, version)` tells them which of
those pieces a write changed: triggers in the writer's own transaction set the row of every
UTC hour ('YYYY-MM-DD HH') that a written lead was created in, before and after the write, to
one more than the highest version any hour has, and do the same for every hour of a company's
leads when its name or country changes (the leads' company and country fields read it). A
piece's version is the highest of its hours' versions: it moves whenever any hour in the piece
is written, and "the hours written since version v" is one index range.

`data_versions` gets a `partitions` row: bulk loads that pause the row triggers (db/bulk.py)
bump it, and with it every piece.

SQLite: row-level triggers with an upsert. PostgreSQL: statement-level triggers over the
transition tables (one upsert per statement, also for COPY); every leads writer has locked the
data_versions rows first (migration 0006), so they cannot deadlock on the hour rows.
"""

# DDL built from this module's constants only (no input): string-built on purpose.
# ruff: noqa: S608

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

HOUR_SQLITE = "strftime('%Y-%m-%d %H', {0}.created_at)"
HOUR_PG = "to_char({0}.created_at, 'YYYY-MM-DD HH24')"
# The next version: one more than any hour has (an index seek on ix_partition_versions_version).
NEXT = "(SELECT coalesce(max(version), 0) + 1 FROM partition_versions WHERE entity = 'leads')"
UPSERT = (
    "INSERT INTO partition_versions (entity, hour, version) {rows} "
    "ON CONFLICT (entity, hour) DO UPDATE SET version = excluded.version"
)
COMPANY_CHANGED = "OLD.name IS NOT NEW.name OR OLD.country IS NOT NEW.country"
FUNCTION = "leadboard_bump_partitions"

# DDL from the constants above only (no input): string-built on purpose.
PG_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'leads' THEN
        IF TG_OP = 'INSERT' THEN
            {
    UPSERT.format(
        rows="SELECT 'leads', h, "
        + NEXT
        + " FROM (SELECT DISTINCT "
        + HOUR_PG.format("n")
        + " AS h FROM new_rows n) s ORDER BY h"
    )
};
        ELSIF TG_OP = 'DELETE' THEN
            {
    UPSERT.format(
        rows="SELECT 'leads', h, "
        + NEXT
        + " FROM (SELECT DISTINCT "
        + HOUR_PG.format("o")
        + " AS h FROM old_rows o) s ORDER BY h"
    )
};
        ELSE
            {
    UPSERT.format(
        rows="SELECT 'leads', h, "
        + NEXT
        + " FROM (SELECT "
        + HOUR_PG.format("n")
        + " AS h FROM new_rows n UNION SELECT "
        + HOUR_PG.format("o")
        + " FROM old_rows o) s ORDER BY h"
    )
};
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        {
    UPSERT.format(
        rows="SELECT 'leads', h, "
        + NEXT
        + " FROM (SELECT DISTINCT "
        + HOUR_PG.format("l")
        + " AS h FROM leads l JOIN old_rows o "
        "ON l.company_id = o.id) s ORDER BY h"
    )
};
    ELSE
        {
    UPSERT.format(
        rows="SELECT 'leads', h, "
        + NEXT
        + " FROM (SELECT DISTINCT "
        + HOUR_PG.format("l")
        + " AS h FROM leads l JOIN old_rows o "
        "ON l.company_id = o.id JOIN new_rows n ON n.id = o.id "
        "WHERE n.name IS DISTINCT FROM o.name "
        "OR n.country IS DISTINCT FROM o.country) s ORDER BY h"
    )
};
    END IF;
    RETURN NULL;
END
$$
"""

# DDL from the constants above only (no input): string-built on purpose.
SQLITE_TRIGGERS = {
    "trg_leads_partitions_insert": "AFTER INSERT ON leads FOR EACH ROW BEGIN "
    + UPSERT.format(rows=f"VALUES ('leads', {HOUR_SQLITE.format('NEW')}, {NEXT})")
    + "; END",
    "trg_leads_partitions_delete": "AFTER DELETE ON leads FOR EACH ROW BEGIN "
    + UPSERT.format(rows=f"VALUES ('leads', {HOUR_SQLITE.format('OLD')}, {NEXT})")
    + "; END",
    "trg_leads_partitions_update": "AFTER UPDATE ON leads FOR EACH ROW BEGIN "
    + UPSERT.format(rows=f"VALUES ('leads', {HOUR_SQLITE.format('OLD')}, {NEXT})")
    + "; "
    + UPSERT.format(rows=f"VALUES ('leads', {HOUR_SQLITE.format('NEW')}, {NEXT})")
    + "; END",
    "trg_companies_partitions_update": f"AFTER UPDATE ON companies FOR EACH ROW "
    f"WHEN {COMPANY_CHANGED} BEGIN "
    + UPSERT.format(
        rows=f"SELECT DISTINCT 'leads', {HOUR_SQLITE.format('leads')}, {NEXT} FROM leads "
        "WHERE leads.company_id = NEW.id"
    )
    + "; END",
    "trg_companies_partitions_delete": "AFTER DELETE ON companies FOR EACH ROW BEGIN "
    + UPSERT.format(
        rows=f"SELECT DISTINCT 'leads', {HOUR_SQLITE.format('leads')}, {NEXT} FROM leads "
        "WHERE leads.company_id = OLD.id"
    )
    + "; END",
}
# (name, table, event, transition tables)
PG_TRIGGERS = (
    ("trg_leads_partitions_insert", "leads", "INSERT", "NEW TABLE AS new_rows"),
    (
        "trg_leads_partitions_update",
        "leads",
        "UPDATE",
        "NEW TABLE AS new_rows OLD TABLE AS old_rows",
    ),
    ("trg_leads_partitions_delete", "leads", "DELETE", "OLD TABLE AS old_rows"),
    (
        "trg_companies_partitions_update",
        "companies",
        "UPDATE",
        "NEW TABLE AS new_rows OLD TABLE AS old_rows",
    ),
    ("trg_companies_partitions_delete", "companies", "DELETE", "OLD TABLE AS old_rows"),
)


def upgrade() -> None:
    op.create_table(
        "partition_versions",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("hour", sa.String(length=13), nullable=False),  # UTC, 'YYYY-MM-DD HH'
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "hour", name=op.f("pk_partition_versions")),
    )
    op.create_index("ix_partition_versions_version", "partition_versions", ["entity", "version"])
    op.bulk_insert(
        sa.table("data_versions", sa.column("name"), sa.column("version")),
        [{"name": "partitions", "version": 0}],
    )
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        return
    op.execute(PG_FUNCTION)
    for name, table, event, referencing in PG_TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, table, *_ in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.execute("DELETE FROM data_versions WHERE name = 'partitions'")
    op.drop_table("partition_versions")
