"""`leadboard serve --workers N` (issue 13 item 7): worker processes on PostgreSQL, refused on
SQLite.

The real command in a subprocess of its own process group on a fresh PostgreSQL database: two
worker processes (children of the command) answer, each request's access line names the pid of
the worker that answered it, and SIGTERM stops the command and its workers. On SQLite
`--workers 2` is `error: workers: ...`, exit 2, before the database file is even created.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from leadboard.cli import app
from leadboard.db.engine import make_engine
from leadboard.db.schema import meta
from tests.conftest import PostgresServer, database_url, stop_process_group

runner = CliRunner()
WORKERS = 2


@pytest.fixture
def pg_url(
    pg_server: PostgresServer | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh PostgreSQL database, not migrated: `serve` does that itself."""
    url = database_url("postgresql", tmp_path_factory, pg_server)
    yield url
    assert pg_server is not None
    pg_server.drop_database(url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def log_lines(log: IO[str]) -> list[dict[str, Any]]:
    log.seek(0)
    return [json.loads(line) for line in log.read().splitlines() if line.startswith("{")]


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has stopped


def get(port: int, path: str) -> tuple[int, str]:
    """One request on a connection of its own; the answer's status and X-Request-ID."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("X-Request-ID", "")
    finally:
        conn.close()


def access_pid(log: IO[str], rid: str) -> int:
    """The pid on the access line of request `rid` (written just after its answer went out)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for line in log_lines(log):
            if line["logger"] == "leadboard.access" and line.get("request_id") == rid:
                pid: int = line["pid"]
                return pid
        time.sleep(0.05)
    raise AssertionError(f"no access line for request {rid}")


def test_two_workers_on_postgresql_answer_and_stop(pg_url: str, tmp_path: Path) -> None:
    port = free_port()
    with (tmp_path / "serve.err").open("w+") as log, (tmp_path / "serve.out").open("w+") as out:
        command = [
            "--database-url",
            pg_url,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
        ]
        process = subprocess.Popen(
            [sys.executable, "-m", "leadboard", *command],
            stdout=out,
            stderr=log,
            env={**os.environ, "LEADBOARD_LOG_FORMAT": "json"},
            start_new_session=True,  # its own process group: stopped with its workers
        )
        try:
            deadline = time.monotonic() + 60
            workers: set[int] = set()
            while len(workers) < WORKERS:
                assert process.poll() is None, log_lines(log)
                assert time.monotonic() < deadline, log_lines(log)
                time.sleep(0.2)
                workers = {
                    line["pid"]
                    for line in log_lines(log)
                    if line["message"] == "Application startup complete."
                }
            assert len(workers) == WORKERS
            assert process.pid not in workers
            assert workers <= children(process.pid)

            # Fresh connections until both workers have answered (the kernel hands each new
            # connection to one of them); every answer is a 200.
            answered_by: dict[str, int] = {}
            for _ in range(400):
                status, rid = get(port, "/healthz")
                assert status == 200
                answered_by[rid] = access_pid(log, rid)
                if set(answered_by.values()) == workers:
                    break
            assert set(answered_by.values()) == workers, answered_by
            status, _ = get(port, "/readyz")  # the database as `serve` migrated it
            assert status == 200
        finally:
            stop_process_group(process)
        assert process.returncode == 0, log_lines(log)
        assert not any(alive(pid) for pid in workers)
        messages = [line["message"] for line in log_lines(log)]
        assert f"Stopping parent process [{process.pid}]" in messages


def test_the_workers_find_the_database_ready_and_migrate_nothing(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a worker does (uvicorn's factory) after `serve` has prepared the database: it builds
    the app from the environment without migrating; its session key is the one `serve` made."""
    from leadboard import app as app_module

    served: list[Any] = []  # the uvicorn.Config the workers would run with
    monkeypatch.setattr("leadboard.cli.demo._run_workers", served.append)
    monkeypatch.setenv("LEADBOARD_LOG_LEVEL", "warning")
    for name in ("LEADBOARD_DATABASE_URL", app_module.SERVE_TODAY):
        monkeypatch.setenv(name, "")  # restored (unset) afterwards: `serve` sets them
        monkeypatch.delenv(name)
    result = runner.invoke(
        app,
        ["--database-url", pg_url, "serve", "--workers", "3", "--today", "2026-03-04"],
    )
    assert result.exit_code == 0, result.output
    (config,) = served
    assert config.app == "leadboard.app:create_app_from_environment"
    assert config.factory is True
    assert config.workers == 3
    assert config.access_log is False
    assert config.log_level == "warning"
    assert os.environ["LEADBOARD_DATABASE_URL"] == pg_url
    assert os.environ[app_module.SERVE_TODAY] == "2026-03-04"

    def no_migration(*args: object) -> None:
        raise AssertionError("a worker migrated")

    monkeypatch.setattr(app_module, "upgrade", no_migration)
    worker_app = app_module.create_app_from_environment()
    try:
        engine = make_engine(pg_url)
        with engine.connect() as conn:
            keys = conn.execute(select(meta.c.key).where(meta.c.key == "session_secret")).all()
        engine.dispose()
        assert len(keys) == 1  # made by `serve`, before any worker
        assert worker_app.state.settings.database_url == pg_url
        now = worker_app.state.clock.now()
        assert now.date().isoformat() == "2026-03-04"
    finally:
        worker_app.state.engine.dispose()


def test_more_than_one_worker_on_sqlite_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "one-writer.db"
    result = runner.invoke(
        app, ["--database-url", f"sqlite:///{database}", "serve", "--workers", "2"]
    )
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: workers: ")
    assert "SQLite" in lines[0]
    assert "PostgreSQL" in lines[0]
    assert not database.exists()  # refused before the file was opened or migrated


def test_one_worker_on_sqlite_is_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda target, **options: served.append(target))
    url = f"sqlite:///{tmp_path / 'one.db'}"
    for extra in ([], ["--workers", "1"]):
        result = runner.invoke(app, ["--database-url", url, "serve", *extra])
        assert result.exit_code == 0, result.output
    assert len(served) == 2
    assert all(not isinstance(target, str) for target in served)  # the app itself, in-process


def test_workers_listen_with_nodelay(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn binds the workers' socket with protocol 0, so asyncio leaves Nagle on for its
    connections and every answer on a kept-alive connection waited for the client's delayed
    ACK (~40 ms; measured: /healthz 48 ms with two workers, 0.4 ms with one). The listening
    socket now has TCP_NODELAY, which Linux hands on to every connection it accepts."""
    import socket

    import uvicorn
    import uvicorn.supervisors

    from leadboard.cli.demo import _run_workers

    seen: list[int] = []

    class Recorded:
        def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
            seen.extend(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets)
            for sock in sockets:
                sock.close()

        def run(self) -> None:
            pass

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", Recorded)
    config = uvicorn.Config("leadboard.app:create_app_from_environment", port=free_port())
    _run_workers(config)
    assert seen == [1]
