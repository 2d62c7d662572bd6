"""The database around the generator: bulk-load mechanics, no data of their own.

* Rows are built as tuples in Python and written with the driver's `executemany` (SQLite) or
  `COPY` (PostgreSQL) inside one transaction, in chunks (`Writer`, over db.bulk).
* The plain indexes of the big tables are dropped for the load and built again from their own DDL
  (db.bulk, as for file imports).
* SQLite runs with `synchronous=OFF` and a large page cache during the load (restored afterwards).
* Explicit ids do not move PostgreSQL's sequences, so they are reset past the largest id.
"""

import json
from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, delete, func, insert, select
from sqlalchemy.exc import DBAPIError

from leadboard.db import schema
from leadboard.db.bulk import BulkWriter, create_indexes
from leadboard.demo.times import SqliteStamps, stamp

Progress = Callable[[str, int, int], None]  # (stage, done, total)

STATUS_KEYS = ("open", "contacting", "qualified", "disqualified", "re-nurture")
META_KEYS = (
    "dataset",
    "demo_seed",
    "demo_today",
    "demo_leads",
    "demo_timezone",
    "demo_rows",
    "demo_logins",
)

# Tables the demo owns, children first (the order to empty them in).
# What refers to associates: users' tokens, sessions, favourites and visits go when the demo is
# replaced.
USER_TABLES: tuple[Table, ...] = (
    schema.idempotency_keys,
    schema.api_tokens,
    schema.sessions,
    schema.dashboard_favourites,
    schema.dashboard_visits,
)
# The tables the demo fills, children before parents.
DATA_TABLES: tuple[Table, ...] = (
    schema.lead_status_history,
    schema.form_submissions,
    schema.sales,
    schema.leads,
    schema.chat_sessions,
    schema.forms,
    schema.campaigns,
    schema.companies,
    schema.associates,
    schema.associate_groups,
)

# A re-run compares these tables' row counts with those the demo left, to find what users added
# since (leads posted through the API, status changes, tokens): replacing them needs --replace.
# Favourites and page visits are left out: looking at the demo makes them.
# Roles: the built-in ones stay, the demo adds its own (an admin's would count as a change).
WATCHED: tuple[Table, ...] = (
    *DATA_TABLES,
    schema.api_tokens,
    schema.idempotency_keys,
    schema.roles,
)
WATCHED_WORDS = {
    "lead_status_history": "status changes",
    "form_submissions": "form submissions",
    "chat_sessions": "chat sessions",
    "associate_groups": "groups",
    "api_tokens": "API tokens",
    "idempotency_keys": "idempotent API requests",
}

# Their plain indexes are dropped during the load and built again afterwards (much faster).
BULK_TABLES = (schema.leads, schema.lead_status_history, schema.form_submissions)


class DemoError(Exception):
    """The demo cannot be generated here (e.g. the database holds data that is not demo data).

    `changes` lists what users added to an earlier demo, when that is the reason.
    """

    def __init__(self, message: str, changes: list[str] | None = None) -> None:
        super().__init__(message)
        self.changes = changes or []


def fast_sqlite(conn: Connection) -> dict[str, int]:
    """Bulk-load settings for SQLite (restored afterwards): no fsync, a large page cache."""
    saved = {
        "synchronous": int(conn.exec_driver_sql("PRAGMA synchronous").scalar_one()),
        "cache_size": int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one()),
    }
    conn.exec_driver_sql("PRAGMA synchronous=OFF")
    conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB
    conn.commit()
    return saved


def restore_sqlite(conn: Connection, saved: dict[str, int]) -> None:
    if conn.in_transaction():
        conn.rollback()
    conn.exec_driver_sql(f"PRAGMA synchronous={int(saved['synchronous'])}")
    conn.exec_driver_sql(f"PRAGMA cache_size={int(saved['cache_size'])}")
    if conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal":
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # shrink the log of the load
    conn.commit()


def row_counts(conn: Connection) -> dict[str, int]:
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in WATCHED
    }


def changed_since_demo(conn: Connection) -> list[str]:
    """What differs from the rows the demo left, in words ("3 more leads"); [] when nothing."""
    marker = schema.meta.c
    recorded = conn.execute(select(marker.value).where(marker.key == "demo_rows")).scalar()
    if recorded is None:
        return []  # made by a release that did not record its rows
    before = json.loads(recorded)
    changes = []
    for table, now in row_counts(conn).items():
        if table not in before:
            continue  # a table the release that made the demo did not count (e.g. roles)
        difference = now - int(before[table])
        if difference:
            word = WATCHED_WORDS.get(table, table)
            more = "more" if difference > 0 else "fewer"
            changes.append(f"{abs(difference)} {more} {word}")
    return changes


def holds_other_data(conn: Connection) -> bool:
    tables = (schema.leads, schema.sales, schema.associates)
    if not any(conn.execute(select(t.c.id).limit(1)).first() for t in tables):
        return False
    marker = schema.meta.c
    dataset = conn.execute(select(marker.value).where(marker.key == "dataset")).scalar()
    return dataset != "demo"


def status_ids(conn: Connection) -> dict[str, int]:
    """The ids of the default lead statuses (the demo keeps the statuses it finds)."""
    rows = conn.execute(select(schema.lead_statuses.c.key, schema.lead_statuses.c.id)).all()
    found = {key: status_id for key, status_id in rows}
    missing = [key for key in STATUS_KEYS if key not in found]
    if missing:
        raise DemoError(f"the demo needs the default lead statuses; missing: {', '.join(missing)}")
    return {key: found[key] for key in STATUS_KEYS}


def clear(conn: Connection) -> None:
    _clear_tables(conn)
    # The roles of the demo (or an admin's) go with the associates; the built-in ones stay.
    conn.execute(delete(schema.roles).where(schema.roles.c.builtin.is_(False)))


def _clear_tables(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # TRUNCATE is fast and leaves no dead rows for the foreign-key checks of the load; it
        # refuses when another table references these, and then DELETE (below) decides.
        try:
            with conn.begin_nested():
                names = ", ".join(t.name for t in USER_TABLES + DATA_TABLES)
                conn.exec_driver_sql("TRUNCATE " + names)
            return
        except DBAPIError:
            pass
    for table in USER_TABLES + DATA_TABLES:
        conn.execute(delete(table))


def rebuild_indexes(conn: Connection, ddls: list[str], report: Progress) -> None:
    report("Indexing", 0, len(ddls))
    create_indexes(conn, ddls, lambda done, total: report("Indexing", done, total))


def write_meta(
    conn: Connection,
    leads: int,
    seed: int,
    today: date,
    tz: ZoneInfo,
    logins: dict[str, str] | None = None,
) -> None:
    """Mark the database as demo data, with the settings that made it and the emails of its
    logins by kind ({"group": ..., "own": ...})."""
    conn.execute(delete(schema.meta).where(schema.meta.c.key.in_(META_KEYS)))
    rows = json.dumps(row_counts(conn), sort_keys=True)
    kinds = json.dumps(logins or {}, sort_keys=True)
    values = ("demo", str(seed), today.isoformat(), str(leads), tz.key, rows, kinds)
    conn.execute(
        insert(schema.meta),
        [{"key": k, "value": v} for k, v in zip(META_KEYS, values, strict=True)],
    )


def reset_sequences(conn: Connection) -> None:
    """PostgreSQL: explicit ids do not move the id sequences; point them past the largest id."""
    for table in DATA_TABLES:
        largest = select(func.max(table.c.id)).scalar_subquery()
        sequence = func.pg_get_serial_sequence(table.name, "id")
        conn.execute(select(func.setval(sequence, func.coalesce(largest, 1), largest.is_not(None))))


class Writer:
    """Bulk inserts of row tuples (db.bulk), counting the rows written per table."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.counts: dict[str, int] = {}
        self._bulk = BulkWriter(conn)
        # Times in the row tuples are already in the form the driver takes.
        self.stamp: Callable[[int], Any] = SqliteStamps() if self.sqlite else stamp

    def core(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Small tables: through SQLAlchemy Core (JSON and Date handled by their types)."""
        if rows:
            self.conn.execute(insert(table), rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    def rows(self, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        self._bulk.rows(table, columns, rows)
