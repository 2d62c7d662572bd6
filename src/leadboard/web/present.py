"""Presentation: typed results -> the JSON of the API, the pages and `dashboard show --json`.

Words come in here and nowhere earlier: labels of row keys, names in the viewer's language,
ISO times in the organisation's timezone. Counts stay JSON integers; money becomes a decimal
string with 2 decimals ("147300.00"), as in the REST API: exact in every client, where JSON
numbers are binary floats. Percentages are numbers with one decimal.
"""

from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from leadboard.clock import Clock
from leadboard.dashboards import service
from leadboard.dashboards.service import DashboardResult, FilterInput, RecordsResult, Run
from leadboard.domain.users import Viewer
from leadboard.i18n import WORDS, Formatter, t
from leadboard.semantic.filters import resolve_language
from leadboard.semantic.keys import bucket_label, row_label
from leadboard.semantic.lookups import Lookups
from leadboard.semantic.periods import Window
from leadboard.semantic.results import (
    CENT,
    DrillDown,
    FailedResult,
    Figure,
    FunnelResult,
    GaugeResult,
    GroupedResult,
    LeadRecord,
    ListResult,
    NumberResult,
    Record,
    SeriesResult,
    TileResult,
)
from leadboard.semantic.spec import ALL, QuickFilters, Scope, Tile
from leadboard.settings import Settings

__all__ = [
    "MONEY",
    "Presenter",
    "dashboard_json",
    "dashboard_results",
    "figure_json",
    "pct",
    "tile_json",
    "tile_records_json",
    "tile_results",
]

MONEY = ("amount", "weighted_amount")


def figure_json(value: Figure | None) -> int | str | None:
    """Counts stay JSON integers; money becomes a decimal string with 2 decimals."""
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    return value


def pct(part: Figure | float, base: Figure | float) -> float | None:
    """0-100 with 1 decimal; null when the base is 0 (SPEC 2)."""
    if not base:
        return None
    return float(round(Decimal(str(part)) * 100 / Decimal(str(base)), 1))


# -- what the API and the CLI call -------------------------------------------------------------


def dashboard_json(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    slug: str,
    filters: FilterInput,
    lang: str | None = "en",
    scope: Scope = ALL,
    viewer: Viewer | None = None,
) -> dict[str, Any]:
    """Every tile of a dashboard computed, as the API gives it."""
    return dashboard_results(engine, settings, clock, slug, filters, lang, scope, viewer)[1]


def dashboard_results(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    slug: str,
    filters: FilterInput,
    lang: str | None = "en",
    scope: Scope = ALL,
    viewer: Viewer | None = None,
) -> tuple[DashboardResult, dict[str, Any]]:
    """The typed results of a dashboard and their JSON (pages and the CLI draw by kind).
    `viewer`: a stored dashboard must be visible to them (None: anyone)."""
    with engine.connect() as conn:
        service.find_dashboard(conn, slug, viewer)  # an unknown dashboard before a bad language
    lang = resolve_language(lang)
    result = service.compute_dashboard(engine, settings, clock, slug, filters, scope, viewer)
    return result, Presenter.of(result.run, lang).dashboard(result)


def tile_json(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    tile: Tile,
    filters: FilterInput,
    lang: str | None = "en",
    scope: Scope = ALL,
) -> dict[str, Any]:
    """One tile's JSON, exactly as in `dashboard_json`, without the other tiles."""
    return tile_results(engine, settings, clock, tile, filters, lang, scope)[1]


def tile_results(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    tile: Tile,
    filters: FilterInput,
    lang: str | None = "en",
    scope: Scope = ALL,
) -> tuple[TileResult, dict[str, Any]]:
    """One tile's typed result and its JSON (the pages draw by the result's kind)."""
    lang = resolve_language(lang)
    computed = service.compute_tile_alone(engine, settings, clock, tile, filters, scope)
    return computed.result, Presenter.of(computed.run, lang).tile(computed.result)


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
    scope: Scope = ALL,
    viewer: Viewer | None = None,
) -> dict[str, Any]:
    """The records behind one row or step, paged, with their count and the tile's measure."""
    with engine.connect() as conn:  # an unknown dashboard or tile before a bad language
        service.get_tile(service.find_dashboard(conn, slug, viewer), tile_key)
    lang = resolve_language(lang)
    result = service.compute_records(
        engine, settings, clock, slug, tile_key, filters, key, page, page_size, scope, viewer
    )
    return Presenter.of(result.run, lang).records(result)


# -- the presenter -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Presenter:
    """Shapes the results of one run in one language."""

    lang: str
    tz: tzinfo
    lookups: Lookups
    filters: QuickFilters
    base_currency: str
    as_of: datetime

    @classmethod
    def of(cls, run: Run, lang: str) -> "Presenter":
        return cls(lang, run.tz, run.lookups, run.filters, run.base_currency, run.as_of)

    def dashboard(self, result: DashboardResult) -> dict[str, Any]:
        dashboard = result.dashboard
        return {
            "dashboard": dashboard.slug,
            "name": dashboard.name.get(self.lang),
            "description": dashboard.description.get(self.lang) if dashboard.description else None,
            "columns": dashboard.columns,
            "as_of": self.iso(self.as_of),
            "filters": self.filters_json(),
            "tiles": [self.tile(tile) for tile in result.tiles],
        }

    def tile(self, result: TileResult) -> dict[str, Any]:
        tile = result.tile
        out: dict[str, Any] = {
            "key": tile.key,
            "name": tile.name.get(self.lang),
            "chart": tile.chart,
            "as_of": self.iso(self.as_of),
            "filtered": self.filters.applied_to(tile),
            **self.measure_json(tile),
        }
        if result.window is not None:
            out["period"] = {
                "name": self.filters.period or tile.period,
                **self.span_json(result.window),
                "partial": result.partial,
            }
            out["name"] = self.tile_name(tile, result.window)
        out.update(self.figures_json(result))
        return out

    def figures_json(self, result: TileResult) -> dict[str, Any]:
        """The part of a tile's JSON that depends on its kind."""
        if isinstance(result, GroupedResult):
            rows = []
            for row in result.rows:
                item: dict[str, Any] = {
                    "key": row.key,
                    "label": row_label(result.field, row.key, self.lookups, self.lang),
                    "value": figure_json(row.value),
                }
                if row.value2 is not None:
                    item["value2"] = figure_json(row.value2)
                rows.append(item)
            return {"empty": result.empty, "rows": rows}
        if isinstance(result, SeriesResult):
            points = []
            for point in result.rows:
                item = {
                    "key": point.key,
                    "label": bucket_label(point.first_day, point.grain, self.lang),
                    "value": figure_json(point.value),
                }
                if point.value2 is not None:
                    item["value2"] = figure_json(point.value2)
                if point.compare is not None:  # the span value2 covers
                    item["compare"] = self.span_json(point.compare)
                item["partial"] = point.partial
                points.append(item)
            return {"empty": result.empty, "rows": points}
        if isinstance(result, NumberResult):
            out: dict[str, Any] = {"value": figure_json(result.value)}
            if result.compare is not None:
                value, before = result.value, result.compare.value
                out["compare"] = {
                    "value": figure_json(before),
                    "delta": figure_json(value - before),
                    "pct": pct(value - before, before),
                    **self.span_json(result.compare.window),  # the span compared with
                }
            out["empty"] = result.empty
            return out
        if isinstance(result, GaugeResult):
            return {
                "empty": result.empty,
                "value": pct(result.hits, result.total),
                "target": result.target,
                "count": result.hits,
                "total": result.total,
            }
        if isinstance(result, FunnelResult):
            values = [step.value for step in result.steps]
            steps = [
                {
                    "key": step.status.key,
                    "label": step.status.name(self.lang),
                    "value": step.value,
                    "pct_of_first": pct(step.value, values[0]),
                    "pct_of_previous": pct(step.value, values[index - 1]) if index else None,
                }
                for index, step in enumerate(result.steps)
            ]
            return {"empty": result.empty, "steps": steps}
        if isinstance(result, ListResult):
            return {
                "empty": result.empty,
                "total": result.total,
                "records": [self.record_json(r) for r in result.records],
            }
        return {"empty": True, "error": self.failure(result)}

    def failure(self, result: FailedResult) -> str:
        """What a viewer reads about a tile that failed: the message of an error they can act
        on, else that it could not be computed (the details are in the log)."""
        return result.message or t(self.lang, "tile.failed")

    def records(self, result: RecordsResult) -> dict[str, Any]:
        drill: DrillDown = result.drill
        tile = drill.tile
        out: dict[str, Any] = {
            "dashboard": result.dashboard.slug,
            "dashboard_tile": tile.key,
            "key": drill.key,
            "page": drill.page,
            "page_size": drill.page_size,
            "total": drill.total,
            "measure": figure_json(drill.measure),
            "records": [self.record_json(r) for r in drill.records],
        }
        if tile.measure2:
            out["measure2"] = figure_json(drill.measure2)
        if "currency" in self.measure_json(tile):
            out["currency"] = self.base_currency
        return out

    # -- pieces -------------------------------------------------------------------------------

    def measure_json(self, tile: Tile) -> dict[str, Any]:
        """What the figures are: `measure` (and `measure2`), and `currency` for money."""
        out: dict[str, Any] = {"measure": tile.measure}
        if tile.measure2:
            out["measure2"] = tile.measure2
        if tile.measure in MONEY or tile.measure2 in MONEY:
            out["currency"] = self.base_currency
        return out

    def iso(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).isoformat()

    def span_json(self, window: Window) -> dict[str, Any]:
        return {
            "start": self.iso(window.start) if window.start else None,
            "end": self.iso(window.end) if window.end else None,
        }

    def tile_name(self, tile: Tile, window: Window) -> str:
        """A tile whose name states its own period (`name_without_period`) and whose period
        the quick filter replaced is called by the window it shows: "New leads per campaign —
        Last year", or the dates of a period without a word of its own."""
        name = tile.name.get(self.lang)
        period = self.filters.period
        if tile.name_without_period is None or period in (None, tile.period):
            return name
        key = f"period.{period}"
        if key in WORDS:
            shown = t(self.lang, key)
        else:
            span = self.span_json(window)
            shown = Formatter(self.lang, self.tz).window(span["start"], span["end"])
        return f"{tile.name_without_period.get(self.lang)} — {shown}"

    def filters_json(self) -> dict[str, Any]:
        filters = self.filters
        owner = self.lookups.associate_by_id(filters.owner_id) if filters.owner_id else None
        status = self.lookups.status_by_id(filters.status_id) if filters.status_id else None
        return {
            "owner": owner.email if owner else None,
            "country": filters.country,
            "status": status.key if status else None,
            "period": filters.period,
        }

    def record_json(self, record: Record) -> dict[str, Any]:
        lookups = self.lookups
        owner = lookups.associate_by_id(record.owner_id) if record.owner_id else None
        common = {
            "id": record.id,
            "company": record.company,
            "owner": owner.email if owner else None,
            "owner_name": owner.name if owner else None,
        }
        if isinstance(record, LeadRecord):
            status = lookups.status_by_id(record.status_id) if record.status_id else None
            name = " ".join(p for p in (record.first_name, record.last_name) if p)
            return {
                **common,
                "name": name or None,
                "email": record.email,
                "country": record.country,
                "status": status.key if status else None,
                "status_label": status.name(self.lang) if status else None,
                "created_at": self.iso(record.created_at),
                "status_since": self.iso(record.status_since),
            }
        return {
            **common,
            "title": record.title,
            "lead": record.lead_id,
            "lead_name": record.lead_name or None,
            "status": record.status,
            "amount": figure_json(record.amount),
            "currency": record.currency,
            "sale_date": self.iso(record.sale_date),
        }
