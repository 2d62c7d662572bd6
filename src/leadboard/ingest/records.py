"""The upsert loop shared by leads and sales: rows in chunks, matched on (origin, external id).

For each chunk: evaluate the rows (a row that fails is reported by line and left out), fetch the
records that already exist, then walk the rows in file order: a new external id is created, a
known one is compared field by field and updated only where something changed ("skipped" when
nothing did). A repeated external id later in the same file updates the record like a second
import would. Writes go out in bulk at the end of each chunk.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    update,
)

from leadboard.db.bulk import BulkWriter
from leadboard.ingest.reader import BadRow, CsvFile, Row
from leadboard.ingest.summary import Counts, Summary
from leadboard.ingest.values import FieldProblem, Getter, ImportTime, Rows

CHUNK_ROWS = 10_000


def key_in(column: Any, conn: Connection) -> Any:
    """`column IN (:keys)` with all keys in one bound value (a JSON array on SQLite, an array on
    PostgreSQL): 10,000 keys need no 10,000 parameters."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam("keys", type_=ARRAY(String)))
    return column.in_(
        select(literal_column("value")).select_from(func.json_each(bindparam("keys")))
    )


def keys_param(keys: set[str], conn: Connection) -> Any:
    ordered = sorted(keys)
    return ordered if conn.dialect.name == "postgresql" else json.dumps(ordered)


@dataclass(slots=True)
class Evaluated:
    """One row, evaluated: the record's fields as the row gives them."""

    line: int
    external_id: str
    values: dict[str, Any]  # fields a re-import compares and updates
    extra: dict[str, Any]  # fields only used when the record is created (and by subclasses)


@dataclass(slots=True)
class Record:
    """A record as it stands while a chunk is processed (stored, or created in this chunk)."""

    id: int | None
    values: dict[str, Any]
    new: dict[str, Any] | None = None  # the full row of a record created in this chunk
    state: dict[str, Any] = field(default_factory=dict)  # e.g. status bookkeeping


@dataclass
class Join:
    slot: int
    column: int  # index in the rows file
    index: dict[str, list[str | None]]  # key -> the joined file's row, cleaned


class Upsert:
    """Subclasses set `table`, `kind`, the getters and `create`."""

    table: Table
    kind: str

    def __init__(
        self,
        conn: Connection,
        origin: str,
        summary: Summary,
        now: ImportTime,
        joins: list[Join],
        clean_row: Callable[[list[str]], list[str | None]],
    ) -> None:
        self.conn = conn
        self.origin = origin
        self.summary = summary
        self.now = now
        self.joins = joins
        self.clean_row = clean_row
        self.writer = BulkWriter(conn)
        self.external_id: Getter = lambda rows: None
        self.getters: dict[str, Getter] = {}  # compared and updated
        self.extras: dict[str, Getter] = {}  # evaluated before the references
        self.references: dict[str, Getter] = {}  # compared and updated; evaluated last
        self.file = ""
        self._counts: Counts | None = None
        self.before_write: Callable[[], None] = lambda: None  # e.g. write new related records
        self.line = 0  # the row being evaluated, for warnings

    @property
    def counts(self) -> Counts:
        if self._counts is None:
            self._counts = self.summary.counts(self.kind)
        return self._counts

    def run(self, csv_file: CsvFile, rows: Iterable[Row | BadRow]) -> None:
        self.file = csv_file.name
        chunk: list[Evaluated] = []
        for row in rows:
            if isinstance(row, BadRow):
                self.counts.errors += 1
                self.summary.error(self.file, row.line, None, row.message)
                continue
            evaluated = self.evaluate(row)
            if evaluated is not None:
                chunk.append(evaluated)
            if len(chunk) >= CHUNK_ROWS:
                self.flush(chunk)
                chunk = []
        self.flush(chunk)

    def evaluate(self, row: Row) -> Evaluated | None:
        self.line = row.line
        cells = self.clean_row(row.cells)
        slots: Rows = [cells]
        for join in self.joins:
            key = cells[join.column]
            slots.append(join.index.get(key) if key is not None else None)
        try:
            external_id = self.external_id(slots)
            if external_id is None:
                raise FieldProblem("external_id", "not set: every row needs its external id")
            values = {name: get(slots) for name, get in self.getters.items()}
            extra = {name: get(slots) for name, get in self.extras.items()}
            values.update({name: get(slots) for name, get in self.references.items()})
        except FieldProblem as problem:
            self.counts.errors += 1
            self.summary.error(self.file, row.line, problem.field, problem.message)
            return None
        return Evaluated(row.line, external_id, values, extra)

    # --- per chunk ---

    def flush(self, chunk: list[Evaluated]) -> None:
        """Match, compare and write a chunk."""
        if not chunk:
            return
        stored = self.fetch({e.external_id for e in chunk})
        created: dict[str, Record] = {}
        changed: dict[int, dict[str, Any]] = {}
        counts = self.counts
        for item in chunk:
            record = created.get(item.external_id) or stored.get(item.external_id)
            if record is None:
                created[item.external_id] = self.create(item)
                counts.created += 1
                continue
            changes = self.compare(item, record)
            if not changes:
                counts.skipped += 1
                continue
            counts.updated += 1
            record.values.update(changes)
            if record.new is not None:
                record.new.update(changes)
            else:
                if record.id is None:
                    raise RuntimeError("a changed record without an id")
                changed.setdefault(record.id, {}).update(changes)
        self.write(list(created.values()), changed)

    def fetch(self, keys: set[str]) -> dict[str, Record]:
        t = self.table.c
        columns = [t.id, t.external_id, *self.stored_columns()]
        query = select(*columns).where(t.origin == self.origin, key_in(t.external_id, self.conn))
        found = {}
        for row in self.conn.execute(query, {"keys": keys_param(keys, self.conn)}).mappings():
            values = {name: row[name] for name in self.compared()}
            state = {name: row[name] for name in self.state_columns()}
            found[row["external_id"]] = Record(row["id"], values, state=state)
        return found

    def compared(self) -> list[str]:
        return [*self.getters, *self.references]

    def state_columns(self) -> list[str]:
        return []

    def stored_columns(self) -> list[Any]:
        return [self.table.c[name] for name in [*self.compared(), *self.state_columns()]]

    def compare(self, item: Evaluated, record: Record) -> dict[str, Any]:
        """The fields to change: differing values, except that the import time never replaces
        a stored value."""
        return {
            name: value
            for name, value in item.values.items()
            if value != record.values.get(name) and not isinstance(value, ImportTime)
        }

    def create(self, item: Evaluated) -> Record:
        raise NotImplementedError

    def write(self, created: list[Record], changed: dict[int, dict[str, Any]]) -> None:
        self.before_write()
        self.update(changed)
        if created:
            rows = [r.new for r in created if r.new is not None]
            self.writer.insert(self.table, list(rows[0]), rows)

    def update(self, changed: dict[int, dict[str, Any]]) -> None:
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for record_id, changes in changed.items():
            names = tuple(sorted(changes))
            groups.setdefault(names, []).append(
                {"_id": record_id, **{f"_{k}": v for k, v in changes.items()}}
            )
        for names, params in groups.items():
            statement = (
                update(self.table)
                .where(self.table.c.id == bindparam("_id"))
                .values({name: bindparam(f"_{name}") for name in names})
            )
            self.conn.execute(statement, params)
