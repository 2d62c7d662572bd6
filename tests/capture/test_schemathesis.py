"""schemathesis against the OpenAPI schema of the capture endpoint and the chats API: no 5xx,
every answer matches the schema (body, documented status code, content type)."""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import insert

from leadboard.app import create_app
from leadboard.db.schema import forms
from leadboard.settings import Settings
from tests.capture.conftest import START, MovableClock
from tests.conftest import bearer_headers

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    # No rate limit, so generated posts reach the validation behind it.
    app = create_app(
        Settings(database_url=f"sqlite:///{path}", capture_rate=0), MovableClock(START)
    )
    engine = app.state.engine
    with engine.begin() as conn:
        conn.execute(
            insert(forms).values(
                key="contact",
                name="Contact",
                active=True,
                allowed_origins=["https://www.example.com"],
                fields=[{"name": "email", "required": True}, {"name": "message"}],
                created_at=datetime(2026, 1, 1),
            )
        )
    yield app, bearer_headers(engine, "schemathesis")
    engine.dispose()


# A generated request against one operation (schemathesis' parameters say nothing to us).
Case = schemathesis.Case[schemathesis.APIOperation[Any, Any, Any, Any]]

schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(database_url="sqlite://"))
).include(tag_regex="^(capture|chats)$")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_capture_and_chats_conform_to_their_schema(
    case: Case, fuzzed: tuple[FastAPI, dict[str, str]]
) -> None:
    app, auth = fuzzed
    case.call_and_validate(headers=auth, checks=CHECKS, app=app)
