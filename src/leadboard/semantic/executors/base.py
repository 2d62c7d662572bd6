"""The executor interface, and the base executor: runs each query of a plan as it is.

Figures are finished in Python (top N, Other, "(not set)", currency conversion with `Decimal`),
so SQLite and PostgreSQL give identical results.
"""

import logging
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import add
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
    CENT,
    ChatRecord,
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
    PanelResult,
    Record,
    Row,
    SaleRecord,
    SeriesResult,
    SeriesRow,
    SubmissionRecord,
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

    def remembered(
        self, tile: Tile, filters: QuickFilters, scope: Scope
    ) -> tuple[TileResult | None, Hashable | None]:
        """The tile's result as this executor computed it before, if nothing it reads changed,
        and the key to `remember` a new one under (None: nothing is kept)."""
        ...

    def remember(
        self, conn: Connection, key: Hashable, tile_plan: Plan, result: TileResult
    ) -> None:
        """Keep a result under the key `remembered` gave."""
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
        found, key = executor.remembered(tile, filters, scope)
        if found is not None:
            return found
        tile_plan = executor.prepare(conn, tile, filters, scope)
        result = executor.run(conn, tile_plan)
        if key is not None:
            executor.remember(conn, key, tile_plan, result)
        return result
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


# The per-currency figures a query can give: (column, how two parts of it combine).
_SUMS = ("cents", "weighted")
_PARTS = (
    ("cents", add),
    ("weighted", add),  # cents x probability (percent)
    ("cents_min", min),
    ("cents_max", max),
    ("weighted_min", min),
    ("weighted_max", max),
)


@dataclass
class Figures:
    """What one group adds up to: a count, and per currency the cents (sums, and the lowest and
    highest amount where the tile asks for them) for amount measures."""

    n: int = 0
    per_currency: dict[str, dict[str, int]] = field(default_factory=dict)  # column -> cur -> v

    def part(self, column: str) -> dict[str, int]:
        return self.per_currency.get(column, {})

    @property
    def cents(self) -> dict[str, int]:
        return self.part("cents")

    @property
    def weighted(self) -> dict[str, int]:
        return self.part("weighted")

    def add(self, other: "Figures") -> None:
        self.n += other.n
        for column, combine in _PARTS:
            theirs = other.part(column)
            if not theirs:
                continue
            mine = self.per_currency.setdefault(column, {})
            for currency, amount in theirs.items():
                mine[currency] = combine(mine[currency], amount) if currency in mine else amount


def collect(rows: Iterable[SqlRow[Any]], keyed: bool) -> dict[Any, Figures]:
    """Rows of (k?, currency?, n, cents?, weighted?, cents_min?, ...) -> Figures per k."""
    found: dict[Any, Figures] = {}
    for row in rows:
        data = row._mapping
        figures = found.setdefault(data["k"] if keyed else None, Figures())
        part = Figures(int(data["n"]))
        currency = data.get("currency")
        if currency is not None:
            for column, _ in _PARTS:
                # A sum over no rows is 0; a min or max over none is not there at all.
                if column in data and (data[column] is not None or column in _SUMS):
                    part.per_currency[column] = {currency: int(data[column] or 0)}
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

    def remembered(
        self, tile: Tile, filters: QuickFilters, scope: Scope
    ) -> tuple[TileResult | None, Hashable | None]:
        return None, None  # the reference: every tile from the tables, every time

    def remember(
        self, conn: Connection, key: Hashable, tile_plan: Plan, result: TileResult
    ) -> None:
        return None

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
        if kind == "panel":  # nothing to count: the presenter gives its url or html
            return PanelResult(**common)
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
            value = self._value(tile, self._figures(conn, tile_plan, "main"))
            compare = None
            if "compare" in tile_plan.queries and tile_plan.compare_window is not None:
                before = self._value(tile, self._figures(conn, tile_plan, "compare"))
                compare = NumberCompare(before, tile_plan.compare_window)
            return NumberResult(**common, value=value, compare=compare)
        if kind == "gauge":
            row = self._sums(conn, tile_plan, "main")
            return GaugeResult(
                **common, hits=int(row["hits"]), total=int(row["n"]), target=tile.target
            )
        if kind == "funnel":
            step_row = self._sums(conn, tile_plan, "main")
            steps = tuple(
                FunnelStep(status, int(step_row[f"step{index}"]))
                for index, status in enumerate(tile_plan.steps)
            )
            return FunnelResult(**common, steps=steps)
        total = self._sums(conn, tile_plan, "total")["n"]
        records = self._records(tile_plan, self._record_rows(conn, tile_plan))
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
            measure=self._value(tile, figures),
            measure2=self._value2(tile, figures),
            records=records,
        )

    # -- figures ----------------------------------------------------------------------------

    def measure(
        self, measure: str, figures: Figures, aggregate: str = "sum", currency: str | None = None
    ) -> Figure:
        """A count, or an amount measure's sum, average, lowest or highest in `currency` (a
        tile's `currency`; None: the base currency).

        Cents are converted per currency: the average is the converted total over the count;
        the lowest (highest) is the lowest (highest) of each currency's converted minimum
        (maximum), which holds as rates are positive. Over no records each is 0, like a sum.
        """
        if measure == "count":
            return figures.n
        target = currency or self.converter.base_currency
        self._rate(target)  # a RateError for a tile currency without a rate, data or not
        column = "cents" if measure == "amount" else "weighted"
        scale = 1 if measure == "amount" else 100  # weighted: cents x probability in percent
        if aggregate in ("min", "max"):
            extremes = figures.part(f"{column}_{aggregate}")
            if not extremes:
                return Decimal("0.00")
            converted = [
                self._exact({cur: v}, scale, target).quantize(CENT) for cur, v in extremes.items()
            ]
            return min(converted) if aggregate == "min" else max(converted)
        if aggregate == "avg":
            if not figures.n:
                return Decimal("0.00")
            total = self._exact(figures.part(column), scale, target)
            return (total / figures.n).quantize(CENT)
        return self._exact(figures.part(column), scale, target).quantize(CENT)

    def _rate(self, currency: str) -> Decimal:
        """The rate of a currency to the base currency (the base currency's is 1)."""
        rates = self.converter.rates
        if currency not in rates:
            base = self.converter.base_currency
            raise RateError(
                f"no exchange rate for {currency} to {base}: "
                f"set one with `leadboard rates set {currency} RATE`"
            )
        return rates[currency]

    def _exact(self, amounts: dict[str, int], scale: int, target: str) -> Decimal:
        """The total in `target` before rounding to the cent: each currency's amount into the
        base currency at its rate, the sum into `target` at its rate (rates are to the base
        currency). Rounded once, by the caller."""
        in_base = sum(
            (Decimal(amount) / scale / 100 * self._rate(cur) for cur, amount in amounts.items()),
            Decimal(0),
        )
        return in_base / self._rate(target)

    def _value(self, tile: Tile, figures: Figures) -> Figure:
        return self.measure(tile.measure, figures, tile.aggregate, tile.currency)

    def _value2(self, tile: Tile, figures: Figures) -> Figure | None:
        if not tile.measure2:
            return None
        return self.measure(tile.measure2, figures, tile.aggregate, tile.currency)

    def _figures(self, conn: Connection, tile_plan: Plan, query: str) -> Figures:
        return collect(conn.execute(tile_plan.queries[query]), keyed=False).get(None, Figures())

    def _sums(self, conn: Connection, tile_plan: Plan, query: str) -> dict[str, int]:
        """The one row of a query of sums (a gauge's hits, a funnel's steps), by column."""
        row = conn.execute(tile_plan.queries[query]).one()._mapping
        return {name: int(value or 0) for name, value in row.items()}

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
            if NOT_SET in by_key:  # a sale, submission or chat without a lead: last
                ranked.append(NOT_SET)
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
        return _Ranked(key, self._value(tile, figures), figures)

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
                value2 = self._value(tile, before)
                if index < len(last_year):  # the span value2 covers
                    b = last_year[index]
                    span = Window(b.start, b.end)
            elif tile.measure2:
                value2 = self._value2(tile, figures)
            rows.append(
                SeriesRow(
                    key=bucket.key,
                    first_day=bucket.first_day,
                    grain=tile.grain,
                    value=self._value(tile, figures),
                    value2=value2,
                    compare=span,
                    partial=index == tile_plan.partial_bucket,
                )
            )
        return tuple(rows)

    # -- records ----------------------------------------------------------------------------

    def _record_rows(self, conn: Connection, tile_plan: Plan) -> Iterable[SqlRow[Any]]:
        """The rows of a list tile's records, in its order."""
        return conn.execute(tile_plan.queries["records"])

    def _records(self, tile_plan: Plan, rows: Iterable[SqlRow[Any]]) -> tuple[Record, ...]:
        make = _RECORDS[tile_plan.entity.name]
        return tuple(make(row._mapping) for row in rows)


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
        erased=bool(data["erased"]),
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
        lead_erased=bool(data["lead_erased"]),
    )


def _submission_record(data: Any) -> SubmissionRecord:
    return SubmissionRecord(
        id=data["id"],
        submitted_at=from_db(data["submitted_at"]),
        form_id=data["form"],
        status=data["status"],
        is_conversion=bool(data["is_conversion"]),
        lead_id=data["lead"],
        lead_name=data["lead_name"] or None,
        owner_id=data["owner"],
        country=data["country"],
        source=data["source"],
        medium=data["medium"],
        campaign=data["campaign"],
        lead_erased=bool(data["lead_erased"]),
    )


def _chat_record(data: Any) -> ChatRecord:
    ended = data["ended_at"]
    return ChatRecord(
        id=data["id"],
        started_at=from_db(data["started_at"]),
        ended_at=from_db(ended) if ended is not None else None,
        agent_id=data["agent"],
        visitor_name=data["visitor_name"],
        visitor_company=data["visitor_company"],
        country=data["country"],
        lead_id=data["lead"],
        lead_name=data["lead_name"] or None,
        owner_id=data["owner"],
        lead_erased=bool(data["lead_erased"]),
    )


_RECORDS: dict[str, Callable[[Any], Record]] = {
    "leads": _lead_record,
    "sales": _sale_record,
    "form_submissions": _submission_record,
    "chats": _chat_record,
}
