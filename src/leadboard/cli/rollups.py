"""`leadboard rollups check|rebuild`: the fast executor's rollups against the base tables."""

import json
from typing import Annotated

import typer

from leadboard.cli.root import app, console, env, errors

rollups_app = typer.Typer(
    help="The rollups of lead tiles: compare them with the base tables, or compute them again.",
    no_args_is_help=True,
)
app.add_typer(rollups_app, name="rollups")

Today = Annotated[str | None, typer.Option(help="Compute as of this day (YYYY-MM-DD)")]
AsJson = Annotated[bool, typer.Option("--json", help="The result as JSON")]


@rollups_app.command("check")
def rollups_check(ctx: typer.Context, today: Today = None, as_json: AsJson = False) -> None:
    """Compute every dashboard with the rollups and on the base tables, with no filter, each
    quick filter and each kind of rights, and list every tile whose figures differ (exit 1)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from leadboard.dashboards.rollups import check_rollups

    e = env(ctx)
    bars = Progress(
        TextColumn("comparing"),
        BarColumn(),
        MofNCompleteColumn(),
        console=errors,
        disable=as_json,
        transient=True,
    )
    with bars:
        task = bars.add_task("compare", total=None)

        def progress(done: int, total: int) -> None:
            bars.update(task, completed=done, total=total)

        compared, differences = check_rollups(e.engine, e.settings, e.clock(today), progress)
    if as_json:
        rows = [
            {"dashboard": d.dashboard, "filter": d.variant, "tile": d.tile} for d in differences
        ]
        typer.echo(json.dumps({"compared": compared, "differences": rows}, indent=2))
    else:
        for d in differences:
            console.print(
                f"different: {d.dashboard} / {d.tile} ({d.variant})", highlight=False, markup=False
            )
        verdict = "no differences" if not differences else f"{len(differences)} differ"
        console.print(f"{compared} tile computes compared: {verdict}", highlight=False)
    if differences:
        raise typer.Exit(1)


@rollups_app.command("rebuild")
def rollups_rebuild(ctx: typer.Context) -> None:
    """Make every server process compute every kept piece again at its next compute (after
    the database was changed with its triggers off, for example by hand)."""
    from leadboard.dashboards.rollups import rebuild_rollups

    hours = rebuild_rollups(env(ctx).engine)
    console.print(
        f"Every piece is computed again at the next compute ({hours} hours of lead creation "
        "tracked).",
        highlight=False,
    )
