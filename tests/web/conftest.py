"""Fixtures for the page tests: a small demo database, the app on it, a signed-in client.

The app runs with a fixed clock (27 November 2026, as the demo's last day) so figures are stable.
"""

import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, insert
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.auth.passwords import hash_password
from leadboard.cli.demo import DEMO_ADMIN, ensure_demo_admin
from leadboard.clock import end_of_day_clock
from leadboard.db.engine import make_engine
from leadboard.db.schema import associates
from leadboard.demo import generate_demo
from leadboard.settings import Settings

TODAY = date(2026, 11, 27)
PASSWORD = "leadboard-test"


@pytest.fixture(scope="session")
def pages_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A demo database of 600 leads, shared by the page tests (each test leaves it as it was)."""
    path: Path = tmp_path_factory.mktemp("pages") / "pages.db"
    settings = Settings(database_url=f"sqlite:///{path}", secret_key="test-secret")
    engine = make_engine(settings.database_url)
    generate_demo(engine, leads=600, seed=11, today=TODAY, tz=settings.tz)
    ensure_demo_admin(engine, PASSWORD)
    engine.dispose()
    return settings


@pytest.fixture(scope="session")
def pages_app(pages_settings: Settings) -> Iterator[FastAPI]:
    app = create_app(pages_settings, end_of_day_clock(TODAY, pages_settings.tz))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def anonymous(pages_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(pages_app, follow_redirects=False) as client:
        yield client


@pytest.fixture(scope="session")
def admin_session(pages_app: FastAPI) -> str:
    """The demo admin's session cookie, logged in once (argon2 is slow on purpose)."""
    with TestClient(pages_app, follow_redirects=False) as first:
        log_in(first)
        return str(first.cookies["leadboard_session"])


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def log_in(client: TestClient, email: str = DEMO_ADMIN, password: str = PASSWORD) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token, "next": "/"}
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def client(anonymous: TestClient, admin_session: str) -> TestClient:
    """Signed in as the demo admin (language en)."""
    anonymous.cookies.set("leadboard_session", admin_session)
    return anonymous


@cache
def password_hash(password: str) -> str:
    hashed: str = hash_password(password)
    return hashed


def make_user(engine: Engine, email: str, language: str = "en", password: str = PASSWORD) -> int:
    with engine.begin() as conn:
        result = conn.execute(
            insert(associates).values(
                email=email,
                name=email.split("@")[0].title(),
                role="user",
                language=language,
                active=True,
                password_hash=password_hash(password),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])
