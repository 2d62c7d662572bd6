"""The root command, its global options and the error convention (exit code 2 with a message)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import tzinfo
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import Engine

from leadboard.clock import Clock, SystemClock, end_of_day_clock, parse_day
from leadboard.db.engine import make_engine
from leadboard.settings import Settings

app = typer.Typer(
    help="Leadboard: self-hosted lead analytics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)


@dataclass
class Env:
    """What every command gets: the settings (with --database-url applied) and an engine."""

    settings: Settings
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine

    def clock(self, today: str | None) -> Clock:
        if today is None:
            return SystemClock()
        return end_of_day_clock(day_or_fail(today), self.settings.tz)

    @property
    def tz(self) -> tzinfo:
        return self.settings.tz


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
    try:
        settings = Settings(database_url=database_url) if database_url else Settings()
    except ValidationError as exc:
        fail(f"settings: {exc.errors()[0]['msg']}")
    ctx.obj = Env(settings)


def env(ctx: typer.Context) -> Env:
    obj = ctx.find_root().obj
    assert isinstance(obj, Env)
    return obj
