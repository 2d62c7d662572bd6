"""`leadboard dashboard list|show` and `leadboard tile explain`: dashboards in the terminal."""

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from leadboard.cli.root import app, console, env, errors, fail, user_errors

# The service, Babel (through i18n) and rich's tables are imported by the commands that use
# them, so that `leadboard --help` starts fast.
if TYPE_CHECKING:
    from rich.panel import Panel
    from rich.table import Table
    from sqlalchemy import Connection
    from sqlalchemy.engine import Dialect

    from leadboard.i18n import Formatter
    from leadboard.semantic.results import TileResult
    from leadboard.semantic.spec import Scope

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
AsViewer = Annotated[
    str | None,
    typer.Option("--as", help="As this user (email), with their rights; default: all rights"),
]


@dashboard_app.command("list")
def dashboard_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    lang: Annotated[str, typer.Option(help="en or nl")] = "en",
) -> None:
    """List the dashboards: the built-in ones, then those users made."""
    from rich.table import Table

    from leadboard.dashboards.index import dashboard_index
    from leadboard.errors import InputError
    from leadboard.i18n import t

    with user_errors(InputError), env(ctx).engine.connect() as conn:
        found = dashboard_index(lang, conn)
    if as_json:
        print(json.dumps({"dashboards": found}, ensure_ascii=False, indent=2))
        return
    table = Table(t(lang, "cli.key"), t(lang, "col.name"), t(lang, "cli.tiles"))
    for d in found:
        table.add_row(d["dashboard"], _text(d["name"]), str(len(d["tiles"])))
    console.print(table)


@dashboard_app.command("export")
def dashboard_export(
    ctx: typer.Context,
    slugs: Annotated[
        list[str] | None,
        typer.Argument(help="Dashboards to export (default: every one users made)"),
    ] = None,
) -> None:
    """Print dashboards as YAML (definition, owner, sharing) with the selections their tiles
    show, for `dashboard import`."""
    from leadboard.dashboards.code import export_dashboards
    from leadboard.errors import InputError

    with user_errors(InputError), env(ctx).engine.connect() as conn:
        text = export_dashboards(conn, slugs or None)
    sys.stdout.write(text)


@dashboard_app.command("import")
def dashboard_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A YAML file written by `dashboard export`")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite dashboards with the same slug")
    ] = False,
    owner: Annotated[
        str | None,
        typer.Option(help="Owner (email) of the dashboards in the file that name none"),
    ] = None,
) -> None:
    """Create the selections and dashboards of a YAML file: all of them, or none when anything
    is wrong."""
    from leadboard.dashboards.code import ImportProblems, import_dashboards
    from leadboard.errors import InputError

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"file: cannot read {file}: {getattr(exc, 'strerror', None) or exc}")
    e = env(ctx)
    try:
        with e.engine.begin() as conn:
            done = import_dashboards(conn, text, e.clock(None).now(), replace, owner, e.settings.tz)
    except ImportProblems as exc:
        for problem in exc.problems:
            errors.print(f"[red]error:[/red] {_text(problem)}", highlight=False)
        errors.print(f"nothing imported ({len(exc.problems)} problems)", highlight=False)
        raise typer.Exit(2) from None
    except InputError as exc:
        fail(str(exc))
    for item in done:
        kind = "selection " if item.kind == "selection" else ""
        console.print(f"{item.action} {kind}{_text(item.slug)}", highlight=False)


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
    as_user: AsViewer = None,
    executor: Annotated[
        str,
        typer.Option(
            help="fast: reuse cached query results until a write changes them; "
            "base: run every query on the tables (the reference)"
        ),
    ] = "fast",
    timing: Annotated[
        bool, typer.Option("--timing", help="Print `computed in N ms` on stderr")
    ] = False,
) -> None:
    """Compute every tile of a dashboard and show it (or print its JSON)."""
    import time
    from dataclasses import replace

    from leadboard.dashboards.service import FilterInput
    from leadboard.db.migrate import upgrade
    from leadboard.errors import InputError
    from leadboard.i18n import Formatter, t
    from leadboard.web.present import dashboard_results

    if executor not in ("base", "fast"):
        fail(f"executor: use base or fast, not {executor!r}")
    e = env(ctx)
    clock = e.clock(today)
    upgrade(e.engine)
    settings = replace(e.settings, executor="fast" if executor == "fast" else "base")
    with user_errors(InputError):
        with e.engine.connect() as conn:
            scope = viewer_scope(conn, as_user)
        started = time.perf_counter()
        computed, result = dashboard_results(
            e.engine,
            settings,
            clock,
            slug,
            FilterInput(owner, country, status, period),
            lang,
            scope,
        )
    if timing:
        print(f"computed in {(time.perf_counter() - started) * 1000:.0f} ms", file=sys.stderr)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    fmt = Formatter(lang, e.settings.tz, e.settings.base_currency)
    as_of = t(lang, "cli.as_of", time=fmt.moment(result["as_of"]))
    console.print(f"[bold]{_text(result['name'])}[/bold]  {as_of}")
    if result["description"]:
        console.print(_text(result["description"]))
    for typed, tile in zip(computed.tiles, result["tiles"], strict=True):
        console.print(render_tile(tile, typed, fmt))


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
    key: Annotated[
        str | None, typer.Option(help="The row or step whose drill-down to show")
    ] = None,
    dialect: Annotated[
        str | None,
        typer.Option(help="sqlite or postgresql (default: that of the database URL)"),
    ] = None,
    as_user: AsViewer = None,
) -> None:
    """Print the SQL of every query of a tile, its drill-down's too, with the bound parameters.

    Nothing is run, so no database is needed: with --database-url (or LEADBOARD_DATABASE_URL)
    the statuses and owners are that database's; else the default statuses and no owners.
    """
    import os

    from leadboard.dashboards.service import FilterInput, explain_fast_path, explain_tile
    from leadboard.errors import InputError
    from leadboard.semantic.lookups import default_lookups, load_lookups
    from leadboard.semantic.spec import ALL

    e = env(ctx)
    use_database = e.database_url is not None or bool(os.environ.get("LEADBOARD_DATABASE_URL"))
    scope = ALL
    if as_user is not None and not use_database:
        fail("--as needs --database-url (the user's rights are in the database)")
    if use_database:
        with e.engine.connect() as conn, user_errors(InputError):
            lookups = load_lookups(conn)
            scope = viewer_scope(conn, as_user)
        sql_dialect = e.engine.dialect
    else:
        lookups = default_lookups()
        sql_dialect = _dialect(dialect or e.settings.database_url)
    if dialect is not None:
        sql_dialect = _dialect(dialect)
    filters = FilterInput(owner, country, status, period)
    with user_errors(InputError):
        try:
            explained = explain_tile(
                lookups,
                e.settings,
                e.clock(today),
                slug,
                tile_key,
                filters,
                sql_dialect,
                key,
                scope,
            )
        except InputError as exc:
            if exc.field == "owner" and not use_database:
                raise InputError(
                    "owner", f"{exc.message} (without --database-url, explain knows no associates)"
                ) from None
            raise
    source = "the database" if use_database else "the default statuses (no --database-url)"
    console.print(f"-- {sql_dialect.name}; reference data: {source}", highlight=False, markup=False)
    console.print(f"-- {restriction_words(scope)}", highlight=False, markup=False)
    for query in explained:
        console.print(f"[bold]-- {query.name}[/bold]")
        console.print(query.sql, highlight=False, markup=False)
        console.print(f"-- parameters: {query.params}", highlight=False, markup=False)
    if explained and explained[0].name == "span":
        console.print(
            "-- the other queries are planned from the days the span query finds",
            highlight=False,
            markup=False,
        )
    with user_errors(InputError):
        path, pieces = explain_fast_path(
            lookups, e.settings, e.clock(today), slug, tile_key, filters, sql_dialect, scope
        )
    console.print(f"-- path: {path}", highlight=False, markup=False)
    for query in pieces:
        console.print(f"[bold]-- {query.name}[/bold]")
        console.print(query.sql, highlight=False, markup=False)
        console.print(f"-- parameters: {query.params}", highlight=False, markup=False)


def viewer_scope(conn: "Connection", email: str | None) -> "Scope":
    """The rights scope of `--as EMAIL` (None: all rights); an unknown email is an InputError."""
    from leadboard.domain.errors import NotFound
    from leadboard.domain.users import find_user, viewer_for
    from leadboard.errors import InputError
    from leadboard.semantic.rights import scope_for
    from leadboard.semantic.spec import ALL

    if email is None:
        return ALL
    try:
        found = find_user(conn, email)
    except NotFound:
        raise InputError("as", f"no associate with email {email!r}") from None
    return scope_for(conn, viewer_for(conn, found.id))


def restriction_words(scope: "Scope") -> str:
    """What `tile explain` says about the rights: which owners' records the queries keep."""
    if scope.is_all:
        return "rights: all records (no restriction)"
    parts = []
    for entity, rights in zip(("leads", "sales"), scope.rights, strict=True):
        owners = scope.owners(entity)
        if owners is None:
            parts.append(f"{entity}: all")
        else:
            ids = ", ".join(str(i) for i in owners) or "none"
            parts.append(f"{entity}: {rights}, owner_id in ({ids})")
    return "rights: " + "; ".join(parts) + " (records without an owner are left out)"


def _dialect(name: str) -> "Dialect":
    """A SQLAlchemy dialect by name or from a database URL, without connecting."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if name in ("sqlite", "postgresql"):
        return (
            sqlite.dialect()
            if name == "sqlite"
            else make_url("postgresql+psycopg://").get_dialect()()
        )
    try:
        backend = make_url(name).get_backend_name()
    except ArgumentError:
        fail(f"dialect: {name!r} is neither sqlite, postgresql nor a database URL")
    if backend not in ("sqlite", "postgresql"):
        fail(f"dialect: use sqlite or postgresql, not {backend!r}")
    return _dialect(backend)


def _text(value: Any) -> str:
    """Data as plain text: a name with [brackets] is no rich markup."""
    from rich.markup import escape

    return escape("" if value is None else str(value))


def _figure(value: Any) -> Decimal:
    """A JSON figure as a number (money is a decimal string: "147300.00")."""
    return Decimal(str(value or 0))


def render_tile(tile: dict[str, Any], result: "TileResult", fmt: "Formatter") -> "Panel":
    """One tile of the dashboard JSON as a panel, every figure and word in `fmt`'s language.

    `result` is the tile's typed result: its kind says how to draw it."""
    from rich.panel import Panel

    from leadboard.i18n import t

    lang = fmt.lang
    title = _text(tile["name"])
    if tile.get("filtered"):
        fields = ", ".join(t(lang, f"filter.{f}").lower() for f in tile["filtered"])
        title += f"  [dim]{_text(t(lang, 'cli.filtered', fields=fields))}[/dim]"
    from leadboard.semantic.results import FailedResult

    kind = result.kind
    if isinstance(result, FailedResult):
        if result.message is None:  # a bug: the log has the details
            return Panel(f"[red]{_text(tile['error'])}[/red]", title=title)
        return Panel(f"{t(lang, 'tile.error')} [red]{_text(tile['error'])}[/red]", title=title)
    if tile["empty"]:
        return Panel(f"[dim]{t(lang, 'tile.no_data')}[/dim]", title=title)
    measure = tile.get("measure", "count")
    if kind in ("grouped", "series"):
        second = tile.get("measure2", measure)  # a comparison series has the tile's measure
        body: Any = _bars(tile["rows"], fmt, (measure, second))
    elif kind == "funnel":
        body = _bars(tile["steps"], fmt, ("count", "count"), pct=True)
    elif kind == "list":
        body = _records(tile, result.tile.entity, fmt)
    elif kind == "gauge":
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
    "form_submissions": {
        "id": "id",
        "submitted_at": "submitted_at",
        "form": "form_name",
        "status": "status_label",
        "lead": "lead_name",
        "owner": "owner_name",
        "source": "source",
    },
    "chats": {
        "id": "id",
        "started_at": "started_at",
        "agent": "agent_name",
        "visitor_name": "visitor_name",
        "visitor_company": "visitor_company",
        "lead": "lead_name",
        "owner": "owner_name",
    },
}
SHOWN_RECORDS = 20


def _records(tile: dict[str, Any], entity: str, fmt: "Formatter") -> "Table":
    from rich.table import Table

    from leadboard.i18n import t
    from leadboard.semantic.keys import country_name, enum_label

    lang = fmt.lang
    records = tile["records"]
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
            elif column in ("status_since", "sale_date", "submitted_at", "started_at"):
                text = fmt.day(value)
            elif column == "amount":
                text = fmt.money(value, record["currency"])  # in the sale's own currency
            elif column == "country":
                text = country_name(value, lang)
            elif column == "status" and entity == "sales":
                text = enum_label("sale_status", value, lang)
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
