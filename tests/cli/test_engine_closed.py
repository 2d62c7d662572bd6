"""A command run in-process closes its database connections when it ends.

Before, the engine a command opened stayed in memory with a pooled connection until garbage
collection, where psycopg warned "connection deleted while still open" (ResourceWarning).
"""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool
from typer.testing import CliRunner

from leadboard.cli import app
from leadboard.cli import root as cli_root

runner = CliRunner()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Engine]:
    """Every engine a command opens (through the real open_database)."""
    engines: list[Engine] = []
    real = cli_root.open_database

    def recording(url: str) -> Engine:
        engine: Engine = real(url)
        engines.append(engine)
        return engine

    monkeypatch.setattr(cli_root, "open_database", recording)
    return engines


@pytest.mark.parametrize(
    "args",
    [
        ("statuses", "list", "--json"),
        ("db", "upgrade"),
        ("statuses", "rename", "no-such-status", "X"),  # ends with exit code 2
    ],
)
def test_a_command_leaves_no_connection_open(
    tmp_path: Path, opened: list[Engine], args: tuple[str, ...]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["--database-url", url, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert len(opened) == 1
    # dispose() closes the pooled connections and starts an empty pool.
    pool = opened[0].pool
    assert isinstance(pool, QueuePool)  # SQLAlchemy's pool for a SQLite file
    assert (pool.checkedin(), pool.checkedout()) == (0, 0)
