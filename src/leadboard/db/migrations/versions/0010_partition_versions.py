"""partition versions: a version per hour of lead creation and of sale date, moved by triggers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-14 10:00:00

The rollups (semantic/executors/partitioned.py) keep a lead tile's figures per local month, day
and hour of `leads.created_at`, and a sale tile's per piece of `sales.sale_date`.
`partition_versions(entity, hour, version)` tells them which pieces a write changed: triggers in
the writer's own transaction set the row of every UTC hour ('YYYY-MM-DD HH') a written record
falls in, before and after the write, to one more than the highest version of that entity:

* leads: a lead written (its creation hour, old and new); every lead of a company whose name or
  country changed (a lead's company and country read it);
* sales: a sale written (its sale date, old and new); the sales of a lead written (sale tiles
  read the lead's status, sources and country) and of a company whose name or country changed.

A piece's version is the highest of its hours': it moves whenever any hour in it is written,
and "the hours written since version v" is one index range. `data_versions` gets a
`partitions` row: bulk loads that pause the row triggers (db/bulk.py) move it, and with it every
piece. `ix_sales_sale_date` finds the sales' span of dates for tiles over all time.

SQLite: row-level triggers with an upsert. PostgreSQL: statement-level triggers over the
transition tables (one upsert per statement and entity, also for COPY), one plpgsql function
each; every writer of these tables has locked the data_versions rows first (migration 0006), so
they cannot deadlock on the hour rows.
"""

# DDL built from this module's constants only (no input): string-built on purpose.
# ruff: noqa: S608

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

DATE = {"leads": "created_at", "sales": "sale_date"}  # the column each entity is split by


def _hour(dialect: str, column: str) -> str:
    if dialect == "sqlite":
        return f"strftime('%Y-%m-%d %H', {column})"
    return f"to_char({column}, 'YYYY-MM-DD HH24')"


def _bump(entity: str, hours: str) -> str:
    """Set every hour `hours` (a SELECT of a column h) yields to the entity's next version."""
    following = (
        f"(SELECT coalesce(max(version), 0) + 1 FROM partition_versions WHERE entity = '{entity}')"
    )
    # WHERE: the hours of no record are none; and SQLite needs a WHERE before ON CONFLICT.
    return (
        f"INSERT INTO partition_versions (entity, hour, version) "
        f"SELECT '{entity}', h, {following} FROM (SELECT DISTINCT h FROM ({hours}) a) b "
        f"WHERE h IS NOT NULL "
        f"ON CONFLICT (entity, hour) DO UPDATE SET version = excluded.version"
    )


def _statements(dialect: str, table: str, event: str) -> list[str]:
    """What a write of `table` bumps. Row triggers name the row OLD/NEW; statement triggers
    read the transition tables old_rows/new_rows."""
    sqlite = dialect == "sqlite"

    def rows(which: str) -> tuple[str, str]:  # (FROM clause, alias) of the written rows
        if sqlite:
            return "(SELECT 1)", which
        # Aliases that are no PL/pgSQL variable (old and new are).
        return ("new_rows", "written") if which == "NEW" else ("old_rows", "removed")

    def hours_of(which: str, column: str) -> str:
        source, alias = rows(which)
        if sqlite:
            return f"SELECT {_hour(dialect, f'{which}.{column}')} AS h"
        return f"SELECT {_hour(dialect, f'{alias}.{column}')} AS h FROM {source} {alias}"

    def ids(which: str) -> str:
        source, alias = rows(which)
        return f"SELECT {which}.id" if sqlite else f"SELECT {alias}.id FROM {source} {alias}"

    sides = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
    if table in ("leads", "sales"):
        own = " UNION ".join(hours_of(side, DATE[table]) for side in sides)
        found = [_bump(table, own)]
        if table == "leads" and event != "INSERT":  # a new lead has no sales yet
            side = sides[-1]
            found.append(
                _bump(
                    "sales",
                    f"SELECT {_hour(dialect, 's.sale_date')} AS h FROM sales s "
                    f"WHERE s.lead_id IN ({ids(side)})",
                )
            )
        return found
    # companies: UPDATE of the name or country (SQLite: the trigger's WHEN), or DELETE
    if sqlite:
        changed = ids(sides[-1])
    elif event == "DELETE":
        changed = "SELECT o.id FROM old_rows o"
    else:
        changed = (
            "SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id "
            "WHERE n.name IS DISTINCT FROM o.name OR n.country IS DISTINCT FROM o.country"
        )
    their_leads = f"SELECT l.id FROM leads l WHERE l.company_id IN ({changed})"
    return [
        _bump(
            "leads",
            f"SELECT {_hour(dialect, 'l.created_at')} AS h FROM leads l "
            f"WHERE l.company_id IN ({changed})",
        ),
        _bump(
            "sales",
            f"SELECT {_hour(dialect, 's.sale_date')} AS h FROM sales s "
            f"WHERE s.company_id IN ({changed}) OR s.lead_id IN ({their_leads})",
        ),
    ]


TRIGGERS = [
    (table, event)
    for table in ("leads", "sales", "companies")
    for event in ("INSERT", "UPDATE", "DELETE")
    if not (table == "companies" and event == "INSERT")  # a new company has no leads yet
]
COMPANY_CHANGED = "OLD.name IS NOT NEW.name OR OLD.country IS NOT NEW.country"


def _name(table: str, event: str) -> str:
    return f"trg_{table}_partitions_{event.lower()}"


def upgrade() -> None:
    op.create_table(
        "partition_versions",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("hour", sa.String(length=13), nullable=False),  # UTC, 'YYYY-MM-DD HH'
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "hour", name=op.f("pk_partition_versions")),
    )
    op.create_index("ix_partition_versions_version", "partition_versions", ["entity", "version"])
    op.create_index("ix_sales_sale_date", "sales", ["sale_date"])
    op.bulk_insert(
        sa.table("data_versions", sa.column("name"), sa.column("version")),
        [{"name": "partitions", "version": 0}],
    )
    dialect = op.get_bind().dialect.name
    for table, event in TRIGGERS:
        name = _name(table, event)
        statements = _statements(dialect, table, event)
        if dialect == "sqlite":
            when = f" WHEN {COMPANY_CHANGED}" if (table, event) == ("companies", "UPDATE") else ""
            body = "; ".join(statements)
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
                f"BEGIN {body}; END"
            )
            continue
        body = ";\n    ".join(statements)
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n    {body};\n    RETURN NULL;\nEND\n$$"
        )
        referencing = {
            "INSERT": "NEW TABLE AS new_rows",
            "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
            "DELETE": "OLD TABLE AS old_rows",
        }[event]
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, event in TRIGGERS:
        name = _name(table, event)
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DELETE FROM data_versions WHERE name = 'partitions'")
    op.drop_index("ix_sales_sale_date", table_name="sales")
    op.drop_table("partition_versions")
