"""`leadboard demo` creates an admin account that can log in, and says how."""

from pathlib import Path

from sqlalchemy import select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from leadboard.app import create_app
from leadboard.cli import app as cli
from leadboard.db.engine import make_engine
from leadboard.db.schema import associates
from leadboard.settings import Settings
from tests.web.conftest import csrf_of


def test_demo_creates_an_admin_who_can_log_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    args = ["--database-url", url, "demo", "--leads", "40", "--today", "2026-11-27", "--no-serve"]
    result = CliRunner().invoke(cli, [*args, "--admin-password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    assert "admin@example.com" in result.output and "s3cret-pass" in result.output
    again = CliRunner().invoke(cli, args)  # a second run resets the password to the default
    assert again.exit_code == 0, again.output
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(associates.c.role).where(associates.c.email == "admin@example.com")
        ).all()
    assert [r.role for r in rows] == ["admin"]
    with TestClient(create_app(Settings(database_url=url)), follow_redirects=False) as client:
        token = csrf_of(client.get("/login").text)
        data = {"email": "admin@example.com", "password": "leadboard", "csrf_token": token}
        assert client.post("/login", data=data).status_code == 303
        assert client.get("/").headers["location"] == "/dashboards/marketing"


def test_demo_refuses_a_short_admin_password(tmp_path: Path) -> None:
    args = ["--database-url", f"sqlite:///{tmp_path / 'd.db'}", "demo", "--no-serve"]
    result = CliRunner().invoke(cli, [*args, "--admin-password", "short"])
    assert result.exit_code == 2 and "--admin-password" in result.output
