"""An import killed halfway leaves nothing (issue 13 item 3), on SQLite and PostgreSQL: the real
`leadboard import` of 20,000 rows is SIGKILLed once it is seen writing (and before it ends);
afterwards no lead of it is stored, SQLite still has every index the import drops while it loads,
and running the same import again stores every row once; a third run changes nothing.
"""

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from leadboard.db.schema import leads
from tests.capture.test_concurrent_writers import MAPPING, ROOT, import_writes, write_csv

ROWS = 20_000


def indexes(url: str) -> list[tuple[str, str]]:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return []
    with sqlite3.connect(str(parsed.database)) as conn:
        rows = conn.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()
    conn.close()
    return [(str(name), str(table)) for name, table in rows]


def stored(engine: Engine) -> list[tuple[str | None, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(leads.c.external_id, leads.c.email).order_by(leads.c.id))
        return [(external_id, email) for external_id, email in rows]


def run_import(url: str, csv_path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "leadboard", "--database-url", url, "import"]
    command += ["--mapping", str(MAPPING), str(csv_path), "--json"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_an_import_killed_halfway_leaves_nothing_and_runs_again(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    csv_path = tmp_path / "leads.csv"
    write_csv(csv_path, ROWS)
    before = indexes(db_url)
    command = [sys.executable, "-m", "leadboard", "--database-url", db_url, "import"]
    command += ["--mapping", str(MAPPING), str(csv_path), "--json"]
    importer = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        started = time.monotonic()
        while not import_writes(db_url):
            assert importer.poll() is None, "the import ended before it was seen writing"
            assert time.monotonic() - started < 60, "the import never started writing"
            time.sleep(0.01)
        time.sleep(0.3)  # some rows in
        assert importer.poll() is None, "the import ended before it could be killed"
        importer.send_signal(signal.SIGKILL)
    finally:
        importer.wait(timeout=60)
    assert importer.returncode == -signal.SIGKILL
    assert stored(engine) == []  # nothing of it
    assert indexes(db_url) == before  # the dropped indexes came back with the rollback

    again = run_import(db_url, csv_path)
    assert again.returncode == 0, again.stderr[-3000:]
    rows = stored(engine)
    assert sorted(rows) == sorted(
        (f"CW{i:06d}", f"imported{i}@import.example") for i in range(ROWS)
    )
    third = run_import(db_url, csv_path)
    assert third.returncode == 0, third.stderr[-3000:]
    assert stored(engine) == rows
    assert indexes(db_url) == before
