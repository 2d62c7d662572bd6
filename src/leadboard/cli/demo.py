"""`leadboard demo` and `leadboard serve`: demo data and the web server."""

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from leadboard.cli.root import Env, app, console, day_or_fail, env, fail

if TYPE_CHECKING:
    import uvicorn
    from sqlalchemy import Engine

DEMO_ADMIN = "admin@example.com"
DEFAULT_PASSWORD = "leadboard"  # noqa: S105 - the demo's documented log-in (README)

Port = Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)]
Today = Annotated[str | None, typer.Option(help="Pretend today is this day (YYYY-MM-DD)")]


@app.command("demo")
def demo(
    ctx: typer.Context,
    leads: Annotated[int, typer.Option(help="Number of leads", min=0)] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same data")] = 1,
    today: Today = None,
    replace: Annotated[
        bool,
        typer.Option(
            help="Overwrite a database with non-demo data, or demo data that was added to"
        ),
    ] = False,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the dashboards afterwards")
    ] = True,
    port: Port = 8000,
    admin_password: Annotated[
        str,
        typer.Option(
            help=f"Password of the demo admin account {DEMO_ADMIN} and the demo's other logins"
        ),
    ] = DEFAULT_PASSWORD,
) -> None:
    """Generate a realistic demo company history (3 years) and serve its dashboards."""
    from leadboard.auth.passwords import MIN_LENGTH
    from leadboard.demo import DemoError

    if len(admin_password) < MIN_LENGTH:
        fail(f"--admin-password: needs at least {MIN_LENGTH} characters")
    e = env(ctx)
    day = day_or_fail(today) if today else e.clock(None).now().astimezone(e.tz).date()
    try:
        counts = _generate(e, leads, seed, day, replace, admin_password)
    except DemoError as changed:  # only a changed demo comes here: say what, and ask
        what = ", ".join(changed.changes)
        console.print(f"[yellow]The demo data in this database was changed:[/yellow] {what}")
        if not sys.stdin.isatty() or not typer.confirm("Replace it with a new demo?"):
            fail(str(changed))  # a script must pass --replace
        counts = _generate(e, leads, seed, day, True, admin_password)
    console.print("demo data: " + ", ".join(f"{n} {table}" for table, n in counts.items()))
    default = (
        " (the default; change it with --admin-password)"
        if admin_password == DEFAULT_PASSWORD
        else ""
    )
    address = f"http://127.0.0.1:{port}/"
    password = f"[bold]{escape(admin_password)}[/bold]"
    login = f"as [bold]{DEMO_ADMIN}[/bold] (admin: sees everything) with the password {password}"
    if serve_after:
        console.print(f"Log in at {address} {login}{default}.", highlight=False)
    else:
        command = "leadboard serve" + (f" --port {port}" if port != 8000 else "")
        if today:
            command += f" --today {today}"
        console.print(
            f"Start `{command}`, then log in at {address} {login}{default}.", highlight=False
        )
    for line in _other_logins(e.engine, password):
        console.print(line, highlight=False)
    if serve_after:
        _serve(e, "127.0.0.1", port, today)


KIND_WORDS = {"group": "a group user", "own": "a user with own rights"}


def _other_logins(engine: "Engine", password: str) -> list[str]:
    """One line per other demo login: who, their group and role, and what they see."""
    from leadboard.demo import demo_logins

    with engine.connect() as conn:
        logins = [login for login in demo_logins(conn, DEMO_ADMIN) if login.kind != "admin"]
    lines = []
    for login in logins:
        rights = login.rights
        sees = {"all": "everything", "group": "the group's", "own": "only their own"}
        what = (
            f"{sees[rights.leads]} leads and sales"
            if rights.leads == rights.sales
            else f"{sees[rights.leads]} leads, {sees[rights.sales]} sales"
        )
        where = f"{login.group}, " if login.group else ""
        lines.append(
            f"Or as {KIND_WORDS[login.kind]}: [bold]{escape(login.email)}[/bold] with the "
            f"password {password} ({escape(login.name)}; {escape(where)}role "
            f"{escape(login.role)}: sees {what})."
        )
    return lines


def _generate(
    e: Env, leads: int, seed: int, day: date, replace: bool, password: str
) -> dict[str, int]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from leadboard.demo import DemoError, generate_demo

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
            return generate_demo(
                e.engine,
                leads=leads,
                seed=seed,
                today=day,
                tz=e.settings.tz,
                base_currency=e.settings.base_currency,
                replace=replace,
                progress=report,
                admin=(DEMO_ADMIN, password),
            )
        except DemoError as exc:
            if exc.changes:
                raise  # a changed demo: the caller asks whether to replace it
            fail(str(exc))


def ensure_demo_admin(engine: "Engine", password: str) -> int:
    """The demo's admin account (role admin), with this password, created or reset, and the same
    password for the demo's group and own logins; returns the admin's id."""
    from leadboard.demo import ensure_logins

    with engine.begin() as conn:
        return ensure_logins(conn, DEMO_ADMIN, password)[0].id


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Port = 8000,
    today: Today = None,
    workers: Annotated[
        int,
        typer.Option(help="Worker processes (PostgreSQL only; SQLite is served by one)", min=1),
    ] = 1,
) -> None:
    """Serve the web app and the JSON API."""
    e = env(ctx)
    if workers > 1 and _is_sqlite(e.settings.database_url):
        # Refused before the file is opened or migrated.
        fail(
            "workers: SQLite has one writer per database file, so one server process serves "
            "it; use PostgreSQL for more than one worker"
        )
    e.engine  # noqa: B018 - connects and migrates: a bad database URL stops here, with exit 2
    _serve(e, host, port, today, workers)


def _log_format(configured: str) -> str:
    """`auto`: readable lines for someone at a terminal, JSON lines for a log collector."""
    if configured != "auto":
        return configured
    return "text" if sys.stderr.isatty() else "json"


def _is_sqlite(url: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).get_backend_name() == "sqlite"
    except ArgumentError:  # not a URL: opening it says why (error: database-url: ...)
        return False


def _serve(e: Env, host: str, port: int, today: str | None, workers: int = 1) -> None:
    import os

    import uvicorn

    from leadboard.app import SERVE_TODAY, create_app
    from leadboard.auth.secret import session_secret
    from leadboard.capture.retry import retry_submissions
    from leadboard.capture.routes import drain_spool
    from leadboard.web.logs import logging_config

    clock = e.clock(today)
    if workers == 1:
        web_app = create_app(e.settings, clock, e.engine)  # migrated once, by e.engine
    else:
        # Made here once: workers starting together would each try to insert the first key.
        session_secret(e.engine, e.settings.secret_key)
    drained = drain_spool(e.engine)  # what an earlier process spooled, then left failed
    if drained.stored or drained.failed:
        console.print(
            f"Stored {drained.stored} spooled captures, {drained.failed} still spooled",
            highlight=False,
            markup=False,
        )
    retried = retry_submissions(e.engine)
    if retried.retried:
        console.print(
            f"Retried {retried.retried} failed submissions: {retried.processed} processed, "
            f"{retried.still_failed} still failed",
            highlight=False,
            markup=False,
        )
    base = f"http://{host}:{port}"
    # The JSON API needs a signed-in browser or a token: say so next to its address.
    console.print(
        f"Leadboard on {base}/  (signed in, the dashboards as JSON are at "
        f"{base}/api/dashboards/marketing; scripts send a token from `leadboard token create "
        f"NAME` as 'Authorization: Bearer <token>'; API docs: {base}/docs)",
        highlight=False,
        markup=False,
    )
    # X-Forwarded-For/-Proto only from LEADBOARD_TRUSTED_PROXIES (uvicorn's own default trusts
    # 127.0.0.1, so any local client could pick its address for the capture rate limit).
    proxies = e.settings.trusted_proxies.strip()
    options: dict[str, Any] = dict(
        host=host,
        port=port,
        # JSON (or text) lines on stderr (web/logs.py); RequestLog's access line replaces
        # uvicorn's, which would log query strings with their values.
        log_config=logging_config(_log_format(e.settings.log_format), e.settings.log_level),
        log_level=e.settings.log_level,
        access_log=False,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )
    if workers == 1:
        uvicorn.run(web_app, **options)
        return
    # Each worker is a fresh (spawned) process that builds its app from the environment: the
    # settings as this command has them (--database-url included), and --today.
    os.environ["LEADBOARD_DATABASE_URL"] = e.settings.database_url
    if today:
        os.environ[SERVE_TODAY] = today
    e.engine.dispose()  # this process only supervises: the workers open their own connections
    _run_workers(
        uvicorn.Config(
            "leadboard.app:create_app_from_environment", factory=True, workers=workers, **options
        )
    )


def _run_workers(config: "uvicorn.Config") -> None:
    """uvicorn.run's path for workers, with TCP_NODELAY on the listening socket (accepted
    connections inherit it). uvicorn makes that socket with protocol 0, so asyncio does not set
    it per connection as it does for a single process: every answer on a kept-alive connection
    then waited ~40 ms for the client's delayed ACK (Nagle)."""
    import socket

    from uvicorn.supervisors import Multiprocess

    sock = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
