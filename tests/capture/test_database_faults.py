"""The database away or full (issue 13 item 3): answers are 503 with Retry-After and a log line,
never a 500 or a hang, nothing is half-written, and the server recovers by itself.

* PostgreSQL restarted under load: a private cluster of the test's own (initdb + pg_ctl on a
  free port, never the shared server). Four clients post captures with an Idempotency-Key each;
  the cluster is stopped while they post, and started again. During the outage every answer is
  a 503 (each within the client's 10 s timeout); after it the pool reconnects and posts are
  stored again; every post answered 201 is stored once, and every other one, sent again with
  its key, is then stored once too.
* SQLite full (the file may not grow: `PRAGMA max_page_count`, as a full disk looks to SQLite)
  or read-only (`PRAGMA query_only`): a capture that needs room and a REST write on the
  read-only file answer 503 naming `database`, with a log line saying why; nothing of them is
  stored; once the fault is gone the same post goes through.
"""

import contextlib
import http.client
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from leadboard.app import create_app
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import capture_keys, form_submissions, leads
from leadboard.settings import Settings
from tests.capture.conftest import LiveServer, add_contact_form
from tests.cli.test_serve_workers import free_port
from tests.conftest import bearer_headers, missing

TIMEOUT = 10  # a client gives up after this: an answer must come before (no hang)


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class PrivateCluster:
    """A PostgreSQL cluster in a temporary folder, on a free port, run as the postgres user
    when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self, folder: Path, binaries: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.binaries = binaries
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(folder, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> None:
        command = [str(self.binaries / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l",
                 str(self.folder / "log"), "start")  # fmt: skip

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    binaries = pg_bin()
    if binaries is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        missing("no PostgreSQL binaries (initdb, pg_ctl) to start a private cluster")
    assert binaries is not None
    # Not under pytest's temporary folders: they are private to root, and postgres must enter.
    with tempfile.TemporaryDirectory(prefix="leadboard-cluster-") as folder:
        found = PrivateCluster(Path(folder), binaries)
        found.start()
        try:
            yield found
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):  # stopped already
                found.stop()


def post(port: int, key: str, extra: dict[str, Any] | None = None) -> tuple[int, str, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(
            "POST",
            "/capture/forms/contact",
            json.dumps({"email": f"{key}@example.org", **(extra or {})}),
            {"Content-Type": "application/json", "Idempotency-Key": key},
        )
        answer = conn.getresponse()
        return answer.status, answer.getheader("Retry-After", ""), json.loads(answer.read())
    finally:
        conn.close()


def test_postgresql_restarted_under_load(cluster: PrivateCluster) -> None:
    engine = make_engine(cluster.url)
    upgrade(engine)
    add_contact_form(engine, "message")
    server = LiveServer(create_app(Settings(database_url=cluster.url, capture_rate=0)))
    answers: list[tuple[str, int, str, float]] = []  # key, status, Retry-After, seconds
    lock = threading.Lock()
    stop = threading.Event()

    def client(number: int) -> None:
        sent = 0
        while not stop.is_set():
            key = f"c{number}-{sent}"
            sent += 1
            began = time.monotonic()
            status, retry, _ = post(server.port, key)  # a timeout raises: the test fails
            with lock:
                answers.append((key, status, retry, time.monotonic() - began))
            time.sleep(0.01)

    def count(status: int) -> int:
        with lock:
            return sum(1 for answer in answers if answer[1] == status)

    def until(condition: Any, what: str) -> None:
        deadline = time.monotonic() + 60
        while not condition():
            assert time.monotonic() < deadline, what
            time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        until(lambda: count(201) >= 40, "no posts were stored before the outage")
        cluster.stop()
        until(lambda: count(503) >= 20, "no 503 during the outage")
        stored_before = count(201)
        cluster.start()
        until(lambda: count(201) >= stored_before + 40, "posts were not stored after the outage")
    finally:
        stop.set()
        for thread in threads:
            thread.join(TIMEOUT * 2)
        server.stop()
    statuses = {status for _, status, _, _ in answers}
    assert statuses <= {201, 503}, statuses  # no 500, no 202 (nothing could be recorded)
    assert all(retry == "5" for _, status, retry, _ in answers if status == 503)
    # Every post not answered 201 is sent again with its key, now the database is back.
    server = LiveServer(create_app(Settings(database_url=cluster.url, capture_rate=0)))
    try:
        for key, status, _, _ in answers:
            if status != 201:
                assert post(server.port, key)[0] == 201
    finally:
        server.stop()
    with engine.connect() as conn:
        keys = conn.execute(select(capture_keys.c.key)).scalars().all()
        submissions = conn.execute(select(func.count()).select_from(form_submissions)).scalar()
    engine.dispose()
    posted = {key for key, _, _, _ in answers}
    assert sorted(keys) == sorted(posted)  # each post stored once
    assert submissions == len(posted)
    slowest = max(seconds for _, _, _, seconds in answers)
    print(f"\n{count(201)} stored, {count(503)} answered 503; slowest answer {slowest:.2f} s")


@pytest.fixture(params=["full", "read-only"])
def faulty_sqlite(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[LiveServer, Engine, list[bool], str]]:
    """A served SQLite file that, once `fault[0]` is set, is full (may not grow past what it
    has) or read-only (SQLite's query_only: writes fail as on a read-only file; the tests run
    as root, whom file permissions do not stop)."""
    url = f"sqlite:///{tmp_path / 'faulty.db'}"
    app = create_app(Settings(database_url=url, capture_rate=0))
    engine: Engine = app.state.engine
    add_contact_form(engine, "message")
    fault = [False]

    @event.listens_for(engine, "connect")
    def no_room(dbapi_connection: Any, _record: Any) -> None:
        if not fault[0]:
            return
        if request.param == "full":
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {int(pages)}")
        else:
            dbapi_connection.execute("PRAGMA query_only = ON")

    server = LiveServer(app)
    yield server, engine, fault, request.param
    server.stop()
    engine.dispose()


def set_fault(engine: Engine, fault: list[bool], value: bool) -> None:
    fault[0] = value
    engine.dispose()  # new connections, with or without the fault


def test_a_full_or_read_only_file_answers_503_and_stores_nothing(
    faulty_sqlite: tuple[LiveServer, Engine, list[bool], str], caplog: pytest.LogCaptureFixture
) -> None:
    server, engine, fault, kind = faulty_sqlite
    big = {"message": "x" * 10_000}  # needs new pages
    assert post(server.port, "before", big)[0] == 201
    token = bearer_headers(engine)

    def counts() -> tuple[int, int]:
        with engine.connect() as conn:
            return (
                conn.execute(select(func.count()).select_from(form_submissions)).scalar_one(),
                conn.execute(select(func.count()).select_from(leads)).scalar_one(),
            )

    before = counts()
    set_fault(engine, fault, True)
    with caplog.at_level(logging.WARNING, logger="leadboard.app"):
        for key in ("fault-1", "fault-2"):
            status, retry, body = post(server.port, key, big)
            assert (status, retry, body["error"]["field"]) == (503, "5", "database")
        # A REST write (a small one: in a full file it may still find room in a page).
        rest = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
        try:
            lead = {"email": "rest@example.org", "first_name": "Rita"}
            rest.request(
                "POST",
                "/api/leads",
                json.dumps(lead),
                {"Content-Type": "application/json", **token},
            )
            answer = rest.getresponse()
            refused = (answer.status, json.loads(answer.read()).get("error", {}).get("field"))
        finally:
            rest.close()
        if kind == "read-only":
            assert refused == (503, "database")
    if kind == "full" and refused[0] == 201:
        before = (before[0], before[1] + 1)  # the lead found room
    assert counts() == before  # nothing half-written
    logged = [r.getMessage() for r in caplog.records if "database unavailable" in r.getMessage()]
    assert logged
    assert all("full" in line or "readonly" in line for line in logged), logged
    set_fault(engine, fault, False)
    assert post(server.port, "fault-1", big)[0] == 201  # the same post, stored now
    assert counts() == (before[0] + 1, before[1] + 1)
