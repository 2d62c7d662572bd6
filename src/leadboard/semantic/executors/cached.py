"""The fast executor: BaseExecutor's plans and figures, each query's rows kept in a result cache
that writes invalidate (never a time to live).

A query's rows are cached under (the database, the dialect, the compiled SQL, its bound
parameters, the versions of the table groups the query reads). Every tile, quick filter, rights
scope, period and user-built criterion is in the SQL or its parameters, so the key is honest for
any of them; the groups are found from the tables of the statement itself (FROM objects,
subqueries, EXISTS), so a new kind of tile needs nothing here. A query over a table without a
group is never cached.

The versions are counters in `data_versions`, bumped by triggers in the writer's own transaction
(migration 0006), so every write path invalidates: capture, REST, imports, the demo, direct SQL,
another process. They are read once per dashboard compute, before its queries: rows cached under
a version were read at that version or later, never earlier, so a hit is never older than what
the reader would have seen.

Above the queries, a tile's whole result is kept too (`remembered`), under every group's
version, the tile, its filters and rights scope and the moment: its local day, or the instant
for a tile compared with last year or the previous period. The same dashboard again then costs
a lookup per tile instead of planning each tile's statements; after a write, the tiles are
planned again and their unchanged queries answer from the rows kept below.

The cache is per process (each uvicorn worker has its own), bounded by approximate size (an LRU
of `Settings.cache_mb`; 0 turns it off) and thread-safe (sync routes run in a thread pool).
"""

import secrets
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Select, func, select, update
from sqlalchemy import Row as SqlRow
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import TableClause

from leadboard.db.schema import DATA_GROUPS, data_versions
from leadboard.domain.rates import Converter
from leadboard.semantic.criteria import Context
from leadboard.semantic.executors.base import BaseExecutor
from leadboard.semantic.lookups import Lookups, load_lookups
from leadboard.semantic.plan import Plan
from leadboard.semantic.results import DrillDown, TileResult
from leadboard.semantic.spec import ALL, QuickFilters, Scope, Tile

__all__ = [
    "GROUP_OF",
    "CachedExecutor",
    "DataVersions",
    "ResultCache",
    "cached_lookups",
    "read_versions",
    "renew_epoch",
    "result_cache",
    "statement_shape",
    "unwrapped",
]

# Compared with a window that ends at now's time of day (periods.same_span_last_year,
# previous_period): such a tile's result may change with every moment, not only every day.
EXACT_NOW_COMPARES = ("same-span-last-year", "previous-period")

GROUP_OF: dict[str, str] = {
    table: group for group, tables in DATA_GROUPS.items() for table in tables
}


class ResultCache:
    """A thread-safe LRU of values with an approximate size in bytes, bounded in total."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return  # larger than the whole cache: not worth evicting everything for
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._items[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.bytes -= dropped

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0


_caches: dict[int, ResultCache] = {}
_caches_lock = threading.Lock()


def result_cache(cache_mb: int) -> ResultCache | None:
    """The process's cache of that size (one per size: a process has one Settings); None for 0."""
    if cache_mb <= 0:
        return None
    with _caches_lock:
        found = _caches.get(cache_mb)
        if found is None:
            found = _caches[cache_mb] = ResultCache(cache_mb * 1024 * 1024)
        return found


@dataclass(frozen=True)
class DataVersions:
    """The data versions one compute saw: which database (its URL and random epoch), each
    group's counter, and whether this connection has uncommitted writes of its own (then
    nothing is cached: a rollback would take the versions back)."""

    database: tuple[str, int]
    versions: dict[str, int]
    own_writes: bool

    def of(self, groups: Sequence[str]) -> tuple[int, ...] | None:
        """The groups' versions; None when one has no row (its writes are not counted, so
        nothing read from it may be cached)."""
        if any(g not in self.versions for g in groups):
            return None
        return tuple(self.versions[g] for g in groups)


def read_versions(conn: Connection) -> DataVersions:
    """One small query: every group's version, the epoch and (PostgreSQL) whether this
    transaction has written."""
    sqlite = conn.dialect.name == "sqlite"
    columns: list[ColumnElement[Any]] = [data_versions.c.name, data_versions.c.version]
    if not sqlite:
        columns.append(func.txid_current_if_assigned().label("tx"))
    rows = conn.execute(select(*columns)).all()
    found = {row.name: int(row.version) for row in rows}
    epoch = found.pop("epoch", 0)
    if sqlite:
        # pysqlite begins a transaction only before a write: open means uncommitted writes.
        own_writes = bool(getattr(conn.connection.dbapi_connection, "in_transaction", True))
    else:
        own_writes = any(row.tx is not None for row in rows)
    url = conn.engine.url.render_as_string(hide_password=True)
    return DataVersions((url, epoch), found, own_writes)


def renew_epoch(conn: Connection) -> None:
    """Make the database another one for every cache (after a restore: its versions are an
    older state's, and the writes after it would reuse numbers the caches of running servers
    have seen, here and in the rollups' copies of the hour versions)."""
    conn.execute(
        update(data_versions)
        .where(data_versions.c.name == "epoch")
        .values(version=secrets.randbits(62))
    )


def groups_read(statement: Select[Any]) -> tuple[str, ...] | None:
    """The groups of every table a statement reads, sorted; None if one has no group (or it
    reads no table)."""
    groups = set()
    for element in visitors.iterate(statement):
        if isinstance(element, TableClause):
            group = GROUP_OF.get(element.name)
            if group is None:
                return None
            groups.add(group)
    if not groups:
        return None  # no table at all (e.g. the database's clock): nothing would invalidate it
    return tuple(sorted(groups))


class _Rows:
    """Rows read once, answering the calls BaseExecutor makes on a result."""

    def __init__(self, rows: Sequence[SqlRow[Any]]) -> None:
        self.rows = rows

    def __iter__(self) -> Iterator[SqlRow[Any]]:
        return iter(self.rows)

    def all(self) -> Sequence[SqlRow[Any]]:
        return self.rows

    def one(self) -> SqlRow[Any]:
        if len(self.rows) != 1:
            raise ValueError(f"expected one row, got {len(self.rows)}")
        return self.rows[0]

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalars(self) -> Iterator[Any]:
        return (row[0] for row in self.rows)


def _rows_size(rows: Sequence[SqlRow[Any]], sql: str) -> int:
    """Approximate bytes: the rows, their values and the key's SQL."""
    total = sys.getsizeof(sql) + 200
    for row in rows:
        total += 64 + 8 * len(row) + sum(sys.getsizeof(value) for value in row)
    return total


def _result_size(result: TileResult) -> int:
    """Approximate bytes of a tile's result: its rows, records or steps and their values."""
    total = 2000
    for value in vars(result).values():
        if isinstance(value, tuple | list):
            total += sum(
                300 + 8 * len(vars(item)) if hasattr(item, "__dict__") else 100 for item in value
            )
    return total


def unwrapped(conn: Connection) -> Connection:
    """The real connection behind one that answers from the cache."""
    return conn._conn if isinstance(conn, _CachingConnection) else conn


class _CachingConnection:
    """A connection whose cacheable SELECTs answer from the cache; everything else (and every
    attribute) goes to the real connection."""

    def __init__(self, conn: Connection, cache: ResultCache, versions: DataVersions) -> None:
        self._conn = conn
        self._cache = cache
        self._versions = versions

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(statement, Select):
            return self._conn.execute(statement, *args, **kwargs)
        shape = statement_shape(statement, self._conn.dialect)
        if shape is None:
            return self._conn.execute(statement)
        sql, groups, params = shape
        versions = self._versions.of(groups)
        if versions is None:
            return self._conn.execute(statement)
        key = (self._versions.database, sql, params, versions)
        found = self._cache.get(key)
        if found is not None:
            return _Rows(cast(Sequence[SqlRow[Any]], found))
        rows = tuple(self._conn.execute(statement).all())
        self._cache.put(key, rows, _rows_size(rows, sql))
        return _Rows(rows)


# SQLAlchemy's own cache key of a statement (its structure, and its bound values in order)
# decides, as when SQLAlchemy reuses compiled SQL, which SQL text it compiles to: the text and
# the groups are found once per structure, not compiled again for every query of every compute.
_SHAPES: dict[Hashable, object] = {}
_SHAPES_MAX = 4096
_UNKNOWN = object()


def statement_shape(
    statement: Select[Any], dialect: Any
) -> tuple[str, tuple[str, ...], Hashable] | None:
    """(dialect and SQL text, groups read, bound values) of a statement; None: not cacheable."""
    cache_key = statement._generate_cache_key()
    if cache_key is None:  # an element SQLAlchemy cannot key: compile it each time
        groups = groups_read(statement)
        if groups is None:
            return None
        compiled = statement.compile(dialect=dialect)
        params: Hashable = tuple(sorted((k, _hashable(v)) for k, v in compiled.params.items()))
        return f"{dialect.name}:{compiled}", groups, params
    structure = (dialect.name, cache_key.key)
    known = _SHAPES.get(structure, _UNKNOWN)
    if known is _UNKNOWN:
        groups = groups_read(statement)
        known = None
        if groups is not None:
            known = (f"{dialect.name}:{statement.compile(dialect=dialect)}", groups)
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.clear()  # many user-built shapes: start again rather than grow
        _SHAPES[structure] = known
    if known is None:
        return None
    sql, groups = cast(tuple[str, tuple[str, ...]], known)
    values: Hashable = tuple(_hashable(b.effective_value) for b in cache_key.bindparams)
    return sql, groups, values


def _hashable(value: Any) -> Hashable:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return tuple(sorted(value, key=repr))
    return cast(Hashable, value)


class CachedExecutor(BaseExecutor):
    """BaseExecutor over a connection that answers repeated queries from the result cache."""

    def __init__(
        self, ctx: Context, converter: Converter, cache: ResultCache, versions: DataVersions
    ) -> None:
        super().__init__(ctx, converter)
        self.cache = cache
        self.versions = versions
        # The data part of every tile's key: the same for all tiles of this compute.
        self._data_key = (versions.database, tuple(sorted(versions.versions.items())))

    def _tile_key(self, tile: Tile, filters: QuickFilters, scope: Scope) -> Hashable | None:
        """What a tile's whole result depends on: the data (every group's version: any write
        anywhere invalidates it, and the query cache below then answers what did not change),
        the tile, filters and rights, the zone, viewer and base currency, and the moment: its
        local day (periods are whole days), or the instant itself for a tile compared with last
        year or the previous period (its comparison ends at now's time of day)."""
        if self.versions.own_writes:
            return None
        now = self.ctx.now
        moment = now if tile.compare in EXACT_NOW_COMPARES else now.astimezone(self.ctx.tz).date()
        return (
            "tile",
            self._data_key,
            tile.model_dump_json(),
            filters,
            scope,
            str(self.ctx.tz),
            self.ctx.current_user_id,
            self.converter.base_currency,
            moment,
        )

    def remembered(
        self, tile: Tile, filters: QuickFilters, scope: Scope
    ) -> tuple[TileResult | None, Hashable | None]:
        key = self._tile_key(tile, filters, scope)
        if key is None:
            return None, None
        return cast(TileResult | None, self.cache.get(key)), key

    def remember(
        self, conn: Connection, key: Hashable, tile_plan: Plan, result: TileResult
    ) -> None:
        """Keep the result only if every query of its plan is one the cache may keep: each
        table it reads has a version that its writes move (else no key could tell)."""
        for query in tile_plan.queries.values():
            shape = statement_shape(query, conn.dialect)
            if shape is None or self.versions.of(shape[1]) is None:
                return
        self.cache.put(key, result, _result_size(result))

    def _wrap(self, conn: Connection) -> Connection:
        if self.versions.own_writes:
            return conn
        return cast(Connection, _CachingConnection(conn, self.cache, self.versions))

    def prepare(
        self, conn: Connection, tile: Tile, filters: QuickFilters, scope: Scope = ALL
    ) -> Plan:
        return super().prepare(self._wrap(conn), tile, filters, scope)

    def run(self, conn: Connection, tile_plan: Plan) -> TileResult:
        return super().run(self._wrap(conn), tile_plan)

    def drill(
        self,
        conn: Connection,
        tile: Tile,
        filters: QuickFilters,
        key: str | None,
        page: int = 1,
        page_size: int = 50,
        scope: Scope = ALL,
    ) -> DrillDown:
        return super().drill(self._wrap(conn), tile, filters, key, page, page_size, scope)


def cached_lookups(conn: Connection, cache: ResultCache, versions: DataVersions) -> Lookups:
    """The reference data, loaded again only when the `reference` version moved."""
    reference = versions.of(("reference",))
    if versions.own_writes or reference is None:
        return load_lookups(conn)
    key = ("lookups", versions.database, reference)
    found = cache.get(key)
    if found is not None:
        return cast(Lookups, found)
    lookups = load_lookups(conn)
    size = 2000 + 300 * (len(lookups.associates) + len(lookups.forms) + len(lookups.statuses))
    cache.put(key, lookups, size + 200 * len(lookups.campaign_names))
    return lookups
