"""`leadboard dashboard list|show` and `leadboard tile explain`: dashboards in the terminal."""

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from leadboard.cli.root import app, console, env, user_errors

# The service, Babel (through i18n) and rich's tables are imported by the commands that use
# them, so that `leadboard --help` starts fast.
if TYPE_CHECKING:
    from rich.panel import Panel
    from rich.table import Table

    from leadboard.i18n import Formatter

dashboard_app = typer.Typer(help="Dashboards: list them, compute one.", no_args_is_help=True)
tile_app = typer.Typer(help="Tiles: show how one is computed.", no_args_is_help=True)
app.add_typer(dashboard_app, name="dashboard")
app.add_typer(tile_app, name="tile")

BAR_WIDTH = 30
Owner = Annotated[str | None, typer.Option(help="Only this associate's leads/sales (email)")]
Country = Annotated[str | None, typer.Option(help="ISO country code, or none")]
Status = Annotated[str | None, typer.Option(help="Lead status key")]
Period = Annotated[str | None, typer.Option(help="Period for every dated tile, e.g. ytd")]
Today = Annotated[str | None, typer.Option(help="Compute as of this day (YYYY-MM-DD)")]


@dashboard_app.command("list")
def dashboard_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    lang: Annotated[str, typer.Option(help="en or nl")] = "en",
) -> None:
    """List the dashboards."""
    env(ctx).engine  # noqa: B018 - the database must be usable (dashboards will live there too)
    from rich.table import Table

    from leadboard.dashboards.service import list_dashboards
    from leadboard.i18n import t
    from leadboard.semantic.filters import InputError

    with user_errors(InputError):
        found = list_dashboards(lang)
    if as_json:
        print(json.dumps({"dashboards": found}, ensure_ascii=False, indent=2))
        return
    table = Table(t(lang, "cli.key"), t(lang, "col.name"), t(lang, "cli.tiles"))
    for d in found:
        table.add_row(d["dashboard"], _text(d["name"]), str(len(d["tiles"])))
    console.print(table)


@dashboard_app.command("show")
def dashboard_show(
    ctx: typer.Context,
    slug: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON")] = False,
    owner: Owner = None,
    country: Country = None,
    status: Status = None,
    period: Period = None,
    today: Today = None,
    lang: Annotated[str, typer.Option(help="en or nl")] = "en",
) -> None:
    """Compute every tile of a dashboard and show it (or print its JSON)."""
    from leadboard.dashboards.service import FilterInput, dashboard_json
    from leadboard.db.migrate import upgrade
    from leadboard.i18n import Formatter, t
    from leadboard.semantic.filters import InputError

    e = env(ctx)
    clock = e.clock(today)
    upgrade(e.engine)
    with user_errors(InputError):
        result = dashboard_json(
            e.engine, e.settings, clock, slug, FilterInput(owner, country, status, period), lang
        )
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    fmt = Formatter(lang, e.settings.tz, e.settings.base_currency)
    as_of = t(lang, "cli.as_of", time=fmt.moment(result["as_of"]))
    console.print(f"[bold]{_text(result['name'])}[/bold]  {as_of}")
    if result["description"]:
        console.print(_text(result["description"]))
    for tile in result["tiles"]:
        console.print(render_tile(tile, fmt))


@tile_app.command("explain")
def tile_explain(
    ctx: typer.Context,
    slug: str,
    tile_key: str,
    owner: Owner = None,
    country: Country = None,
    status: Status = None,
    period: Period = None,
    today: Today = None,
) -> None:
    """Print the SQL of a tile's queries with their bound parameters."""
    from leadboard.dashboards.service import FilterInput, explain_tile
    from leadboard.db.migrate import upgrade
    from leadboard.semantic.filters import InputError

    e = env(ctx)
    upgrade(e.engine)
    with user_errors(InputError):
        explained = explain_tile(
            e.engine,
            e.settings,
            e.clock(today),
            slug,
            tile_key,
            FilterInput(owner, country, status, period),
        )
    for name, sql, params in explained:
        console.print(f"[bold]-- {name}[/bold]")
        console.print(sql, highlight=False, markup=False)
        console.print(f"-- parameters: {params}", highlight=False, markup=False)


def _text(value: Any) -> str:
    """Data as plain text: a name with [brackets] is no rich markup."""
    from rich.markup import escape

    return escape("" if value is None else str(value))


def _figure(value: Any) -> Decimal:
    """A JSON figure as a number (money is a decimal string: "147300.00")."""
    return Decimal(str(value or 0))


def render_tile(tile: dict[str, Any], fmt: "Formatter") -> "Panel":
    """One tile of the dashboard JSON as a panel, every figure and word in `fmt`'s language."""
    from rich.panel import Panel

    from leadboard.i18n import t

    lang = fmt.lang
    title = _text(tile["name"])
    if tile.get("filtered"):
        fields = ", ".join(t(lang, f"filter.{f}").lower() for f in tile["filtered"])
        title += f"  [dim]{_text(t(lang, 'cli.filtered', fields=fields))}[/dim]"
    if "error" in tile:
        return Panel(f"{t(lang, 'tile.error')} [red]{_text(tile['error'])}[/red]", title=title)
    if tile["empty"]:
        return Panel(f"[dim]{t(lang, 'tile.no_data')}[/dim]", title=title)
    measure = tile.get("measure", "count")
    if "rows" in tile:
        second = tile.get("measure2", measure)  # a comparison series has the tile's measure
        body: Any = _bars(tile["rows"], fmt, (measure, second))
    elif "steps" in tile:
        body = _bars(tile["steps"], fmt, ("count", "count"), pct=True)
    elif "records" in tile:
        body = _records(tile, fmt)
    elif "target" in tile:
        target = t(lang, "tile.target", value=fmt.percent(tile["target"]))
        count = t(
            lang, "tile.of_total", count=fmt.number(tile["count"]), total=fmt.number(tile["total"])
        )
        body = f"[bold]{fmt.percent(tile['value'])}[/bold]  ({target}; {count})"
    else:
        body = f"[bold]{fmt.measure(tile['value'], measure)}[/bold]"
        compare = tile.get("compare")
        if compare:
            delta = _figure(compare["delta"])
            colour = "green" if delta >= 0 else "red"
            change = fmt.percent(abs(compare["pct"])) if compare["pct"] is not None else "—"
            sign = "+" if delta > 0 else "−" if delta < 0 else "±"
            before = compare_words(tile, fmt, measure)
            body += (
                f"   {before} "
                f"[{colour}]{fmt.signed(compare['delta'], measure)} ({sign}{change})[/{colour}]"
            )
    return Panel(body, title=title, subtitle=period_words(tile, fmt))


def _bars(
    rows: list[dict[str, Any]], fmt: "Formatter", measures: tuple[str, str], pct: bool = False
) -> "Table":
    from rich.table import Table

    from leadboard.i18n import t

    top = max((abs(_figure(r["value"])) for r in rows), default=0) or 1
    table = Table.grid(padding=(0, 1))
    for row in rows:
        bar = "█" * round(BAR_WIDTH * abs(_figure(row["value"])) / top)
        extra = ""
        if "value2" in row:
            extra = f"  [dim]/ {fmt.measure(row['value2'], measures[1])}[/dim]"
        if pct:
            first = t(fmt.lang, "tile.pct_first")
            extra = f"  [dim]{fmt.percent(row['pct_of_first'])} {first}[/dim]"
        value = fmt.measure(row["value"], measures[0])
        table.add_row(_text(row["label"]), f"[cyan]{bar}[/cyan]", f"{value}{extra}")
    return table


# column -> the record's field shown in it (a name rather than an email or a key)
RECORD_COLUMNS = {
    "leads": {
        "id": "id",
        "name": "name",
        "company": "company",
        "owner": "owner_name",
        "country": "country",
        "status": "status_label",
        "status_since": "status_since",
    },
    "sales": {
        "id": "id",
        "title": "title",
        "lead": "lead_name",
        "owner": "owner_name",
        "status": "status",
        "amount": "amount",
        "sale_date": "sale_date",
    },
}
SHOWN_RECORDS = 20


def _records(tile: dict[str, Any], fmt: "Formatter") -> "Table":
    from rich.table import Table

    from leadboard.i18n import t
    from leadboard.semantic.keys import ENUM_LABELS, country_name

    lang = fmt.lang
    records = tile["records"]
    entity = "sales" if records and "title" in records[0] else "leads"
    columns = RECORD_COLUMNS[entity]
    shown = records[:SHOWN_RECORDS]
    caption = t(lang, "tile.showing", shown=fmt.number(len(shown)), total=fmt.number(tile["total"]))
    table = Table(*(t(lang, f"col.{c}") for c in columns), caption=caption)
    for record in shown:
        cells = []
        for column, field in columns.items():
            value = record.get(field)
            if value is None or value == "":
                text = ""
            elif column in ("status_since", "sale_date"):
                text = fmt.day(value)
            elif column == "amount":
                text = fmt.money(value, record["currency"])  # in the sale's own currency
            elif column == "country":
                text = country_name(value, lang)
            elif column == "status" and entity == "sales":
                text = ENUM_LABELS["sale_status"][lang].get(value, value)
            else:
                text = str(value)
            cells.append(_text(text))
        table.add_row(*cells)
    return table


def period_words(tile: dict[str, Any], fmt: "Formatter") -> str | None:
    """The tile's window as days, with "so far" while it holds now (SPEC 9.4)."""
    from leadboard.i18n import t

    period = tile.get("period") or {}
    text = fmt.window(period.get("start"), period.get("end"))
    if text and period.get("partial"):
        text += f" · {t(fmt.lang, 'tile.so_far')}"
    return _text(text) if text else None


def compare_words(tile: dict[str, Any], fmt: "Formatter", measure: str) -> str:
    """What a number is compared with: while its period is partial, the same span last year up
    to the day it reaches; else the whole same period last year."""
    from datetime import datetime, timedelta

    from leadboard.i18n import t

    compare = tile["compare"]
    value = fmt.measure(compare["value"], measure)
    if not (tile.get("period") or {}).get("partial") or not compare.get("end"):
        return t(fmt.lang, "cli.compare", value=value)
    last = datetime.fromisoformat(compare["end"]) - timedelta(microseconds=1)
    return t(fmt.lang, "cli.compare_partial", value=value, day=fmt.day(last))
