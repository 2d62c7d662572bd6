"""`leadboard import`: presets, mapping files, exit codes, the summary and the error report."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from leadboard.cli import app
from leadboard.db.engine import make_engine
from leadboard.db.schema import leads
from leadboard.ingest.mapping_file import load_mapping
from tests.ingest.conftest import realdata

runner = CliRunner()

MAPPING = """
name: my-crm
leads:
  external_id: id
  first_name: name
  created_at: created
  country: country
"""
GOOD = "id,name,created,country\na,Anna,2024-01-02,NL\nb,Bram,2024-01-03,Holland\n"


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    return ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def count_leads(db: list[str]) -> int:
    engine = make_engine(db[1])
    with engine.connect() as conn:
        found = conn.execute(select(func.count()).select_from(leads)).scalar_one()
    engine.dispose()
    return int(found)


def files(tmp_path: Path, data: str = GOOD) -> tuple[str, str]:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING)
    csv_file = tmp_path / "export.csv"
    csv_file.write_text(data)
    return str(mapping), str(csv_file)


def test_list_and_show_presets(db: list[str]) -> None:
    listed = run(*db, "import", "--list-presets", "--json")
    assert listed.exit_code == 0
    assert [p["preset"] for p in json.loads(listed.stdout)["presets"]] == [
        "maven-crm-sales-opportunities",
        "olist-marketing-funnel",
        "x-education-leads",
    ]
    assert "olist-marketing-funnel" in run(*db, "import", "--list-presets").stdout
    shown = run(*db, "import", "--show-preset", "x-education-leads")
    assert shown.exit_code == 0
    assert load_mapping(shown.stdout).name == "x-education-leads"


def test_import_with_a_mapping(db: list[str], tmp_path: Path) -> None:
    mapping, csv_file = files(tmp_path)
    result = run(*db, "import", "--mapping", mapping, csv_file, "--json", "--today", "2024-06-30")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["created"], summary["errors"], summary["mapping"]) == (2, 0, "my-crm")
    again = run(*db, "import", "--mapping", mapping, csv_file)
    assert again.exit_code == 0
    assert "created 0, updated 0, skipped 2 (unchanged), warnings 0, errors 0" in again.stdout
    assert count_leads(db) == 2


def test_dry_run(db: list[str], tmp_path: Path) -> None:
    mapping, csv_file = files(tmp_path)
    result = run(*db, "import", "--mapping", mapping, csv_file, "--dry-run")
    assert result.exit_code == 0
    assert "created 2" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert count_leads(db) == 0


def test_rows_refused_exit_1_with_a_report(db: list[str], tmp_path: Path) -> None:
    mapping, csv_file = files(tmp_path, GOOD + "c,Chloe,soon,BE\n,Daan,2024-01-04,DE\n")
    report = tmp_path / "problems.csv"
    result = run(*db, "import", "--mapping", mapping, csv_file, "--report", str(report))
    assert result.exit_code == 1
    assert "export.csv:4: created_at: not a date or time" in result.stdout
    assert "export.csv:5: external_id: not set" in result.stdout
    assert report.read_text().splitlines()[1].startswith("error,export.csv,4,created_at,")
    assert count_leads(db) == 2  # the good rows are imported


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give either --preset NAME or --mapping FILE"),
        (["--preset", "x-education-leads", "--mapping", "m.yaml", "f.csv"], "give either"),
        (["--preset", "x-education-leads"], "name one or more CSV files to import"),
        (["--preset", "nope", "f.csv"], "no preset 'nope'"),
        (["--mapping", "/nonexistent/m.yaml", "f.csv"], "--mapping: cannot read"),
        (["--show-preset", "nope"], "no preset 'nope'"),
        (["--preset", "x-education-leads", "--today", "31-12-2024", "f.csv"], "--today"),
    ],
)
def test_usage_errors_exit_2(db: list[str], args: list[str], message: str) -> None:
    result = run(*db, "import", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_bad_mapping_lists_every_problem(db: list[str], tmp_path: Path) -> None:
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("name: Bad\nleads:\n  external_id: {value: x, column: y}\n  colour: 1\n")
    result = run(*db, "import", "--mapping", str(mapping), "f.csv")
    assert result.exit_code == 2
    assert "error: 2 problems:" in result.stderr
    assert "leads.colour: Extra inputs are not permitted" in result.stderr
    assert "name: lower-case letters" not in result.stderr  # structural problems come first


def test_files_that_do_not_fit_exit_2(db: list[str], tmp_path: Path) -> None:
    mapping, csv_file = files(tmp_path, "id,name\na,Anna\n")
    result = run(*db, "import", "--mapping", mapping, csv_file)
    assert result.exit_code == 2
    assert "export.csv: no column 'created' (read by leads.created_at)" in result.stderr
    assert "export.csv: no column 'country' (read by leads.country)" in result.stderr
    missing_file = run(*db, "import", "--mapping", mapping, str(tmp_path / "gone.csv"))
    assert missing_file.exit_code == 2
    assert "no such file" in missing_file.stderr


@pytest.mark.realdata
def test_a_preset_from_the_command_line(db: list[str]) -> None:
    (leads_csv,) = realdata("x-education-leads", "Leads.csv")
    args = ("import", "--preset", "x-education-leads", str(leads_csv), "--today", "2020-03-16")
    result = run(*db, *args)
    assert result.exit_code == 0, result.output
    assert "created 9240" in result.stdout
    assert "'unknown' (5), 'Asia/Pacific Region' (2)" in result.stdout
    again = json.loads(run(*db, *args, "--json").stdout)
    assert (again["skipped"], again["created"], again["updated"]) == (9240, 0, 0)
