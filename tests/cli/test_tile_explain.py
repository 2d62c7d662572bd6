"""`leadboard tile explain` (issue 9 item 3): every query of a tile, its drill-down's too, without
a database; with --database-url the statuses and owners are that database's."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadboard.cli import app

runner = CliRunner()
TODAY = ("--today", "2026-11-27")


@pytest.fixture(autouse=True)
def no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder without ./leadboard.db and no LEADBOARD_DATABASE_URL."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEADBOARD_DATABASE_URL", raising=False)
    return tmp_path


def explain(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["tile", "explain", *args])


QUERIES: tuple[str, ...] = ("span", "main", "compare", "records", "total", "drill-down records")
QUERIES += ("drill-down aggregate",)


def sections(output: str) -> list[str]:
    """The header line, then each query's name and its parameters, in order."""
    lines = [line[3:] for line in output.splitlines() if line.startswith("-- ")]
    return lines[:1] + [line for line in lines if line in QUERIES or line.startswith("param")]


def test_without_a_database_every_query_is_shown(no_database: Path) -> None:
    result = explain("sales", "pipeline-by-creation-source", *TODAY)
    assert result.exit_code == 0, result.output
    names = sections(result.stdout)
    assert names[0].startswith("sqlite; reference data: the default statuses")
    assert names[1:] == [
        "main",
        "parameters: {'status_1': ['open']}",
        "drill-down records",
        "parameters: {'coalesce_1': '', 'coalesce_2': ' ', 'coalesce_3': '', "
        "'status_1': ['open'], 'param_1': 50, 'param_2': 0}",  # the lead's name, one page
        "drill-down aggregate",
        "parameters: {'status_1': ['open']}",
        # the rollups' query of one piece (after `-- main, one piece`), its bounds per piece
        "parameters: {'status_1': ['open'], 'piece_start': None, 'piece_end': None}",
    ]
    assert "-- path: rollups:" in result.stdout
    assert "sum(sales.amount_cents)" in result.stdout
    assert not (no_database / "leadboard.db").exists()  # no database was made or opened


def test_a_funnel_step_and_the_dialect(no_database: Path) -> None:
    result = explain(
        "lead-nurturing",
        "lead-qualification-funnel",
        "--key",
        "contacting",
        "--dialect",
        "postgresql",
        *TODAY,
    )
    assert result.exit_code == 0, result.output
    assert "postgresql; reference data" in result.stdout
    assert "%(created_at_1)s" in result.stdout  # psycopg's parameter style
    drill = result.stdout.split("-- drill-down records")[1]
    assert "leads.statuses_held &" in drill  # the leads that reached the step


def test_a_series_over_all_time_shows_its_span_query() -> None:
    result = explain("marketing", "new-leads-per-month", "--period", "all", *TODAY)
    assert result.exit_code == 0, result.output
    assert sections(result.stdout)[1] == "span"
    assert "min(leads.created_at)" in result.stdout
    assert "planned from the days the span query finds" in result.stdout


def test_an_owner_needs_the_database() -> None:
    result = explain("marketing", "new-leads-by-channel-ytd", "--owner", "ann@example.test")
    assert result.exit_code == 2
    assert "owner: no associate with email 'ann@example.test'" in result.stderr
    assert "--database-url" in result.stderr


def test_with_the_database_its_owners_and_statuses(tmp_path: Path) -> None:
    from sqlalchemy import insert

    from leadboard.db.engine import make_engine
    from leadboard.db.migrate import upgrade
    from leadboard.db.schema import associates

    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(associates).values(id=41, email="ann@example.test", name="Ann"))
    engine.dispose()
    result = runner.invoke(app, ["--database-url", url, "statuses", "add", "Meeting", "--funnel"])
    assert result.exit_code == 0, result.output
    args = ["--database-url", url, "tile", "explain", "lead-nurturing", "lead-qualification-funnel"]
    result = runner.invoke(app, [*args, "--key", "meeting", "--owner", "ann@example.test", *TODAY])
    assert result.exit_code == 0, result.output
    assert "reference data: the database" in result.stdout
    assert "step3" in result.stdout  # the new funnel step is a fourth column
    assert "'owner_id_1': 41" in result.stdout


def test_unknown_key_or_dialect() -> None:
    result = explain("lead-nurturing", "lead-qualification-funnel", "--key", "won")
    assert result.exit_code == 2
    assert "key: no funnel step 'won'" in result.stderr
    result = explain("marketing", "new-leads-per-month", "--dialect", "oracle")
    assert result.exit_code == 2
    assert "dialect:" in result.stderr
