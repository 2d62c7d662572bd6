"""Capture tests: Leadboard served by uvicorn on a free port, a clock the tests move, forms."""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, func, insert, select

from leadboard.app import create_app
from leadboard.db.schema import chat_sessions, companies, form_submissions, forms, leads
from leadboard.settings import Settings

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def add_contact_form(engine: Engine, *extra_fields: str) -> None:
    """The form `contact` (email required, and the fields named), open to any origin."""
    fields = [{"name": "email", "required": True}] + [{"name": name} for name in extra_fields]
    with engine.begin() as conn:
        conn.execute(
            insert(forms).values(
                key="contact",
                name="Contact",
                active=True,
                allowed_origins=[],
                fields=fields,
                created_at=datetime(2026, 1, 1),
            )
        )


class MovableClock:
    """A clock that stands still until a test moves it (rate limits, sessions: no sleeping)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


class LiveServer:
    """uvicorn in a thread, on a socket bound to a free port of 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        self.app = app
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


class Leadboard:
    """A running Leadboard: its URL, engine, clock and an HTTP client."""

    def __init__(self, server: LiveServer, clock: MovableClock) -> None:
        self.server = server
        self.url = server.base_url
        self.engine: Engine = server.app.state.engine
        self.clock = clock
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def add_form(
        self,
        key: str = "contact",
        *,
        origins: list[str] | None = None,
        fields: list[dict[str, Any]] | None = None,
        thank_you_url: str | None = "https://www.example.com/thanks",
        active: bool = True,
    ) -> int:
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(forms)
                    .values(
                        key=key,
                        name=f"Form {key}",
                        active=active,
                        allowed_origins=origins
                        if origins is not None
                        else ["https://www.example.com"],
                        fields=fields
                        if fields is not None
                        else [
                            {"name": "first_name", "required": False},
                            {"name": "email", "required": True},
                            {"name": "message", "required": False},
                        ],
                        thank_you_url=thank_you_url,
                        created_at=datetime(2026, 1, 1),
                    )
                    .returning(forms.c.id)
                ).scalar_one()
            )

    def counts(self) -> dict[str, int]:
        """Rows in every table a capture or chat may write."""
        with self.engine.connect() as conn:
            return {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (leads, form_submissions, companies, chat_sessions)
            }

    def lead(self, lead_id: int) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(leads).where(leads.c.id == lead_id)).one()

    def submission(self, submission_id: int) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(
                select(form_submissions).where(form_submissions.c.id == submission_id)
            ).one()


@pytest.fixture
def start_leadboard(db_url: str) -> Iterator[Callable[..., Leadboard]]:
    """Starts Leadboard over real HTTP on the test's engine, with the settings given."""
    running: list[Leadboard] = []

    def start(**settings: Any) -> Leadboard:
        app = create_app(Settings(database_url=db_url, **settings), clock := MovableClock(START))
        board = Leadboard(LiveServer(app), clock)
        running.append(board)
        return board

    yield start
    for board in running:
        board.http.close()
        board.server.stop()
        board.engine.dispose()


@pytest.fixture
def leadboard(start_leadboard: Callable[..., Leadboard]) -> Leadboard:
    """Leadboard over real HTTP on each engine (SQLite, PostgreSQL), default settings."""
    return start_leadboard()
