"""`leadboard submissions retry`: process failed form submissions again (capture/retry.py).

A valid post that could not be processed when it came in (say, "database is locked" during a
large SQLite import) is kept as failed; this retries each in place and reports the counts.
Running it again finds nothing left to do: safe from cron. `leadboard serve` runs it at start.
It first stores the captures spooled while another process held SQLite's lock
(capture/spool.py).
"""

import json
from typing import Annotated

import typer

from leadboard.cli.root import app, console, env

submissions_app = typer.Typer(help="Form submissions.", no_args_is_help=True)
app.add_typer(submissions_app, name="submissions")


@submissions_app.command("retry")
def submissions_retry(
    ctx: typer.Context,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Retry at most this many (oldest first)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The counts as JSON")] = False,
) -> None:
    """Retry every failed submission; print how many were processed and how many still fail."""
    from leadboard.capture.retry import retry_submissions
    from leadboard.capture.routes import drain_spool

    engine = env(ctx).engine
    drained = drain_spool(engine)
    report = retry_submissions(engine, limit)
    if as_json:
        spooled = {"spooled_stored": drained.stored, "spooled_waiting": drained.failed}
        print(json.dumps({**report.__dict__, **spooled}))
        return
    if drained.stored or drained.failed:
        console.print(
            f"{drained.stored} spooled captures stored, {drained.failed} still spooled",
            highlight=False,
            markup=False,
        )
    console.print(
        f"{report.retried} failed submissions retried: {report.processed} processed "
        f"({report.conversions} conversions), {report.still_failed} still failed",
        highlight=False,
        markup=False,
    )
