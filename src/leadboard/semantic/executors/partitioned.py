"""The rollups: a lead or sale tile's figures kept per local month, day and hour of its
records' date (a lead's creation, a sale's date), so that a write recomputes only the pieces of
time it touched.

A tile's counts and amounts add up over any split of that date: the figures of a window are the
sum of the figures of its pieces (whole local months, whole local days, whole UTC hours of a
day the window cuts, and the edges under an hour, such as the minutes up to "now"). Each piece
is the tile's own query restricted to the piece (plan.plan_piece: the same criteria, quick
filters and rights scope, only the time differs), so a piece can never answer differently from
the base tables; sums, lowest and highest amounts per currency combine exactly (Figures.add).

Whole pieces are kept in the result cache under the piece's version: the highest version of the
UTC hours it covers in `partition_versions`, which triggers set in the writer's own transaction
(migration 0010) for every hour a written record falls in, before and after the write, for the
sales of a written lead and for every lead and sale of a company whose name or country changes.
A new lead moves the current hour only: every past piece still answers from memory, and the
cold compute after a capture reads only the last minutes from the tables. A status change on a
lead of last March recomputes March's pieces only (and those of its sales). The versions of the
other groups a piece reads (sales, for a lead tile's `has_sale`) and the `partitions` counter
that bulk loads move are part of its key. The pieces added up are kept too, under the whole
query's own key: the same compute again takes one lookup per tile.

List tiles, tiles of form submissions and chats, tiles dated by another field, and transactions
with writes of their own go to the result cache of whole queries (cached.py), as `explain_path`
tells.
"""

import threading
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, cast

from sqlalchemy import Column, Connection, Select, func, select
from sqlalchemy import Row as SqlRow
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import TableClause

from leadboard.db.schema import leads, partition_versions, sales
from leadboard.db.times import from_db, to_db
from leadboard.domain.rates import Converter
from leadboard.semantic import catalog as c
from leadboard.semantic.criteria import Context
from leadboard.semantic.executors.base import Figures, collect
from leadboard.semantic.executors.cached import (
    GROUP_OF,
    CachedExecutor,
    DataVersions,
    ResultCache,
    statement_shape,
    unwrapped,
)
from leadboard.semantic.periods import Window, local_midnight
from leadboard.semantic.plan import (
    LIST_LIMIT,
    PIECE_DATES,
    PIECE_END,
    PIECE_START,
    RECORD_FIELDS,
    RECORD_ORDER,
    Plan,
    plan_piece,
)

__all__ = [
    "HourVersions",
    "PartitionedExecutor",
    "Piece",
    "explain_path",
    "hour_versions",
    "in_pieces",
    "pieces",
]

PIECE_KINDS = ("grouped", "number", "series", "funnel", "gauge", "list")
DATED = {"leads": leads.c.created_at, "sales": sales.c.sale_date}  # the columns of PIECE_DATES
# What a piece of each entity may read: the triggers of migration 0010 move its hours for
# writes of these tables (the other tables of their groups, such as lead_status_history, not).
PIECE_TABLES = {
    "leads": frozenset({"leads", "companies"}),
    "sales": frozenset({"sales", "leads", "companies"}),
}
WHOLE_MONTHS = ("month", "quarter", "year")  # series grains a whole month never straddles


@dataclass(frozen=True)
class Piece:
    """A span of time: a whole local month, day or UTC hour, or an edge shorter than an hour."""

    start: datetime
    end: datetime
    whole: bool


def _next_day(day: date) -> date:
    return day + timedelta(days=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def pieces(
    start: datetime, end: datetime, tz: tzinfo, months: bool = True, now: datetime | None = None
) -> list[Piece]:
    """[start, end) as whole local months (where `months`), whole local days, whole UTC hours
    within a partial day, and edges shorter than an hour. The month that holds `now` is kept in
    days: new leads land in it all the time, and each one then recomputes a day, not the month;
    a day cut by the window (today, up to now) is kept in hours, so only the last minutes are
    read from the tables on every compute."""
    found: list[Piece] = []
    moment = start
    while moment < end:
        day = moment.astimezone(tz).date()
        midnight = local_midnight(day, tz)
        if midnight != moment:  # within a day (or a DST gap moved midnight)
            edge_end = min(local_midnight(_next_day(day), tz), end)
            found += _hours_of(moment, edge_end)
            moment = edge_end
            continue
        if months and day.day == 1:
            month_end = local_midnight(_next_month(day), tz)
            if month_end <= end and not (now is not None and moment <= now < month_end):
                found.append(Piece(moment, month_end, whole=True))
                moment = month_end
                continue
        day_end = local_midnight(_next_day(day), tz)
        if day_end > end:
            found += _hours_of(moment, end)
            break
        found.append(Piece(moment, day_end, whole=True))
        moment = day_end
    return found


def _hours_of(start: datetime, end: datetime) -> list[Piece]:
    """A span within one day: whole UTC hours, and edges before the first and after the last."""
    found: list[Piece] = []
    first = _floor_hour(start)
    if first < start:
        first += timedelta(hours=1)
    if first >= end:
        return [Piece(start, end, whole=False)]
    if start < first:
        found.append(Piece(start, first, whole=False))
    moment = first
    while moment + timedelta(hours=1) <= end:
        found.append(Piece(moment, moment + timedelta(hours=1), whole=True))
        moment += timedelta(hours=1)
    if moment < end:
        found.append(Piece(moment, end, whole=False))
    return found


def _floor_hour(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC)
    return utc.replace(minute=0, second=0, microsecond=0)


def _hour(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H")


def _hour_after(moment: datetime) -> str:
    """The first hour that starts at or after `moment` (a piece's last hour is before it)."""
    floor = _floor_hour(moment)
    return _hour(floor if floor == moment else floor + timedelta(hours=1))


def _why_not(tile_plan: Plan) -> str | None:
    """Why a plan is not added up from pieces (None: it is)."""
    tile = tile_plan.tile
    entity = tile_plan.entity.name
    date_field = PIECE_DATES.get(entity)
    if date_field is None:
        return f"only lead and sale tiles are kept in pieces ({entity} are not)"
    if tile.kind not in PIECE_KINDS:
        return f"a {tile.kind} tile is read from the tables"
    if tile.date_field not in (None, date_field):
        return f"{entity} are kept in pieces by {date_field}; the tile is by {tile.date_field}"
    if tile.kind == "list" and _list_order(tile_plan) is None:
        return "a list ordered by a field that can be empty or is text is read from the tables"
    return None


def _list_order(tile_plan: Plan) -> tuple[str, bool] | None:
    """(record column, descending) a list tile is ordered by, then by id; None where the order
    of merged pieces could differ from the database's (an empty value sorts first on SQLite and
    last on PostgreSQL; text by the database's collation)."""
    tile = tile_plan.tile
    entity = tile_plan.entity
    name = (tile.order_by or "").lstrip("-") or RECORD_ORDER[entity.name]
    descending = tile.order_by.startswith("-") if tile.order_by else True
    f = entity.field(name)
    column = f.expr
    if name not in RECORD_FIELDS[entity.name] or f.type not in (c.DATE, c.NUMBER):
        return None
    if not isinstance(column, Column) or column.nullable:
        return None
    return name, descending


def in_pieces(tile_plan: Plan) -> bool:
    """Whether the fast executor adds the plan up from pieces (given enough records)."""
    return _why_not(tile_plan) is None


def explain_path(tile_plan: Plan) -> str:
    """Which path the fast executor takes for a plan, and why (`leadboard tile explain`)."""
    why = _why_not(tile_plan)
    if why is not None:
        return f"result cache of whole queries: {why}"
    return (
        f"rollups: the figures added up from whole local months, days and hours of "
        f"{PIECE_DATES[tile_plan.entity.name]} and the edges within an hour, each kept until a "
        "write touches its hours (the edge up to now is read each time)"
    )


class HourVersions:
    """A process's copy of `partition_versions` for one entity, read again only where it moved:
    a compute that sees the data versions of the last read reads nothing, any other reads the
    hours written since (versions only grow). A new database, epoch or bulk load (`partitions`),
    or versions that went back, read it whole. Thread-safe: computes run in a thread pool."""

    def __init__(self, entity: str) -> None:
        self.entity = entity
        self._lock = threading.Lock()
        self._state: tuple[Hashable, Hashable] | None = None  # (database, data versions seen)
        self._hours: list[str] = []  # sorted
        self._versions: list[int] = []  # parallel to _hours
        self._highest = 0

    def refresh(self, conn: Connection, versions: DataVersions) -> None:
        base: Hashable = (versions.database, versions.versions.get("partitions"))
        # Writes of the groups a piece reads are what move its hours.
        seen: Hashable = tuple(sorted(versions.versions.items()))
        with self._lock:
            if self._state == (base, seen):
                return
            table = partition_versions.c
            mine = table.entity == self.entity
            highest = conn.execute(select(func.max(table.version)).where(mine)).scalar_one()
            if self._state is None or self._state[0] != base or (highest or 0) < self._highest:
                # A new database, a bulk load, or versions that went back (rows deleted, an
                # older file restored): read every hour again.
                self._hours, self._versions, self._highest = [], [], 0
            rows = conn.execute(
                select(table.hour, table.version).where(mine, table.version > self._highest)
            ).all()
            if rows:
                known = dict(zip(self._hours, self._versions, strict=True))
                known.update((row.hour, int(row.version)) for row in rows)
                self._hours = sorted(known)
                self._versions = [known[h] for h in self._hours]
                self._highest = max(self._highest, max(int(row.version) for row in rows))
            self._state = (base, seen)

    def of(self, first_hour: str, after_hour: str) -> int:
        """The highest version of the hours in [first_hour, after_hour) (0: none written)."""
        with self._lock:
            low = bisect_left(self._hours, first_hour)
            high = bisect_left(self._hours, after_hour, lo=low)
            return max(self._versions[low:high], default=0)


_hour_versions: dict[tuple[Hashable, str], HourVersions] = {}
_hour_versions_lock = threading.Lock()


def hour_versions(database: Hashable, entity: str) -> HourVersions:
    """The process's copy for one database and entity."""
    with _hour_versions_lock:
        found = _hour_versions.get((database, entity))
        if found is None:
            found = _hour_versions[(database, entity)] = HourVersions(entity)
        return found


class PartitionedExecutor(CachedExecutor):
    """CachedExecutor whose lead and sale tiles add their figures up from pieces kept in the
    cache."""

    def __init__(
        self,
        ctx: Context,
        converter: Converter,
        cache: ResultCache,
        versions: DataVersions,
        rollups_from: int = 0,
    ) -> None:
        super().__init__(ctx, converter, cache, versions)
        self.rollups_from = rollups_from  # records of an entity before its tiles go in pieces
        self._sizes: dict[str, int] = {}  # by entity: its highest id, about its records
        self._hours: dict[str, HourVersions] = {}  # by entity, read on its first piece
        self._spans: dict[str, tuple[datetime, datetime] | None] = {}  # by entity

    # -- where pieces apply ---------------------------------------------------------------

    def _windows(self, conn: Connection, tile_plan: Plan, query: str) -> list[tuple[Any, Window]]:
        """(figures key, window) pairs whose figures the query gives: one window keyed None,
        or a series' buckets keyed by index; each cut to the months that hold data (an
        unbounded side ends there, and a period of centuries costs no more than the data)."""
        span = self._data_span(conn, tile_plan.entity.name)
        if span is None:
            return []  # no records at all: nothing to add up
        tz = self.ctx.tz
        first = local_midnight(span[0].astimezone(tz).date().replace(day=1), tz)
        after_last = local_midnight(_next_month(span[1].astimezone(tz).date().replace(day=1)), tz)
        if tile_plan.tile.kind == "series":
            chosen = tile_plan.compare_buckets if query == "compare" else tile_plan.buckets
            found: list[tuple[Any, Window]] = [
                (index, Window(b.start, b.end)) for index, b in enumerate(chosen)
            ]
        else:
            window = tile_plan.compare_window if query == "compare" else tile_plan.window
            if tile_plan.tile.date_field is None or window is None:
                window = Window(None, None)
            found = [(None, window)]
        cut = []
        for key, window in found:
            start = first if window.start is None else max(window.start, first)
            end = after_last if window.end is None else min(window.end, after_last)
            if start < end:
                cut.append((key, Window(start, end)))
        return cut

    def _data_span(self, conn: Connection, entity: str) -> tuple[datetime, datetime] | None:
        """The first and last date of the entity's records (both indexed)."""
        if entity not in self._spans:
            # Two scalar subqueries: SQLite reads a lone min() or max() off the index's ends,
            # but scans every row for both in one SELECT.
            dated = DATED[entity]
            first, last = conn.execute(
                select(
                    select(func.min(dated)).scalar_subquery(),
                    select(func.max(dated)).scalar_subquery(),
                )
            ).one()
            self._spans[entity] = None if first is None else (from_db(first), from_db(last))
        return self._spans[entity]

    def _usable(self, conn: Connection, tile_plan: Plan) -> bool:
        return (
            not self.versions.own_writes
            and "partitions" in self.versions.versions
            and _why_not(tile_plan) is None
            and self._size(conn, tile_plan.entity.name) >= self.rollups_from
        )

    def _size(self, conn: Connection, entity: str) -> int:
        """About how many records the entity has: its highest id (one index seek)."""
        if not self.rollups_from:
            return 0
        if entity not in self._sizes:
            table = DATED[entity].table
            found = unwrapped(conn).execute(select(func.max(table.c.id))).scalar()
            self._sizes[entity] = int(found or 0)
        return self._sizes[entity]

    # -- the pieces -------------------------------------------------------------------------

    def _piece_version(self, conn: Connection, entity: str, piece: Piece) -> int:
        hours = self._hours.get(entity)
        if hours is None:
            hours = self._hours[entity] = hour_versions(self.versions.database, entity)
            hours.refresh(conn, self.versions)
        return hours.of(_hour(piece.start), _hour_after(piece.end))

    def _piece_figures(
        self, conn: Connection, tile_plan: Plan, query: str
    ) -> Iterator[tuple[Any, Any]] | None:
        """(figures key, what the piece adds up to) of every piece of the query's windows:
        Figures by row key (grouped, series, numbers) or sums by column (funnel, gauge).
        None: the query is not added up from pieces."""
        if not self._usable(conn, tile_plan):
            return None
        statement = plan_piece(tile_plan, self.ctx, query)
        raw = unwrapped(conn)
        shape = statement_shape(statement, raw.dialect)
        if shape is None:
            return None
        sql, groups, params = shape
        entity = tile_plan.entity.name
        covered = PIECE_TABLES[entity]
        # The groups of the tables the triggers follow are in the pieces' versions; a table of
        # such a group they do not follow (lead_status_history) would go unseen: not in pieces.
        followed = {GROUP_OF[table] for table in covered}
        if any(GROUP_OF.get(t) in followed and t not in covered for t in _tables(statement)):
            return None
        # Any other group read (sales, for a lead tile's "has a sale") keys by its version.
        others = self.versions.of([g for g in groups if g not in followed])
        if others is None:
            return None
        tile = tile_plan.tile
        if tile.kind == "list":
            mode = "rows" if query == "records" else "sums"
        else:
            mode = {"funnel": "sums", "gauge": "sums", "grouped": "keyed"}.get(tile.kind, "one")
        partitions = self.versions.versions["partitions"]
        # The mode too: a list's total and a number can share their SQL, not their values.
        key_base: Hashable = (self.versions.database, mode, sql, params, others, partitions)
        windows = self._windows(raw, tile_plan, query)
        months = tile.kind != "series" or tile.grain in WHOLE_MONTHS
        reader = _PieceReader(self, raw, entity, tile_plan, query, statement, key_base, mode, sql)
        return self._each(reader, windows, months)

    def _each(
        self, reader: "_PieceReader", windows: list[tuple[Any, Window]], months: bool
    ) -> Iterator[tuple[Any, Any]]:
        for figures_key, window in windows:
            if window.start is None or window.end is None:  # pragma: no cover - bounded above
                raise ValueError("a piece needs a bounded window")
            for piece in pieces(window.start, window.end, self.ctx.tz, months, self.ctx.now):
                if piece.end - piece.start > timedelta(days=2):
                    yield figures_key, reader.month(piece)
                else:
                    yield figures_key, reader.kept(piece)

    # -- figures from pieces ------------------------------------------------------------------

    def _summed(
        self, conn: Connection, tile_plan: Plan, query: str, add_up: Callable[..., Any]
    ) -> Any:
        """The pieces added up by `add_up`, kept under the whole query's own key as well (its
        SQL, values and data versions, as the cache of whole queries keys it): the same
        compute again takes one lookup. None: not in pieces."""
        if not self._usable(conn, tile_plan):
            return None
        whole = statement_shape(tile_plan.queries[query], unwrapped(conn).dialect)
        key: Hashable | None = None
        if whole is not None:
            sql, groups, params = whole
            versions = self.versions.of(groups)
            if versions is not None:
                partitions = self.versions.versions.get("partitions")
                how = (add_up.__qualname__, tile_plan.tile.kind)  # the shape of what is kept
                key = ("added up", how, self.versions.database, sql, params, versions, partitions)
                found = self.cache.get(key)
                if found is not None:
                    return found  # before planning any piece: the warm compute's whole cost
        each = self._piece_figures(conn, tile_plan, query)  # lazy: nothing read yet
        if each is None:
            return None
        total = add_up(each)
        if key is not None:
            self.cache.put(key, total, 300 + 120 * len(total))
        return total

    def _keyed(self, conn: Connection, tile_plan: Plan, query: str) -> dict[Any, Figures]:
        series = tile_plan.tile.kind == "series"

        def add_up(each: Iterator[tuple[Any, Any]]) -> dict[Any, Figures]:
            found: dict[Any, Figures] = {}
            for figures_key, part in each:
                for k, figures in part.items():
                    _add(found, figures_key if series else k, figures)
            return found

        total = self._summed(conn, tile_plan, query, add_up)
        if total is None:
            return super()._keyed(conn, tile_plan, query)
        return cast(dict[Any, Figures], total)

    def _figures(self, conn: Connection, tile_plan: Plan, query: str) -> Figures:
        def add_up(each: Iterator[tuple[Any, Any]]) -> dict[Any, Figures]:
            found: dict[Any, Figures] = {}
            for _, part in each:
                for figures in part.values():
                    _add(found, None, figures)
            return found

        total = self._summed(conn, tile_plan, query, add_up)
        if total is None:
            return super()._figures(conn, tile_plan, query)
        return cast(dict[Any, Figures], total).get(None, Figures())

    def _sums(self, conn: Connection, tile_plan: Plan, query: str) -> dict[str, int]:
        names = [c.name for c in tile_plan.queries[query].selected_columns]

        def add_up(each: Iterator[tuple[Any, Any]]) -> dict[str, int]:
            found = dict.fromkeys(names, 0)
            for _, part in each:
                for name, value in part.items():
                    found[name] += value
            return found

        total = self._summed(conn, tile_plan, query, add_up)
        if total is None:
            return super()._sums(conn, tile_plan, query)
        return cast(dict[str, int], total)

    def _record_rows(self, conn: Connection, tile_plan: Plan) -> Iterable[SqlRow[Any]]:
        """A list's first records: the first of each piece, merged in the list's order (its
        field, then id), exact as each piece holds its own first LIST_LIMIT."""
        order = _list_order(tile_plan)
        if order is None:
            return super()._record_rows(conn, tile_plan)

        def add_up(each: Iterator[tuple[Any, Any]]) -> list[SqlRow[Any]]:
            return _first_records([part for _, part in each], order)

        found = self._summed(conn, tile_plan, "records", add_up)
        if found is None:
            return super()._record_rows(conn, tile_plan)
        return cast(list[SqlRow[Any]], found)


@dataclass
class _PieceReader:
    """Reads and keeps the pieces of one query of one plan."""

    executor: PartitionedExecutor
    raw: Connection
    entity: str
    tile_plan: Plan
    query: str
    statement: Select[Any]
    key_base: Hashable
    mode: str  # "sums" by column, Figures by row key ("keyed") or alone ("one"), or "rows"
    sql: str

    def read(self, piece: Piece) -> Any:
        bounds = {PIECE_START: to_db(piece.start), PIECE_END: to_db(piece.end)}
        return self._part(self.raw.execute(self.statement, bounds).all())

    def _part(self, rows: Sequence[SqlRow[Any]]) -> Any:
        if self.mode == "sums":
            return _sums_of(rows)
        if self.mode == "rows":
            return tuple(rows)
        return collect(rows, keyed=self.mode == "keyed")

    def _key(self, piece: Piece) -> Hashable:
        version = self.executor._piece_version(self.raw, self.entity, piece)
        return (self.key_base, piece.start, piece.end, version)

    def _put(self, key: Hashable, part: Any) -> None:
        self.executor.cache.put(key, part, 300 + len(self.sql) + 120 * len(part))

    def kept(self, piece: Piece) -> Any:
        """A day, an hour or an edge: from the cache, else read and kept. An edge lies within
        one hour, so that hour's version covers it too; the edge that ends at now has other
        bounds at every request, and is read every time."""
        key = self._key(piece)
        found = self.executor.cache.get(key)
        if found is None:
            found = self.read(piece)
            self._put(key, found)
        return found

    def month(self, piece: Piece) -> Any:
        """A whole month: from the cache; the first time, read with one query; after a write
        in it, added up from its days, so that a write of one lead recomputes its day, not
        the month (its other days are read once, then kept)."""
        key = self._key(piece)
        found = self.executor.cache.get(key)
        if found is not None:
            return found
        read_before = (self.key_base, "month read", piece.start)
        if self.executor.cache.get(read_before) is None:
            found = self.read(piece)
            self._put(key, found)
            self._put(read_before, {})
            return found
        tz = self.executor.ctx.tz
        first = piece.start.astimezone(tz).date()
        parts = []
        moment = piece.start
        while moment < piece.end:
            first += timedelta(days=1)
            end = local_midnight(first, tz)
            parts.append(self.kept(Piece(moment, end, whole=True)))
            moment = end
        if self.mode == "rows":
            order = _list_order(self.tile_plan)
            if order is None:  # pragma: no cover - such lists are not in pieces
                raise ValueError("a list in pieces has an order")
            found = tuple(_first_records(parts, order))
        else:
            found = _combine(self.mode, parts)
        self._put(key, found)
        return found


def _first_records(
    parts: Sequence[Sequence[SqlRow[Any]]], order: tuple[str, bool]
) -> list[SqlRow[Any]]:
    """The first LIST_LIMIT records of the parts' records, in the list's order, then by id."""
    name, descending = order
    rows = [row for part in parts for row in part]
    rows.sort(key=lambda r: r._mapping["id"])  # ties: by id, ascending
    rows.sort(key=lambda r: r._mapping[name], reverse=descending)  # stable
    return rows[:LIST_LIMIT]


def _combine(mode: str, parts: Sequence[Any]) -> Any:
    """Parts of one shape (sums by column, or Figures by key) added up into a new one."""
    if mode == "sums":
        total: dict[str, int] = {}
        for part in parts:
            for name, value in part.items():
                total[name] = total.get(name, 0) + value
        return total
    found: dict[Any, Figures] = {}
    for part in parts:
        for k, figures in part.items():
            _add(found, k, figures)
    return found


def _sums_of(rows: Sequence[SqlRow[Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for row in rows:
        for name, value in row._mapping.items():
            total[name] = total.get(name, 0) + int(value or 0)
    return total


def _add(found: dict[Any, Figures], key: Any, figures: Figures) -> None:
    """found[key] += figures, never changing `figures` (it may be a cached piece's)."""
    mine = found.get(key)
    if mine is None:
        mine = found[key] = Figures()
    if figures.per_currency:
        mine.add(figures)
    else:
        mine.n += figures.n  # counts only (every lead tile): no per-currency parts to merge


_TABLES: dict[Hashable, frozenset[str]] = {}


def _tables(statement: Select[Any]) -> frozenset[str]:
    """The tables a statement reads (found once per statement structure)."""
    cache_key = statement._generate_cache_key()
    structure = cache_key.key if cache_key is not None else None
    if structure is not None and structure in _TABLES:
        return _TABLES[structure]
    found = frozenset(
        element.name for element in visitors.iterate(statement) if isinstance(element, TableClause)
    )
    if structure is not None:
        if len(_TABLES) >= 4096:
            _TABLES.clear()
        _TABLES[structure] = found
    return found
