"""The importer on small hand-written files, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, insert, select

from leadboard.clock import FixedClock, end_of_day_clock
from leadboard.db.schema import associates, companies, lead_status_history, lead_statuses, leads
from leadboard.db.schema import sales as sales_table
from leadboard.domain.rates import set_rate
from leadboard.ingest.importer import run_import
from leadboard.ingest.mapping import MappingError
from leadboard.ingest.mapping_file import load_mapping
from leadboard.ingest.summary import Summary
from tests.ingest.conftest import snapshot

AMS = ZoneInfo("Europe/Amsterdam")
DAY = date(2024, 6, 30)

MAPPING = """
name: test-crm
currency: EUR
files:
  people: {match: "people*.csv"}
  deals: {match: "deals*.csv", key: person, optional: true}
leads:
  rows: people
  external_id: id
  created_at: created
  first_name: first
  email: email
  country: country
  creation_source: source
  creation_medium: medium
  owner: {email: owner}
  company: {name: company, country: country}
  status: {column: status, map: {new: open, hot: qualified, dead: disqualified}}
  status_at: status_at
sales:
  rows: deals
  external_id: deal
  lead: person
  amount: {column: amount, format: "1.234,56"}
  currency: currency
  status: {column: stage, map: {won: sold, lost: lost, open: open}}
  sale_date: {first: [closed, {now: true}]}
  owner: {email: owner}
"""

PEOPLE = (
    "id,created,first,email,country,source,medium,status,status_at,owner,company,notes\n"
    "p1,2024-03-01 10:00:00,Anna, ANNA@Example.com ,Nederland,Google,cpc,new,,"
    "sales@x.test,Acme,vip\n"
    "p2,2024-03-02,Bram,bram@example.com,unknown,Select,,hot,2024-03-05 09:00:00,,,\n"
)
DEALS = (
    "deal,person,amount,currency,stage,closed,owner,product\n"
    'd1,p1,"1.234,56",EUR,won,2024-04-01,sales@x.test,Widget\n'
    "d2,p2,0,usd,open,,,\n"
)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def run(
    engine: Engine,
    files: list[Path],
    mapping: str = MAPPING,
    today: date = DAY,
    dry_run: bool = False,
) -> Summary:
    return run_import(
        engine,
        load_mapping(mapping),
        files,
        tz=AMS,
        base_currency="EUR",
        clock=end_of_day_clock(today, AMS),
        dry_run=dry_run,
    )


def lead(engine: Engine, external_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(leads).where(leads.c.external_id == external_id)).one()


def history(engine: Engine, lead_id: int) -> list[tuple[str | None, str, datetime]]:
    with engine.connect() as conn:
        keys = dict(conn.execute(select(lead_statuses.c.id, lead_statuses.c.key)).all())
        rows = conn.execute(
            select(lead_status_history)
            .where(lead_status_history.c.lead_id == lead_id)
            .order_by(lead_status_history.c.id)
        )
        return [(keys.get(r.from_status_id), keys[r.to_status_id], r.at) for r in rows]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A local time of the organisation as the naive UTC the database stores."""
    local = datetime(year, month, day, hour, minute, second, tzinfo=AMS)
    return local.astimezone(UTC).replace(tzinfo=None)


def test_import_and_reimport(engine: Engine, tmp_path: Path) -> None:
    people = write(tmp_path, "people.csv", PEOPLE)
    deals = write(tmp_path, "deals.csv", DEALS)
    first = run(engine, [people, deals])
    assert (first.counts("leads").created, first.counts("sales").created) == (2, 2)
    assert first.errors == 0
    assert dict(first.unrecognised_countries) == {"unknown": 1}
    assert first.related_counts("associates").created == 1
    assert first.related_counts("companies").created == 1

    anna = lead(engine, "p1")
    assert anna.email == "anna@example.com"
    assert anna.country == "NL"
    assert (anna.creation_source, anna.first_contact_source) == ("google", "google")
    assert (anna.channel, anna.channel_origin) == ("paid-search", "rules")
    assert anna.created_via == "import"
    assert anna.created_at == utc(2024, 3, 1, 10, 0)
    assert anna.custom == {"notes": "vip"}
    bram = lead(engine, "p2")
    assert bram.country is None
    assert bram.creation_source is None
    assert bram.channel == "import"  # no source: the channel of created_via
    assert history(engine, bram.id) == [
        (None, "open", utc(2024, 3, 2, 0, 0)),
        ("open", "qualified", utc(2024, 3, 5, 9, 0)),
    ]
    with engine.connect() as conn:
        owner = conn.execute(select(associates).where(associates.c.email == "sales@x.test")).one()
        acme = conn.execute(select(companies)).one()
        sold = conn.execute(select(sales_table).where(sales_table.c.external_id == "d1")).one()
        still_open = conn.execute(
            select(sales_table).where(sales_table.c.external_id == "d2")
        ).one()
    assert anna.owner_id == owner.id
    assert anna.company_id == acme.id
    assert (acme.name, acme.country) == ("Acme", "NL")
    assert (sold.lead_id, sold.amount_cents, sold.currency) == (anna.id, 123456, "EUR")
    assert (sold.status, sold.probability, sold.owner_id) == ("sold", 100, owner.id)
    assert sold.sale_date == utc(2024, 4, 1, 0, 0)
    assert sold.custom == {"product": "Widget"}
    assert (still_open.currency, still_open.lead_id) == ("USD", bram.id)
    assert still_open.sale_date == end_of_day_clock(DAY, AMS).now().replace(tzinfo=None)
    assert [p.message for p in first.problems if p.field == "currency"] == [
        "no exchange rate for USD to EUR: tiles that sum sale amounts show an error until you "
        "set one with `leadboard rates set USD RATE`"
    ]

    # A week later: Anna is hot now (no status_at: the change is dated the import time),
    # a new lead p3 comes in, Bram is unchanged; the open deal got no date yet.
    changed = PEOPLE.replace(",new,,", ",hot,,") + (
        "p3,2024-06-01 08:00:00,Chloe,chloe@example.com,BE,,,new,,,,\n"
    )
    people = write(tmp_path, "people.csv", changed)
    with engine.begin() as conn:
        set_rate(conn, "USD", "0.9", "EUR")
    later = date(2024, 7, 7)
    second = run(engine, [people, deals], today=later)
    assert second.counts("leads").as_json() == {
        "created": 1,
        "updated": 1,
        "skipped": 1,
        "errors": 0,
    }
    assert second.counts("sales").as_json() == {
        "created": 0,
        "updated": 0,
        "skipped": 2,
        "errors": 0,
    }
    assert not [p for p in second.problems if p.field == "currency"]
    anna_now = lead(engine, "p1")
    assert anna_now.created_at == anna.created_at
    now = end_of_day_clock(later, AMS).now().replace(tzinfo=None)
    assert history(engine, anna.id) == [
        (None, "open", utc(2024, 3, 1, 10, 0)),
        ("open", "qualified", now),
    ]
    assert (anna_now.status_since, anna_now.statuses_held) == (now, (1 << 1) | (1 << 3))
    with engine.connect() as conn:
        kept = conn.execute(
            select(sales_table.c.sale_date).where(sales_table.c.external_id == "d2")
        ).scalar_one()
    assert kept == still_open.sale_date  # the import time never overwrites a stored value


def test_a_repeated_external_id_updates_the_earlier_row(engine: Engine, tmp_path: Path) -> None:
    text = PEOPLE + "p1,2030-01-01,Annie,anna@example.com,NL,bing,cpc,dead,,,,\n"
    summary = run(engine, [write(tmp_path, "people.csv", text)], MAPPING.split("sales:")[0])
    assert summary.counts("leads").as_json() == {
        "created": 2,
        "updated": 1,
        "skipped": 0,
        "errors": 0,
    }
    anna = lead(engine, "p1")
    assert anna.first_name == "Annie"
    assert anna.creation_source == "google"  # written once, at creation (SPEC 1.1)
    assert anna.created_at == utc(2024, 3, 1, 10, 0)
    assert anna.owner_id is None
    assert anna.company_id is None
    assert anna.custom is None
    assert [step[1] for step in history(engine, anna.id)] == ["open", "disqualified"]


def test_error_report_by_line_number(engine: Engine, tmp_path: Path) -> None:
    text = (
        "id,created,first,email,country,source,medium,status,status_at,owner,company,notes\n"
        'p1,2024-03-01,"Anna\nMaria",a@example.com,NL,,,new,,,,"two, and more"\n'  # lines 2-3
        "p2,01/03/2024,Bram,b@example.com,NL,,,new,,,,\n"  # 4: a date in another form
        "p3,2024-03-01,Chloe,c@example.com,NL,,,new,,,\n"  # 5: one cell short
        ",2024-03-01,Daan,d@example.com,NL,,,new,,,,\n"  # 6: no id
        "\n"  # 7: blank, skipped
        "p5,2024-03-01,Emma,e@example.com,NL,,,maybe,,,,\n"  # 8: not in the value map
        "p6,2024-03-01,Finn,not an address,NL,,,new,,,,\n"  # 9: warning only
        "p7,2024-03-01,Gijs,g@example.com,NL,,,new,,bad owner,,\n"  # 10: bad owner email
        "p8,2024-03-01,Hugo,h@example.com,NL,,,new,,,,\n"  # 11: fine
    )
    summary = run(engine, [write(tmp_path, "people.csv", text)], MAPPING.split("sales:")[0])
    errors = [(p.line, p.field, p.message) for p in summary.problems if p.level == "error"]
    assert errors == [
        (4, "created_at", "not a date or time in ISO form (YYYY-MM-DD[ HH:MM:SS]): '01/03/2024'"),
        (5, None, "11 cells where the header has 12"),
        (6, "external_id", "not set: every row needs its external id"),
        (8, "status", "'maybe' is not in the value map"),
        (10, "owner.email", "not an email address: 'bad owner'"),
    ]
    warnings = [(p.line, p.field, p.message) for p in summary.problems if p.level == "warning"]
    assert warnings == [(9, "email", "not an email address: 'not an address'")]
    assert all(p.file == "people.csv" for p in summary.problems)
    assert str(summary.problems[0]).startswith("people.csv:4: created_at: not a date")
    assert summary.counts("leads").as_json() == {
        "created": 3,
        "updated": 0,
        "skipped": 0,
        "errors": 5,
    }
    assert lead(engine, "p1").first_name == "Anna\nMaria"
    assert lead(engine, "p6").email is None
    report = tmp_path / "report.csv"
    summary.write_report(report)
    assert report.read_text().splitlines()[:2] == [
        "level,file,line,field,message",
        "error,people.csv,4,created_at,not a date or time in ISO form (YYYY-MM-DD[ HH:MM:SS]): "
        "'01/03/2024'",
    ]


def test_dry_run_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    files = [write(tmp_path, "people.csv", PEOPLE), write(tmp_path, "deals.csv", DEALS)]
    before = snapshot(engine)
    dry = run(engine, files, dry_run=True)
    assert snapshot(engine) == before
    assert dry.dry_run
    assert dry.created == 4
    real = run(engine, files)
    assert real.as_json() | {"dry_run": True} == dry.as_json()
    assert snapshot(engine) != before


def test_encodings_line_ends_and_separators(engine: Engine, tmp_path: Path) -> None:
    mapping = "name: t\nleads:\n  external_id: id\n  first_name: name\n  country: land\n"
    header, row = "id;name;land", "x1;Zoë;België"
    legacy = write(tmp_path, "cp1252.csv", f"{header}\r\n{row}\r\n", "cp1252")
    summary = run(engine, [legacy], mapping)
    assert summary.files[0]["encoding"] == "cp1252"
    assert summary.files[0]["delimiter"] == ";"
    x1 = lead(engine, "x1")
    assert (x1.first_name, x1.country) == ("Zoë", "BE")
    bom = write(tmp_path, "bom.csv", "\ufeffid,name,land\nx2,Zoë,Nederland\n")
    run(engine, [bom], mapping)
    assert (lead(engine, "x2").first_name, lead(engine, "x2").country) == ("Zoë", "NL")
    old_mac = write(tmp_path, "cr.csv", "id\tname\tland\rx3\tAda\tUK\r")
    run(engine, [old_mac], mapping)
    assert lead(engine, "x3").country == "GB"


def test_existing_users_are_linked_by_email(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        user = conn.execute(
            insert(associates)
            .values(email="sales@x.test", name="Sales Person", role="admin")
            .returning(associates.c.id)
        ).scalar_one()
    summary = run(engine, [write(tmp_path, "people.csv", PEOPLE)], MAPPING.split("sales:")[0])
    assert "associates" not in summary.related
    assert lead(engine, "p1").owner_id == user
    with engine.connect() as conn:
        assert conn.execute(select(associates.c.name, associates.c.role)).one() == (
            "Sales Person",
            "admin",
        )


def test_unknown_statuses_stop_the_import(engine: Engine, tmp_path: Path) -> None:
    mapping = MAPPING.split("sales:")[0].replace("dead: disqualified", "dead: gone")
    before = snapshot(engine)
    with pytest.raises(MappingError) as caught:
        run(engine, [write(tmp_path, "people.csv", PEOPLE)], mapping)
    assert caught.value.problems == [
        "leads.status.map.dead: no lead status 'gone' "
        "(statuses: open, contacting, qualified, disqualified, re-nurture)"
    ]
    assert snapshot(engine) == before


def test_leads_created_at_the_import_time(engine: Engine, tmp_path: Path) -> None:
    mapping = "name: t\nleads:\n  external_id: id\n  status: {column: won, if_set: qualified}\n"
    path = write(tmp_path, "x.csv", "id,won\na,\nb,yes\n")
    at = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    run_import(engine, load_mapping(mapping), [path], tz=AMS, base_currency="EUR",
               clock=FixedClock(at))  # fmt: skip
    b = lead(engine, "b")
    assert b.created_at == at.replace(tzinfo=None)
    assert [s[1:] for s in history(engine, b.id)] == [
        ("open", at.replace(tzinfo=None)),
        ("qualified", at.replace(tzinfo=None)),
    ]
    again = run(engine, [path], mapping, today=date(2025, 1, 1))
    assert again.skipped == 2
    assert lead(engine, "b").created_at == at.replace(tzinfo=None)
