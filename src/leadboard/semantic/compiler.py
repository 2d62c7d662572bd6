"""Compile a tile + quick filters + clock into SQLAlchemy Selects. Pure: no I/O happens here.

The runner executes what this returns; `leadboard tile explain` prints it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select, true

from leadboard.dashboards.models import Tile
from leadboard.db.schema import leads, sales
from leadboard.db.times import to_db
from leadboard.semantic.catalog import ENTITIES, Entity, Field
from leadboard.semantic.criteria import Context, compile_criteria, reached, window_filter
from leadboard.semantic.periods import (
    Bucket,
    Window,
    buckets,
    is_partial,
    last_year_buckets,
    parse_period,
    partial_index,
    same_span_last_year,
)

LIST_LIMIT = 100


@dataclass(frozen=True)
class QuickFilters:
    """Resolved quick filters: ids and codes that exist (see filters.py)."""

    owner_id: int | None = None
    country: str | None = None  # ISO code, or "none" for records without a country
    status_id: int | None = None
    period: str | None = None

    def applied_to(self, tile: Tile) -> list[str]:
        """Which quick filters change this tile (it shows a filter mark for each)."""
        names = [
            name
            for name in ("owner", "country", "status")
            if getattr(self, name if name == "country" else f"{name}_id") is not None
        ]
        if self.period is not None and tile.has_period:
            names.append("period")
        return names


@dataclass
class CompiledTile:
    tile: Tile
    entity: Entity
    queries: dict[str, Select]
    window: Window | None = None
    compare_window: Window | None = None
    buckets: list[Bucket] = field(default_factory=list)
    compare_buckets: list[Bucket] = field(default_factory=list)
    partial: bool = False  # the window holds now (see periods.is_partial)
    partial_bucket: int | None = None  # series: the index of the bucket that holds now
    steps: list[Any] = field(default_factory=list)  # funnel: the funnel-path statuses
    group_field: Field | None = None


def tile_windows(
    tile: Tile, filters: QuickFilters, ctx: Context
) -> tuple[Window | None, Window | None]:
    """The tile's main window (its period, or the period override) and its comparison window.

    A number over a partial period compares with the elapsed span last year; a series compares
    with the whole window last year, bucket by bucket (see periods.last_year_buckets).
    """
    if not tile.has_period:
        return None, None
    period = parse_period(filters.period or tile.period or "all")
    window = period.window(ctx.now, ctx.tz)
    if not tile.compare:
        return window, None
    now = None if tile.kind == "series" else ctx.now
    return window, same_span_last_year(window, ctx.tz, now)


def scope(
    tile: Tile,
    filters: QuickFilters,
    ctx: Context,
    window: Window | None,
    extra: ColumnElement | None = None,
) -> tuple[ColumnElement, list[Field]]:
    """The WHERE of a tile: its criteria, the quick filters, its window; plus the fields used."""
    entity = ENTITIES[tile.entity]
    parts = [compile_criteria(entity, tile.criteria, ctx)]
    used = [entity.field(line.field) for group in tile.criteria for line in group]
    for name, value in (
        ("owner", filters.owner_id),
        ("country", filters.country),
        ("status", filters.status_id),
    ):
        if value is None:
            continue
        f = entity.field(entity.quick_filters[name])
        used.append(f)
        parts.append(f.expr.is_(None) if value == "none" else f.expr == value)
    if window is not None and tile.date_field:
        f = entity.field(tile.date_field)
        used.append(f)
        parts.append(window_filter(f.expr, window.start, window.end))
    if extra is not None:
        parts.append(extra)
    return and_(true(), *parts), used


def measure_columns(measures: Sequence[str]) -> list[Any]:
    """count(*) always; cents sums for amount measures (grouped by currency, converted later)."""
    columns: list[Any] = [func.count().label("n")]
    if "amount" in measures:
        columns.append(func.sum(sales.c.amount_cents).label("cents"))
    if "weighted_amount" in measures:
        columns.append(func.sum(sales.c.amount_cents * sales.c.probability).label("weighted"))
    return columns


def _aggregate(
    entity: Entity,
    tile: Tile,
    where: ColumnElement,
    used: list[Field],
    group: ColumnElement | None,
    group_fields: list[Field],
) -> Select:
    measures = [m for m in (tile.measure, tile.measure2) if m]
    columns = measure_columns(measures)
    keys = []
    if group is not None:
        keys.append(group.label("k"))
    if any(m != "count" for m in measures):
        keys.append(sales.c.currency.label("currency"))
    query = (
        select(*keys, *columns).select_from(entity.from_clause(used + group_fields)).where(where)
    )
    if keys:
        query = query.group_by(*[k.element for k in keys])
    return query


def bucket_case(expr: ColumnElement, series: list[Bucket], gaps: bool = False) -> ColumnElement:
    """The index of the bucket a time falls in; bounds are bound values, so DST stays exact.

    With `gaps` each bucket is tested on both bounds: last year's partial bucket ends early and
    what lies between its end and the next bucket belongs to none.
    """
    if gaps:
        whens = [
            (and_(expr >= to_db(b.start), expr < to_db(b.end)), index)
            for index, b in enumerate(series)
        ]
    else:
        whens = [(expr < to_db(b.end), index) for index, b in enumerate(series)]
    return case(*whens, else_=None)


def compile_tile(
    tile: Tile,
    filters: QuickFilters,
    ctx: Context,
    span: Window | None = None,
) -> CompiledTile:
    entity = ENTITIES[tile.entity]
    window, compare = tile_windows(tile, filters, ctx)
    where, used = scope(tile, filters, ctx, window)
    compiled = CompiledTile(tile, entity, {}, window, compare)
    compiled.partial = window is not None and is_partial(window, ctx.now)
    kind = tile.kind

    if kind == "grouped":
        assert tile.group_by
        f = entity.field(tile.group_by)
        compiled.group_field = f
        compiled.queries["main"] = _aggregate(entity, tile, where, used, f.expr, [f])
    elif kind == "series":
        assert tile.date_field and tile.grain and window is not None
        f = entity.field(tile.date_field)
        if window.start is None or window.end is None:
            # An unbounded period (`all`): the series spans the days that hold data. The runner
            # runs the "span" query first and compiles again with its answer.
            if span is None:
                compiled.queries["span"] = (
                    select(func.min(f.expr).label("first"), func.max(f.expr).label("last"))
                    .select_from(entity.from_clause(used))
                    .where(where)
                )
                return compiled
            window = span
        compiled.buckets = buckets(window, tile.grain, ctx.tz)
        compiled.partial_bucket = partial_index(compiled.buckets, ctx.now)
        compiled.queries["main"] = _aggregate(
            entity, tile, where, used, bucket_case(f.expr, compiled.buckets), [f]
        )
        if compare is not None:
            compiled.compare_buckets = last_year_buckets(
                compiled.buckets, window, tile.grain, ctx.tz, ctx.now
            )
            where2, used2 = scope(tile, filters, ctx, compare)
            series = bucket_case(f.expr, compiled.compare_buckets, gaps=True)
            compiled.queries["compare"] = _aggregate(entity, tile, where2, used2, series, [f])
    elif kind == "number":
        compiled.queries["main"] = _aggregate(entity, tile, where, used, None, [])
        if compare is not None:
            where2, used2 = scope(tile, filters, ctx, compare)
            compiled.queries["compare"] = _aggregate(entity, tile, where2, used2, None, [])
    elif kind == "gauge":
        numerator = compile_criteria(entity, tile.numerator or [], ctx)
        numerator_used = [entity.field(line.field) for g in tile.numerator or [] for line in g]
        compiled.queries["main"] = (
            select(
                func.count().label("n"),
                func.coalesce(func.sum(case((numerator, 1), else_=0)), 0).label("hits"),
            )
            .select_from(entity.from_clause(used + numerator_used))
            .where(where)
        )
    elif kind == "funnel":
        compiled.steps = ctx.lookups.funnel_path
        columns = [func.count().label("n")]
        for index, status in enumerate(compiled.steps):
            condition = funnel_condition(entity, tile, ctx, status.key)
            columns.append(
                func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(f"step{index}")
            )
        compiled.queries["main"] = (
            select(*columns).select_from(entity.from_clause(used)).where(where)
        )
    elif kind == "list":
        compiled.queries["records"] = records_query(tile, entity, where, used, LIST_LIMIT, 0)
        compiled.queries["total"] = (
            select(func.count().label("n")).select_from(entity.from_clause(used)).where(where)
        )
    else:  # pragma: no cover - models.Tile.kind knows no other kinds
        raise ValueError(f"tile kind {kind!r} cannot be computed")
    return compiled


def funnel_condition(entity: Entity, tile: Tile, ctx: Context, step_key: str) -> ColumnElement:
    """A lead counts at a step when it reached it (history), or, with current_status, is in it or
    in a later funnel step now."""
    if not tile.current_status:
        return reached(entity, step_key, ctx.lookups)
    path = ctx.lookups.funnel_path
    keys = [s.key for s in path]
    if step_key == keys[0]:
        return true()
    return leads.c.status_id.in_([s.id for s in path[keys.index(step_key) :]])


LEAD_RECORD_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "email",
    "company",
    "owner",
    "country",
    "status",
    "created_at",
    "status_since",
)
SALE_RECORD_FIELDS = (
    "id",
    "title",
    "company",
    "owner",
    "status",
    "amount",
    "currency",
    "sale_date",
)


def records_query(
    tile: Tile, entity: Entity, where: ColumnElement, used: list[Field], limit: int, offset: int
) -> Select:
    names = LEAD_RECORD_FIELDS if entity.name == "leads" else SALE_RECORD_FIELDS
    fields = [entity.field(name) for name in names]
    columns = [f.expr.label(f.name) for f in fields]
    if entity.name == "sales":
        columns += [
            sales.c.lead_id.label("lead_id"),
            func.trim(
                func.coalesce(leads.c.first_name, "") + " " + func.coalesce(leads.c.last_name, "")
            ).label("lead_name"),
        ]
        fields.append(entity.field("lead_status"))  # joins the lead
    order = []
    if tile.order_by:
        descending = tile.order_by.startswith("-")
        f = entity.field(tile.order_by.lstrip("-"))
        order.append(f.expr.desc() if descending else f.expr.asc())
        fields.append(f)
    else:
        default = entity.field("created_at" if entity.name == "leads" else "sale_date")
        order.append(default.expr.desc())
    order.append(entity.field("id").expr.asc())
    return (
        select(*columns)
        .select_from(entity.from_clause(used + fields))
        .where(where)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
