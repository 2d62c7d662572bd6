"""Shared fixtures: fresh databases on SQLite and PostgreSQL for the same test cases.

PostgreSQL tests use databases of their own (created and dropped here) on the server at
LEADBOARD_TEST_PG (default postgresql://postgres@127.0.0.1:5432/postgres). Where no server answers
they skip, unless LEADBOARD_REQUIRE_ALL=1 (set by .ci/run), which turns the skip into a failure.
"""

import itertools
import os
import signal
import subprocess
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade

PG_SERVER = os.environ.get(
    "LEADBOARD_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_ALL = os.environ.get("LEADBOARD_REQUIRE_ALL") == "1"
_counter = itertools.count()


def missing(reason: str) -> None:
    """Skip, or fail where CI requires every real component."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (LEADBOARD_REQUIRE_ALL=1: skips are failures)")
    pytest.skip(reason)


class PostgresServer:
    """Creates throw-away databases and drops them again; never touches any other database."""

    def __init__(self, url: str) -> None:
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create_database(self) -> str:
        name = f"leadboard_test_{os.getpid()}_{next(_counter)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        assert name is not None, url
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.remove(name)

    def close(self) -> None:
        for name in list(self.created):
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer | None]:
    server = PostgresServer(PG_SERVER)
    try:
        with server.admin.connect():
            pass
    except (SQLAlchemyError, OSError) as exc:  # no server answering
        server.admin.dispose()
        yield None
        print(f"PostgreSQL not reachable at {PG_SERVER}: {exc}")
        return
    yield server
    server.close()


def database_url(
    kind: str, tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'leadboard.db'}"
    if pg_server is None:
        missing(f"PostgreSQL not reachable at {PG_SERVER}")
    assert pg_server is not None
    return pg_server.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[str]:
    """A fresh, empty, migrated database on each engine."""
    url = database_url(request.param, tmp_path_factory, pg_server)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    if request.param == "postgresql" and pg_server is not None:
        pg_server.drop_database(url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def bearer_headers(engine: Engine, name: str = "tests") -> dict[str, str]:
    """A fresh API token for HTTP tests: the API needs a session or a token."""
    from datetime import UTC, datetime

    from leadboard.auth.tokens import create_token

    with engine.begin() as conn:
        secret = create_token(conn, name, datetime.now(UTC))
    return {"Authorization": f"Bearer {secret}"}


def stop_process_group(process: "subprocess.Popen[bytes]") -> None:
    """SIGTERM to the whole group of a server started with start_new_session=True (the command
    and its workers), SIGKILL if that does not do."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
