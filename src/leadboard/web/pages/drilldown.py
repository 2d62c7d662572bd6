"""Drill-down and CSV exports: views over `tile_records_json` and the tile JSON.

The drill-down panel shows one page of the records behind a row, step or number, with their count
and the tile's measure over them (which equals the figure that was clicked). CSV exports write the
same values unformatted, with a guard against spreadsheet formula injection.
"""

import csv
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from math import ceil
from typing import Any
from urllib.parse import quote

from leadboard.dashboards.models import LIST_COLUMNS, Tile
from leadboard.i18n import Formatter, t
from leadboard.semantic.keys import NOT_SET, OTHER
from leadboard.semantic.results import ResultKind
from leadboard.web.pages.session import with_query
from leadboard.web.pages.tiles import period_text, record_cells

PAGE_SIZE = 25
CSV_PAGE_SIZE = 100  # the API's maximum page size
CSV_MAX_RECORDS = 100_000
DRILL_COLUMNS = {
    # The email too: leads without a name (many imports, API posts) would be blank rows.
    "leads": ("id", "name", "email", "company", "owner", "country", "status", "created_at"),
    "sales": ("id", "title", "lead", "owner", "status", "amount", "sale_date"),
    "form_submissions": ("id", "submitted_at", "form", "status", "lead", "owner", "source"),
    "chats": ("id", "started_at", "agent", "visitor_name", "visitor_company", "lead", "owner"),
}


def row_label(tile: dict[str, Any], kind: ResultKind, key: str | None) -> str | None:
    """The label of the clicked row or step in the tile's JSON."""
    rows = tile["steps"] if kind == "funnel" else tile.get("rows", [])
    for row in rows:
        if row["key"] == key:
            return str(row["label"])
    return None


def drill_context(
    result: dict[str, Any],
    definition: Tile,
    label: str | None,
    query: dict[str, str],
    slug: str,
    fmt: Formatter,
    lang: str,
    url_lang: str | None,
    tile_name: str | None = None,
) -> dict[str, Any]:
    """The panel: title, total (count and measure), one page of records, paging links.

    `tile_name` is the computed tile's name, which says the window when a quick filter replaced
    the tile's own period ("New leads per campaign — Last year")."""
    entity = definition.entity
    columns = list(DRILL_COLUMNS[entity])
    pages = max(1, ceil(result["total"] / result["page_size"]))
    page = result["page"]
    base = f"/dashboards/{slug}/tiles/{definition.key}/records"
    key = result.get("key")

    def page_url(number: int) -> str:
        return with_query(base, key=key, page=number, page_size=result["page_size"], **query)

    measure_text = fmt.measure(result["measure"], definition.measure)
    if definition.aggregate != "sum" and definition.measure != "count":  # "Average amount: €…"
        name = t(lang, f"measure.{definition.aggregate}.{definition.measure}")
        measure_text = f"{name}: {measure_text}"
    count_text = t(lang, "drill.count", n=fmt.number(result["total"]))
    summary = count_text if definition.measure == "count" else f"{measure_text} · {count_text}"
    if "measure2" in result and definition.measure2:
        summary += " · " + fmt.measure(result["measure2"], definition.measure2)
    return {
        "tile": definition.key,
        "tile_name": tile_name or definition.name.get(lang),
        "label": label,
        "key": key,
        "entity": entity,
        "total": result["total"],
        "measure": result["measure"],
        "measure2": result.get("measure2"),
        "summary": summary,
        "page": page,
        "pages": pages,
        "page_text": t(lang, "drill.page", page=page, pages=pages),
        "previous_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < pages else None,
        "csv_url": with_query(f"{base}.csv", key=key, **query),
        "form_url": form_url(definition, key, url_lang),
        "save_url": save_url(definition, key, slug, query),
        "columns": [{"key": c, "label": t(lang, f"col.{c}")} for c in columns],
        "rows": [
            {
                "id": record["id"],
                "cells": record_cells(record, columns, entity, fmt, lang, url_lang),
            }
            for record in result["records"]
        ],
    }


def save_url(definition: Tile, key: str | None, slug: str, query: dict[str, str]) -> str | None:
    """Where "Save as selection" posts (web/pages/selections.py), with the quick filters; None
    where the records cannot be one (Other, a period of a series, an entity without them)."""
    if definition.entity not in ("leads", "sales") or key == OTHER or definition.kind == "series":
        return None
    return with_query(f"/dashboards/{slug}/tiles/{definition.key}/records/selection", **query)


def form_url(definition: Tile, key: str | None, url_lang: str | None) -> str | None:
    """A row of a per-form tile is keyed by the form's key: link the form's own page."""
    if definition.group_by != "form" or not key or key in (NOT_SET, OTHER):
        return None
    return with_query(f"/forms/{quote(key, safe='')}", lang=url_lang)


# -- CSV ---------------------------------------------------------------------------------------


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def write_csv(header: list[str], rows: Iterator[list[Any]] | list[list[Any]]) -> Iterator[str]:
    """CSV text in chunks (UTF-8 with a BOM, so spreadsheet programs read the accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def number(value: Any) -> Any:
    """A JSON figure as a CSV number: money's decimal string ("147300.00") becomes a Decimal, so
    the formula guard leaves a negative delta alone and the cell stays a plain number."""
    return Decimal(value) if isinstance(value, str) else value


def tile_csv_rows(
    tile: dict[str, Any], kind: ResultKind, definition: Tile
) -> tuple[list[str], list[list[Any]]]:
    """The tile's figures as a table: what "Download CSV" in the tile menu gives."""
    figures = ("value", "value2")
    if kind == "funnel":
        header = ["key", "label", "value", "pct_of_first", "pct_of_previous"]
        return header, [[s.get(h) for h in header] for s in tile["steps"]]
    if kind in ("grouped", "series"):
        header = ["key", "label", "value"]
        if any("value2" in row for row in tile["rows"]):
            header.append("value2")
        rows = tile["rows"]
        return header, [
            [number(r.get(h)) if h in figures else r.get(h) for h in header] for r in rows
        ]
    if kind == "list":
        return record_table(tile["records"], definition)
    if kind == "gauge":
        header = ["value", "target", "count", "total"]
        return header, [[tile.get(h) for h in header]]
    compare = tile.get("compare") or {}
    header = ["value", "compare_value", "delta", "pct"]
    return header, [
        [
            number(tile.get("value")),
            number(compare.get("value")),
            number(compare.get("delta")),
            compare.get("pct"),
        ]
    ]


def record_table(
    records: list[dict[str, Any]], definition: Tile
) -> tuple[list[str], list[list[Any]]]:
    header = list(LIST_COLUMNS[definition.entity])
    if definition.entity == "leads":
        header += ["owner_name", "status_label"]
    else:
        header += ["lead_name", "owner_name"]
    return header, [record_row(r, header) for r in records]


def record_row(record: dict[str, Any], header: list[str]) -> list[Any]:
    return [number(record.get(h)) if h == "amount" else record.get(h) for h in header]


def all_records(
    fetch: Callable[[int, int], dict[str, Any]], limit: int = CSV_MAX_RECORDS
) -> Iterator[dict[str, Any]]:
    """Every record behind a drill-down, page by page through the records JSON."""
    page, seen = 1, 0
    while seen < limit:
        result = fetch(page, CSV_PAGE_SIZE)
        for record in result["records"]:
            if seen >= limit:
                return
            yield record
            seen += 1
        if len(result["records"]) < CSV_PAGE_SIZE or seen >= result["total"]:
            return
        page += 1


def figures_context(
    tile: dict[str, Any],
    kind: ResultKind,
    definition: Tile,
    units: list[str],
    names: list[str],
    drill_url: str,
    fmt: Formatter,
    lang: str,
) -> dict[str, Any]:
    """The tile's figures as a table (the tile menu's "Show the figures"), each row with a link
    to its records: the drill-down without a mouse."""
    period = tile.get("period") or {}
    context: dict[str, Any] = {
        "name": tile["name"],
        "period": period_text(period, fmt, lang),
        "drillable": kind in ("grouped", "series", "funnel", "number"),
        "rows": [],
    }
    joiner = "&" if "?" in drill_url else "?"

    def drill(key: str | None) -> str:
        return drill_url + (f"{joiner}key={quote(key)}" if key else "")

    if kind == "funnel":
        context["columns"] = [
            "",
            *names[:1],
            t(lang, "tile.pct_first"),
            t(lang, "tile.pct_previous"),
        ]
        for step in tile["steps"]:
            cells = [
                step["label"],
                fmt.number(step["value"]),
                fmt.percent(step["pct_of_first"]),
                fmt.percent(step["pct_of_previous"]),
            ]
            context["rows"].append(
                {"key": step["key"], "cells": cells, "drill_url": drill(step["key"])}
            )
    elif kind in ("grouped", "series"):
        context["columns"] = ["", *names]
        first_only = kind == "series" and not definition.measure2
        for row in tile["rows"]:
            cells = [row["label"], fmt.measure(row["value"], units[0])]
            if len(units) > 1:
                cells.append(fmt.measure(row.get("value2"), units[1]))
            url = drill(row["key"]) if Decimal(str(row["value"])) or not first_only else None
            context["rows"].append({"key": row["key"], "cells": cells, "drill_url": url})
    elif kind == "gauge":
        context["columns"] = ["", t(lang, "tile.figure")]
        count = f"{fmt.number(tile.get('count'))} / {fmt.number(tile.get('total'))}"
        context["rows"] = [
            {"key": "value", "cells": [names[0], fmt.percent(tile.get("value"))]},
            {
                "key": "target",
                "cells": [t(lang, "tile.target_word"), fmt.percent(tile.get("target"))],
            },
            {"key": "count", "cells": [t(lang, "tile.count_of_total"), count]},
        ]
    else:
        compare = tile.get("compare") or {}
        context["columns"] = ["", t(lang, "tile.figure")]
        value = fmt.measure(tile.get("value"), units[0])
        context["rows"] = [{"key": "value", "cells": [names[0], value], "drill_url": drill(None)}]
        if compare:
            # Like with like (SPEC 9.4): a partial period is compared with the same span.
            word = "tile.same_span" if period.get("partial") else "tile.last_year"
            window = fmt.window(compare.get("start"), compare.get("end"))
            label = f"{t(lang, word)} ({window})" if window else t(lang, word)
            before = fmt.measure(compare.get("value"), units[0])
            context["rows"].append({"key": "compare", "cells": [label, before]})
    return context
