"""`leadboard token create|list|revoke`: the secret printed once works on the API until revoked."""

import json
from pathlib import Path

from sqlalchemy import insert
from starlette.testclient import TestClient
from typer.testing import CliRunner

from leadboard.app import create_app
from leadboard.cli import app as cli
from leadboard.db.schema import associates
from leadboard.settings import Settings

runner = CliRunner()


def test_token_lifecycle(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tokens.db'}"
    db = ["--database-url", url]
    created = runner.invoke(cli, [*db, "token", "create", "My CRM"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith("lb_")
    assert "\n" not in secret
    assert "only once" in created.stderr

    web = create_app(Settings(database_url=url))
    with TestClient(web) as client:
        auth = {"Authorization": f"Bearer {secret}"}
        assert client.get("/api/leads", headers=auth).status_code == 200
        listed = json.loads(runner.invoke(cli, [*db, "token", "list", "--json"]).stdout)
        (token,) = listed["tokens"]
        assert (token["name"], token["user"], token["revoked_at"]) == ("My CRM", None, None)
        assert token["last_used_at"] is not None
        assert secret not in json.dumps(listed)
        assert "My CRM" in runner.invoke(cli, [*db, "token", "list"]).stdout

        revoked = runner.invoke(cli, [*db, "token", "revoke", str(token["id"])])
        assert revoked.exit_code == 0, revoked.output
        assert client.get("/api/leads", headers=auth).status_code == 401
        again = runner.invoke(cli, [*db, "token", "revoke", str(token["id"])])
        assert again.exit_code == 2
        assert "already revoked" in again.stderr
        missing = runner.invoke(cli, [*db, "token", "revoke", "99"])
        assert missing.exit_code == 2
        assert "no token" in missing.stderr
    web.state.engine.dispose()


def test_token_for_a_user(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tokens.db'}"
    db = ["--database-url", url]
    unknown = runner.invoke(cli, [*db, "token", "create", "x", "--user", "who@example.com"])
    assert unknown.exit_code == 2
    assert "--user" in unknown.stderr
    web = create_app(Settings(database_url=url))
    with web.state.engine.begin() as conn:
        conn.execute(insert(associates).values(email="sam@example.com", name="Sam"))
    created = runner.invoke(cli, [*db, "token", "create", "script", "--user", "Sam@example.com"])
    assert created.exit_code == 0, created.output
    listed = json.loads(runner.invoke(cli, [*db, "token", "list", "--json"]).stdout)
    assert listed["tokens"][0]["user"] == "sam@example.com"
    assert runner.invoke(cli, [*db, "token", "create", " "]).exit_code == 2
    web.state.engine.dispose()
