"""The CLI: admin lists and clear errors (exit code 2, a message, never a traceback)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadboard.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    return ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_db_upgrade_and_status_list(db: list[str]) -> None:
    assert run(*db, "db", "upgrade").exit_code == 0
    result = run(*db, "statuses", "list", "--json")
    assert result.exit_code == 0
    names = [s["name_en"] for s in json.loads(result.stdout)["statuses"]]
    assert names == ["Open", "Contacting", "Qualified", "Disqualified", "Re-nurture"]
    assert "Re-nurture" in run(*db, "statuses", "list").stdout


def test_status_admin_flow(db: list[str]) -> None:
    assert (
        run(
            *db, "statuses", "add", "Meeting booked", "--nl", "Afspraak gepland", "--funnel"
        ).exit_code
        == 0
    )
    assert run(*db, "statuses", "rename", "meeting-booked", "Meeting set").exit_code == 0
    assert (
        run(*db, "statuses", "translate", "meeting-booked", "nl", "Afspraak staat").exit_code == 0
    )
    result = run(
        *db,
        "statuses",
        "reorder",
        "open",
        "contacting",
        "meeting-booked",
        "qualified",
        "disqualified",
        "re-nurture",
    )
    assert result.exit_code == 0, result.output
    assert run(*db, "statuses", "funnel", "re-nurture", "--on").exit_code == 0
    assert run(*db, "statuses", "delete", "disqualified").exit_code == 0
    listing = json.loads(run(*db, "statuses", "list", "--json").stdout)["statuses"]
    assert [s["key"] for s in listing] == [
        "open",
        "contacting",
        "meeting-booked",
        "qualified",
        "re-nurture",
    ]  # disqualified is deleted
    meeting = listing[2]
    assert (meeting["name_en"], meeting["name_nl"], meeting["on_funnel"]) == (
        "Meeting set",
        "Afspraak staat",
        True,
    )
    assert listing[4]["on_funnel"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("statuses", "delete", "open"), "Open cannot be deleted"),
        (("statuses", "funnel", "open", "--off"), "stays on the funnel path"),
        (("statuses", "rename", "nope", "X"), "no lead status 'nope'"),
        (("statuses", "add", "Open"), "already exists"),
        (("statuses", "reorder", "open"), "every active status"),
        (("statuses", "translate", "open", "de", "Offen"), "language must be one of"),
        (("rates", "set", "usd", "abc"), "decimal number"),
        (("rates", "set", "usd", "--", "-1"), "positive"),
        (("rates", "set", "dollars", "1.1"), "3-letter"),
        (("rates", "set", "EUR", "1.1"), "base currency"),
    ],
)
def test_admin_errors(db: list[str], args: tuple[str, ...], message: str) -> None:
    result = run(*db, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_rates(db: list[str]) -> None:
    assert run(*db, "rates", "set", "usd", "0.92").exit_code == 0
    assert run(*db, "rates", "set", "BRL", "0.17").exit_code == 0
    listing = run(*db, "rates", "list").stdout
    assert "USD" in listing
    assert "0.92" in listing
    assert "BRL" in listing
    assert "0.17" in listing


def test_dashboard_list_json() -> None:
    result = run("dashboard", "list", "--json")
    assert result.exit_code == 0
    slugs = [d["dashboard"] for d in json.loads(result.stdout)["dashboards"]]
    assert slugs == ["marketing", "lead-nurturing", "sales"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("dashboard", "show", "nope"), "slug: no dashboard 'nope'"),
        (("dashboard", "show", "sales", "--period", "last-fortnight"), "period: unknown period"),
        (("dashboard", "show", "sales", "--today", "2026-13-01"), "--today: not a date"),
        (("dashboard", "show", "sales", "--today", "yesterday"), "--today: not a date"),
        (("dashboard", "show", "sales", "--country", "XX"), "country: 'XX' is not an ISO"),
        (("dashboard", "show", "sales", "--country", "nld"), "country: 'nld' is not an ISO"),
        (("dashboard", "show", "sales", "--owner", "ghost@example.com"), "owner: no associate"),
        (("dashboard", "show", "sales", "--status", "won"), "status: no lead status 'won'"),
        (("dashboard", "show", "sales", "--lang", "de"), "lang: unknown language"),
        (("tile", "explain", "sales", "nope"), "tile_key: dashboard 'sales' has no tile"),
    ],
)
def test_dashboard_errors(db: list[str], args: tuple[str, ...], message: str) -> None:
    result = run(*db, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_empty_database_shows_no_data(db: list[str]) -> None:
    result = run(*db, "dashboard", "show", "marketing", "--today", "2026-11-27", "--country", "nl")
    assert result.exit_code == 0, result.output
    assert "No data" in result.stdout
    data = json.loads(
        run(*db, "dashboard", "show", "marketing", "--json", "--today", "2026-11-27").stdout
    )
    assert data["as_of"] == "2026-11-27T23:59:59.999999+01:00"
    assert all(tile["empty"] and "error" not in tile for tile in data["tiles"])


def test_tile_explain_prints_sql_with_bound_values(db: list[str]) -> None:
    result = run(
        *db,
        "tile",
        "explain",
        "marketing",
        "new-leads-from-chats-ytd",
        "--country",
        "be",
        "--today",
        "2026-11-27",
    )
    assert result.exit_code == 0, result.output
    assert "SELECT count(*)" in result.stdout
    assert "'BE'" in result.stdout
    assert "'chat'" in result.stdout
    assert "= 'BE'" not in result.stdout.split("-- parameters")[0]  # ... not inlined in SQL
