"""Bulk writes for large imports: the driver's executemany (SQLite) or COPY (PostgreSQL).

Rows are dicts of column -> Python value (naive UTC datetimes, dicts for JSON); they are turned
into what SQLAlchemy itself would store (SQLite keeps datetimes as text, JSON as text), so rows
written here read back exactly like rows written through SQLAlchemy.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, DateTime, Table, func, insert, select

JSON_COLUMNS = {"custom", "allowed_origins", "fields", "payload", "response"}


class BulkWriter:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self._dbapi: Any = conn.connection.dbapi_connection
        self._next: dict[str, int] = {}  # SQLite: the next id not handed out, per table

    def lock(self) -> None:
        """SQLite: take the write lock now, so ids read next stay ours until the commit."""
        if self.sqlite:
            self.conn.exec_driver_sql("UPDATE meta SET key = key WHERE 0 = 1")

    def drop_indexes(self, tables: Sequence[Table]) -> list[str]:
        """SQLite: drop the plain indexes of `tables` for a large load (rebuilding them at the end
        is much faster than keeping them up to date row by row); returns their DDL. Unique
        constraints stay. Readers keep seeing the indexes: the drop is part of the transaction."""
        if not self.sqlite:
            return []
        found = []
        for table in tables:
            rows = self.conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
                (table.name,),
            ).all()
            for name, ddl in rows:
                quoted = self.conn.dialect.identifier_preparer.quote(name)
                self.conn.exec_driver_sql(f"DROP INDEX {quoted}")
                found.append(ddl)
        return found

    def create_indexes(self, ddls: list[str]) -> None:
        for ddl in ddls:
            self.conn.exec_driver_sql(ddl)

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

    def insert(self, table: Table, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
        """Insert dict rows (each with every one of `columns`); the dicts are changed in place
        (times and JSON become what the driver takes)."""
        if not rows:
            return
        # A column that is not set in any row is left out: NULL all the same, and much less
        # work per row for the driver and SQLite (only nullable columns without a server default).
        columns = [
            name
            for name in columns
            if not _may_skip(table, name) or any(row[name] is not None for row in rows)
        ]
        convert = [
            (name, _json if name in JSON_COLUMNS else _stamp)
            for name in columns
            if name in JSON_COLUMNS or (self.sqlite and isinstance(table.c[name].type, DateTime))
        ]
        for row in rows:
            for name, to_driver in convert:
                value = row[name]
                if value is not None:
                    row[name] = to_driver(value)
        dbapi = self._dbapi
        if self.sqlite:
            compiled = insert(table).compile(dialect=self.conn.dialect, column_keys=list(columns))
            order = list(compiled.positiontup or ())
            pick = itemgetter(*order)
            cursor = dbapi.cursor()
            try:
                cursor.executemany(str(compiled), map(pick, rows))
            finally:
                cursor.close()
            return
        from psycopg import sql as pgsql

        pick = itemgetter(*columns)
        copy_sql = pgsql.SQL("COPY {} ({}) FROM STDIN").format(
            pgsql.Identifier(table.name), pgsql.SQL(", ").join(map(pgsql.Identifier, columns))
        )
        with dbapi.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(pick(row))


def _may_skip(table: Table, name: str) -> bool:
    column = table.c[name]
    return bool(column.nullable) and column.server_default is None and not column.primary_key


def _json(value: Any) -> str:
    return json.dumps(value)


def _stamp(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores."""
    return value.isoformat(" ", "microseconds")
