"""`leadboard dashboard export|import` (issue 11 item 5) on SQLite and PostgreSQL: YAML out, the
same YAML back in, `--replace`, `--owner`, and a wrong file reported whole with exit code 2."""

import json
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from leadboard.cli import app as cli
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.db.schema import dashboards

runner = CliRunner()


def run(db_url: str, *args: str) -> Any:
    return runner.invoke(cli, ["--database-url", db_url, *args])


def _template(slug: str) -> dict[str, Any]:
    """The sales dashboard's definition as `dashboard export sales` gives it, under a new slug."""
    data = builtin_dashboards()["sales"].model_dump(mode="json", exclude_defaults=True)
    return {**data, "slug": slug, "name": {"en": "Mine", "nl": "Van mij"}}


def test_export_a_built_in_edit_it_import_it(db_url: str, engine: Engine, tmp_path: Path) -> None:
    assert run(db_url, "user", "add", "ann@example.com").exit_code == 0
    exported = run(db_url, "dashboard", "export", "sales")
    assert exported.exit_code == 0, exported.output
    document = yaml.safe_load(exported.stdout)
    assert document == {
        "version": 1,
        "dashboards": [
            builtin_dashboards()["sales"].model_dump(mode="json", exclude_defaults=True)
        ],
    }
    file = tmp_path / "mine.yaml"
    file.write_text(yaml.safe_dump({"version": 1, "dashboards": [_template("mine")]}))

    done = run(db_url, "dashboard", "import", str(file), "--owner", "ann@example.com")
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == "created mine"
    listed = json.loads(run(db_url, "dashboard", "list", "--json", "--lang", "nl").stdout)
    assert [d["dashboard"] for d in listed["dashboards"]][-1] == "mine"
    assert listed["dashboards"][-1]["name"] == "Van mij"

    again = run(db_url, "dashboard", "import", str(file), "--owner", "ann@example.com")
    assert again.exit_code == 2
    assert "error: dashboards[0].slug: a dashboard 'mine' exists already (use --replace)" in (
        again.stderr
    )
    replaced = run(db_url, "dashboard", "import", str(file), "--replace")  # owner in the DB
    assert replaced.exit_code == 2  # the file names no owner and --owner is not given
    assert "dashboards[0].owner: required" in replaced.stderr
    replaced = run(
        db_url, "dashboard", "import", str(file), "--replace", "--owner", "ann@example.com"
    )
    assert replaced.exit_code == 0, replaced.output
    assert replaced.stdout.strip() == "replaced mine"

    round_trip = run(db_url, "dashboard", "export")
    assert round_trip.exit_code == 0
    entry = yaml.safe_load(round_trip.stdout)["dashboards"]
    assert entry == [{**_template("mine"), "owner": "ann@example.com"}]


def test_a_wrong_file_imports_nothing(db_url: str, engine: Engine, tmp_path: Path) -> None:
    bad = _template("mine")
    bad["columns"] = 40
    bad["tiles"][0]["period"] = "last-fortnight"
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump({"dashboards": [bad]}))
    result = run(db_url, "dashboard", "import", str(file), "--owner", "nobody@example.com")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "nothing imported (3 problems)"
    assert lines[0].startswith("error: dashboards[0].columns: ")
    assert lines[1].startswith("error: dashboards[0].tiles[0].period: ")
    assert lines[2] == "error: dashboards[0].owner: no associate with email 'nobody@example.com'"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(dashboards)).scalar() == 0


def test_unknown_slug_and_missing_file_exit_2(db_url: str, tmp_path: Path) -> None:
    result = run(db_url, "dashboard", "export", "nope")
    assert result.exit_code == 2
    assert "error: slug: no dashboard 'nope'" in result.stderr
    result = run(db_url, "dashboard", "import", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert "error: file: cannot read" in result.stderr
