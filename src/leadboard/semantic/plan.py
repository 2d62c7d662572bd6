"""Plan a tile: spec + quick filters + rights scope + clock (+ reference data) -> every query the
tile needs, as SQLAlchemy `Select`s with every value bound. Pure: no I/O happens here.

An executor (executors/) runs a plan into a typed result; `leadboard tile explain` prints it. The
plan of a date series over an unbounded period (`all`) holds one query, "span": the executor
runs it and plans again with the days it finds. The records behind one row, step or number (the
drill-down) are planned from the tile's plan by `plan_drill`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, or_, select, true

from leadboard.db.schema import leads, sales
from leadboard.db.times import to_db
from leadboard.domain.statuses import Status
from leadboard.errors import InputError
from leadboard.semantic.catalog import ENTITIES, Entity, Field, lead_company, sale_company
from leadboard.semantic.criteria import (
    Context,
    CriteriaError,
    compile_criteria,
    reached,
    stored_value,
    window_filter,
)
from leadboard.semantic.keys import NOT_SET, OTHER
from leadboard.semantic.periods import (
    Bucket,
    Window,
    buckets,
    is_partial,
    last_year_buckets,
    parse_period,
    partial_index,
    previous_period,
    same_span_last_year,
)
from leadboard.semantic.spec import ALL, QuickFilters, Scope, Tile

__all__ = [
    "LIST_LIMIT",
    "MAX_PAGE_SIZE",
    "PIECE_DATES",
    "PIECE_END",
    "PIECE_START",
    "DrillPlan",
    "Plan",
    "check_page",
    "plan",
    "plan_drill",
    "plan_piece",
    "scoped_entity",
    "tile_windows",
]

LIST_LIMIT = 100  # records a list tile shows
MAX_PAGE_SIZE = 100  # records per page of a drill-down


@dataclass(frozen=True)
class Plan:
    """Every query of one tile (name -> query, in the order they run) and what the executor needs
    to finish its figures: the windows, the buckets of a series, the steps of a funnel."""

    tile: Tile
    entity: Entity
    filters: QuickFilters
    scope: Scope
    queries: Mapping[str, Select[Any]]
    window: Window | None = None  # the period's window (unbounded for `all`)
    compare_window: Window | None = None
    buckets: tuple[Bucket, ...] = ()
    compare_buckets: tuple[Bucket, ...] = ()
    partial: bool = False  # the window holds now (see periods.is_partial)
    partial_bucket: int | None = None  # series: the index of the bucket that holds now
    steps: tuple[Status, ...] = ()  # funnel: the funnel-path statuses
    group_field: Field | None = None

    @property
    def needs_span(self) -> bool:
        """A series over an unbounded period, not yet planned with its data's span."""
        return "span" in self.queries


@dataclass(frozen=True)
class DrillPlan:
    """The records behind one row, step or number of a tile: one page of them, and the tile's
    measure over all of them (which equals the figure that was clicked)."""

    key: str | None
    page: int
    page_size: int
    records: Select[Any]
    aggregate: Select[Any]


# -- what a scope withholds --------------------------------------------------------------------
#
# SPEC 7: data rights say which leads and which sales a viewer may see; a role may see every sale
# (sales `all`) but only its own leads (leads `own`). A sale within the sales rights is shown and
# counted (SPEC 7 gives sales rights of their own, so the sale is not hidden, and "own sales"
# stays "the owner filter set to me", issue 10), but a lead outside the
# lead rights is not the viewer's to see: its own data is withheld from the sale, as if the sale
# had no lead. That is the lead's id and name in sale records (drill-downs, list tiles, their CSV
# and the API), and the lead company's name where the sale's company falls back to it (records,
# and grouping or criteria on a sale's company). The sale's own columns, and attribution it
# carries through its lead (channel, campaign, country, lead status), stay: they describe the
# sale and are counted on the viewer's sale tiles anyway. It happens here, in the plan, so tiles,
# drill-downs, exports and the API agree.


def lead_visible(scope: Scope) -> ColumnElement[bool] | None:
    """For sale queries: the sale's lead lies within the viewer's lead rights (None: always).
    A sale without a lead, or on a lead without an owner, has nothing visible (SPEC 7: a record
    without an owner is seen only with `all`)."""
    allowed = scope.owners("leads")
    return None if allowed is None else leads.c.owner_id.in_(list(allowed))


def scoped_entity(name: str, scope: Scope) -> Entity:
    """The entity as this viewer sees it: for sales, the company falls back to the lead's
    company only where the lead is visible. With lead rights `all` it is the catalog's entity,
    so an admin's SQL is unchanged. Form submissions and chats have nothing to withhold: they
    are seen only where their lead is (the scope restricts them by the lead's owner, see
    Scope.owners and where_clause), so a record without a lead only with `all`."""
    entity = ENTITIES[name]
    visible = lead_visible(scope)
    if name != "sales" or visible is None:
        return entity
    company = entity.field("company")
    withheld = replace(
        company,
        expr=func.coalesce(sale_company.c.name, case((visible, lead_company.c.name), else_=None)),
    )
    return replace(entity, fields={**entity.fields, "company": withheld})


def tile_windows(
    tile: Tile, filters: QuickFilters, ctx: Context
) -> tuple[Window | None, Window | None]:
    """The tile's main window (its period, or the period override) and its comparison window.

    A number over a partial period compares with the elapsed span last year (or of the previous
    period); a series compares with the whole window last year, bucket by bucket (see
    periods.last_year_buckets). A number compared with its target or a fixed value has no
    comparison window: the presenter compares it.
    """
    if not tile.has_period:
        return None, None
    period = parse_period(filters.period or tile.period or "all")
    window = period.window(ctx.now, ctx.tz)
    if tile.compare not in ("same-span-last-year", "previous-period"):
        return window, None
    now = None if tile.kind == "series" else ctx.now
    if tile.compare == "previous-period":
        return window, previous_period(period, window, ctx.tz, now)
    return window, same_span_last_year(window, ctx.tz, now)


def where_clause(
    tile: Tile,
    filters: QuickFilters,
    ctx: Context,
    window: Window | None,
    extra: ColumnElement[bool] | None = None,
    scope: Scope = ALL,
) -> tuple[ColumnElement[bool], list[Field]]:
    """The WHERE of a tile: its criteria, the quick filters, its window; plus the fields used.

    The rights scope adds its condition here, on the same owner field as the owner quick filter
    (the lead's owner for lead tiles, the sale's for sale tiles), so every query of a tile and
    its drill-down carries it. An owner filter outside the scope gives no records.
    """
    entity = scoped_entity(tile.entity, scope)
    parts = [compile_criteria(entity, tile.criteria, ctx)]
    used = [entity.field(line.field) for group in tile.criteria for line in group]
    allowed = scope.owners(entity.name)
    if allowed is not None:
        f = entity.field(entity.quick_filters["owner"])
        used.append(f)
        # An empty tuple still compiles (to a false condition): a viewer who may see no one.
        parts.append(f.expr.in_(list(allowed)))
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


def measure_columns(measures: Sequence[str], aggregate: str = "sum") -> list[Any]:
    """count(*) always; cents sums for amount measures (grouped by currency, converted later).

    An average needs the sum and the count, which are there already; the lowest or highest
    amount adds min or max per currency ("cents_min", "weighted_max", ...). Rates are positive,
    so the lowest converted amount is the lowest of the currencies' converted minimums.
    """
    columns: list[Any] = [func.count().label("n")]
    amounts = (
        ("amount", "cents", sales.c.amount_cents),
        ("weighted_amount", "weighted", sales.c.amount_cents * sales.c.probability),
    )
    for measure, name, expr in amounts:
        if measure in measures:
            columns.append(func.sum(expr).label(name))
            if aggregate == "min":
                columns.append(func.min(expr).label(f"{name}_min"))
            if aggregate == "max":
                columns.append(func.max(expr).label(f"{name}_max"))
    return columns


def _measures(tile: Tile) -> list[str]:
    return [m for m in (tile.measure, tile.measure2) if m]


def _aggregate(
    entity: Entity,
    tile: Tile,
    where: ColumnElement[bool],
    used: list[Field],
    group: ColumnElement[Any] | None,
    group_fields: list[Field],
) -> Select[Any]:
    measures = _measures(tile)
    columns = measure_columns(measures, tile.aggregate)
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


def bucket_case(
    expr: ColumnElement[Any], series: Sequence[Bucket], gaps: bool = False
) -> ColumnElement[Any]:
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


def plan(
    tile: Tile,
    filters: QuickFilters,
    ctx: Context,
    span: Window | None = None,
    scope: Scope = ALL,
) -> Plan:
    """Every query of the tile. `span`: the days a series over an unbounded period covers (the
    answer to its "span" query); `scope`: the records the viewer may see."""
    entity = scoped_entity(tile.entity, scope)
    window, compare = tile_windows(tile, filters, ctx)
    where, used = where_clause(tile, filters, ctx, window, scope=scope)
    common: dict[str, Any] = {
        "tile": tile,
        "entity": entity,
        "filters": filters,
        "scope": scope,
        "window": window,
        "compare_window": compare,
        "partial": window is not None and is_partial(window, ctx.now),
    }
    queries: dict[str, Select[Any]] = {}
    kind = tile.kind

    if kind == "panel":  # a web page or a piece of HTML: nothing to count
        return Plan(**common, queries=queries)
    if kind == "grouped":
        if tile.group_by is None:  # pragma: no cover - Tile validation requires it
            raise ValueError(f"tile {tile.key!r} has no group_by")
        f = entity.field(tile.group_by)
        queries["main"] = _aggregate(entity, tile, where, used, f.expr, [f])
        return Plan(**common, queries=queries, group_field=f)
    if kind == "series":
        if tile.date_field is None or tile.grain is None or window is None:  # pragma: no cover
            raise ValueError(f"tile {tile.key!r} is no date series")
        f = entity.field(tile.date_field)
        if window.start is None or window.end is None:
            # An unbounded period (`all`): the series spans the days that hold data. The executor
            # runs the "span" query first and plans again with its answer.
            if span is None:
                queries["span"] = (
                    select(func.min(f.expr).label("first"), func.max(f.expr).label("last"))
                    .select_from(entity.from_clause(used))
                    .where(where)
                )
                return Plan(**common, queries=queries)
            window = span
        series = buckets(window, tile.grain, ctx.tz)
        queries["main"] = _aggregate(entity, tile, where, used, bucket_case(f.expr, series), [f])
        last_year: list[Bucket] = []
        if compare is not None:
            last_year = last_year_buckets(series, window, tile.grain, ctx.tz, ctx.now)
            where2, used2 = where_clause(tile, filters, ctx, compare, scope=scope)
            grouped = bucket_case(f.expr, last_year, gaps=True)
            queries["compare"] = _aggregate(entity, tile, where2, used2, grouped, [f])
        return Plan(
            **common,
            queries=queries,
            buckets=tuple(series),
            compare_buckets=tuple(last_year),
            partial_bucket=partial_index(series, ctx.now),
        )
    if kind == "number":
        queries["main"] = _aggregate(entity, tile, where, used, None, [])
        if compare is not None:
            where2, used2 = where_clause(tile, filters, ctx, compare, scope=scope)
            queries["compare"] = _aggregate(entity, tile, where2, used2, None, [])
        return Plan(**common, queries=queries)
    if kind == "gauge":
        queries["main"] = _gauge(entity, tile, ctx, where, used)
        return Plan(**common, queries=queries)
    if kind == "funnel":
        steps = tuple(ctx.lookups.funnel_path)
        queries["main"] = _funnel(entity, tile, ctx, where, used, steps)
        return Plan(**common, queries=queries, steps=steps)
    # a list tile
    queries["records"] = records_query(tile, entity, where, used, LIST_LIMIT, 0, scope)
    queries["total"] = (
        select(func.count().label("n")).select_from(entity.from_clause(used)).where(where)
    )
    return Plan(**common, queries=queries)


def _gauge(
    entity: Entity, tile: Tile, ctx: Context, where: ColumnElement[bool], used: list[Field]
) -> Select[Any]:
    numerator = compile_criteria(entity, tile.numerator or [], ctx)
    numerator_used = [entity.field(line.field) for g in tile.numerator or [] for line in g]
    return (
        select(
            func.count().label("n"),
            func.coalesce(func.sum(case((numerator, 1), else_=0)), 0).label("hits"),
        )
        .select_from(entity.from_clause(used + numerator_used))
        .where(where)
    )


def _funnel(
    entity: Entity,
    tile: Tile,
    ctx: Context,
    where: ColumnElement[bool],
    used: list[Field],
    steps: Sequence[Status],
) -> Select[Any]:
    columns: list[Any] = [func.count().label("n")]
    for index, status in enumerate(steps):
        condition = funnel_condition(entity, tile, ctx, status.key)
        columns.append(
            func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(f"step{index}")
        )
    return select(*columns).select_from(entity.from_clause(used)).where(where)


# The bounds of a piece, bound at execution: one statement (and one SQL text) serves every piece.
PIECE_START, PIECE_END = "piece_start", "piece_end"
# The field each entity's tiles are split by into pieces of time (migration 0010 versions them).
PIECE_DATES = {"leads": "created_at", "sales": "sale_date"}


def plan_piece(tile_plan: Plan, ctx: Context, query: str) -> Select[Any]:
    """Query `query` ("main" or "compare") of a planned tile over one piece of time: its
    figures for the records dated (PIECE_DATES) in [:piece_start, :piece_end) alone (naive UTC
    values, given at execution), with every other condition of the tile (criteria, quick
    filters, rights scope) as planned. The rollups (executors/partitioned.py) add the pieces of
    a window up. A piece lies within the window, so the window's own bounds are left out and a
    piece's SQL is the same whatever `now` is; a series' piece lies within one bucket and is
    planned without the buckets, as one figure."""
    tile = tile_plan.tile
    entity = tile_plan.entity
    date_field = PIECE_DATES.get(entity.name)
    if date_field is None or tile.date_field not in (None, date_field):
        raise ValueError(f"tile {tile.key!r} is not planned in pieces")
    dated = entity.field(date_field)
    piece = and_(dated.expr >= bindparam(PIECE_START), dated.expr < bindparam(PIECE_END))
    where, used = where_clause(tile, tile_plan.filters, ctx, None, piece, tile_plan.scope)
    used.append(dated)
    kind = tile.kind
    if kind == "grouped" and tile_plan.group_field is not None:
        f = tile_plan.group_field
        return _aggregate(entity, tile, where, used, f.expr, [f])
    if kind in ("number", "series"):
        return _aggregate(entity, tile, where, used, None, [])
    if kind == "gauge":
        return _gauge(entity, tile, ctx, where, used)
    if kind == "funnel":
        return _funnel(entity, tile, ctx, where, used, tile_plan.steps)
    if kind == "list" and query == "total":
        return select(func.count().label("n")).select_from(entity.from_clause(used)).where(where)
    if kind == "list" and query == "records":  # a piece's first records: see executors
        return records_query(tile, entity, where, used, LIST_LIMIT, 0, tile_plan.scope)
    raise ValueError(f"tile {tile.key!r} ({kind}) is not planned in pieces")


def funnel_condition(
    entity: Entity, tile: Tile, ctx: Context, step_key: str
) -> ColumnElement[bool]:
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
    "erased",
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
SUBMISSION_RECORD_FIELDS = (
    "id",
    "submitted_at",
    "form",
    "status",
    "is_conversion",
    "lead",
    "owner",
    "country",
    "source",
    "medium",
    "campaign",
)
CHAT_RECORD_FIELDS = (
    "id",
    "started_at",
    "ended_at",
    "agent",
    "visitor_name",
    "visitor_company",
    "country",
    "lead",
    "owner",
)
RECORD_FIELDS = {
    "leads": LEAD_RECORD_FIELDS,
    "sales": SALE_RECORD_FIELDS,
    "form_submissions": SUBMISSION_RECORD_FIELDS,
    "chats": CHAT_RECORD_FIELDS,
}
# Newest first by default.
RECORD_ORDER = {
    "leads": "created_at",
    "sales": "sale_date",
    "form_submissions": "submitted_at",
    "chats": "started_at",
}


def records_query(
    tile: Tile,
    entity: Entity,
    where: ColumnElement[bool],
    used: list[Field],
    limit: int,
    offset: int,
    scope: Scope = ALL,
) -> Select[Any]:
    fields = [entity.field(name) for name in RECORD_FIELDS[entity.name]]
    columns = [f.expr.label(f.name) for f in fields]
    lead_name: ColumnElement[Any] = func.trim(
        func.coalesce(leads.c.first_name, "") + " " + func.coalesce(leads.c.last_name, "")
    )
    # A GDPR-erased lead has no name; the presenter shows it as "Erased contact".
    lead_erased: ColumnElement[Any] = leads.c.anonymised_at.is_not(None)
    if entity.name in ("form_submissions", "chats"):
        # Seen only where their lead is (see Scope.owners): the lead's name is the viewer's.
        columns += [lead_name.label("lead_name"), lead_erased.label("lead_erased")]
    if entity.name == "sales":
        lead_id: ColumnElement[Any] = sales.c.lead_id
        visible = lead_visible(scope)
        if visible is not None:  # a lead outside the lead rights: withheld (see scoped_entity)
            lead_id = case((visible, lead_id), else_=None)
            lead_name = case((visible, lead_name), else_=None)
        columns += [
            lead_id.label("lead_id"),
            lead_name.label("lead_name"),
            lead_erased.label("lead_erased"),
        ]
        fields.append(entity.field("lead_status"))  # joins the lead
    order = []
    if tile.order_by:
        descending = tile.order_by.startswith("-")
        f = entity.field(tile.order_by.lstrip("-"))
        order.append(f.expr.desc() if descending else f.expr.asc())
        fields.append(f)
    else:
        default = entity.field(RECORD_ORDER[entity.name])
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


# -- the drill-down ----------------------------------------------------------------------------


def plan_drill(
    tile_plan: Plan,
    ctx: Context,
    key: str | None,
    shown: Sequence[str] | None,
    page: int = 1,
    page_size: int = 50,
) -> DrillPlan:
    """The queries behind one row (`key`), step or number of a planned tile.

    `shown`: the row keys a grouped tile shows, in order (its figures, from the executor). Only
    those keys are accepted, and Other is what lies outside them. None where they are not known
    (`tile explain` without data): then any key is planned and Other has no rows above it.
    """
    check_page(page, page_size)
    tile = tile_plan.tile
    restriction, restricted_fields = row_restriction(tile_plan, ctx, key, shown)
    where, used = where_clause(
        tile, tile_plan.filters, ctx, tile_plan.window, restriction, tile_plan.scope
    )
    used += restricted_fields
    entity = tile_plan.entity
    records = records_query(
        tile, entity, where, used, page_size, (page - 1) * page_size, tile_plan.scope
    )
    measures = _measures(tile)
    aggregate = (
        select(*measure_columns(measures, tile.aggregate))
        .select_from(entity.from_clause(used))
        .where(where)
    )
    if any(m != "count" for m in measures):
        aggregate = aggregate.add_columns(sales.c.currency.label("currency")).group_by(
            sales.c.currency
        )
    return DrillPlan(key, page, page_size, records, aggregate)


def check_page(page: int, page_size: int) -> None:
    if page < 1:
        raise InputError("page", "must be 1 or more")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")


def row_restriction(
    tile_plan: Plan, ctx: Context, key: str | None, shown: Sequence[str] | None
) -> tuple[ColumnElement[bool] | None, list[Field]]:
    """The condition that picks one row's (or step's) records, and the fields it uses.

    Only keys the tile shows are accepted: a row left out by set_only or a top N without
    Other is not behind any figure on the tile.
    """
    tile = tile_plan.tile
    kind = tile.kind
    entity = tile_plan.entity
    if kind == "panel":
        raise InputError("tile_key", f"tile {tile.key!r} is a panel: it has no records")
    if kind in ("number", "gauge", "list"):
        if key:
            raise InputError("key", f"tile {tile.key!r} has no rows; leave key out")
        return None, []
    if not key:
        raise InputError("key", f"tile {tile.key!r} needs the key of a row or step")
    if kind == "funnel":
        if key not in [s.key for s in tile_plan.steps]:
            raise InputError("key", f"no funnel step {key!r}")
        return funnel_condition(entity, tile, ctx, key), [entity.field("statuses_held")]
    if kind == "series":
        bucket = next((b for b in tile_plan.buckets if b.key == key), None)
        if bucket is None or tile.date_field is None:
            raise InputError("key", f"no period {key!r} in this tile")
        date_field = entity.field(tile.date_field)
        return window_filter(date_field.expr, bucket.start, bucket.end), [date_field]
    f = tile_plan.group_field
    if f is None:  # pragma: no cover - a grouped plan has its field
        raise ValueError(f"tile {tile.key!r} has no group field")
    if shown is not None and key not in shown:
        raise InputError("key", f"tile {tile.key!r} shows no row {key!r}")
    shown = shown or []
    if key == NOT_SET:
        return f.expr.is_(None), [f]
    if key != OTHER:
        return f.expr == _raw(f, key, ctx), [f]
    head = [k for k in shown if k not in (OTHER, NOT_SET)]
    outside: ColumnElement[bool] = f.expr.not_in([_raw(f, k, ctx) for k in head])
    if tile.set_only or NOT_SET in shown:
        return and_(f.expr.is_not(None), outside), [f]
    # "(not set)" ranked below the top N: its records are part of Other.
    return or_(f.expr.is_(None), outside), [f]


def _raw(f: Field, key: str, ctx: Context) -> Any:
    try:
        return stored_value(f, key, ctx.lookups)
    except CriteriaError as exc:
        raise InputError("key", str(exc)) from None
