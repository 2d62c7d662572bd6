"""`leadboard demo` and `leadboard serve`: demo data and the web server."""

from typing import Annotated

import typer
import uvicorn
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import Engine, insert, select, update

from leadboard.app import create_app
from leadboard.auth.passwords import MIN_LENGTH, hash_password
from leadboard.cli.root import Env, app, console, day_or_fail, env, fail
from leadboard.db.migrate import upgrade
from leadboard.db.schema import associates

DEMO_ADMIN = "admin@example.com"

Port = Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)]
Today = Annotated[str | None, typer.Option(help="Pretend today is this day (YYYY-MM-DD)")]


@app.command("demo")
def demo(
    ctx: typer.Context,
    leads: Annotated[int, typer.Option(help="Number of leads", min=0)] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same data")] = 1,
    today: Today = None,
    replace: Annotated[bool, typer.Option(help="Overwrite a database with non-demo data")] = False,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the dashboards afterwards")
    ] = True,
    port: Port = 8000,
    admin_password: Annotated[
        str, typer.Option(help=f"Password of the demo admin account {DEMO_ADMIN}")
    ] = "leadboard",
) -> None:
    """Generate a realistic demo company history (3 years) and serve its dashboards."""
    from leadboard.demo import DemoError, generate_demo

    if len(admin_password) < MIN_LENGTH:
        fail(f"--admin-password: needs at least {MIN_LENGTH} characters")
    e = env(ctx)
    day = day_or_fail(today) if today else e.clock(None).now().astimezone(e.tz).date()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        try:
            counts = generate_demo(
                e.engine,
                leads=leads,
                seed=seed,
                today=day,
                tz=e.settings.tz,
                base_currency=e.settings.base_currency,
                replace=replace,
                progress=report,
            )
        except DemoError as exc:
            fail(str(exc))
    console.print("demo data: " + ", ".join(f"{n} {table}" for table, n in counts.items()))
    ensure_demo_admin(e.engine, admin_password)
    default = (
        " (the default; change it with --admin-password)" if admin_password == "leadboard" else ""
    )
    login = f"http://127.0.0.1:{port}/ as [bold]{DEMO_ADMIN}[/bold] with the "
    console.print(
        ("Log in at " if serve_after else "Start `leadboard serve`, then log in at ")
        + login
        + f"password [bold]{escape(admin_password)}[/bold]{default}.",
        highlight=False,
    )
    if serve_after:
        _serve(e, "127.0.0.1", port, today)


def ensure_demo_admin(engine: Engine, password: str) -> int:
    """The demo's admin account (role admin), with this password; created or reset."""
    values = {"password_hash": hash_password(password), "role": "admin", "active": True}
    with engine.begin() as conn:
        found = conn.execute(
            select(associates.c.id).where(associates.c.email == DEMO_ADMIN)
        ).scalar()
        if found is not None:
            conn.execute(update(associates).where(associates.c.id == found).values(**values))
            return int(found)
        result = conn.execute(
            insert(associates).values(email=DEMO_ADMIN, name="Demo Admin", language="en", **values)
        )
        assert result.inserted_primary_key is not None
        return int(result.inserted_primary_key[0])


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Port = 8000,
    today: Today = None,
) -> None:
    """Serve the web app and the JSON API."""
    e = env(ctx)
    upgrade(e.engine)
    _serve(e, host, port, today)


def _serve(e: Env, host: str, port: int, today: str | None) -> None:
    clock = e.clock(today)
    web_app = create_app(e.settings, clock)
    console.print(
        f"Leadboard on http://{host}:{port}/  (dashboards as JSON: "
        f"http://{host}:{port}/api/dashboards/marketing)"
    )
    uvicorn.run(web_app, host=host, port=port, log_level="info")
