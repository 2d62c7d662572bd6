"""`--as EMAIL` on `tile explain` and `dashboard show` (issue 10 item 4): the viewer's rights."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadboard.cli import app

runner = CliRunner()
TODAY = ("--today", "2026-11-27")


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    url = ["--database-url", f"sqlite:///{tmp_path / 'rights.db'}"]
    for args in (
        ("db", "upgrade"),
        ("group", "add", "Team A"),
        ("role", "add", "rep", "--leads", "own", "--sales", "own"),
        ("user", "add", "rep@example.test", "--role", "rep", "--group", "Team A"),
        ("user", "add", "lead@example.test", "--role", "user", "--group", "Team A"),
        ("user", "add", "other@example.test", "--role", "user"),
    ):
        result = runner.invoke(app, [*url, *args])
        assert result.exit_code == 0, result.output
    return url


def explain(db: list[str], *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, [*db, "tile", "explain", "sales", "pipeline-by-creation-source", *args]
    )


def test_explain_shows_no_restriction_without_as(db: list[str]) -> None:
    result = explain(db, *TODAY)
    assert result.exit_code == 0, result.output
    assert "-- rights: all records (no restriction)" in result.stdout
    assert "owner_id IN" not in result.stdout


def test_explain_as_an_own_user_binds_their_id(db: list[str]) -> None:
    result = explain(db, "--as", "REP@example.test", *TODAY)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "-- rights: leads: own, owner_id in (1); sales: own, owner_id in (1)" in lines[1]
    # Every query carries the restriction, with the id a bound value.
    queries = result.stdout.count("-- parameters:")
    assert queries >= 3
    restricted = re.findall(r"sales\.owner_id IN \(__\[POSTCOMPILE_owner_id_\d+\]\)", result.stdout)
    assert len(restricted) == queries


def test_explain_as_a_group_user_lists_the_group(db: list[str]) -> None:
    result = explain(db, "--as", "lead@example.test", *TODAY)
    assert result.exit_code == 0, result.output
    assert "sales: group, owner_id in (1, 2)" in result.stdout
    assert "'owner_id_1': [1, 2]" in result.stdout


def test_as_an_unknown_user_is_a_clear_error(db: list[str]) -> None:
    result = explain(db, "--as", "nobody@example.test", *TODAY)
    assert result.exit_code == 2
    assert "nobody@example.test" in result.output


def test_dashboard_show_as(db: list[str]) -> None:
    result = runner.invoke(
        app, [*db, "dashboard", "show", "sales", "--json", "--as", "rep@example.test", *TODAY]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["dashboard"] == "sales"
