"""Presentation: typed results -> the JSON of the API, the pages and `dashboard show --json`.

Words come in here and nowhere earlier: labels of row keys, names in the viewer's language,
ISO times in the organisation's timezone. Counts stay JSON integers; money becomes a decimal
string with 2 decimals ("147300.00"), as in the REST API: exact in every client, where JSON
numbers are binary floats. Percentages are numbers with one decimal.

Tile options beyond the built-in tiles' look appear only when a tile sets them, so the JSON of a
tile without them is unchanged:
* `display`: the display options that differ from the defaults (`legend` true, `data_labels`,
  `short_numbers` false, `colours`, `sort`, `currency` unset); the rows of a grouped tile come
  in the tile's `sort` order (its figures table and CSV follow them), Other last.
* a number tile's `compare`: {value, delta, pct, start, end} as before, plus `basis` when it is
  not the same span last year: "previous-period" (with the span compared with), "target" or
  "value" (start and end null).
* a panel (chart "web" or "html") has `panel`: {"url": ...} or {"html": ...} (sanitised) and no
  figures; "empty" is false.
* a tile's `currency` (display option) is the `currency` of its money: the executor converts
  the amounts into it with the rates table; a currency without a rate is the tile's error.
"""

from collections.abc import Collection
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
from leadboard.semantic.keys import OTHER, bucket_label, enum_label, row_label
from leadboard.semantic.lookups import Lookups
from leadboard.semantic.periods import Window
from leadboard.semantic.results import (
    CENT,
    ChatRecord,
    DrillDown,
    FailedResult,
    Figure,
    FunnelResult,
    GaugeResult,
    GroupedResult,
    LeadRecord,
    ListResult,
    NumberResult,
    PanelResult,
    Record,
    SeriesResult,
    SubmissionRecord,
    TileResult,
)
from leadboard.semantic.spec import ALL, QuickFilters, Scope, Tile, clean_html
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
# Display options and their defaults (the look of the built-in tiles).
DISPLAY_DEFAULTS: dict[str, Any] = {
    "legend": True,
    "data_labels": False,
    "short_numbers": False,
    "colours": None,
    "sort": None,
    "currency": None,
}


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
    only: Collection[str] | None = None,
) -> tuple[DashboardResult, dict[str, Any]]:
    """The typed results of a dashboard and their JSON (pages and the CLI draw by kind).
    `viewer`: a stored dashboard must be visible to them (None: anyone); `only`: these tiles."""
    with engine.connect() as conn:
        service.find_dashboard(conn, slug, viewer)  # an unknown dashboard before a bad language
    lang = resolve_language(lang)
    result = service.compute_dashboard(engine, settings, clock, slug, filters, scope, viewer, only)
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
        display = self.display_json(tile)
        if display:
            out["display"] = display
        out.update(self.figures_json(result))
        return out

    def display_json(self, tile: Tile) -> dict[str, Any]:
        """The display options the tile sets (absent: the default)."""
        return {
            name: getattr(tile, name)
            for name, default in DISPLAY_DEFAULTS.items()
            if getattr(tile, name) != default
        }

    def currency(self, tile: Tile) -> str:
        """The currency of a tile's money: its own `currency`, else the base currency."""
        return tile.currency or self.base_currency

    def sorted_rows(self, tile: Tile, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A grouped tile's rows in its `sort` order; Other stays last (it is the rest)."""
        if tile.sort is None:
            return rows
        head = [row for row in rows if row["key"] != OTHER]
        other = [row for row in rows if row["key"] == OTHER]
        if tile.sort.startswith("value"):
            head.sort(key=lambda row: Decimal(str(row["value"])))
        else:
            head.sort(key=lambda row: (str(row["label"]).casefold(), row["key"]))
        if tile.sort.endswith("desc"):
            head.reverse()
        return head + other

    def number_compare(self, result: NumberResult) -> dict[str, Any] | None:
        """What a number is compared with: a span (same span last year, previous period), the
        tile's target or a fixed value; the delta and the % of it (null when it is 0)."""
        tile, value = result.tile, result.value
        basis: str | None = None
        span: dict[str, Any] = {"start": None, "end": None}
        if result.compare is not None:
            before: Figure | float = result.compare.value
            span = self.span_json(result.compare.window)
            if tile.compare == "previous-period":
                basis = "previous-period"
        elif tile.compare == "target" and tile.target is not None:
            basis, before = "target", tile.target
        elif tile.compare_value is not None:
            basis, before = "value", tile.compare_value
        else:
            return None
        fixed = Decimal(str(before))
        delta = Decimal(value) - fixed
        out: dict[str, Any] = {
            "value": self.fixed_json(before, tile),
            "delta": self.fixed_json(delta, tile),
            "pct": pct(delta, fixed),
            **span,  # the span compared with
        }
        if basis:
            out["basis"] = basis
        return out

    def fixed_json(self, value: Figure | float | Decimal, tile: Tile) -> int | float | str | None:
        """A compared figure: money as a decimal string, a count as an integer when it is whole
        (a target or fixed value may have decimals)."""
        if tile.measure in MONEY:
            return figure_json(Decimal(str(value)))
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)

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
            return {"empty": result.empty, "rows": self.sorted_rows(result.tile, rows)}
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
            compare = self.number_compare(result)
            if compare is not None:
                out["compare"] = compare
            out["empty"] = result.empty
            return out
        if isinstance(result, PanelResult):
            tile = result.tile
            # Sanitised when the spec was validated, and again here: defence in depth.
            panel = (
                {"url": tile.url} if tile.chart == "web" else {"html": clean_html(tile.html or "")}
            )
            return {"empty": False, "panel": panel}
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
        measure = self.measure_json(tile)
        if "currency" in measure:
            out["currency"] = measure["currency"]
        if "aggregate" in measure:  # the total is the tile's figure: say which one
            out["aggregate"] = measure["aggregate"]
        return out

    # -- pieces -------------------------------------------------------------------------------

    def measure_json(self, tile: Tile) -> dict[str, Any]:
        """What the figures are: `measure` (and `measure2`), and `currency` for money (the
        tile's, else the base currency). An amount
        that is not summed names its `aggregate` (avg, min, max) and, for each amount measure,
        the words for it (`measure_name`: "Average amount")."""
        out: dict[str, Any] = {"measure": tile.measure}
        if tile.measure2:
            out["measure2"] = tile.measure2
        if tile.measure in MONEY or tile.measure2 in MONEY:
            out["currency"] = self.currency(tile)
        if tile.aggregate != "sum":  # a sum says nothing more, as before aggregates
            out["aggregate"] = tile.aggregate
            for name, measure in (("measure_name", tile.measure), ("measure2_name", tile.measure2)):
                if measure in MONEY:
                    out[name] = t(self.lang, f"measure.{tile.aggregate}.{measure}")
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

    def lead_name(self, name: str | None, erased: bool) -> str | None:
        """A lead's name as records show it; a GDPR-erased lead's is "Erased contact"."""
        return t(self.lang, "lead.erased") if erased else name or None

    def record_json(self, record: Record) -> dict[str, Any]:
        lookups = self.lookups
        owner = lookups.associate_by_id(record.owner_id) if record.owner_id else None
        owner_json = {
            "owner": owner.email if owner else None,
            "owner_name": owner.name if owner else None,
        }
        if isinstance(record, SubmissionRecord):
            form = lookups.form_by_id(record.form_id)
            return {
                "id": record.id,
                "submitted_at": self.iso(record.submitted_at),
                "form": form.key if form else None,
                "form_name": form.name if form else None,
                "status": record.status,
                "status_label": enum_label("submission_status", record.status, self.lang),
                "is_conversion": record.is_conversion,
                "lead": record.lead_id,
                "lead_name": self.lead_name(record.lead_name, record.lead_erased),
                **owner_json,  # the lead's owner
                "country": record.country,
                "source": record.source,
                "medium": record.medium,
                "campaign": record.campaign,
            }
        if isinstance(record, ChatRecord):
            agent = lookups.associate_by_id(record.agent_id) if record.agent_id else None
            return {
                "id": record.id,
                "started_at": self.iso(record.started_at),
                "ended_at": self.iso(record.ended_at) if record.ended_at else None,
                "agent": agent.email if agent else None,
                "agent_name": agent.name if agent else None,
                "visitor_name": record.visitor_name,
                "visitor_company": record.visitor_company,
                "country": record.country,
                "lead": record.lead_id,
                "lead_name": self.lead_name(record.lead_name, record.lead_erased),
                **owner_json,  # the lead's owner
            }
        common = {"id": record.id, "company": record.company, **owner_json}
        if isinstance(record, LeadRecord):
            status = lookups.status_by_id(record.status_id) if record.status_id else None
            name = " ".join(p for p in (record.first_name, record.last_name) if p)
            return {
                **common,
                "name": self.lead_name(name, record.erased),
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
            "lead_name": self.lead_name(record.lead_name, record.lead_erased),
            "status": record.status,
            "amount": figure_json(record.amount),
            "currency": record.currency,
            "sale_date": self.iso(record.sale_date),
        }
