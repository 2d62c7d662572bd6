"""The `leadboard` command: thin shells over library functions (Typer + Rich)."""

# Each module registers its commands on the root app when imported.
from leadboard.cli import (  # noqa: F401
    admin,
    backup,
    channels,
    dashboards,
    demo,
    erase,
    ingest,
    leads,
    rollups,
    submissions,
    tokens,
    users,
)
from leadboard.cli.root import app


def main() -> None:
    app()


__all__ = ["app", "main"]
