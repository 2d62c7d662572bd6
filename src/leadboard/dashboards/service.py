"""What the web app and the CLI call: find a dashboard, resolve the quick filters, compute it.

Results are typed (`semantic.results`); web/present.py turns them into the JSON of the API and
the pages, and the CLI into tables. The flow of one request:
quick filters as typed -> `resolve_filters` (against the reference data) -> per tile `plan` ->
executor -> `TileResult`.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import Dialect

from leadboard.clock import Clock
from leadboard.dashboards.index import BUILTIN_ORDER, dashboard_index
from leadboard.dashboards.models import Dashboard, Tile
from leadboard.dashboards.selections import resolve_tile
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import find_stored, stored_dashboards
from leadboard.domain.rates import Converter
from leadboard.domain.users import Viewer
from leadboard.errors import InputError, NotFound
from leadboard.semantic.criteria import Context
from leadboard.semantic.executors import BaseExecutor, Executor, compute_tile
from leadboard.semantic.executors.base import USER_ERRORS
from leadboard.semantic.executors.cached import cached_lookups, read_versions, result_cache
from leadboard.semantic.executors.partitioned import (
    PartitionedExecutor,
    explain_path,
    in_pieces,
)
from leadboard.semantic.filters import resolve_filters
from leadboard.semantic.keys import NOT_SET, OTHER
from leadboard.semantic.lookups import Lookups, load_lookups
from leadboard.semantic.plan import Plan, plan, plan_drill, plan_piece
from leadboard.semantic.results import DrillDown, FailedResult, TileResult
from leadboard.semantic.spec import ALL, QuickFilters, Scope
from leadboard.settings import ExecutorKind, Settings

__all__ = [
    "DashboardResult",
    "ExplainedQuery",
    "FilterInput",
    "RecordsResult",
    "Run",
    "TileRun",
    "compute_dashboard",
    "compute_records",
    "compute_tile_alone",
    "dashboards",
    "explain_tile",
    "find_dashboard",
    "get_dashboard",
    "get_tile",
    "list_dashboards",
    "open_executor",
]


@dataclass(frozen=True)
class FilterInput:
    """Quick filters as the user typed them (URL parameters or CLI options)."""

    owner: str | None = None
    country: str | None = None
    status: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class Run:
    """What one computation saw: its moment, the reference data, the resolved filters and the
    base currency. Presentation needs them (labels, ISO times, the currency of money)."""

    as_of: datetime
    tz: tzinfo
    lookups: Lookups
    filters: QuickFilters
    base_currency: str


@dataclass(frozen=True)
class DashboardResult:
    dashboard: Dashboard
    run: Run
    tiles: tuple[TileResult, ...]  # in the dashboard's order


@dataclass(frozen=True)
class TileRun:
    run: Run
    result: TileResult


@dataclass(frozen=True)
class RecordsResult:
    dashboard: Dashboard
    run: Run
    drill: DrillDown


def dashboards() -> list[Dashboard]:
    """Every dashboard, in the order of the tabs."""
    return list(builtin_dashboards().values())


def get_dashboard(slug: str) -> Dashboard:
    """A built-in dashboard (those need no database: `tile explain`)."""
    dashboard = builtin_dashboards().get(slug)
    if dashboard is None:
        known = ", ".join(builtin_dashboards())
        raise InputError("slug", f"no dashboard {slug!r} (known: {known})")
    return dashboard


def list_dashboards(
    conn: Connection, lang: str | None = "en", viewer: Viewer | None = None
) -> list[dict[str, Any]]:
    """Slug, name, description and tile keys of the built-in dashboards, then of the stored ones
    the viewer may see (None: all), oldest first."""
    found = dashboard_index(lang, conn)
    if viewer is None:
        return found
    visible = set(BUILTIN_ORDER) | {d.slug for d in stored_dashboards(conn, viewer)}
    return [entry for entry in found if entry["dashboard"] in visible]


def find_dashboard(conn: Connection, slug: str, viewer: Viewer | None = None) -> Dashboard:
    """A built-in dashboard, or a stored one the viewer may see (viewer None: any); an unknown
    one and one the viewer may not see are the same InputError on `slug` (the pages: 404)."""
    if slug in builtin_dashboards():
        return builtin_dashboards()[slug]
    try:
        return find_stored(conn, slug, viewer).definition
    except NotFound:
        return get_dashboard(slug)  # raises, naming the built-in ones


def get_tile(dashboard: Dashboard, key: str) -> Tile:
    tile = dashboard.tile(key)
    if tile is None:
        raise InputError("tile_key", f"dashboard {dashboard.slug!r} has no tile {key!r}")
    return tile


def open_executor(
    conn: Connection,
    settings: Settings,
    clock: Clock,
    filters: FilterInput,
    current_user_id: int | None = None,
    executor_kind: ExecutorKind | None = None,
) -> tuple[Executor, Run]:
    """An executor for this connection, and the quick filters resolved against its reference
    data (unknown values are InputErrors naming the filter).

    `executor_kind` (default: `settings.executor`): "fast" caches each query's rows until a write
    changes what it reads (semantic/executors/cached.py; the data versions are read here, once
    per compute), "base" runs every query on the tables (the reference)."""
    kind = executor_kind or settings.executor
    cache = result_cache(settings.cache_mb) if kind == "fast" else None
    versions = read_versions(conn) if cache is not None else None
    if cache is not None and versions is not None:
        lookups = cached_lookups(conn, cache, versions)
    else:
        lookups = load_lookups(conn)
    quick = resolve_filters(lookups, filters.owner, filters.country, filters.status, filters.period)
    now = clock.now()
    ctx = Context(lookups, now, settings.tz, current_user_id)
    converter = Converter(lookups.rates, settings.base_currency)
    executor: Executor = (
        PartitionedExecutor(ctx, converter, cache, versions, settings.rollups_from)
        if cache is not None and versions is not None
        else BaseExecutor(ctx, converter)
    )
    return executor, Run(now, settings.tz, lookups, quick, settings.base_currency)


def compute_dashboard(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    slug: str,
    filters: FilterInput,
    scope: Scope = ALL,
    viewer: Viewer | None = None,
    only: Collection[str] | None = None,
) -> DashboardResult:
    """Every tile of a dashboard; a tile that fails is a FailedResult, the others still count.
    `viewer`: who asks (a stored dashboard must be visible to them); None: anyone. `only`: just
    the tiles with these keys, in the dashboard's order (the page fetching changed tiles)."""
    with engine.connect() as conn:
        dashboard = find_dashboard(conn, slug, viewer)
        executor, run = open_executor(conn, settings, clock, filters)
        tiles = tuple(
            _computed(executor, conn, tile, run.filters, scope, viewer)
            for tile in dashboard.tiles
            if only is None or tile.key in only
        )
    return DashboardResult(dashboard, run, tiles)


def _computed(
    executor: Executor,
    conn: Connection,
    tile: Tile,
    filters: QuickFilters,
    scope: Scope,
    viewer: Viewer | None,
) -> TileResult:
    """compute_tile, after a list tile of a selection took the selection's criteria (re-read
    on every view); a selection gone or out of the viewer's sight is the tile's error."""
    try:
        resolved = resolve_tile(conn, tile, viewer)
    except USER_ERRORS as exc:
        return FailedResult(tile=tile, message=str(exc))
    return compute_tile(executor, conn, resolved, filters, scope)


def compute_tile_alone(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    tile: Tile,
    filters: FilterInput,
    scope: Scope = ALL,
    viewer: Viewer | None = None,
) -> TileRun:
    """One tile, exactly as in `compute_dashboard`, without the other tiles."""
    with engine.connect() as conn:
        executor, run = open_executor(conn, settings, clock, filters)
        return TileRun(run, _computed(executor, conn, tile, run.filters, scope, viewer))


def compute_records(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    slug: str,
    tile_key: str,
    filters: FilterInput,
    key: str | None,
    page: int = 1,
    page_size: int = 50,
    scope: Scope = ALL,
    viewer: Viewer | None = None,
) -> RecordsResult:
    """The records behind one row, step or number of a tile, paged, with their count and the
    tile's measure over them."""
    with engine.connect() as conn:
        dashboard = find_dashboard(conn, slug, viewer)
        tile = resolve_tile(conn, get_tile(dashboard, tile_key), viewer)
        executor, run = open_executor(conn, settings, clock, filters)
        drill = executor.drill(conn, tile, run.filters, key, page, page_size, scope)
    return RecordsResult(dashboard, run, drill)


# -- explain -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplainedQuery:
    name: str
    sql: str
    params: dict[str, Any]


def _explained_plan(
    lookups: Lookups,
    settings: Settings,
    clock: Clock,
    slug: str,
    tile_key: str,
    filters: FilterInput,
    scope: Scope,
) -> tuple[Plan, Context]:
    """The plan `tile explain` shows, of a built-in tile, and its context."""
    tile = get_tile(get_dashboard(slug), tile_key)
    quick = resolve_filters(lookups, filters.owner, filters.country, filters.status, filters.period)
    ctx = Context(lookups, clock.now(), settings.tz)
    return plan(tile, quick, ctx, scope=scope), ctx


def explain_tile(
    lookups: Lookups,
    settings: Settings,
    clock: Clock,
    slug: str,
    tile_key: str,
    filters: FilterInput,
    dialect: Dialect,
    key: str | None = None,
    scope: Scope = ALL,
) -> list[ExplainedQuery]:
    """Every query of a tile, and of the drill-down behind one of its rows, in a dialect, with
    their bound parameters. Pure: nothing runs; `lookups` says what the statuses and owners are
    (the database's, or the defaults: see semantic.lookups.default_lookups).

    A date series over an unbounded period (`all`) first asks for its data's span: only that
    query can be shown without data. The drill-down of a grouped tile is shown for `key`
    (default: "(not set)", or Other for a tile without it), with no rows above Other.
    """
    tile_plan, ctx = _explained_plan(lookups, settings, clock, slug, tile_key, filters, scope)
    queries = dict(tile_plan.queries)
    if not tile_plan.needs_span:
        drill_key = key if key is not None else default_drill_key(tile_plan.tile, tile_plan)
        drill = plan_drill(tile_plan, ctx, drill_key, None)
        queries["drill-down records"] = drill.records
        queries["drill-down aggregate"] = drill.aggregate
    explained = []
    for name, query in queries.items():
        sql = query.compile(dialect=dialect, compile_kwargs={"literal_binds": False})
        explained.append(ExplainedQuery(name, str(sql), dict(sql.params)))
    return explained


def explain_fast_path(
    lookups: Lookups,
    settings: Settings,
    clock: Clock,
    slug: str,
    tile_key: str,
    filters: FilterInput,
    dialect: Dialect,
    scope: Scope = ALL,
) -> tuple[str, list[ExplainedQuery]]:
    """Which path the configured executor takes for a tile, and why; for a tile added up
    from pieces of time (the rollups), the query of one piece, its bounds left as parameters."""
    if settings.executor == "base":
        return "base executor: every query on the tables (LEADBOARD_EXECUTOR=base)", []
    tile_plan, ctx = _explained_plan(lookups, settings, clock, slug, tile_key, filters, scope)
    tile = tile_plan.tile
    path = explain_path(tile_plan)
    if not in_pieces(tile_plan) or tile_plan.needs_span:
        return path, []
    if settings.rollups_from:
        path += f" (from {settings.rollups_from} {tile.entity} on; below, whole queries)"
    pieced = []
    for name in tile_plan.queries:
        sql = plan_piece(tile_plan, ctx, name).compile(dialect=dialect)
        pieced.append(ExplainedQuery(f"{name}, one piece", str(sql), dict(sql.params)))
    return path, pieced


def default_drill_key(tile: Tile, tile_plan: Any) -> str | None:
    """The row `tile explain` shows the drill-down of when none is given."""
    kind = tile.kind
    if kind in ("number", "gauge", "list"):
        return None
    if kind == "funnel":
        return tile_plan.steps[-1].key if tile_plan.steps else None
    if kind == "series":
        return tile_plan.buckets[0].key if tile_plan.buckets else None
    return OTHER if tile.set_only else NOT_SET
