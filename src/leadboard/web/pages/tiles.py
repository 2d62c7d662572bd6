"""One tile as the page shows it: a view over the tile's JSON (as the API gives it).

`tile_view` adds what the template and the chart script need: the state for `data-state`, the
figures for `data-rows` (exactly the API's), Babel-formatted labels, series names, units, the
list's cells and the URLs of the CSV and the drill-down.
"""

import json
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from leadboard.dashboards.models import LIST_COLUMNS, Tile
from leadboard.i18n import Formatter, t
from leadboard.semantic.keys import country_name, enum_label
from leadboard.semantic.results import FailedResult, ResultKind, TileResult
from leadboard.web.pages.session import with_query

# Tiles drawn by ECharts in the browser; the others are plain HTML.
CHARTS = (
    "pie",
    "donut",
    "funnel",
    "column",
    "bar",
    "line",
    "area",
    "gauge",
    "column-line",
    "bar-line",
)
FILTER_WORDS = {"owner": "filter.owner", "country": "filter.country", "status": "filter.status"}


def attr_json(value: Any) -> str:
    """JSON for an HTML attribute: a plain string, so Jinja's autoescape escapes its quotes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def figures(tile: dict[str, Any], kind: ResultKind) -> Any:
    """The tile's figures exactly as the API gives them (for `data-rows` and tests)."""
    if kind == "funnel":
        return tile["steps"]
    if kind in ("grouped", "series"):
        return tile["rows"]
    if kind == "list":
        return tile["records"]
    if kind == "gauge":
        return {k: tile.get(k) for k in ("value", "target", "count", "total")}
    if kind == "number":
        return {k: tile.get(k) for k in ("value", "compare") if k in tile}
    if kind == "panel":
        return tile.get("panel", {})
    return []  # a tile that failed


def state(tile: dict[str, Any], kind: ResultKind) -> str:
    """loading (a chart still to draw), ready, empty or error."""
    if kind == "failed" or "error" in tile:
        return "error"
    if tile.get("empty"):
        return "empty"
    return "loading" if tile["chart"] in CHARTS else "ready"


def measure_name(measure: str, entity: str, lang: str, aggregate: str = "sum") -> str:
    if measure == "count":
        return t(lang, f"measure.count.{entity}")
    return t(lang, f"measure.{measure}" if aggregate == "sum" else f"measure.{aggregate}.{measure}")


def series(tile: dict[str, Any], definition: Tile, lang: str) -> tuple[list[str], list[str]]:
    """Names and units (count or amount) of the chart's series."""
    main = measure_name(definition.measure, definition.entity, lang, definition.aggregate)
    if definition.measure2:
        second = measure_name(definition.measure2, definition.entity, lang, definition.aggregate)
        return [main, second], [definition.measure, definition.measure2]
    if definition.compare and definition.grain:
        period = tile.get("period") or {}
        start, end = period.get("start"), period.get("end")
        if start and end:
            first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
            whole_year = (first.month, first.day, last.month, last.day) == (1, 1, 1, 1)
            if whole_year and last.year == first.year + 1:
                return [str(first.year), str(first.year - 1)], [definition.measure] * 2
        return [t(lang, "tile.this_period"), t(lang, "tile.last_year")], [definition.measure] * 2
    return [main], [definition.measure]


def labels(
    tile: dict[str, Any], kind: ResultKind, units: list[str], fmt: Formatter, lang: str
) -> list[str]:
    """The formatted figure of each row or step, as the chart's labels and tooltips show it."""
    if kind == "funnel":
        return [
            " · ".join(
                [
                    fmt.number(step["value"]),
                    f"{fmt.percent(step['pct_of_first'])} {t(lang, 'tile.pct_first')}",
                    f"{fmt.percent(step['pct_of_previous'])} {t(lang, 'tile.pct_previous')}",
                ]
            )
            for step in tile["steps"]
        ]
    out = []
    for row in tile.get("rows", []):
        text = fmt.measure(row["value"], units[0])
        if row.get("partial"):  # the bucket that holds now
            text += f" ({t(lang, 'tile.so_far')})"
        if "value2" in row and len(units) > 1:
            text += " · " + fmt.measure(row["value2"], units[1])
            if row.get("partial") and row.get("compare"):  # last year up to the same day
                text += f" ({t(lang, 'tile.until', day=last_day(row['compare'], fmt))})"
        out.append(text)
    return out


def last_day(window: dict[str, Any], fmt: Formatter) -> str:
    """The last day a window [start, end) holds, formatted."""
    return fmt.day(datetime.fromisoformat(window["end"]) - timedelta(microseconds=1))


def period_text(period: dict[str, Any], fmt: Formatter, lang: str) -> str:
    """A tile's window as days, and "so far" while it holds now (SPEC 9.4)."""
    text = fmt.window(period.get("start"), period.get("end"))
    if text and period.get("partial"):
        text += f" · {t(lang, 'tile.so_far')}"
    return text


def compare_text(tile: dict[str, Any], measure: str, fmt: Formatter, lang: str) -> str:
    """What a number is compared with: the same span last year (or of the previous period)
    while its period is partial, else the whole same period last year (or previous period),
    with the days it covers; or the tile's target, or a fixed value."""
    compare = tile.get("compare") or {}
    partial = (tile.get("period") or {}).get("partial")
    basis = compare.get("basis", "same-span-last-year")
    value = fmt.measure(compare.get("value"), measure)
    if basis in ("target", "value"):
        return t(lang, f"tile.compare_{basis}", value=value)
    if basis == "previous-period":
        key = "tile.compare_previous_partial" if partial else "tile.compare_previous"
    else:
        key = "tile.compare_partial" if partial else "tile.compare_whole"
    return t(lang, key, window=fmt.window(compare.get("start"), compare.get("end")), value=value)


def number_view(tile: dict[str, Any], measure: str, fmt: Formatter, lang: str) -> dict[str, Any]:
    compare = tile.get("compare")
    view: dict[str, Any] = {"value": fmt.measure(tile.get("value"), measure)}
    if compare:
        delta = Decimal(str(compare.get("delta") or 0))  # money is a decimal string
        direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
        view.update(
            compare=compare_text(tile, measure, fmt, lang),
            delta=fmt.signed(compare.get("delta"), measure),
            pct=fmt.percent(compare.get("pct")) if compare.get("pct") is not None else "—",
            direction=direction,
            direction_word=t(lang, f"tile.{direction}"),
        )
    return view


def gauge_view(tile: dict[str, Any], fmt: Formatter, lang: str) -> dict[str, Any]:
    return {
        "value": fmt.percent(tile.get("value")),
        "target": t(lang, "tile.target", value=fmt.percent(tile.get("target"))),
        "of_total": t(
            lang,
            "tile.of_total",
            count=fmt.number(tile.get("count")),
            total=fmt.number(tile.get("total")),
        ),
    }


def record_cells(
    record: dict[str, Any],
    columns: list[str],
    entity: str,
    fmt: Formatter,
    lang: str,
    url_lang: str | None,
) -> list[dict[str, Any]]:
    """One record's cells: text, and a link to the lead where there is one."""
    cells = []
    lead_id = record["id"] if entity == "leads" else record.get("lead")
    lead_url = with_query(f"/leads/{lead_id}", lang=url_lang) if lead_id else None
    for column in columns:
        value = record.get(column)
        href = None
        if column in ("created_at", "status_since", "sale_date", "submitted_at", "started_at"):
            text = fmt.day(value)
        elif column == "ended_at":
            text = fmt.day(value) if value else ""
        elif column == "amount":
            text = fmt.money(value, record.get("currency"))
        elif column == "owner":
            text = record.get("owner_name") or value or ""
        elif column == "country":
            text = country_name(value, lang) if value else ""
        elif column in ("agent", "form"):
            text = record.get(f"{column}_name") or value or ""
        elif column == "status" and entity in ("leads", "form_submissions"):
            text = record.get("status_label") or value or ""
        elif column == "status":
            text = enum_label("sale_status", str(value or ""), lang)
        elif column == "lead":
            text = record.get("lead_name") or (str(value) if value else "")
            href = lead_url if value else None
        elif column == "name" and entity == "leads":
            # A link always has a text: a lead without a name is shown by its email, else its id.
            text = str(value or record.get("email") or t(lang, "lead.title", id=record["id"]))
            href = lead_url
        elif column == "id" and entity == "leads":
            text = "" if value is None else str(value)
            href = lead_url
        else:
            text = "" if value is None else str(value)
        cells.append({"column": column, "text": text, "href": href})
    return cells


def list_view(
    tile: dict[str, Any], definition: Tile, fmt: Formatter, lang: str, url_lang: str | None
) -> dict[str, Any]:
    columns = list(definition.columns or LIST_COLUMNS[definition.entity])
    records = tile.get("records", [])
    return {
        "columns": [{"key": c, "label": t(lang, f"col.{c}")} for c in columns],
        "rows": [
            {
                "id": record["id"],
                "cells": record_cells(record, columns, definition.entity, fmt, lang, url_lang),
            }
            for record in records
        ],
        "showing": t(
            lang,
            "tile.showing",
            shown=fmt.number(len(records)),
            total=fmt.number(tile.get("total", 0)),
        ),
    }


def tile_formatter(fmt: Formatter, tile: dict[str, Any]) -> Formatter:
    """Money of a tile in the tile's currency (its JSON's `currency`: its own or the base)."""
    currency = tile.get("currency")
    return replace(fmt, currency=currency) if currency and currency != fmt.currency else fmt


def filter_text(filtered: list[str], lang: str) -> str:
    names = [t(lang, FILTER_WORDS.get(f, f"filter.{f}")).lower() for f in filtered]
    return t(lang, "filter.mark", fields=", ".join(names)) if names else ""


def tile_view(
    tile: dict[str, Any],
    result: TileResult,
    definition: Tile,
    slug: str,
    query: dict[str, str],
    fmt: Formatter,
    lang: str,
    url_lang: str | None,
) -> dict[str, Any]:
    """Everything the tile template shows, from one tile of the dashboard JSON and its typed
    result (whose kind says what the JSON holds)."""
    kind = result.kind
    fmt = tile_formatter(fmt, tile)
    names, units = series(tile, definition, lang)
    period = tile.get("period") or {}
    base = f"/dashboards/{slug}/tiles/{definition.key}"
    view: dict[str, Any] = {
        "key": tile["key"],
        "name": tile["name"],
        "chart": tile["chart"],
        "kind": definition.kind,
        "pending": False,
        "state": state(tile, kind),
        "rows": attr_json(figures(tile, kind)),
        "labels": attr_json(labels(tile, kind, units, fmt, lang)),
        "series": attr_json(names),
        "units": attr_json(units),
        # what went wrong, where the viewer can act on it (a bug's details are only logged)
        "error": result.message if isinstance(result, FailedResult) else tile.get("error"),
        "as_of": t(lang, "tile.as_of", time=fmt.moment(tile["as_of"])),
        "as_of_iso": tile["as_of"],
        "filtered": tile.get("filtered", []),
        "filtered_text": filter_text(tile.get("filtered", []), lang),
        "period": period_text(period, fmt, lang),
        "partial": bool(period.get("partial")),
        "csv_url": with_query(f"{base}.csv", **query),
        "drill_url": with_query(f"{base}/records", **query),
        "figures_url": with_query(f"{base}/figures", **query),
        "drillable": kind in ("grouped", "series", "funnel", "number") and not tile.get("empty"),
        "png": tile["chart"] in CHARTS,
        "display": attr_json(tile.get("display", {})),
        "currency": tile.get("currency"),  # the charts' money, when the tile has any
    }
    if kind == "panel":  # no figures: no drill-down, CSV or figures table
        view.update(csv_url=None, drill_url=None, figures_url=None, panel=tile.get("panel", {}))
    if kind == "number":
        view["number"] = number_view(tile, definition.measure, fmt, lang)
    if kind == "gauge":
        view["gauge"] = gauge_view(tile, fmt, lang)
    if kind == "list":
        view["list"] = list_view(tile, definition, fmt, lang, url_lang)
    return view


def loading_view(definition: Tile, lang: str) -> dict[str, Any]:
    """A tile before its figures arrive (the first paint of the page)."""
    return {
        "key": definition.key,
        "name": definition.name.get(lang),
        "chart": definition.chart,
        "kind": definition.kind,
        "pending": True,
        "state": "loading",
        "rows": "[]",
        "labels": "[]",
        "series": "[]",
        "units": "[]",
        "error": None,
        "as_of": "",
        "filtered": [],
        "filtered_text": "",
        "period": "",
        "partial": False,
        "csv_url": None,
        "drill_url": None,
        "figures_url": None,
        "drillable": False,
        "png": False,
        "display": "{}",
        "currency": None,
    }


def failed_view(definition: Tile, lang: str, message: str) -> dict[str, Any]:
    """A tile that could not be computed at all (say, a bad quick filter in the URL)."""
    return {**loading_view(definition, lang), "pending": False, "state": "error", "error": message}


def script_words(lang: str) -> str:
    """The words the chart script shows, as JSON for a data attribute."""
    keys = ("pct_first", "pct_previous", "fullscreen", "exit_fullscreen", "no_data", "target")
    return attr_json({key: t(lang, f"tile.{key}", value="{value}") for key in keys})
