"""The `leadboard` command: thin shells over library functions (Typer + Rich)."""

# Each module registers its commands on the root app when imported.
from leadboard.cli import admin, channels, dashboards, demo, ingest, leads, tokens, users  # noqa: F401
from leadboard.cli.root import app


def main() -> None:
    app()


__all__ = ["app", "main"]
