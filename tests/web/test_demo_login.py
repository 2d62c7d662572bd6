"""`leadboard demo` creates an admin account that can log in, and says how."""

import html
import re
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
    assert "admin@example.com" in result.output
    assert "s3cret-pass" in result.output
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
    assert result.exit_code == 2
    assert "--admin-password" in result.output


def test_demo_prints_one_login_per_kind_and_each_logs_in(db_url: str) -> None:
    """Issue 10: the demo prints an admin, a group user and an own user, each on one line with
    the password; each logs in through the app (SQLite and PostgreSQL)."""
    args = ["--database-url", db_url, "demo", "--leads", "40", "--today", "2026-11-27"]
    result = CliRunner().invoke(cli, [*args, "--no-serve", "--admin-password", "demo-pass-1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    (admin,) = [line for line in lines if "admin@example.com" in line]
    assert admin.startswith("Start `leadboard serve --today 2026-11-27`, then log in at ")
    assert admin.endswith(
        "as admin@example.com (admin: sees everything) with the password demo-pass-1."
    )
    kinds = "a group user|a user with own rights"
    pattern = rf"Or as ({kinds}): (\S+) with the password demo-pass-1 \((.*)\)\."
    found = [re.fullmatch(pattern, line) for line in lines]
    logins = {m.group(1): (m.group(2), m.group(3)) for m in found if m}
    assert list(logins) == ["a group user", "a user with own rights"]
    group_email, group_text = logins["a group user"]
    own_email, own_text = logins["a user with own rights"]
    assert group_text.endswith("; Sales Benelux, role user: sees the group's leads and sales")
    assert own_text.endswith("; Sales Benelux, role sales-rep: sees only their own leads and sales")
    engine = make_engine(db_url)
    with engine.connect() as conn:
        stored = {
            row.email: (row.role, row.name)
            for row in conn.execute(
                select(associates.c.email, associates.c.role, associates.c.name)
            )
        }
    engine.dispose()
    assert stored[group_email][0] == "user"
    assert stored[own_email][0] == "sales-rep"
    assert group_text.startswith(stored[group_email][1] + ";")
    web = create_app(Settings(database_url=db_url))
    try:
        for email in ("admin@example.com", group_email, own_email):
            with TestClient(web, follow_redirects=False) as client:
                token = csrf_of(client.get("/login").text)
                data = {"email": email, "password": "demo-pass-1", "csrf_token": token}
                assert client.post("/login", data=data).status_code == 303, email
                page = client.get("/logout")
                assert page.status_code == 200
                assert stored[email][1] in html.unescape(page.text)
    finally:
        web.state.engine.dispose()
