"""`leadboard leads set-status` and `leadboard leads list` (issue 10 item 5) on SQLite and
PostgreSQL over a small demo: what they store and print, `--as` rights (a lead outside them is
unknown), `error: <field>: <why>` with exit code 2, `--json`; expectations from SQL here."""

import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from leadboard.cli import app as cli
from leadboard.db.schema import associates, lead_status_history, lead_statuses, leads
from leadboard.demo import generate_demo

runner = CliRunner()
AMS = ZoneInfo("Europe/Amsterdam")


def run(db_url: str, *args: str) -> Any:
    return runner.invoke(cli, ["--database-url", db_url, *args])


@pytest.fixture
def demo(db_url: str, engine: Engine) -> dict[str, Any]:
    """A demo of 60 leads ending yesterday (so a change now lies after every status began), a
    sales rep with own rights, one of their leads and one of someone else's."""
    yesterday = date.fromordinal(datetime.now(AMS).date().toordinal() - 1)
    generate_demo(engine, leads=60, seed=4, today=yesterday, tz=AMS)
    with engine.connect() as conn:
        rep = conn.execute(
            select(associates.c.id, associates.c.email, associates.c.name)
            .where(associates.c.role == "sales-rep")
            .where(associates.c.id.in_(select(leads.c.owner_id)))
            .order_by(associates.c.id)
        ).first()
        assert rep is not None
        mine = conn.execute(
            select(leads.c.id, lead_statuses.c.key)
            .join(lead_statuses, lead_statuses.c.id == leads.c.status_id)
            .where(leads.c.owner_id == rep.id, lead_statuses.c.key != "qualified")
            .order_by(leads.c.id)
        ).first()
        other = conn.execute(
            select(leads.c.id).where(leads.c.owner_id != rep.id).order_by(leads.c.id)
        ).scalar()
    assert mine is not None
    assert other is not None
    return {"rep": rep, "mine": mine.id, "mine_status": mine.key, "other": other}


def history(engine: Engine, lead_id: int) -> list[Any]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(lead_status_history, lead_statuses.c.key.label("to_key"))
                .join(lead_statuses, lead_statuses.c.id == lead_status_history.c.to_status_id)
                .where(lead_status_history.c.lead_id == lead_id)
                .order_by(lead_status_history.c.id)
            )
        )


def test_set_status_as_a_user_records_who_and_when(
    db_url: str, engine: Engine, demo: dict[str, Any]
) -> None:
    rep, lead_id = demo["rep"], demo["mine"]
    before = len(history(engine, lead_id))
    result = run(db_url, "leads", "set-status", str(lead_id), "QUALIFIED", "--as", rep.email)
    assert result.exit_code == 0, result.output
    assert f"lead {lead_id}: {demo['mine_status']} -> qualified at " in result.stdout
    rows = history(engine, lead_id)
    assert len(rows) == before + 1
    assert rows[-1].to_key == "qualified"
    assert rows[-1].by_associate_id == rep.id
    again = run(db_url, "leads", "set-status", str(lead_id), "qualified", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == {
        "id": lead_id,
        "status": "qualified",
        "previous": "qualified",
        "changed": False,
        "at": None,
        "by": None,
    }
    assert len(history(engine, lead_id)) == before + 1


def test_set_status_at_a_moment_as_json(db_url: str, engine: Engine, demo: dict[str, Any]) -> None:
    lead_id = demo["mine"]
    at = datetime.now(UTC).replace(microsecond=0).astimezone(AMS).replace(tzinfo=None)
    first = run(db_url, "leads", "set-status", str(lead_id), "qualified", "--at", at.isoformat())
    assert first.exit_code == 0, first.output
    result = run(
        db_url, "leads", "set-status", str(lead_id), "open", "--at", at.isoformat(), "--json"
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["changed"] is True
    assert body["previous"] == "qualified"
    assert body["by"] is None
    assert datetime.fromisoformat(body["at"]) == at.replace(tzinfo=AMS)
    last = history(engine, lead_id)[-1]
    assert last.to_key == "open"
    assert last.by_associate_id is None
    assert last.at == at.replace(tzinfo=AMS).astimezone(UTC).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "qualified"], "error: id: no lead 999999"),
        (["{other}", "qualified", "--as", "{rep}"], "error: id: no lead {other}"),
        (["{mine}", "nope"], "error: status: no lead status 'nope'"),
        (["{mine}", "qualified", "--at", "yesterday"], "error: at: 'yesterday' is not an ISO"),
        (["{mine}", "qualified", "--at", "2999-01-01T00:00:00Z"], "error: at: 2999-01-01"),
        (["{mine}", "qualified", "--as", "ghost@example.com"], "error: as: no active associate"),
    ],
)
def test_set_status_refusals_exit_2_and_change_nothing(
    db_url: str, engine: Engine, demo: dict[str, Any], args: list[str], message: str
) -> None:
    values = {"other": demo["other"], "mine": demo["mine"], "rep": demo["rep"].email}
    before = history(engine, demo["mine"]), history(engine, demo["other"])
    result = run(db_url, "leads", "set-status", *(a.format(**values) for a in args))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(message.format(**values)), result.stderr
    assert (history(engine, demo["mine"]), history(engine, demo["other"])) == before


def test_list_as_json_with_rights_and_search(
    db_url: str, engine: Engine, demo: dict[str, Any]
) -> None:
    rep = demo["rep"]
    with engine.connect() as conn:
        everyone = conn.execute(
            select(leads.c.id).order_by(leads.c.created_at.desc(), leads.c.id.desc())
        ).scalars()
        expected = list(everyone)
        own = conn.execute(
            select(func.count()).select_from(leads).where(leads.c.owner_id == rep.id)
        ).scalar_one()
        email = conn.execute(select(leads.c.email).where(leads.c.id == demo["other"])).scalar()
    assert isinstance(email, str)
    result = run(db_url, "leads", "list", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["total"] == len(expected) == 60
    assert body["pages"] == 2
    assert [lead["id"] for lead in body["leads"]] == expected[:50]
    second = json.loads(run(db_url, "leads", "list", "--json", "--page", "2").stdout)
    assert [lead["id"] for lead in second["leads"]] == expected[50:]
    mine = json.loads(run(db_url, "leads", "list", "--json", "--as", rep.email).stdout)
    assert mine["total"] == own
    assert {lead["owner"] for lead in mine["leads"]} == {rep.email}
    found = json.loads(run(db_url, "leads", "list", "--json", "--q", email.upper()).stdout)
    assert demo["other"] in [lead["id"] for lead in found["leads"]]
    hidden = run(db_url, "leads", "list", "--json", "--q", email, "--as", rep.email)
    assert demo["other"] not in [lead["id"] for lead in json.loads(hidden.stdout)["leads"]]
    table = run(db_url, "leads", "list", "--status", "open")
    assert table.exit_code == 0
    assert "leads, page 1 of" in table.stdout
    bad = run(db_url, "leads", "list", "--status", "nope")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: status: no lead status 'nope'")
    bad = run(db_url, "leads", "list", "--country", "XX")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: country: ")
