"""What a new user meets first: unwrapped messages, clear database errors, a demo that asks."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from leadboard.cli import app
from leadboard.db.engine import make_engine
from leadboard.db.schema import leads
from tests.conftest import PG_SERVER

runner = CliRunner()


def leadboard(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, its output to pipes (as in a log or a script)."""
    return subprocess.run(
        [sys.executable, "-m", "leadboard", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "", **(env or {})},
        timeout=120,
        check=False,
    )


def test_messages_to_a_pipe_are_never_wrapped(tmp_path: Path) -> None:
    # A path far longer than 80 columns: the whole message must stay on one line.
    folder = tmp_path / ("a-very-long-folder-name-" * 6)
    folder.mkdir()
    missing = folder / "gone.csv"
    result = leadboard(
        "--database-url", f"sqlite:///{tmp_path / 'x.db'}", "import", "--preset",
        "x-education-leads", str(missing),
    )  # fmt: skip
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any(str(missing) in line and "no such file" in line for line in lines), lines


def test_the_demo_login_line_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = leadboard(
        "--database-url", url, "demo", "--leads", "50", "--no-serve", "--port", "8123"
    )
    assert result.returncode == 0, result.stderr
    login = [line for line in result.stdout.splitlines() if "admin@example.com" in line]
    assert len(login) == 1
    # --no-serve tells the command that serves on the port that was asked for
    assert "leadboard serve --port 8123" in login[0]
    assert "http://127.0.0.1:8123/" in login[0]
    assert "with the password leadboard" in login[0]


def _pg(database: str, port: int | None = None) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(PG_SERVER).set(database=database)
    if port is not None:
        url = url.set(port=port)
    return url.render_as_string(hide_password=False)


BAD_URLS = {
    "unknown dialect": ("foo://user@host/db", "unknown kind of database 'foo'"),
    "unparsable": ("not a database url", "is not a database URL"),
    "unopenable file": ("sqlite:////nonexistent-folder/x/leadboard.db", "cannot open the SQLite"),
    "refused connection": (_pg("postgres", port=1), "Connection refused"),
    "missing database": (_pg("leadboard_no_such_database"), "does not exist"),
}
COMMANDS = [
    ("db", "upgrade"),
    ("statuses", "list"),
    ("statuses", "add", "Meeting"),
    ("rates", "list"),
    ("dashboard", "list"),
    ("dashboard", "show", "marketing"),
    ("tile", "explain", "marketing", "funnel"),
    ("token", "list"),
    ("token", "create", "crm"),
    ("channels", "export"),
    ("channels", "reapply"),
    ("import", "--preset", "x-education-leads", "Leads.csv"),
    ("demo", "--leads", "10", "--no-serve"),
    ("serve", "--port", "8999"),
]


@pytest.mark.parametrize("case", BAD_URLS, ids=list(BAD_URLS))
@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_a_bad_database_url_is_exit_2_with_one_line(case: str, command: tuple[str, ...]) -> None:
    url, why = BAD_URLS[case]
    result = runner.invoke(app, ["--database-url", url, *command])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: database-url: ")
    assert why in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", ["unknown dialect", "unopenable file"])
def test_the_environment_variable_gets_the_same_answer(case: str) -> None:
    url, why = BAD_URLS[case]
    result = leadboard("statuses", "list", env={"LEADBOARD_DATABASE_URL": url})
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: database-url: ")
    assert why in result.stderr
    assert "Traceback" not in result.stderr


def test_a_password_in_the_url_is_not_shown() -> None:
    url = _pg("leadboard_no_such_database").replace("postgres@", "postgres:s3cret-pw@", 1)
    result = runner.invoke(app, ["--database-url", url, "statuses", "list"])
    assert result.exit_code == 2
    assert "s3cret-pw" not in result.output


def test_a_bad_setting_names_it() -> None:
    result = leadboard(
        "--database-url", "sqlite://", "statuses", "list", env={"LEADBOARD_TIMEZONE": "Mars/Base"}
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "error: timezone: unknown timezone 'Mars/Base'"


def _demo(url: str, *extra: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, ["--database-url", url, "demo", "--leads", "40", "--no-serve", *extra], input=stdin
    )


def test_demo_again_over_added_data_asks_for_replace(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert _demo(url).exit_code == 0
    assert _demo(url).exit_code == 0  # nothing added: the demo is simply made again
    engine = make_engine(url)
    with engine.begin() as conn:  # a lead posted on top of the demo (as the API would)
        template = conn.execute(select(leads).limit(1)).mappings().one()
        row = {k: v for k, v in template.items() if k not in ("id", "external_id", "origin")}
        conn.execute(insert(leads).values(**row))
        before = conn.execute(select(func.count()).select_from(leads)).scalar_one()
    created = runner.invoke(app, ["--database-url", url, "token", "create", "My CRM"])
    assert created.exit_code == 0, created.output

    refused = _demo(url)  # not a terminal: no question, --replace is needed
    assert refused.exit_code == 2
    assert "1 more leads" in refused.output
    assert "1 more API tokens" in refused.output
    assert "--replace" in refused.stderr
    with engine.connect() as conn:  # nothing was deleted
        assert conn.execute(select(func.count()).select_from(leads)).scalar_one() == before

    assert _demo(url, "--replace").exit_code == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(leads)).scalar_one() == 40
    engine.dispose()


def test_the_start_up_line_says_how_to_reach_the_json(tmp_path: Path) -> None:
    import socket
    import urllib.request

    url = f"sqlite:///{tmp_path / 'serve.db'}"
    assert leadboard("--database-url", url, "demo", "--leads", "30", "--no-serve").returncode == 0
    token = leadboard("--database-url", url, "token", "create", "test").stdout.strip()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "leadboard", "--database-url", url, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/api/dashboards/marketing" in line
        assert "leadboard token create" in line
        assert "Authorization: Bearer" in line
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/dashboards/marketing",
            headers={"Authorization": f"Bearer {token}"},
        )
        for _ in range(100):  # the line is printed just before the server listens
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                    assert answer.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer")
    finally:
        server.terminate()
        server.wait(timeout=20)
        if server.stdout is not None:  # the pipe is ours to close (ResourceWarning otherwise)
            server.stdout.close()
