"""The demo data generator: deterministic on both engines, consistent, and rich enough for every
built-in tile. Expectations are computed here in plain Python over the stored rows."""

import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import DateTime, Engine, insert, select
from sqlalchemy.dialects import sqlite

from leadboard.db import schema
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.demo import DemoError, generate_demo
from leadboard.demo.load import DATA_TABLES
from leadboard.demo.times import SqliteStamps, stamp
from leadboard.domain.attribution import fold
from leadboard.domain.channels import CREATED_VIA_CHANNELS, channel_key, default_rules
from tests.conftest import PostgresServer, database_url

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 3, 31)  # two days after a DST change; 1 January lies in this year's YTD
LEADS = 2000
SEED = 3
OPEN, CONTACTING, QUALIFIED, DISQUALIFIED, RENURTURE = 1, 2, 3, 4, 5

Dump = dict[str, list[tuple[Any, ...]]]


def dump(engine: Engine) -> Dump:
    """Every row of every table, ordered by primary key, but the data versions: counters of
    writes (SQLite's triggers count rows, PostgreSQL's statements) with a random epoch."""
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in schema.metadata.sorted_tables
            if table not in (schema.data_versions, schema.partition_versions)
        }


def local_utc(day: date, at: time = time(0)) -> datetime:
    """Local wall-clock time in Amsterdam -> stored form (naive UTC)."""
    return datetime.combine(day, at, tzinfo=AMS).astimezone(UTC).replace(tzinfo=None)


NOW = local_utc(TODAY, time(23, 59, 59, 999999))


def new_engine(path: Path) -> Engine:
    return make_engine(f"sqlite:///{path}")


def run(engine: Engine, **options: Any) -> dict[str, int]:
    settings: dict[str, Any] = {"leads": LEADS, "seed": SEED, "today": TODAY, "tz": AMS}
    return generate_demo(engine, **(settings | options))


@dataclass
class Demo:
    engine: Engine
    counts: dict[str, int]
    rows: Dump
    stages: list[tuple[str, int, int]]

    def table(self, name: str) -> list[dict[str, Any]]:
        columns = [c.name for c in schema.metadata.tables[name].columns]
        return [dict(zip(columns, row, strict=True)) for row in self.rows[name]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    engine = new_engine(tmp_path_factory.mktemp("demo") / "demo.db")
    stages: list[tuple[str, int, int]] = []
    counts = run(engine, progress=lambda stage, done, total: stages.append((stage, done, total)))
    yield Demo(engine, counts, dump(engine), stages)
    engine.dispose()


# -- determinism ---------------------------------------------------------------------------------


def test_same_seed_gives_the_same_rows_and_another_seed_does_not(
    demo: Demo, tmp_path: Path
) -> None:
    again = new_engine(tmp_path / "again.db")
    assert run(again) == demo.counts
    assert dump(again) == demo.rows
    again.dispose()

    other = new_engine(tmp_path / "other.db")
    run(other, seed=SEED + 1)
    other_rows = dump(other)
    other.dispose()
    assert other_rows["leads"] != demo.rows["leads"]
    assert other_rows["associates"] != demo.rows["associates"]


@pytest.mark.pg
def test_postgresql_gets_exactly_the_rows_of_sqlite(
    demo: Demo, tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> None:
    url = database_url("postgresql", tmp_path_factory, pg_server)
    assert pg_server is not None
    engine = make_engine(url)
    try:
        assert run(engine) == demo.counts
        assert dump(engine) == demo.rows
        # The id sequences were moved past the explicit ids: plain inserts work.
        with engine.begin() as conn:
            group = conn.execute(
                insert(schema.associate_groups)
                .values(name="New group")
                .returning(schema.associate_groups.c.id)
            ).scalar_one()
            assert group == demo.counts["associate_groups"] + 1
            chat = conn.execute(
                insert(schema.chat_sessions)
                .values(started_at=NOW)
                .returning(schema.chat_sessions.c.id)
            ).scalar_one()
            assert chat == demo.counts["chat_sessions"] + 1
        # Running again over a demo that rows were added to refuses, naming them; --replace
        # replaces it.
        with pytest.raises(DemoError) as refused:
            run(engine)
        assert refused.value.changes == ["1 more chat sessions", "1 more groups"]
        assert run(engine, replace=True) == demo.counts
        assert run(engine) == demo.counts  # an untouched demo is replaced without asking
    finally:
        engine.dispose()
        pg_server.drop_database(url)


def test_sqlite_time_text_is_what_sqlalchemy_binds() -> None:
    bind = DateTime().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())
    assert bind is not None
    stamps = SqliteStamps()
    for seconds in (0, 59, 86_399, 86_400, 1_700_000_000, 1_774_745_999, 1_774_746_000):
        assert stamps(seconds) == bind(stamp(seconds))


# -- every table, counts, progress ---------------------------------------------------------------


def test_every_table_gets_rows_and_the_counts_are_right(demo: Demo) -> None:
    assert set(demo.counts) == {table.name for table in DATA_TABLES}
    for name, count in demo.counts.items():
        assert count == len(demo.rows[name]) > 0, name
    assert demo.counts["leads"] == LEADS
    assert 20 <= demo.counts["associates"] <= 40
    assert 25 <= demo.counts["campaigns"] <= 40
    assert 12 <= demo.counts["forms"] <= 20
    meta: dict[str, str] = dict(demo.rows["meta"])
    assert meta["dataset"] == "demo"
    assert (meta["demo_seed"], meta["demo_today"], meta["demo_leads"]) == (
        str(SEED),
        TODAY.isoformat(),
        str(LEADS),
    )
    # The default lead statuses are kept as they are.
    assert [row[1] for row in demo.rows["lead_statuses"]] == [
        "open",
        "contacting",
        "qualified",
        "disqualified",
        "re-nurture",
    ]


def test_associates_are_in_groups_with_roles(demo: Demo) -> None:
    """Issue 10: three sales teams, Marketing and Lead Nurturing; each sales team has one lead
    with group rights (role user, the team's first active member) and sales reps with own
    rights; Marketing's first active member is a dashboard admin; nobody is an admin (the
    admin account comes with `admin=`) and no one has a password."""
    groups = {row["id"]: row["name"] for row in demo.table("associate_groups")}
    assert sorted(groups.values()) == [
        "Lead Nurturing",
        "Marketing",
        "Sales Benelux",
        "Sales DACH",
        "Sales UK & US",
    ]
    roles = {row["key"]: row for row in demo.table("roles")}
    assert {k: (r["leads_rights"], r["sales_rights"], r["builtin"]) for k, r in roles.items()} == {
        "admin": ("all", "all", True),
        "dashboard-admin": ("all", "all", True),
        "user": ("group", "group", True),
        "sales-rep": ("own", "own", False),
    }
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for associate in demo.table("associates"):  # ordered by id
        members[groups[associate["group_id"]]].append(associate)
        assert associate["password_hash"] is None
    for group, people in members.items():
        leader = next(p["id"] for p in people if p["active"])
        if group.startswith("Sales"):
            expected = {p["id"]: "sales-rep" for p in people} | {leader: "user"}
        elif group == "Marketing":
            expected = {p["id"]: "user" for p in people} | {leader: "dashboard-admin"}
        else:
            expected = {p["id"]: "user" for p in people}
        assert {p["id"]: p["role"] for p in people} == expected, group
    meta: dict[str, str] = dict(demo.rows["meta"])
    logins = json.loads(meta["demo_logins"])
    by_email = {a["email"]: a for a in demo.table("associates")}
    group_login, own_login = by_email[logins["group"]], by_email[logins["own"]]
    assert groups[group_login["group_id"]] == groups[own_login["group_id"]] == "Sales Benelux"
    assert (group_login["role"], own_login["role"]) == ("user", "sales-rep")
    assert group_login["active"]
    assert own_login["active"]
    owners = Counter(lead["owner_id"] for lead in demo.table("leads"))
    assert owners[own_login["id"]] > 0  # the own user has figures of their own to see
    team = {p["id"] for p in members["Sales Benelux"]}
    assert sum(owners[i] for i in team) > owners[own_login["id"]]  # and the group more


def test_progress_is_reported_up_to_the_total(demo: Demo) -> None:
    leads = [(done, total) for stage, done, total in demo.stages if stage == "Leads"]
    assert leads[0] == (0, LEADS)
    assert leads[-1] == (LEADS, LEADS)
    assert [done for done, _ in leads] == sorted(done for done, _ in leads)


# -- consistency ---------------------------------------------------------------------------------


def test_status_history_agrees_with_each_lead(demo: Demo) -> None:
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in demo.table("lead_status_history"):  # ordered by id
        history[row["lead_id"]].append(row)
    for lead in demo.table("leads"):
        rows = history[lead["id"]]
        assert rows, lead["id"]
        first = rows[0]
        assert (first["from_status_id"], first["to_status_id"]) == (None, OPEN)
        assert first["at"] == lead["created_at"]
        for before, after in itertools.pairwise(rows):
            assert before["at"] <= after["at"]
            assert after["from_status_id"] == before["to_status_id"] != after["to_status_id"]
            assert after["by_associate_id"] == lead["owner_id"]
        assert rows[-1]["to_status_id"] == lead["status_id"]
        assert rows[-1]["at"] == lead["status_since"]
        held = 0
        for row in rows:
            held |= 1 << row["to_status_id"]
        assert lead["statuses_held"] == held


def test_nothing_happens_after_the_end_of_today(demo: Demo) -> None:
    times = {
        "leads": ("created_at", "status_since", "ft_at", "lc_at"),
        "lead_status_history": ("at",),
        "form_submissions": ("submitted_at", "visit_at"),
        "chat_sessions": ("started_at", "ended_at"),
        "sales": ("created_at",),
    }
    for table, columns in times.items():
        for row in demo.table(table):
            for column in columns:
                assert row[column] is None or row[column] <= NOW, (table, column, row["id"])
    for sale in demo.table("sales"):
        if sale["status"] in ("sold", "lost"):
            assert sale["created_at"] <= sale["sale_date"] <= NOW
    first_day = local_utc(TODAY.replace(year=TODAY.year - 3))
    assert min(lead["created_at"] for lead in demo.table("leads")) >= first_day


def test_leads_are_numbered_in_time_order(demo: Demo) -> None:
    created = [lead["created_at"] for lead in demo.table("leads")]
    assert created == sorted(created)


def test_emails_are_unique_and_lower_case(demo: Demo) -> None:
    for table in ("leads", "associates"):
        emails = [row["email"] for row in demo.table(table) if row["email"]]
        assert len(emails) == len(set(emails)), table
        assert all(email == email.strip().lower() and "@" in email for email in emails)
    assert all(a["email"].endswith("@leadboard-demo.example") for a in demo.table("associates"))


def test_references_point_at_existing_rows(demo: Demo) -> None:
    ids = {name: {row[0] for row in demo.rows[name]} for name in demo.rows}
    chats = {chat["id"]: chat for chat in demo.table("chat_sessions")}
    for lead in demo.table("leads"):
        assert lead["owner_id"] is None or lead["owner_id"] in ids["associates"]
        assert lead["company_id"] is None or lead["company_id"] in ids["companies"]
        assert (lead["created_by_form_id"] is not None) == (lead["created_via"] == "form")
        assert lead["created_by_form_id"] is None or lead["created_by_form_id"] in ids["forms"]
        assert (lead["chat_session_id"] is not None) == (lead["created_via"] == "chat")
        if lead["chat_session_id"] is not None:
            assert chats[lead["chat_session_id"]]["lead_id"] == lead["id"]
    for sale in demo.table("sales"):
        assert sale["lead_id"] is None or sale["lead_id"] in ids["leads"]
        assert sale["company_id"] is None or sale["company_id"] in ids["companies"]
        assert sale["owner_id"] is None or sale["owner_id"] in ids["associates"]
    for row in demo.table("form_submissions"):
        assert row["form_id"] in ids["forms"]
        assert row["lead_id"] is None or row["lead_id"] in ids["leads"]
    for chat in chats.values():
        assert chat["lead_id"] is None or chat["lead_id"] in ids["leads"]
        assert chat["agent_id"] is None or chat["agent_id"] in ids["associates"]


def test_sources_are_folded_and_sources_and_channels_follow_the_rules(demo: Demo) -> None:
    rules = default_rules()
    campaigns = {row["key"] for row in demo.table("campaigns")}
    folded = ("source", "medium", "campaign", "referrer_domain")
    for lead in demo.table("leads"):
        for prefix in ("ft", "lc"):
            for name in folded:
                value = lead[f"{prefix}_{name}"]
                assert value == fold(value), (lead["id"], prefix, name)
        assert lead["lc_campaign"] is None or lead["lc_campaign"] in campaigns
        assert lead["creation_source"] == lead["lc_source"]
        assert lead["first_contact_source"] == (lead["ft_source"] or lead["lc_source"])
        # SPEC 6.4: a lead with any half of a tag (or from a form) is classified by the rules,
        # a missing half being (not set); a lead with none gets its created_via channel.
        tagged = lead["lc_source"] or lead["lc_medium"] or lead["lc_campaign"]
        if tagged or lead["created_via"] == "form":
            name = rules.classify(lead["lc_source"], lead["lc_medium"], lead["lc_campaign"])
            assert (lead["channel"], lead["channel_origin"]) == (channel_key(name), "rules")
        else:
            channel = channel_key(CREATED_VIA_CHANNELS[lead["created_via"]])
            assert (lead["channel"], lead["channel_origin"]) == (channel, "created_via")
        if lead["created_via"] == "form":
            assert lead["lc_source"]
            assert lead["lc_medium"]
            assert lead["lc_at"] == lead["created_at"]
            assert lead["ft_source"]
            assert lead["ft_at"] <= lead["lc_at"]
        else:
            assert lead["ft_source"] is None
            assert lead["lc_at"] is None
        assert lead["country"] is None or (len(lead["country"]) == 2 and lead["country"].isupper())
    for row in demo.table("form_submissions"):
        for name in folded:
            assert row[f"visit_{name}"] == fold(row[f"visit_{name}"])


def test_each_form_lead_has_its_processed_submission(demo: Demo) -> None:
    creating = {
        row["lead_id"]: row
        for row in demo.table("form_submissions")
        if row["status"] == "processed" and not row["is_conversion"]
    }
    visit = ("source", "medium", "campaign", "term", "content", "referrer_domain", "at")
    for lead in demo.table("leads"):
        if lead["created_via"] == "form":
            row = creating[lead["id"]]
            assert row["form_id"] == lead["created_by_form_id"]
            assert row["submitted_at"] == lead["created_at"]
            assert all(row[f"visit_{n}"] == lead[f"lc_{n}"] for n in visit)
    leads = {lead["id"]: lead for lead in demo.table("leads")}
    for row in demo.table("form_submissions"):
        if row["is_conversion"]:
            assert row["submitted_at"] >= leads[row["lead_id"]]["created_at"]
        if row["status"] == "failed":
            assert row["lead_id"] is None
            assert row["error"]


# -- realistic shares ----------------------------------------------------------------------------


def share(rows: list[dict[str, Any]], test: Any) -> float:
    return sum(1 for row in rows if test(row)) / len(rows)


def test_the_mix_is_realistic(demo: Demo) -> None:
    leads = demo.table("leads")
    via = Counter(lead["created_via"] for lead in leads)
    for name, expected in {"form": 0.55, "chat": 0.12, "import": 0.13, "api": 0.1}.items():
        assert abs(via[name] / len(leads) - expected) < 0.04, name
    statuses = Counter(lead["status_id"] for lead in leads)
    expected_statuses = {OPEN: 0.35, CONTACTING: 0.25, QUALIFIED: 0.15, DISQUALIFIED: 0.15}
    for status, expected in expected_statuses.items():
        assert abs(statuses[status] / len(leads) - expected) < 0.06, status
    assert 0.05 < statuses[RENURTURE] / len(leads) < 0.15
    assert 0.11 < share(leads, lambda x: x["owner_id"] is None) < 0.19
    assert 0.55 < share(leads, lambda x: x["company_id"] is not None) < 0.65
    assert 0.06 < share(leads, lambda x: x["country"] is None) < 0.14
    assert any(x["country"] is None and x["company_id"] is None for x in leads)
    assert Counter(x["country"] for x in leads).most_common(1)[0][0] == "NL"
    forms = [lead for lead in leads if lead["created_via"] == "form"]
    assert 0.4 < share(forms, lambda x: x["lc_campaign"] is not None) < 0.6
    assert 0.25 < share(forms, lambda x: x["ft_at"] != x["lc_at"]) < 0.35
    assert share(leads, lambda x: x["creation_source"] is None) > 0.15  # "(not set)"
    # Older leads got further.
    old = [x for x in leads if x["created_at"] < local_utc(TODAY - timedelta(days=365))]
    new = [x for x in leads if x["created_at"] >= local_utc(TODAY - timedelta(days=30))]
    assert share(old, lambda x: x["status_id"] == OPEN) < share(new, lambda x: x["status_id"] == 1)
    # Straight to Qualified, and back from Re-nurture.
    history: dict[int, list[int]] = defaultdict(list)
    for row in demo.table("lead_status_history"):
        history[row["lead_id"]].append(row["to_status_id"])
    paths = [tuple(statuses) for statuses in history.values()]
    assert any(path[:2] == (OPEN, QUALIFIED) for path in paths)
    assert any((CONTACTING, RENURTURE, CONTACTING, QUALIFIED) == path[1:5] for path in paths)
    assert any(path[-2:] == (QUALIFIED, DISQUALIFIED) for path in paths)


def test_sales_are_realistic(demo: Demo) -> None:
    sales = demo.table("sales")
    leads = {lead["id"]: lead for lead in demo.table("leads")}
    status = Counter(sale["status"] for sale in sales)
    for name, expected in {"sold": 0.4, "open": 0.35, "lost": 0.2, "stalled": 0.05}.items():
        assert abs(status[name] / len(sales) - expected) < 0.08, name
    qualified = [lead for lead in leads.values() if lead["status_id"] == QUALIFIED]
    with_sale = {sale["lead_id"] for sale in sales}
    assert 0.45 < share(qualified, lambda x: x["id"] in with_sale) < 0.65
    assert any(s["lead_id"] is None and s["company_id"] is not None for s in sales)
    assert any(s["lead_id"] is None and s["company_id"] is None for s in sales)
    for sale in sales:
        assert 50_000 <= sale["amount_cents"] <= 7_500_000
        assert sale["currency"] == "EUR"
        assert sale["probability"] == {"sold": 100, "lost": 0}.get(
            sale["status"], sale["probability"]
        )
        if sale["lead_id"] is not None:
            assert sale["created_at"] >= leads[sale["lead_id"]]["created_at"]
    owners = [s for s in sales if s["lead_id"] is not None]
    assert share(owners, lambda s: s["owner_id"] == leads[s["lead_id"]]["owner_id"]) > 0.5


# -- every built-in tile has something to show ---------------------------------------------------


def test_every_built_in_tile_gets_data_for_today(demo: Demo) -> None:
    leads, sales = demo.table("leads"), demo.table("sales")
    start = local_utc(date(TODAY.year, 1, 1))
    end = local_utc(TODAY + timedelta(days=1))
    last_start = local_utc(date(TODAY.year - 1, 1, 1))
    last_end = local_utc(TODAY.replace(year=TODAY.year - 1) + timedelta(days=1))
    ytd = [x for x in leads if start <= x["created_at"] < end]
    last_year = [x for x in leads if last_start <= x["created_at"] < last_end]
    assert len(ytd) > len(last_year) > 50  # growth
    for via in ("form", "chat"):
        assert any(x["created_via"] == via for x in last_year)
    assert len({x["lc_campaign"] for x in ytd if x["lc_campaign"]}) > 10
    assert len({x["creation_source"] for x in ytd}) > 10
    assert len({x["first_contact_source"] for x in ytd}) > 10
    assert len({x["channel"] for x in ytd}) > 8
    assert len({x["lc_referrer_domain"] for x in ytd if x["lc_referrer_domain"]}) > 10
    assert len({x["created_by_form_id"] for x in ytd if x["created_by_form_id"]}) > 10
    assert sum(x["statuses_held"] & (1 << QUALIFIED) > 0 for x in ytd) > 0.05 * len(ytd)
    # Leads on 1 January, in this ISO week, and around the DST change of 29 March.
    assert any(x["created_at"] < local_utc(date(TODAY.year, 1, 2)) for x in ytd)
    monday = TODAY - timedelta(days=TODAY.weekday())
    assert any(x["created_at"] >= local_utc(monday) for x in ytd)
    dst_day = [
        x
        for x in ytd
        if local_utc(date(2026, 3, 29)) <= x["created_at"] < local_utc(date(2026, 3, 30))
    ]
    assert len(dst_day) >= 2
    weeks = {
        x["created_at"].replace(tzinfo=UTC).astimezone(AMS).isocalendar()[:2]
        for x in leads
        if x["created_at"] >= local_utc(monday - timedelta(weeks=12))
    }
    assert len(weeks) == 13
    # Sales tiles: sold this year (by owner and by source), open pipeline in the next 12 months.
    sold = [s for s in sales if s["status"] == "sold" and start <= s["sale_date"] < end]
    assert len(sold) > 5
    assert len({s["owner_id"] for s in sold}) > 3
    month = local_utc(TODAY.replace(day=1))
    ahead = local_utc(date(TODAY.year + 1, TODAY.month, 1))
    pipeline = [s for s in sales if s["status"] == "open" and month <= s["sale_date"] < ahead]
    assert len({(s["sale_date"].year, s["sale_date"].month) for s in pipeline}) >= 10
    # Snapshot lists.
    with_sale = {s["lead_id"] for s in sales}
    assert any(x["status_id"] == QUALIFIED and x["id"] not in with_sale for x in leads)
    assert sum(x["status_id"] == RENURTURE for x in leads) > 20


# -- refusing and replacing ----------------------------------------------------------------------


def test_refuses_a_database_with_other_data_unless_replace(tmp_path: Path) -> None:
    engine = new_engine(tmp_path / "own.db")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(schema.associates).values(id=1, email="me@example.com", name="Me"))
    with pytest.raises(DemoError, match=r"not demo data.*--replace"):
        run(engine, leads=300)
    with engine.connect() as conn:  # nothing was touched
        assert conn.execute(select(schema.associates.c.email)).scalars().all() == ["me@example.com"]
    counts = run(engine, leads=300, replace=True)
    assert counts["leads"] == 300
    with engine.connect() as conn:
        emails = conn.execute(select(schema.associates.c.email)).scalars().all()
    assert "me@example.com" not in emails
    engine.dispose()


def test_running_again_on_demo_data_needs_no_replace(tmp_path: Path) -> None:
    engine = new_engine(tmp_path / "again.db")
    first = run(engine, leads=300)
    rows = dump(engine)
    assert run(engine, leads=300) == first
    assert dump(engine) == rows
    smaller = run(engine, leads=0)
    assert smaller["leads"] == 0
    with engine.connect() as conn:
        meta = dict(conn.execute(select(schema.meta.c.key, schema.meta.c.value)).all())
    assert meta["demo_leads"] == "0"
    engine.dispose()
