"""The executor interface, and the base executor: runs each query of a plan as it is.

Figures are finished in Python (top N, Other, "(not set)", currency conversion with `Decimal`),
so SQLite and PostgreSQL give identical results.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlalchemy import Row as SqlRow

from leadboard.db.times import from_db
from leadboard.domain.rates import Converter, RateError
from leadboard.errors import InputError
from leadboard.semantic import catalog as c
from leadboard.semantic.criteria import Context, CriteriaError
from leadboard.semantic.keys import NOT_SET, OTHER, row_key
from leadboard.semantic.periods import PeriodError, Window, days_window
from leadboard.semantic.plan import Plan, check_page, plan, plan_drill
from leadboard.semantic.results import (
    DrillDown,
    FailedResult,
    Figure,
    FunnelResult,
    FunnelStep,
    GaugeResult,
    GroupedResult,
    LeadRecord,
    ListResult,
    NumberCompare,
    NumberResult,
    Record,
    Row,
    SaleRecord,
    SeriesResult,
    SeriesRow,
    TileResult,
)
from leadboard.semantic.spec import ALL, QuickFilters, Scope, Tile

__all__ = ["USER_ERRORS", "BaseExecutor", "Executor", "compute_tile"]

logger = logging.getLogger(__name__)

# Errors a viewer or an admin can act on: their message is shown on the tile.
USER_ERRORS = (InputError, CriteriaError, PeriodError, RateError)


class Executor(Protocol):
    """Runs plans for one viewer at one moment (the context fixes reference data and clock)."""

    ctx: Context

    def prepare(
        self, conn: Connection, tile: Tile, filters: QuickFilters, scope: Scope = ALL
    ) -> Plan:
        """The tile's plan, with whatever the plan needs from the data first (a series' span)."""
        ...

    def run(self, conn: Connection, tile_plan: Plan) -> TileResult:
        """The plan's figures."""
        ...

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
        """The records behind one row, step or number of the tile."""
        ...


def compute_tile(
    executor: Executor,
    conn: Connection,
    tile: Tile,
    filters: QuickFilters,
    scope: Scope = ALL,
) -> TileResult:
    """One tile's result; a tile that fails gives a FailedResult and never breaks the others.

    Errors the viewer can act on keep their message; anything else is logged with its traceback
    and shown only as "could not be computed" (a bug's text means nothing to a viewer).
    """
    tile_plan: Plan | None = None
    try:
        tile_plan = executor.prepare(conn, tile, filters, scope)
        return executor.run(conn, tile_plan)
    except USER_ERRORS as exc:
        _rollback(conn)
        logger.info("tile %s not computed: %s", tile.key, exc)
        message: str | None = str(exc) or type(exc).__name__
    except Exception:
        _rollback(conn)
        logger.exception("tile %s could not be computed", tile.key)
        message = None
    return FailedResult(
        tile=tile,
        window=tile_plan.window if tile_plan else None,
        partial=tile_plan.partial if tile_plan else False,
        message=message,
    )


def _rollback(conn: Connection) -> None:
    if conn.in_transaction():
        conn.rollback()  # PostgreSQL refuses further statements in a failed transaction


@dataclass
class Figures:
    """What one group adds up to: a count, and cents per currency for amount measures."""

    n: int = 0
    cents: dict[str, int] = field(default_factory=dict)
    weighted: dict[str, int] = field(default_factory=dict)  # cents x probability (percent)

    def add(self, other: "Figures") -> None:
        self.n += other.n
        for mine, theirs in ((self.cents, other.cents), (self.weighted, other.weighted)):
            for currency, amount in theirs.items():
                mine[currency] = mine.get(currency, 0) + amount


def collect(rows: Iterable[SqlRow[Any]], keyed: bool) -> dict[Any, Figures]:
    """Rows of (k?, currency?, n, cents?, weighted?) -> Figures per k."""
    found: dict[Any, Figures] = {}
    for row in rows:
        data = row._mapping
        figures = found.setdefault(data["k"] if keyed else None, Figures())
        part = Figures(int(data["n"]))
        currency = data.get("currency")
        if "cents" in data and currency is not None:
            part.cents[currency] = int(data["cents"] or 0)
        if "weighted" in data and currency is not None:
            part.weighted[currency] = int(data["weighted"] or 0)
        figures.add(part)
    return found


@dataclass
class _Ranked:
    key: str
    value: Figure
    figures: Figures


class BaseExecutor:
    """One query per tile, executed as planned; figures finished in Python."""

    def __init__(self, ctx: Context, converter: Converter) -> None:
        self.ctx = ctx
        self.converter = converter

    # -- the plan ---------------------------------------------------------------------------

    def prepare(
        self, conn: Connection, tile: Tile, filters: QuickFilters, scope: Scope = ALL
    ) -> Plan:
        """Plan a tile; a date series over an unbounded period first asks for its data's span."""
        tile_plan = plan(tile, filters, self.ctx, scope=scope)
        if not tile_plan.needs_span:
            return tile_plan
        first, last = conn.execute(tile_plan.queries["span"]).one()
        if first is None:
            return tile_plan  # no data: no buckets, an empty tile
        tz = self.ctx.tz
        span = days_window(
            from_db(first).astimezone(tz).date(), from_db(last).astimezone(tz).date(), tz
        )
        return plan(tile, filters, self.ctx, span=span, scope=scope)

    # -- tiles ------------------------------------------------------------------------------

    def run(self, conn: Connection, tile_plan: Plan) -> TileResult:
        tile = tile_plan.tile
        common: dict[str, Any] = {
            "tile": tile,
            "window": tile_plan.window,
            "partial": tile_plan.partial,
        }
        kind = tile.kind
        if kind == "grouped":
            if tile_plan.group_field is None:  # pragma: no cover - a grouped plan has it
                raise ValueError(f"tile {tile.key!r} has no group field")
            rows = tuple(
                Row(r.key, r.value, self._value2(tile, r.figures))
                for r in self._grouped_rows(conn, tile_plan)
            )
            return GroupedResult(**common, field=tile_plan.group_field, rows=rows)
        if kind == "series":
            return SeriesResult(**common, rows=self._series_rows(conn, tile_plan))
        if kind == "number":
            value = self.measure(tile.measure, self._figures(conn, tile_plan, "main"))
            compare = None
            if "compare" in tile_plan.queries and tile_plan.compare_window is not None:
                before = self.measure(tile.measure, self._figures(conn, tile_plan, "compare"))
                compare = NumberCompare(before, tile_plan.compare_window)
            return NumberResult(**common, value=value, compare=compare)
        if kind == "gauge":
            row = conn.execute(tile_plan.queries["main"]).one()
            return GaugeResult(**common, hits=int(row.hits), total=int(row.n), target=tile.target)
        if kind == "funnel":
            step_row = conn.execute(tile_plan.queries["main"]).one()._mapping
            steps = tuple(
                FunnelStep(status, int(step_row[f"step{index}"]))
                for index, status in enumerate(tile_plan.steps)
            )
            return FunnelResult(**common, steps=steps)
        total = int(conn.execute(tile_plan.queries["total"]).scalar_one())
        records = self._records(tile_plan, conn.execute(tile_plan.queries["records"]))
        return ListResult(**common, total=total, records=records)

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
        check_page(page, page_size)
        tile_plan = self.prepare(conn, tile, filters, scope)
        shown = None
        if tile.kind == "grouped":
            shown = [r.key for r in self._grouped_rows(conn, tile_plan)]
        drill_plan = plan_drill(tile_plan, self.ctx, key, shown, page, page_size)
        records = self._records(tile_plan, conn.execute(drill_plan.records))
        figures = collect(conn.execute(drill_plan.aggregate), keyed=False).get(None, Figures())
        return DrillDown(
            tile=tile,
            key=key,
            page=page,
            page_size=page_size,
            total=figures.n,
            measure=self.measure(tile.measure, figures),
            measure2=self._value2(tile, figures),
            records=records,
        )

    # -- figures ----------------------------------------------------------------------------

    def measure(self, measure: str, figures: Figures) -> Figure:
        if measure == "count":
            return figures.n
        if measure == "amount":
            return self.converter.to_base(dict(figures.cents))
        weighted = {cur: Decimal(amount) / 100 for cur, amount in figures.weighted.items()}
        return self.converter.to_base(weighted)  # type: ignore[arg-type]

    def _value2(self, tile: Tile, figures: Figures) -> Figure | None:
        return self.measure(tile.measure2, figures) if tile.measure2 else None

    def _figures(self, conn: Connection, tile_plan: Plan, query: str) -> Figures:
        return collect(conn.execute(tile_plan.queries[query]), keyed=False).get(None, Figures())

    def _keyed(self, conn: Connection, tile_plan: Plan, query: str) -> dict[Any, Figures]:
        return collect(conn.execute(tile_plan.queries[query]), keyed=True)

    def _grouped_rows(self, conn: Connection, tile_plan: Plan) -> list[_Ranked]:
        """The rows a grouped tile shows: by key, ranked, top N and Other (SPEC 2)."""
        tile, f = tile_plan.tile, tile_plan.group_field
        if f is None:  # pragma: no cover - a grouped plan has it
            raise ValueError(f"tile {tile.key!r} has no group field")
        lookups = self.ctx.lookups
        by_key: dict[str, Figures] = {}
        for raw, figures in self._keyed(conn, tile_plan, "main").items():
            by_key.setdefault(row_key(f, raw, lookups), Figures()).add(figures)
        if tile.set_only:
            by_key.pop(NOT_SET, None)
        if f.type == c.STATUS:  # every active status, in rank order (SPEC 2)
            ranked = [s.key for s in lookups.statuses if s.active or s.key in by_key]
            return [self._ranked(tile, key, by_key.get(key, Figures())) for key in ranked]
        rows = sorted(
            (self._ranked(tile, key, figures) for key, figures in by_key.items()),
            key=lambda r: (-r.value, r.key),
        )
        if tile.top is None or len(rows) <= tile.top:
            return rows
        head, rest = rows[: tile.top], rows[tile.top :]
        if not tile.other:
            return head
        other = Figures()
        for row in rest:
            other.add(row.figures)
        return [*head, self._ranked(tile, OTHER, other)]

    def _ranked(self, tile: Tile, key: str, figures: Figures) -> _Ranked:
        return _Ranked(key, self.measure(tile.measure, figures), figures)

    def _series_rows(self, conn: Connection, tile_plan: Plan) -> tuple[SeriesRow, ...]:
        tile = tile_plan.tile
        if not tile_plan.buckets or tile.grain is None:
            return ()
        main = self._keyed(conn, tile_plan, "main")
        last_year = tile_plan.compare_buckets
        compare = self._keyed(conn, tile_plan, "compare") if last_year else {}
        rows = []
        for index, bucket in enumerate(tile_plan.buckets):
            figures = main.get(index, Figures())
            value2: Figure | None = None
            span = None
            if last_year:
                before = compare.get(index, Figures()) if index < len(last_year) else Figures()
                value2 = self.measure(tile.measure, before)
                if index < len(last_year):  # the span value2 covers
                    b = last_year[index]
                    span = Window(b.start, b.end)
            elif tile.measure2:
                value2 = self.measure(tile.measure2, figures)
            rows.append(
                SeriesRow(
                    key=bucket.key,
                    first_day=bucket.first_day,
                    grain=tile.grain,
                    value=self.measure(tile.measure, figures),
                    value2=value2,
                    compare=span,
                    partial=index == tile_plan.partial_bucket,
                )
            )
        return tuple(rows)

    # -- records ----------------------------------------------------------------------------

    def _records(self, tile_plan: Plan, rows: Iterable[SqlRow[Any]]) -> tuple[Record, ...]:
        if tile_plan.entity.name == "leads":
            return tuple(_lead_record(row._mapping) for row in rows)
        return tuple(_sale_record(row._mapping) for row in rows)


def _lead_record(data: Any) -> LeadRecord:
    return LeadRecord(
        id=data["id"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        company=data["company"],
        owner_id=data["owner"],
        country=data["country"],
        status_id=data["status"],
        created_at=from_db(data["created_at"]),
        status_since=from_db(data["status_since"]),
    )


def _sale_record(data: Any) -> SaleRecord:
    return SaleRecord(
        id=data["id"],
        title=data["title"],
        company=data["company"],
        owner_id=data["owner"],
        status=data["status"],
        amount=Decimal(int(data["amount"])) / 100,
        currency=data["currency"],
        sale_date=from_db(data["sale_date"]),
        lead_id=data["lead_id"],
        lead_name=data["lead_name"],
    )
