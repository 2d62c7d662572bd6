"""`leadboard db`, `statuses` and `rates`: the admin's lists, on the database directly."""

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

if TYPE_CHECKING:
    from sqlalchemy import Engine

from leadboard.cli.root import app, console, env, user_errors

# The library is imported inside each command, so that `leadboard --help` starts fast.

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
statuses_app = typer.Typer(help="The lead status list (SPEC 1.2).", no_args_is_help=True)
rates_app = typer.Typer(help="Exchange rates to the base currency.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(statuses_app, name="statuses")
app.add_typer(rates_app, name="rates")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or migrate the database to the newest schema."""
    env(ctx).engine  # noqa: B018 - opening the database migrates it
    console.print("database is up to date")


def _migrated(ctx: typer.Context) -> "Engine":
    return env(ctx).engine  # connected and at the newest schema


def _show_statuses(ctx: typer.Context, as_json: bool = False) -> None:
    from leadboard.domain import statuses as st

    with _migrated(ctx).connect() as conn:
        rows = st.all_statuses(conn)
    if as_json:
        fields = (
            "key",
            "rank",
            "on_funnel",
            "name_en",
            "name_nl",
            "description_en",
            "description_nl",
        )
        print(
            json.dumps(
                {"statuses": [{f: getattr(s, f) for f in fields} for s in rows]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    table = Table("rank", "key", "name (en)", "name (nl)", "funnel path", "description (en)")
    for s in rows:
        table.add_row(
            str(s.rank),
            s.key,
            s.name_en,
            s.name_nl,
            "yes" if s.on_funnel else "no",
            s.description_en,
        )
    console.print(table)


@statuses_app.command("list")
def statuses_list(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False
) -> None:
    """Show the active statuses in rank order."""
    _show_statuses(ctx, as_json)


@statuses_app.command("add")
def statuses_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="English name")],
    nl: Annotated[str | None, typer.Option(help="Dutch name (default: the English one)")] = None,
    key: Annotated[str | None, typer.Option(help="Key (default: slug of the name)")] = None,
    funnel: Annotated[
        bool, typer.Option("--funnel/--no-funnel", help="On the funnel path")
    ] = False,
    description: Annotated[str, typer.Option(help="English description")] = "",
) -> None:
    """Add a status at the end of the list."""
    from leadboard.domain import statuses as st

    with user_errors(st.StatusError), _migrated(ctx).begin() as conn:
        status = st.add_status(conn, name, nl, key, funnel, description)
    console.print(f"added status {status.key!r}")


@statuses_app.command("rename")
def statuses_rename(
    ctx: typer.Context,
    key: str,
    name: str,
    lang: Annotated[str, typer.Option(help="en or nl")] = "en",
) -> None:
    """Rename a status (its key stays, so links and filters keep working)."""
    from leadboard.domain import statuses as st

    with user_errors(st.StatusError), _migrated(ctx).begin() as conn:
        st.rename_status(conn, key, name, lang)
    console.print(f"renamed {key!r}")


@statuses_app.command("translate")
def statuses_translate(
    ctx: typer.Context,
    key: str,
    lang: str,
    name: str,
    description: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Set a status's name (and description) in one language: en or nl."""
    from leadboard.domain import statuses as st

    with user_errors(st.StatusError), _migrated(ctx).begin() as conn:
        st.translate_status(conn, key, lang, name, description)
    console.print(f"translated {key!r} ({lang})")


@statuses_app.command("reorder")
def statuses_reorder(
    ctx: typer.Context,
    keys: Annotated[list[str], typer.Argument(help="Every active status key, in the new order")],
) -> None:
    """Set the rank order of all statuses."""
    from leadboard.domain import statuses as st

    with user_errors(st.StatusError), _migrated(ctx).begin() as conn:
        st.reorder_statuses(conn, keys)
    _show_statuses(ctx)


@statuses_app.command("funnel")
def statuses_funnel(
    ctx: typer.Context,
    key: str,
    on: Annotated[bool, typer.Option("--on/--off", help="On or off the funnel path")],
) -> None:
    """Put a status on (--on) or off (--off) the funnel path."""
    from leadboard.domain import statuses as st

    with user_errors(st.StatusError), _migrated(ctx).begin() as conn:
        st.set_funnel(conn, key, on)
    console.print(f"{key!r} is {'on' if on else 'off'} the funnel path")


@statuses_app.command("delete")
def statuses_delete(ctx: typer.Context, key: str) -> None:
    """Soft-delete a status: leads keep it in their history; Open cannot be deleted."""
    from leadboard.domain import statuses as st

    with user_errors(st.StatusError), _migrated(ctx).begin() as conn:
        st.delete_status(conn, key)
    console.print(f"deleted {key!r}")


@rates_app.command("list")
def rates_list(ctx: typer.Context) -> None:
    """Show the rate table (1 unit of a currency = RATE units of the base currency)."""
    from leadboard.domain.rates import list_rates

    base = env(ctx).settings.base_currency
    with _migrated(ctx).connect() as conn:
        rates = list_rates(conn)
    table = Table("currency", f"rate to {base}")
    table.add_row(base, "1 (base currency)")
    for currency, rate in rates.items():
        table.add_row(currency, str(rate))
    console.print(table)


@rates_app.command("set")
def rates_set(ctx: typer.Context, currency: str, rate: str) -> None:
    """Set the rate of CURRENCY: 1 CURRENCY = RATE base currency."""
    from leadboard.domain.rates import RateError, set_rate

    base = env(ctx).settings.base_currency
    with user_errors(RateError), _migrated(ctx).begin() as conn:
        value = set_rate(conn, currency, rate, base)
    console.print(f"1 {currency.upper()} = {value} {base}")
