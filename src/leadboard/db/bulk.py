"""Bulk writes for large loads (file imports and the demo): the driver's executemany (SQLite) or
COPY (PostgreSQL) inside the caller's transaction, and the plain indexes dropped for a load and
built again from their own DDL afterwards.

Two kinds of rows go in:

* `BulkWriter.rows`: tuples already in the form the driver takes (the demo builds them so);
* `BulkWriter.insert`: dicts of column -> Python value (naive UTC datetimes, dicts for JSON),
  turned into what SQLAlchemy itself would store (SQLite keeps datetimes as text, JSON as text),
  so rows written here read back exactly like rows written through SQLAlchemy.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, Table, func, insert, select, text, update

from leadboard.db.engine import take_write_lock
from leadboard.db.schema import data_versions

# (done, total) after each index built again
IndexProgress = Callable[[int, int], None]


@contextmanager
def write_counters_paused(conn: Connection) -> Iterator[None]:
    """SQLite: the row-level triggers that count writes (migrations 0006 and 0010) are dropped
    for a bulk load in the caller's transaction and made again after it, and every group's
    version (and `partitions`, which every piece of the rollups reads) moves once if any row
    changed: a 1M-row import pays a few UPDATEs instead of one per row. Safe:
    SQLite's DDL is transactional and the load holds the write lock, so no other writer runs
    without them, and readers see the triggers and the new versions together at the commit.
    On an error nothing is restored here: the caller rolls back (the DDL with it). PostgreSQL's
    triggers are per statement (one per COPY): nothing to do."""
    if conn.dialect.name != "sqlite":
        yield
        return
    # pysqlite opens its transaction only before a DML statement: DDL before it would commit
    # at once. take_write_lock opens it (and takes the write lock).
    take_write_lock(conn)
    changes = conn.exec_driver_sql("SELECT total_changes()").scalar_one()
    triggers = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        " AND (name LIKE 'trg_%_data_version_%' OR name LIKE 'trg_%_partitions_%') ORDER BY name"
    ).all()
    for name, _ in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')  # a name read from the schema itself
    yield
    for _, sql in triggers:
        conn.exec_driver_sql(sql)
    if conn.exec_driver_sql("SELECT total_changes()").scalar_one() == changes:
        return  # the load wrote nothing (an import run again): no version moves
    conn.execute(
        update(data_versions)
        .where(data_versions.c.name != "epoch")
        .values(version=data_versions.c.version + 1)
    )


def drop_indexes(conn: Connection, tables: Iterable[Table]) -> list[str]:
    """Drop the plain indexes of `tables` (neither unique nor backing a constraint) for a large
    load: building them again at the end is much faster than keeping them up to date row by row.
    Returns their DDL as the database has it, for `create_indexes`. The drop is part of the
    transaction: other readers keep seeing the indexes until the commit."""
    if conn.dialect.name == "sqlite":
        # Constraints (UNIQUE, PRIMARY KEY) have automatic indexes without DDL.
        query = text(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL"
            " AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
        )
    else:
        query = text(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE schemaname = current_schema() AND tablename = :table"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)"
            " AND indexdef NOT LIKE 'CREATE UNIQUE%' ORDER BY indexname"
        )
    quote = conn.dialect.identifier_preparer.quote
    found = []
    for table in tables:
        for name, ddl in conn.execute(query, {"table": table.name}).all():
            conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
            found.append(ddl)
    return found


def create_indexes(
    conn: Connection, ddls: Sequence[str], progress: IndexProgress | None = None
) -> None:
    """Build again the indexes `drop_indexes` returned, reporting after each one."""
    for done, ddl in enumerate(ddls, start=1):
        conn.exec_driver_sql(ddl)
        if progress is not None:
            progress(done, len(ddls))


class BulkWriter:
    """Bulk inserts on one connection, in its transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self._dbapi: Any = conn.connection.dbapi_connection
        self._next: dict[str, int] = {}  # SQLite: the next id not handed out, per table
        self._sqlite_sql: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]] = {}

    def lock(self) -> None:
        """SQLite: take the write lock now, so ids read next stay ours until the commit."""
        take_write_lock(self.conn)

    def reserve_ids(self, table: Table, count: int) -> list[int]:
        """Ids for `count` new rows of `table` that no other writer will take."""
        if count == 0:
            return []
        if self.sqlite:
            # The write lock is held (see lock()): nobody else inserts until the commit. Ids
            # handed out but not yet written count too.
            stored = (self.conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
            start = max(stored, self._next.get(table.name, 0))
            self._next[table.name] = start + count
            return list(range(start, start + count))
        sequence = func.pg_get_serial_sequence(table.name, "id")
        series = func.generate_series(1, count).table_valued("n")
        rows = self.conn.execute(select(func.nextval(sequence)).select_from(series)).scalars()
        return sorted(int(value) for value in rows)

    def rows(self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert row tuples, each holding the values of `columns` in that order, already in the
        form the driver takes."""
        if not rows:
            return
        columns = tuple(columns)
        if self.sqlite:
            sql, order = self._sqlite_insert(table, columns)
            if order == columns:
                self._executemany(sql, rows)
            else:
                self._executemany(sql, map(_getter([columns.index(c) for c in order]), rows))
            return
        self._copy(table, columns, rows)

    def insert(self, table: Table, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
        """Insert dict rows (each with every one of `columns`); the dicts are changed in place
        (times and JSON become what the driver takes)."""
        if not rows:
            return
        # A column that is not set in any row is left out: NULL all the same, and much less
        # work per row for the driver and SQLite (only nullable columns without a server default).
        kept = tuple(
            name
            for name in columns
            if not _may_skip(table, name) or any(row[name] is not None for row in rows)
        )
        convert: list[tuple[str, Callable[[Any], str]]] = []
        for name in kept:
            kind = table.c[name].type
            if isinstance(kind, JSON):
                convert.append((name, _json))
            elif self.sqlite and isinstance(kind, DateTime):
                convert.append((name, _stamp))
        for row in rows:
            for name, to_driver in convert:
                value = row[name]
                if value is not None:
                    row[name] = to_driver(value)
        if self.sqlite:
            sql, order = self._sqlite_insert(table, kept)
            self._executemany(sql, map(_getter(order), rows))
            return
        self._copy(table, kept, map(_getter(kept), rows))

    def _sqlite_insert(self, table: Table, columns: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
        """The INSERT of `columns` and the order its parameters take them in."""
        key = (table.name, columns)
        if key not in self._sqlite_sql:
            compiled = insert(table).compile(dialect=self.conn.dialect, column_keys=list(columns))
            order = tuple(compiled.positiontup or ())
            if sorted(order) != sorted(columns):
                raise RuntimeError(f"unexpected insert columns for {table.name}: {order}")
            self._sqlite_sql[key] = (str(compiled), order)
        return self._sqlite_sql[key]

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        cursor = self._dbapi.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()

    def _copy(self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        from psycopg import sql as pgsql

        copy_sql = pgsql.SQL("COPY {} ({}) FROM STDIN").format(
            pgsql.Identifier(table.name), pgsql.SQL(", ").join(map(pgsql.Identifier, columns))
        )
        with self._dbapi.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)


def _getter(keys: Sequence[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """row -> the tuple of row[key] for each key (a tuple for a single key too)."""
    if len(keys) == 1:
        only = keys[0]
        return lambda row: (row[only],)
    getter: Callable[[Any], tuple[Any, ...]] = itemgetter(*keys)
    return getter


def _may_skip(table: Table, name: str) -> bool:
    column = table.c[name]
    return bool(column.nullable) and column.server_default is None and not column.primary_key


def _json(value: Any) -> str:
    return json.dumps(value)


def _stamp(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores."""
    return value.isoformat(" ", "microseconds")
