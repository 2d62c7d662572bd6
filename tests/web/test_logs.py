"""Operations logs (issue 13 items 6 and 7): JSON lines with a request id, and no secrets.

* The formatters: every field of a record (time in UTC, level, logger, message, request id, the
  access fields, the traceback in `exc`) as one JSON object, or as one readable line.
* RequestLog in the app: a valid incoming X-Request-ID is kept, anything else replaced by a
  fresh uuid4 hex; the id is in the answer's header, on the access line and on every line
  logged while the request runs; the access line has the path without the query's values; an
  exception is logged with its traceback and the request id, the 500 carries the id too.
* `leadboard serve` for real: a wrong password, a right one, a CSRF-checked post, an API call
  with a bearer token, a capture post with an email, query strings with emails and a 500. Its
  stderr is JSON lines only, each request has its access line under its own id, and none of
  the secrets sent appears anywhere in what the server wrote.
"""

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.auth.tokens import create_token
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import forms
from leadboard.domain.users import add_user
from leadboard.settings import Settings
from leadboard.web import logs
from tests.conftest import stop_process_group
from tests.web.conftest import csrf_of

USER = "ops@example.com"
RIGHT_PASSWORD = "right-Pa55word-7d1e"
WRONG_PASSWORD = "wrong-Pa55word-93ab"
CAPTURE_EMAIL = "captured.visitor.4411@example.org"
QUERY_EMAIL = "searched.person.8823@example.org"
HEX_ID = re.compile(r"[0-9a-f]{32}")
COOKIE = "leadboard_session"


def prepare(url: str) -> str:
    """A migrated database with a user who can log in, a capture form; an API token's secret."""
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        add_user(conn, USER, now=now, role="admin", password=RIGHT_PASSWORD)
        conn.execute(
            insert(forms).values(
                key="contact",
                name="Contact",
                active=True,
                allowed_origins=[],
                fields=[{"name": "email", "required": True}],
                created_at=datetime(2026, 1, 1),
            )
        )
        token: str = create_token(conn, "ops", now, None)
    engine.dispose()
    return token


# ---------------------------------------------------------------------------------- formatters


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("leadboard.test", logging.WARNING, __file__, 1, message, args, None)
    made.created = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=UTC).timestamp()
    made.__dict__.update(extra)
    return made


def test_a_json_line_has_every_field() -> None:
    try:
        raise ValueError("broken on purpose")
    except ValueError:
        exc_info = sys.exc_info()
    line = record("failed for %s", "a reason", method="POST", path="/x", status=500)
    line.exc_info = exc_info
    token = logs.request_id.set("req-1")
    try:
        text = logs.JsonFormatter().format(line)
    finally:
        logs.request_id.reset(token)
    assert "\n" not in text
    shown = json.loads(text)
    assert shown["time"] == "2026-03-04T05:06:07.890Z"
    assert shown["level"] == "warning"
    assert shown["logger"] == "leadboard.test"
    assert shown["message"] == "failed for a reason"
    assert shown["request_id"] == "req-1"
    assert (shown["method"], shown["path"], shown["status"]) == ("POST", "/x", 500)
    assert shown["pid"] == os.getpid()
    assert shown["exc"].startswith("Traceback (most recent call last):")
    assert shown["exc"].endswith("ValueError: broken on purpose")


def test_outside_a_request_there_is_no_request_id() -> None:
    shown = json.loads(logs.JsonFormatter().format(record("started")))
    assert "request_id" not in shown
    assert "exc" not in shown


def test_a_text_line_has_the_same_fields_on_one_line() -> None:
    line = record("odd\nname %r", "x\ny", path="/a b", status=200, duration_ms=1.5)
    token = logs.request_id.set("req-2")
    try:
        text = logs.TextFormatter().format(line)
    finally:
        logs.request_id.reset(token)
    assert "\n" not in text  # a newline in a value cannot start a forged line
    assert text.startswith("2026-03-04T05:06:07.890Z WARNING leadboard.test: odd\\nname ")
    assert "request_id=req-2" in text
    assert 'path="/a b"' in text
    assert "status=200" in text
    assert "duration_ms=1.5" in text


def test_uvicorns_copy_of_an_exception_already_logged_is_dropped() -> None:
    once = logs.DropLoggedTwice()
    logged, other = RuntimeError("logged"), RuntimeError("not logged")
    setattr(logged, logs.LOGGED_MARK, True)
    assert not once.filter(record("Exception in ASGI application", exc_info=(None, logged, None)))
    assert once.filter(record("Exception in ASGI application", exc_info=(None, other, None)))
    assert once.filter(record("plain"))


def test_the_logging_config_keeps_sql_quiet_and_uvicorns_access_log_off() -> None:
    config = logs.logging_config("json", "debug")
    assert config["loggers"]["sqlalchemy"]["level"] == "WARNING"
    assert config["loggers"]["leadboard"]["level"] == "DEBUG"
    assert config["loggers"]["uvicorn.access"]["propagate"] is False
    assert config["root"]["level"] == "WARNING"
    assert config["disable_existing_loggers"] is False


def test_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADBOARD_LOG_FORMAT", raising=False)
    monkeypatch.delenv("LEADBOARD_LOG_LEVEL", raising=False)
    assert (Settings.from_env().log_format, Settings.from_env().log_level) == ("auto", "info")
    monkeypatch.setenv("LEADBOARD_LOG_FORMAT", "TEXT")
    monkeypatch.setenv("LEADBOARD_LOG_LEVEL", " Warning ")
    assert (Settings.from_env().log_format, Settings.from_env().log_level) == ("text", "warning")
    monkeypatch.setenv("LEADBOARD_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match=r"^log-format: one of auto, json, text, got 'xml'$"):
        Settings.from_env()


def test_auto_is_text_on_a_terminal_and_json_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    from leadboard.cli.demo import _log_format

    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert _log_format("auto") == "text"
    assert _log_format("json") == "json"
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert _log_format("auto") == "json"
    assert _log_format("text") == "text"


# ---------------------------------------------------------------------------- in the app


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    url = f"sqlite:///{tmp_path_factory.mktemp('logs') / 'logs.db'}"
    prepare(url)
    app = create_app(Settings(database_url=url, secret_key="logs-test"))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def logged() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The JSON lines Leadboard's loggers write during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    logger = logging.getLogger("leadboard")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


def access_lines(lines: list[dict[str, Any]], rid: str) -> list[dict[str, Any]]:
    return [
        line for line in lines if line["logger"] == "leadboard.access" and line["request_id"] == rid
    ]


@pytest.mark.parametrize("incoming", ["abc-123", "01HV.x_y:z", "a" * 128])
def test_a_valid_incoming_request_id_is_kept(
    web: FastAPI, logged: Callable[[], list[dict[str, Any]]], incoming: str
) -> None:
    with TestClient(web) as client:
        response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] == incoming
    (line,) = access_lines(logged(), incoming)
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["client"] == "testclient"
    assert line["duration_ms"] >= 0


@pytest.mark.parametrize(
    "incoming", ["", "a b", "a" * 129, "<script>", "Root=1-5f84c7a5", "id;drop", "tab\there"]
)
def test_an_unsafe_incoming_request_id_is_replaced(
    web: FastAPI, logged: Callable[[], list[dict[str, Any]]], incoming: str
) -> None:
    with TestClient(web) as client:
        response = client.get("/healthz", headers={"X-Request-ID": incoming})
    rid = response.headers["X-Request-ID"]
    assert HEX_ID.fullmatch(rid)
    assert len(access_lines(logged(), rid)) == 1
    assert incoming not in {line.get("request_id") for line in logged()}


def test_each_request_gets_its_own_id(web: FastAPI) -> None:
    with TestClient(web) as client:
        ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5
    assert all(HEX_ID.fullmatch(rid) for rid in ids)


def test_lines_logged_in_a_request_carry_its_id(
    web: FastAPI, logged: Callable[[], list[dict[str, Any]]]
) -> None:
    with TestClient(web) as client:
        csrf = csrf_of(client.get("/login").text)
        response = client.post(
            "/login", data={"email": USER, "password": WRONG_PASSWORD, "csrf_token": csrf}
        )
    rid = response.headers["X-Request-ID"]
    lines = logged()
    failed = [line for line in lines if line["logger"] == "leadboard.login"]
    assert [line["request_id"] for line in failed] == [rid]
    assert WRONG_PASSWORD not in json.dumps(lines)
    assert csrf not in json.dumps(lines)


def test_the_access_line_has_no_query_values(
    web: FastAPI, logged: Callable[[], list[dict[str, Any]]]
) -> None:
    with TestClient(web) as client:
        response = client.get(f"/healthz?q={QUERY_EMAIL}&period=ytd&{QUERY_EMAIL}&Token=x")
    (line,) = access_lines(logged(), response.headers["X-Request-ID"])
    assert line["path"] == "/healthz"
    assert line["query"] == "period,q"  # the app's parameter names only
    assert QUERY_EMAIL not in json.dumps(line)
    assert "ytd" not in json.dumps(line)


def test_an_exception_is_logged_with_its_traceback_and_request_id(
    web: FastAPI, logged: Callable[[], list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(conn: object) -> str:
        raise RuntimeError("probe: the schema check broke")

    monkeypatch.setattr("leadboard.web.api.health.current_revision", broken)
    with TestClient(web, raise_server_exceptions=False) as client:
        response = client.get("/readyz")
    assert response.status_code == 500
    rid = response.headers["X-Request-ID"]
    assert HEX_ID.fullmatch(rid)
    lines = [line for line in logged() if line.get("request_id") == rid]
    errors = [line for line in lines if line["level"] == "error"]
    assert len(errors) == 1
    assert errors[0]["logger"] == "leadboard.errors"
    assert errors[0]["path"] == "/readyz"
    assert "Traceback (most recent call last):" in errors[0]["exc"]
    assert "RuntimeError: probe: the schema check broke" in errors[0]["exc"]
    assert [line["status"] for line in access_lines(lines, rid)] == [500]


def test_the_api_500_carries_the_request_id(web: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("probe")

    monkeypatch.setattr("leadboard.web.api.leads.find_leads", broken)
    engine = web.state.engine
    with engine.begin() as conn:
        token = create_token(conn, "500", datetime.now(UTC), None)
    with TestClient(web, raise_server_exceptions=False) as client:
        response = client.get(
            "/api/leads", headers={"Authorization": f"Bearer {token}", "X-Request-ID": "api-500"}
        )
    assert response.status_code == 500
    assert response.json()["error"]["field"]  # the API's error shape, as before
    assert response.headers["X-Request-ID"] == "api-500"


# ------------------------------------------------------------------------- `leadboard serve`

# `leadboard serve` with one dependency of /readyz broken, so that it answers 500.
BROKEN_SERVE = """
import sys

import leadboard.web.api.health as health


def broken(conn):
    raise RuntimeError("probe: the schema check broke")


health.current_revision = broken
from leadboard.cli import main

sys.argv[0] = "leadboard"
main()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"serve did not start: {log.read_text()}") from None
            time.sleep(0.1)


def test_serve_logs_json_lines_without_secrets(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    token = prepare(url)
    port = free_port()
    err, out = tmp_path / "serve.err", tmp_path / "serve.out"
    with err.open("w") as err_file, out.open("w") as out_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                BROKEN_SERVE,
                "--database-url",
                url,
                "serve",
                "--port",
                f"{port}",
            ],
            stdout=out_file,
            stderr=err_file,
            # debug: the most a server writes; json: the default, set in case the caller's
            # environment says otherwise.
            env={**os.environ, "LEADBOARD_LOG_LEVEL": "debug", "LEADBOARD_LOG_FORMAT": "json"},
            start_new_session=True,
        )
    secrets: list[str] = [RIGHT_PASSWORD, WRONG_PASSWORD, token, CAPTURE_EMAIL, QUERY_EMAIL]
    ids: dict[str, int] = {}  # request id -> the status it was answered with
    try:
        wait_listening(port, process, err)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as web:

            def seen(response: httpx.Response) -> httpx.Response:
                ids[response.headers["X-Request-ID"]] = response.status_code
                return response

            csrf = csrf_of(seen(web.get("/login")).text)
            secrets += [csrf, web.cookies[COOKIE]]
            form = {"email": USER, "csrf_token": csrf, "next": "/"}
            wrong = seen(web.post("/login", data={**form, "password": WRONG_PASSWORD}))
            assert wrong.status_code == 200
            assert (
                seen(web.post("/login", data={**form, "password": RIGHT_PASSWORD})).status_code
                == 303
            )
            secrets.append(web.cookies[COOKIE])  # the signed-in session's cookie
            page = seen(web.get("/leads", params={"q": QUERY_EMAIL}))
            assert page.status_code == 200
            signed_in_csrf = csrf_of(page.text)
            secrets.append(signed_in_csrf)
            language = {"lang": "en", "csrf_token": signed_in_csrf, "next": "/leads"}
            assert seen(web.post("/settings/language", data=language)).status_code == 303
            bearer = {"Authorization": f"Bearer {token}"}
            api = seen(web.get("/api/leads", params={"q": QUERY_EMAIL}, headers=bearer))
            assert api.status_code == 200
            posted = seen(web.post("/capture/forms/contact", json={"email": CAPTURE_EMAIL}))
            assert posted.status_code == 201, posted.text
            failed = seen(web.get("/readyz", headers={"X-Request-ID": "the-500"}))
            assert failed.status_code == 500
    finally:
        stop_process_group(process)

    written = err.read_text()
    lines = [json.loads(line) for line in written.splitlines()]  # JSON, every line
    assert lines
    for secret in secrets:
        assert secret not in written, secret
        assert secret not in out.read_text(), secret
    for rid, status in ids.items():  # every request has its access line, under its own id
        assert [line["status"] for line in access_lines(lines, rid)] == [status], rid
    failed_lines = [line for line in lines if line.get("request_id") == "the-500"]
    errors = [line for line in failed_lines if line["level"] == "error"]
    assert len(errors) == 1
    assert "RuntimeError: probe: the schema check broke" in errors[0]["exc"]
    assert not [line for line in lines if "Exception in ASGI application" in line["message"]]
    failed_login = [line for line in lines if line["logger"] == "leadboard.login"]
    assert [line["request_id"] for line in failed_login] == [wrong.headers["X-Request-ID"]]
