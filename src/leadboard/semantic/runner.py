"""Execute compiled tiles and shape their figures into the JSON of the API and the CLI.

Figures are finished in Python (top N, Other, "(not set)", labels, currency conversion), so
SQLite and PostgreSQL give identical JSON.
"""

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, or_, select

from leadboard.clock import Clock
from leadboard.dashboards.models import Dashboard, Tile
from leadboard.db.schema import sales
from leadboard.db.times import from_db
from leadboard.domain.rates import Converter
from leadboard.i18n import WORDS, Formatter, t
from leadboard.semantic import catalog as c
from leadboard.semantic.compiler import (
    CompiledTile,
    QuickFilters,
    compile_tile,
    funnel_condition,
    measure_columns,
    records_query,
    scope,
)
from leadboard.semantic.criteria import Context, CriteriaError, stored_value, window_filter
from leadboard.semantic.filters import InputError
from leadboard.semantic.keys import NOT_SET, OTHER, bucket_label, row_key, row_label
from leadboard.semantic.lookups import Lookups, load_lookups
from leadboard.semantic.periods import Window, days_window

MAX_PAGE_SIZE = 100


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


def collect(rows: list[Any], keyed: bool) -> dict[Any, Figures]:
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


CENT = Decimal("0.01")
MONEY = ("amount", "weighted_amount")


def figure_json(value: int | Decimal | None) -> int | str | None:
    """Counts stay JSON integers; money becomes a decimal string with 2 decimals ("147300.00"),
    as in the REST API: exact in every client, where JSON numbers are binary floats."""
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    return value


def pct(part: int | Decimal | float, base: int | Decimal | float) -> float | None:
    """0-100 with 1 decimal; null when the base is 0 (SPEC 2)."""
    if not base:
        return None
    return float(round(Decimal(str(part)) * 100 / Decimal(str(base)), 1))


class Runner:
    """Computes tiles for one viewer at one moment: reference data and clock are fixed per run."""

    def __init__(
        self,
        conn: Connection,
        clock: Clock,
        tz: tzinfo,
        base_currency: str,
        lang: str = "en",
        current_user_id: int | None = None,
        lookups: Lookups | None = None,
    ) -> None:
        self.conn = conn
        self.lookups = lookups or load_lookups(conn)
        self.now = clock.now()
        self.tz = tz
        self.lang = lang
        self.ctx = Context(self.lookups, self.now, tz, current_user_id)
        self.converter = Converter(self.lookups.rates, base_currency)

    # -- dashboards and tiles ---------------------------------------------------------------

    def dashboard(self, dashboard: Dashboard, filters: QuickFilters) -> dict[str, Any]:
        return {
            "dashboard": dashboard.slug,
            "name": dashboard.name.get(self.lang),
            "description": dashboard.description.get(self.lang) if dashboard.description else None,
            "columns": dashboard.columns,
            "as_of": self.iso(self.now),
            "filters": self.filters_json(filters),
            "tiles": [self.tile(tile, filters) for tile in dashboard.tiles],
        }

    def tile(self, tile: Tile, filters: QuickFilters) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": tile.key,
            "name": tile.name.get(self.lang),
            "chart": tile.chart,
            "as_of": self.iso(self.now),
            "filtered": filters.applied_to(tile),
            **self.measure_json(tile),
        }
        try:
            compiled = self.compile(tile, filters)
            if compiled.window is not None:
                out["period"] = self.window_json(filters.period or tile.period, compiled.window)
                out["period"]["partial"] = compiled.partial
                out["name"] = self.tile_name(tile, filters, compiled.window)
            out.update(self.finish(compiled))
        except Exception as exc:  # one failing tile never breaks the others (SPEC 4)
            if self.conn.in_transaction():
                self.conn.rollback()  # PostgreSQL refuses further statements in a failed one
            out["empty"] = True
            out["error"] = str(exc) or type(exc).__name__
        return out

    def compile(self, tile: Tile, filters: QuickFilters) -> CompiledTile:
        """Compile a tile; a date series over an unbounded period first asks for its data's span."""
        compiled = compile_tile(tile, filters, self.ctx)
        if "span" not in compiled.queries:
            return compiled
        first, last = self.conn.execute(compiled.queries["span"]).one()
        if first is None:
            return compiled  # no data: no buckets, an empty tile
        span = days_window(
            from_db(first).astimezone(self.tz).date(),
            from_db(last).astimezone(self.tz).date(),
            self.tz,
        )
        return compile_tile(tile, filters, self.ctx, span=span)

    def finish(self, compiled: CompiledTile) -> dict[str, Any]:
        tile = compiled.tile
        kind = tile.kind
        if kind == "grouped":
            rows = self.grouped_rows(compiled)
            assert compiled.group_field is not None
            return {
                "empty": all_zero(rows),
                "rows": [self.row_json(compiled.group_field, r) for r in rows],
            }
        if kind == "series":
            rows = self.series_rows(compiled)
            return {"empty": all_zero(rows), "rows": rows}
        if kind == "number":
            value = self.measure(tile.measure, self.figures(compiled, "main"))
            result: dict[str, Any] = {"value": figure_json(value)}
            if "compare" in compiled.queries:
                before = self.measure(tile.measure, self.figures(compiled, "compare"))
                result["compare"] = {
                    "value": figure_json(before),
                    "delta": figure_json(value - before),
                    "pct": pct(value - before, before),
                    **self.span_json(compiled.compare_window),  # the span compared with
                }
                result["empty"] = not value and not before
            else:
                result["empty"] = not value
            return result
        if kind == "gauge":
            row = self.conn.execute(compiled.queries["main"]).one()
            total, hits = int(row.n), int(row.hits)
            return {
                "empty": total == 0,
                "value": pct(hits, total),
                "target": tile.target,
                "count": hits,
                "total": total,
            }
        if kind == "funnel":
            step_row = self.conn.execute(compiled.queries["main"]).one()._mapping
            values = [int(step_row[f"step{i}"]) for i in range(len(compiled.steps))]
            steps = []
            for index, (status, value) in enumerate(zip(compiled.steps, values, strict=True)):
                steps.append(
                    {
                        "key": status.key,
                        "label": status.name(self.lang),
                        "value": value,
                        "pct_of_first": pct(value, values[0]),
                        "pct_of_previous": pct(value, values[index - 1]) if index else None,
                    }
                )
            return {"empty": not any(values), "steps": steps}
        total = int(self.conn.execute(compiled.queries["total"]).scalar_one())
        records = [
            self.record_json(compiled, row)
            for row in self.conn.execute(compiled.queries["records"])
        ]
        return {"empty": total == 0, "total": total, "records": records}

    # -- figures ------------------------------------------------------------------------------

    def figures(self, compiled: CompiledTile, query: str, keyed: bool = False) -> Any:
        found = collect(list(self.conn.execute(compiled.queries[query])), keyed)
        return found if keyed else found.get(None, Figures())

    def measure(self, measure: str, figures: Figures) -> int | Decimal:
        if measure == "count":
            return figures.n
        if measure == "amount":
            return self.converter.to_base(dict(figures.cents))
        weighted = {cur: Decimal(amount) / 100 for cur, amount in figures.weighted.items()}
        return self.converter.to_base(weighted)  # type: ignore[arg-type]

    def grouped_rows(self, compiled: CompiledTile) -> list[dict[str, Any]]:
        tile, f = compiled.tile, compiled.group_field
        assert f is not None
        by_key: dict[str, Figures] = {}
        for raw, figures in self.figures(compiled, "main", keyed=True).items():
            by_key.setdefault(row_key(f, raw, self.lookups), Figures()).add(figures)
        if tile.set_only:
            by_key.pop(NOT_SET, None)
        if f.type == c.STATUS:  # every active status, in rank order (SPEC 2)
            ranked = [s.key for s in self.lookups.statuses if s.active or s.key in by_key]
            return [self.row(tile, key, by_key.get(key, Figures())) for key in ranked]
        rows = sorted(
            (self.row(tile, key, figures) for key, figures in by_key.items()),
            key=lambda r: (-r["value"], r["key"]),
        )
        if tile.top is None or len(rows) <= tile.top:
            return rows
        head, rest = rows[: tile.top], rows[tile.top :]
        if not tile.other:
            return head
        other = Figures()
        for row in rest:
            other.add(row["figures"])
        return [*head, self.row(tile, OTHER, other)]

    def row(self, tile: Tile, key: str, figures: Figures) -> dict[str, Any]:
        row: dict[str, Any] = {
            "key": key,
            "value": self.measure(tile.measure, figures),
            "figures": figures,
        }
        if tile.measure2:
            row["value2"] = self.measure(tile.measure2, figures)
        return row

    def row_json(self, f: c.Field, row: dict[str, Any]) -> dict[str, Any]:
        out = {
            "key": row["key"],
            "label": row_label(f, row["key"], self.lookups, self.lang),
            "value": figure_json(row["value"]),
        }
        if "value2" in row:
            out["value2"] = figure_json(row["value2"])
        return out

    def series_rows(self, compiled: CompiledTile) -> list[dict[str, Any]]:
        tile = compiled.tile
        assert tile.grain
        if not compiled.buckets:
            return []
        main = self.figures(compiled, "main", keyed=True)
        compare = self.figures(compiled, "compare", keyed=True) if compiled.compare_buckets else {}
        rows = []
        for index, bucket in enumerate(compiled.buckets):
            figures = main.get(index, Figures())
            row: dict[str, Any] = {
                "key": bucket.key,
                "label": bucket_label(bucket.first_day, tile.grain, self.lang),
                "value": figure_json(self.measure(tile.measure, figures)),
            }
            if compiled.compare_buckets:
                before = (
                    compare.get(index, Figures())
                    if index < len(compiled.compare_buckets)
                    else Figures()
                )
                row["value2"] = figure_json(self.measure(tile.measure, before))
                if index < len(compiled.compare_buckets):  # the span value2 covers
                    row["compare"] = self.span_json(compiled.compare_buckets[index])
            elif tile.measure2:
                row["value2"] = figure_json(self.measure(tile.measure2, figures))
            row["partial"] = index == compiled.partial_bucket
            rows.append(row)
        return rows

    # -- records ------------------------------------------------------------------------------

    def records(
        self, tile: Tile, filters: QuickFilters, key: str | None, page: int = 1, page_size: int = 50
    ) -> dict[str, Any]:
        """The records behind one row or step, paged, with their count and the tile's measure."""
        if page < 1:
            raise InputError("page", "must be 1 or more")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise InputError("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")
        compiled = self.compile(tile, filters)
        restriction, restricted_fields = self.row_restriction(compiled, key)
        where, used = scope(tile, filters, self.ctx, compiled.window, restriction)
        used += restricted_fields
        entity = compiled.entity
        rows = self.conn.execute(
            records_query(tile, entity, where, used, page_size, (page - 1) * page_size)
        )
        measures = [m for m in (tile.measure, tile.measure2) if m]
        aggregate = (
            select(*measure_columns(measures)).select_from(entity.from_clause(used)).where(where)
        )
        if any(m != "count" for m in measures):
            aggregate = aggregate.add_columns(sales.c.currency.label("currency")).group_by(
                sales.c.currency
            )
        figures = collect(list(self.conn.execute(aggregate)), keyed=False).get(None, Figures())
        result: dict[str, Any] = {
            "dashboard_tile": tile.key,
            "key": key,
            "page": page,
            "page_size": page_size,
            "total": figures.n,
            "measure": figure_json(self.measure(tile.measure, figures)),
            "records": [self.record_json(compiled, row) for row in rows],
        }
        if tile.measure2:
            result["measure2"] = figure_json(self.measure(tile.measure2, figures))
        if "currency" in self.measure_json(tile):
            result["currency"] = self.converter.base_currency
        return result

    def row_restriction(
        self, compiled: CompiledTile, key: str | None
    ) -> tuple[ColumnElement[bool] | None, list[c.Field]]:
        """The condition that picks one row's (or step's) records, and the fields it uses.

        Only keys the tile shows are accepted: a row left out by set_only or a top N without
        Other is not behind any figure on the tile.
        """
        tile = compiled.tile
        kind = tile.kind
        entity = compiled.entity
        if kind in ("number", "gauge", "list"):
            if key:
                raise InputError("key", f"tile {tile.key!r} has no rows; leave key out")
            return None, []
        if not key:
            raise InputError("key", f"tile {tile.key!r} needs the key of a row or step")
        if kind == "funnel":
            if key not in [s.key for s in compiled.steps]:
                raise InputError("key", f"no funnel step {key!r}")
            return funnel_condition(entity, tile, self.ctx, key), [entity.field("statuses_held")]
        if kind == "series":
            bucket = next((b for b in compiled.buckets if b.key == key), None)
            if bucket is None:
                raise InputError("key", f"no period {key!r} in this tile")
            assert tile.date_field
            date_field = entity.field(tile.date_field)
            return window_filter(date_field.expr, bucket.start, bucket.end), [date_field]
        f = compiled.group_field
        assert f is not None
        shown = [row["key"] for row in self.grouped_rows(compiled)]
        if key not in shown:
            raise InputError("key", f"tile {tile.key!r} shows no row {key!r}")
        if key == NOT_SET:
            return f.expr.is_(None), [f]
        if key != OTHER:
            return f.expr == self.raw(f, key), [f]
        head = [k for k in shown if k not in (OTHER, NOT_SET)]
        outside: ColumnElement[bool] = f.expr.not_in([self.raw(f, k) for k in head])
        if tile.set_only or NOT_SET in shown:
            return and_(f.expr.is_not(None), outside), [f]
        # "(not set)" ranked below the top N: its records are part of Other.
        return or_(f.expr.is_(None), outside), [f]

    def raw(self, f: c.Field, key: str) -> Any:
        try:
            return stored_value(f, key, self.lookups)
        except CriteriaError as exc:
            raise InputError("key", str(exc)) from None

    # -- JSON helpers -------------------------------------------------------------------------

    def measure_json(self, tile: Tile) -> dict[str, Any]:
        """What the figures are: `measure` (and `measure2`), and `currency` for money."""
        out: dict[str, Any] = {"measure": tile.measure}
        if tile.measure2:
            out["measure2"] = tile.measure2
        if tile.measure in MONEY or tile.measure2 in MONEY:
            out["currency"] = self.converter.base_currency
        return out

    def iso(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).isoformat()

    def window_json(self, name: str | None, window: Any) -> dict[str, Any]:
        return {"name": name, **self.span_json(window)}

    def span_json(self, window: Any) -> dict[str, Any]:
        return {
            "start": self.iso(window.start) if window.start else None,
            "end": self.iso(window.end) if window.end else None,
        }

    def tile_name(self, tile: Tile, filters: QuickFilters, window: Window) -> str:
        """A tile whose name states its own period (`name_without_period`) and whose period
        the quick filter replaced is called by the window it shows: "New leads per campaign —
        Last year", or the dates of a period without a word of its own."""
        name = tile.name.get(self.lang)
        if tile.name_without_period is None or filters.period in (None, tile.period):
            return name
        key = f"period.{filters.period}"
        if key in WORDS:
            shown = t(self.lang, key)
        else:
            span = self.span_json(window)
            shown = Formatter(self.lang, self.tz).window(span["start"], span["end"])
        return f"{tile.name_without_period.get(self.lang)} — {shown}"

    def filters_json(self, filters: QuickFilters) -> dict[str, Any]:
        owner = self.lookups.associate_by_id(filters.owner_id) if filters.owner_id else None
        status = self.lookups.status_by_id(filters.status_id) if filters.status_id else None
        return {
            "owner": owner.email if owner else None,
            "country": filters.country,
            "status": status.key if status else None,
            "period": filters.period,
        }

    def record_json(self, compiled: CompiledTile, row: Any) -> dict[str, Any]:
        data = row._mapping
        owner = self.lookups.associate_by_id(data["owner"]) if data["owner"] else None
        common = {
            "id": data["id"],
            "company": data["company"],
            "owner": owner.email if owner else None,
            "owner_name": owner.name if owner else None,
        }
        if compiled.entity.name == "leads":
            status = self.lookups.status_by_id(data["status"])
            name = " ".join(p for p in (data["first_name"], data["last_name"]) if p)
            return {
                **common,
                "name": name or None,
                "email": data["email"],
                "country": data["country"],
                "status": status.key if status else None,
                "status_label": status.name(self.lang) if status else None,
                "created_at": self.iso(from_db(data["created_at"])),
                "status_since": self.iso(from_db(data["status_since"])),
            }
        return {
            **common,
            "title": data["title"],
            "lead": data["lead_id"],
            "lead_name": data["lead_name"] or None,
            "status": data["status"],
            "amount": figure_json(Decimal(int(data["amount"])) / 100),
            "currency": data["currency"],
            "sale_date": self.iso(from_db(data["sale_date"])),
        }


def all_zero(rows: list[dict[str, Any]]) -> bool:
    # money is a string in the JSON: "0.00" is zero, though a non-empty string
    return not any(Decimal(str(row.get(k) or 0)) for row in rows for k in ("value", "value2"))
