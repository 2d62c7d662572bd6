"""The `leadboard` command: thin shells over library functions (Typer + Rich)."""

from leadboard.cli import admin, dashboards, demo  # noqa: F401  (each registers its commands)
from leadboard.cli.root import app


def main() -> None:
    app()


__all__ = ["app", "main"]
