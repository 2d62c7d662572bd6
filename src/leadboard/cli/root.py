"""The root command, its global options and the error convention (exit code 2 with a message)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from leadboard.clock import Clock, SystemClock, end_of_day_clock, parse_day

if TYPE_CHECKING:  # loaded when a command needs them, so `leadboard --help` starts fast
    from sqlalchemy import Engine

    from leadboard.settings import Settings

app = typer.Typer(
    help="Leadboard: self-hosted lead analytics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# soft_wrap: messages are never broken at the console's width (80 columns when the output is a
# pipe or a file), so logs and scripts see each message on one line; tables still fit the width.
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


@dataclass
class Env:
    """What every command gets: the settings (with --database-url applied) and a database."""

    database_url: str | None = None
    _settings: "Settings | None" = None
    _engine: "Engine | None" = None

    @property
    def settings(self) -> "Settings":
        if self._settings is None:
            self._settings = load_settings(self.database_url)
        return self._settings

    @property
    def engine(self) -> "Engine":
        """The database, connected once and at the newest schema; exit 2 when it cannot be."""
        if self._engine is None:
            self._engine = open_database(self.settings.database_url)
        return self._engine

    def clock(self, today: str | None) -> Clock:
        if today is None:
            return SystemClock()
        return end_of_day_clock(day_or_fail(today), self.settings.tz)

    @property
    def tz(self) -> tzinfo:
        return self.settings.tz

    def close(self) -> None:
        """Close the database's connections when the command ends (run in-process, as tests
        and scripts do, an engine left open keeps its connections until garbage collection)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def fail(message: str) -> NoReturn:
    errors.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


def day_or_fail(value: str, option: str = "--today"):  # type: ignore[no-untyped-def]
    try:
        return parse_day(value)
    except ValueError as exc:
        fail(f"{option}: {exc}")


@contextmanager
def user_errors(*kinds: type[Exception]) -> Iterator[None]:
    """Turn the library's input errors into `error: ...` and exit code 2, never a traceback."""
    try:
        yield
    except kinds as exc:
        fail(str(exc))


def load_settings(database_url: str | None) -> "Settings":
    from leadboard.settings import Settings, SettingsError

    try:
        if database_url:
            return Settings.from_env(database_url=database_url)
        return Settings.from_env()
    except SettingsError as exc:
        fail(str(exc))


def open_database(url: str) -> "Engine":
    """Connect and bring the schema up to date, or fail with `error: database-url: <why>`."""
    from sqlalchemy.exc import DBAPIError

    from leadboard.db.engine import DatabaseUrlError, connect_problem, open_engine
    from leadboard.db.migrate import upgrade

    try:
        engine = open_engine(url)
    except DatabaseUrlError as exc:
        fail(f"database-url: {exc}")
    try:
        upgrade(engine)
    except DBAPIError as exc:  # e.g. a read-only file or a user without rights to create tables
        engine.dispose()
        fail(f"database-url: cannot bring the schema up to date: {connect_problem(exc, None)}")
    return engine


@app.callback()
def root(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Database URL (default: $LEADBOARD_DATABASE_URL, "
            "else sqlite:///./leadboard.db). PostgreSQL: postgresql://user@host/db",
        ),
    ] = None,
) -> None:
    ctx.obj = Env(database_url)
    ctx.call_on_close(ctx.obj.close)


def env(ctx: typer.Context) -> Env:
    obj = ctx.find_root().obj
    if not isinstance(obj, Env):
        raise RuntimeError("the root command did not set up its Env")
    return obj
