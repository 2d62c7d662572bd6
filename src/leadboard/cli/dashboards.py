"""`leadboard dashboard list|show` and `leadboard tile explain`: dashboards in the terminal."""

import json
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.table import Table

from leadboard.cli.root import app, console, env, user_errors
from leadboard.dashboards.service import (
    FilterInput,
    dashboard_json,
    explain_tile,
    list_dashboards,
)
from leadboard.db.migrate import upgrade
from leadboard.semantic.filters import InputError

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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    lang: Annotated[str, typer.Option(help="en or nl")] = "en",
) -> None:
    """List the dashboards."""
    with user_errors(InputError):
        found = list_dashboards(lang)
    if as_json:
        print(json.dumps({"dashboards": found}, ensure_ascii=False, indent=2))
        return
    table = Table("slug", "name", "tiles")
    for d in found:
        table.add_row(d["dashboard"], d["name"], str(len(d["tiles"])))
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
    console.print(f"[bold]{result['name']}[/bold]  (as of {result['as_of']})")
    if result["description"]:
        console.print(result["description"])
    for tile in result["tiles"]:
        console.print(render_tile(tile))


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


def render_tile(tile: dict[str, Any]) -> Panel:
    title = tile["name"]
    if tile.get("filtered"):
        title += f"  [dim](filtered: {', '.join(tile['filtered'])})[/dim]"
    if "error" in tile:
        return Panel(f"[red]{tile['error']}[/red]", title=title)
    if tile["empty"]:
        return Panel("[dim]No data[/dim]", title=title)
    if "rows" in tile:
        body: Any = _bars(tile["rows"])
    elif "steps" in tile:
        body = _bars(tile["steps"], pct=True)
    elif "records" in tile:
        body = _records(tile)
    elif "target" in tile:
        body = f"[bold]{tile['value']} %[/bold]  (target {tile['target']} %)"
    else:
        body = f"[bold]{tile['value']}[/bold]"
        compare = tile.get("compare")
        if compare:
            colour = "green" if compare["delta"] >= 0 else "red"
            change = f"{compare['pct']} %" if compare["pct"] is not None else "n/a"
            body += (
                f"   vs {compare['value']} a year before: "
                f"[{colour}]{compare['delta']:+} ({change})[/{colour}]"
            )
    return Panel(body, title=title)


def _bars(rows: list[dict[str, Any]], pct: bool = False) -> Table:
    top = max((abs(r["value"]) for r in rows), default=0) or 1
    table = Table.grid(padding=(0, 1))
    for row in rows:
        bar = "█" * round(BAR_WIDTH * abs(row["value"]) / top)
        extra = ""
        if "value2" in row:
            extra = f"  [dim]/ {row['value2']}[/dim]"
        if pct:
            extra = f"  [dim]{row['pct_of_first']} % of first[/dim]"
        table.add_row(row["label"], f"[cyan]{bar}[/cyan]", f"{row['value']}{extra}")
    return table


RECORD_COLUMNS = {
    "leads": ("id", "name", "company", "owner_name", "country", "status_label", "status_since"),
    "sales": (
        "id",
        "title",
        "lead_name",
        "owner_name",
        "status",
        "amount",
        "currency",
        "sale_date",
    ),
}
SHOWN_RECORDS = 20


def _records(tile: dict[str, Any]) -> Table:
    records = tile["records"]
    columns = RECORD_COLUMNS["sales" if records and "title" in records[0] else "leads"]
    shown = records[:SHOWN_RECORDS]
    table = Table(*columns, caption=f"{len(shown)} of {tile['total']}")
    for record in shown:
        cells = ["" if record[c] is None else str(record[c]) for c in columns]
        table.add_row(
            *[cell[:10] if cell[:4].isdigit() and "T" in cell else cell for cell in cells]
        )
    return table
