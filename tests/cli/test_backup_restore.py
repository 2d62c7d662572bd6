"""`leadboard backup` / `restore` on SQLite (issue 13 item 7): a backup taken while another
thread keeps inserting leads is one consistent moment (every lead with its history row, ids
without a gap), restore refuses what it should and upgrades an older backup."""

import shutil
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, Engine, func, insert, select
from typer.testing import CliRunner

from leadboard.cli import app as cli
from leadboard.db.engine import make_engine
from leadboard.db.migrate import HEAD, alembic_config, upgrade
from leadboard.db.schema import lead_status_history, leads
from tests.conftest import PostgresServer, missing

AT = datetime(2026, 1, 1)


def _add_lead(conn: Connection, n: int) -> None:
    conn.execute(
        insert(leads).values(
            id=n,
            email=f"lead{n}@example.com",
            status_id=1,
            status_since=AT,
            statuses_held=2,
            created_at=AT,
            created_via="api",
        )
    )
    conn.execute(insert(lead_status_history).values(lead_id=n, to_status_id=1, at=AT))


def _database(path: Path, n: int) -> Engine:
    engine: Engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.begin() as conn:
        for i in range(1, n + 1):
            _add_lead(conn, i)
    return engine


def _counts(path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(path)
    try:
        count, top = conn.execute("SELECT count(*), max(id) FROM leads").fetchone()
        history = conn.execute("SELECT count(*) FROM lead_status_history").fetchone()[0]
    finally:
        conn.close()
    return int(count), int(top), int(history)


def test_backup_while_writing_is_consistent(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    engine = _database(source, 3000)
    stop = threading.Event()
    written = [3000]

    def writer() -> None:
        while not stop.is_set():
            with engine.begin() as conn:  # a lead and its history row in one transaction
                _add_lead(conn, written[0] + 1)
            written[0] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = CliRunner().invoke(
            cli, ["--database-url", f"sqlite:///{source}", "backup", str(tmp_path / "b.db")]
        )
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    count, top, history = _counts(tmp_path / "b.db")
    assert 3000 <= count <= written[0]
    assert (top, history) == (count, count)  # no gap, no lead without its history
    assert f"Backed up {count} leads" in result.output
    assert written[0] > 3000  # the writer did write during the run
    engine.dispose()


def test_restore_checks_refuses_and_upgrades(tmp_path: Path) -> None:
    runner = CliRunner()
    old = tmp_path / "old.db"
    engine = _database(old, 5)
    with engine.begin() as conn:  # a backup made by an older release
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    engine.dispose()
    target = tmp_path / "target.db"
    url = ["--database-url", f"sqlite:///{target}"]

    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    refused = runner.invoke(cli, [*url, "restore", str(junk)])
    assert refused.exit_code == 2
    assert "not a Leadboard database" in refused.output

    live = _database(target, 2)
    with live.connect() as conn:  # a server holding the file open
        conn.execute(select(func.count()).select_from(leads)).scalar()
        in_use = runner.invoke(cli, [*url, "restore", str(old)])
    assert in_use.exit_code == 2
    assert "in use" in in_use.output
    live.dispose()
    holds = runner.invoke(cli, [*url, "restore", str(old)])
    assert holds.exit_code == 2
    assert "holds 2 leads" in holds.output

    done = runner.invoke(cli, [*url, "restore", str(old), "--force"])
    assert done.exit_code == 0, done.output
    assert "Restored 5 leads" in done.output
    assert _counts(target) == (5, 5, 5)
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    epoch = "SELECT version FROM data_versions WHERE name = 'epoch'"
    first_epoch = copy.execute(epoch).fetchone()[0]
    copy.close()
    # restored again from the same file: another epoch, so no cache of a running server
    # takes the restored versions for the ones it saw before
    assert runner.invoke(cli, [*url, "restore", str(old), "--force"]).exit_code == 0
    copy = sqlite3.connect(target)
    assert copy.execute(epoch).fetchone()[0] != first_epoch
    copy.close()


def test_postgresql_backup_and_restore(tmp_path: Path, pg_server: PostgresServer | None) -> None:
    """pg_dump to a file, pg_restore into another database: the same leads, the schema HEAD."""
    if pg_server is None or shutil.which("pg_dump") is None:
        missing("PostgreSQL or pg_dump not available")
    assert pg_server is not None
    runner = CliRunner()
    source, target = pg_server.create_database(), pg_server.create_database()
    engine = make_engine(source)
    upgrade(engine)
    with engine.begin() as conn:
        for i in range(1, 8):
            _add_lead(conn, i)
    engine.dispose()
    dump = tmp_path / "pg.dump"
    made = runner.invoke(cli, ["--database-url", source, "backup", str(dump)])
    assert made.exit_code == 0, made.output
    done = runner.invoke(cli, ["--database-url", target, "restore", str(dump)])
    assert done.exit_code == 0, done.output
    again = runner.invoke(cli, ["--database-url", target, "restore", str(dump)])
    assert again.exit_code == 2
    assert "holds 7 leads" in again.output
    restored = make_engine(target)
    with restored.connect() as conn:
        assert conn.execute(select(func.count()).select_from(leads)).scalar() == 7
        assert conn.execute(select(func.count()).select_from(lead_status_history)).scalar() == 7
    restored.dispose()
    pg_server.drop_database(source)
    pg_server.drop_database(target)
