"""What the CLI and the JSON API share: find a dashboard, resolve filters, compute it."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from leadboard.clock import Clock
from leadboard.dashboards.models import Dashboard, Tile
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.semantic.compiler import QuickFilters
from leadboard.semantic.filters import InputError, resolve_filters, resolve_language
from leadboard.semantic.runner import Runner
from leadboard.settings import Settings


@dataclass(frozen=True)
class FilterInput:
    """Quick filters as the user typed them (URL parameters or CLI options)."""

    owner: str | None = None
    country: str | None = None
    status: str | None = None
    period: str | None = None


def list_dashboards(lang: str = "en") -> list[dict[str, Any]]:
    lang = resolve_language(lang)
    return [
        {
            "dashboard": d.slug,
            "name": d.name.get(lang),
            "description": d.description.get(lang) if d.description else None,
            "tiles": [t.key for t in d.tiles],
        }
        for d in builtin_dashboards().values()
    ]


def get_dashboard(slug: str) -> Dashboard:
    dashboard = builtin_dashboards().get(slug)
    if dashboard is None:
        known = ", ".join(builtin_dashboards())
        raise InputError("slug", f"no dashboard {slug!r} (known: {known})")
    return dashboard


def get_tile(dashboard: Dashboard, key: str) -> Tile:
    tile = dashboard.tile(key)
    if tile is None:
        raise InputError("tile_key", f"dashboard {dashboard.slug!r} has no tile {key!r}")
    return tile


def _runner(
    conn: Any, settings: Settings, clock: Clock, lang: str | None, filters: FilterInput
) -> tuple[Runner, QuickFilters]:
    """A runner for this connection and the quick filters resolved against its reference data."""
    runner = Runner(conn, clock, settings.tz, settings.base_currency, resolve_language(lang))
    quick = resolve_filters(
        runner.lookups, filters.owner, filters.country, filters.status, filters.period
    )
    return runner, quick


def dashboard_json(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    slug: str,
    filters: FilterInput,
    lang: str | None = "en",
) -> dict[str, Any]:
    dashboard = get_dashboard(slug)
    with engine.connect() as conn:
        runner, quick = _runner(conn, settings, clock, lang, filters)
        return runner.dashboard(dashboard, quick)


def tile_records_json(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    slug: str,
    tile_key: str,
    filters: FilterInput,
    key: str | None,
    page: int = 1,
    page_size: int = 50,
    lang: str | None = "en",
) -> dict[str, Any]:
    tile = get_tile(get_dashboard(slug), tile_key)
    with engine.connect() as conn:
        runner, quick = _runner(conn, settings, clock, lang, filters)
        return {"dashboard": slug, **runner.records(tile, quick, key, page, page_size)}


def explain_tile(
    engine: Engine, settings: Settings, clock: Clock, slug: str, tile_key: str, filters: FilterInput
) -> list[tuple[str, str, dict[str, Any]]]:
    """(query name, SQL in the engine's dialect, bound parameters) for each query of a tile."""
    tile = get_tile(get_dashboard(slug), tile_key)
    with engine.connect() as conn:
        runner, quick = _runner(conn, settings, clock, "en", filters)
        compiled = runner.compile(tile, quick)
    explained = []
    for name, query in compiled.queries.items():
        sql = query.compile(dialect=engine.dialect)
        explained.append((name, str(sql), dict(sql.params)))
    return explained
