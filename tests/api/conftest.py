"""Fixtures for the REST API tests: an app on each engine, a fixed clock, tokens and associates.

Creating and migrating a PostgreSQL database costs about a second, so each test module gets one
database per engine (as `db_url` makes them), and each test starts from emptied tables.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, delete, insert
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.auth.tokens import create_token
from leadboard.clock import FixedClock
from leadboard.db.schema import associates, metadata
from leadboard.settings import Settings
from tests.conftest import PostgresServer, database_url

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
OWNER = "sam@example.com"
USER = "ann@example.com"


def add_associate(engine: Engine, email: str, active: bool = True) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                insert(associates)
                .values(email=email, name=email.split("@")[0].title(), active=active)
                .returning(associates.c.id)
            ).scalar_one()
        )


def token_headers(
    engine: Engine, name: str = "tests", associate_id: int | None = None
) -> dict[str, str]:
    with engine.begin() as conn:
        secret = create_token(conn, name, NOW, associate_id)
    return {"Authorization": f"Bearer {secret}"}


# Seeded by the migrations (or holding the session secret): kept between tests (associates
# refer to their role).
KEEP = {  # as migrated: the versions only grow (a cache never sees them go back)
    "lead_statuses",
    "roles",
    "meta",
    "alembic_version",
    "data_versions",
    "partition_versions",
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api_db_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[str]:
    url = database_url(request.param, tmp_path_factory, pg_server)
    yield url
    if request.param == "postgresql" and pg_server is not None:
        pg_server.drop_database(url)


@pytest.fixture(scope="module")
def settings(api_db_url: str) -> Settings:
    return Settings(database_url=api_db_url, base_currency="EUR", timezone="Europe/Amsterdam")


@pytest.fixture(scope="module")
def api_app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings, FixedClock(NOW))
    yield app
    app.state.engine.dispose()


def wipe(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name not in KEEP:
                conn.execute(delete(table))


@pytest.fixture
def client(api_app: FastAPI) -> Iterator[TestClient]:
    """An integration token's client (no user) on empty tables, with associates Sam and Ann."""
    engine = api_app.state.engine
    wipe(engine)
    add_associate(engine, OWNER)
    add_associate(engine, USER)
    with TestClient(api_app, headers=token_headers(engine)) as c:
        yield c


@pytest.fixture
def engine(client: TestClient) -> Engine:
    """The app's own engine (overrides the plain `engine` fixture)."""
    value: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return value


def error_field(response) -> str:  # type: ignore[no-untyped-def]
    """The field an error names, after checking the body's shape."""
    body = response.json()
    assert set(body) == {"error", "errors"}, body
    assert body["error"] == body["errors"][0]
    assert body["error"]["message"], body
    return str(body["error"]["field"])
