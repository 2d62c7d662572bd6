"""The fast (caching) executor gives exactly the base executor's results: every built-in
dashboard, with each quick filter and each rights scope, on SQLite and PostgreSQL, before and
after each kind of write (a new lead, a status change, a new sale, a CSV import by another
process, `channels reapply`, a company's country changed from another connection).

Each write must also change some figure (else the comparison would prove nothing), and a
second fast compute must come from the cache (hits go up, misses do not).
"""

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, insert, select, update

from leadboard.clock import FixedClock, end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.db.engine import make_engine
from leadboard.db.schema import associates, companies, leads, sales
from leadboard.demo import demo_logins, generate_demo
from leadboard.domain.channels import save_rules
from leadboard.domain.lead_updates import set_status
from leadboard.domain.leads import NewLead, create_lead
from leadboard.domain.reclassify import reapply_rules
from leadboard.domain.users import viewer_for
from leadboard.semantic.executors.base import BaseExecutor
from leadboard.semantic.executors.cached import result_cache
from leadboard.semantic.rights import scope_for
from leadboard.semantic.spec import ALL, Scope
from leadboard.settings import ExecutorKind, Settings
from leadboard.web.present import dashboard_json
from tests.conftest import PostgresServer, database_url

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 27)
ADMIN = ("admin@cache.example", "a long enough password")
MAPPING = Path(__file__).parents[2] / "bench" / "leads-mapping.yaml"
CACHE_MB = 160  # a cache of this test's own (one per size in a process), big enough for every piece
EVERYTHING_RULES = """
rules:
  - channel: Everything
    when: {medium: {matches: '.*'}}
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def demo(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[Engine]:
    """A small demo of its own per engine: the test writes to it."""
    url = database_url(request.param, tmp_path_factory, pg_server)
    engine = make_engine(url)
    generate_demo(engine, leads=1200, seed=5, today=TODAY, tz=AMS, admin=ADMIN)
    yield engine
    engine.dispose()
    if request.param == "postgresql" and pg_server is not None:
        pg_server.drop_database(url)


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _variants(engine: Engine) -> list[tuple[str, FilterInput, Scope]]:
    """Each quick filter (none, owner, country, status, period) x each scope (own, group,
    all: the demo's logins)."""
    with engine.connect() as conn:
        owner = conn.execute(
            select(associates.c.email)
            .join(leads, leads.c.owner_id == associates.c.id)
            .group_by(associates.c.email)
            .order_by(func.count().desc(), associates.c.email)
            .limit(1)
        ).scalar_one()
        scopes: dict[str, Scope] = {"all": ALL}
        for login in demo_logins(conn, ADMIN[0]):
            if login.kind in ("own", "group"):
                scopes[login.kind] = scope_for(conn, viewer_for(conn, login.id))
    assert set(scopes) == {"all", "own", "group"}
    filters = {
        "none": FilterInput(),
        "owner": FilterInput(owner=owner),
        "country": FilterInput(country="NL"),
        "status": FilterInput(status="qualified"),
        "previous-year": FilterInput(period="previous-year"),
    }
    return [
        (f"{slug} {fname} {sname}", f, scope)
        for slug in builtin_dashboards()
        for fname, f in filters.items()
        for sname, scope in scopes.items()
    ]


def _all(engine: Engine, clock: FixedClock, executor: ExecutorKind) -> dict[str, Any]:
    # SQLite: this small demo in pieces too (the rollups, with an import by another process and
    # `channels reapply`); PostgreSQL: the cache of whole queries, as below LEADBOARD_ROLLUPS_FROM
    # (its pieces are tests/db/test_rollups.py's; both in one run cost minutes under coverage).
    pieces = engine.dialect.name == "sqlite"
    settings = Settings(
        database_url=_url(engine),
        executor=executor,
        cache_mb=CACHE_MB,
        rollups_from=0 if pieces else 20_000,
    )
    found = {}
    for name, filters, scope in _variants(engine):
        slug = name.split(" ")[0]
        found[name] = dashboard_json(engine, settings, clock, slug, filters, "en", scope)
    return found


def _same(engine: Engine, clock: FixedClock) -> dict[str, Any]:
    """Base and fast agree (fast twice: the second from the cache); the base results."""
    cache = result_cache(CACHE_MB)
    assert cache is not None
    base = _all(engine, clock, "base")
    first = _all(engine, clock, "fast")
    misses, hits = cache.misses, cache.hits
    second = _all(engine, clock, "fast")
    assert cache.misses == misses, "the same computes again must all come from the cache"
    assert cache.hits > hits
    for name in base:
        assert first[name] == base[name], name
        assert second[name] == base[name], name
    return base


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _csv(path: Path) -> None:
    header = (
        "lead_id,created,first_name,last_name,email,phone,job_title,company,country,source,"
        "medium,campaign,status,owner,score,notes"
    )
    lines = [header]
    for i in range(5):
        lines.append(
            f"x{i},2026-11-{20 + i} 10:00:00,Ann,Import{i},ann{i}@import.example,,,"
            f"Imported {i} B.V.,NL,google,cpc,brand,New,,,"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_fast_equals_base_before_and_after_writes(demo: Engine, tmp_path: Path) -> None:
    clock = end_of_day_clock(TODAY, AMS)
    now = clock.now()
    state = _same(demo, clock)

    # a new lead (through the domain, as capture and the API write it)
    with demo.begin() as conn:
        lead_id = create_lead(
            conn, NewLead(created_via="api", created_at=now - timedelta(hours=1), country="NL")
        )
    after = _same(demo, clock)
    assert _changed(state, after)
    state = after

    # a status change (as on the board)
    with demo.begin() as conn:
        assert set_status(conn, lead_id, "qualified", now - timedelta(minutes=5), now)
    after = _same(demo, clock)
    assert _changed(state, after)
    state = after

    # a new sale, by direct SQL
    with demo.begin() as conn:
        at = datetime(2026, 11, 26, 12, 0)
        conn.execute(
            insert(sales).values(
                title="Cache test",
                amount_cents=123_456,
                currency="EUR",
                probability=100,
                status="sold",
                sale_date=at,
                created_at=at,
                lead_id=lead_id,
            )
        )
    after = _same(demo, clock)
    assert _changed(state, after)
    state = after

    # a CSV import by another process (the CLI)
    csv_file = tmp_path / "leads.csv"
    _csv(csv_file)
    cli = [sys.executable, "-m", "leadboard", "--database-url", _url(demo), "import"]
    done = subprocess.run(
        [*cli, "--mapping", str(MAPPING), "--today", TODAY.isoformat(), str(csv_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    with demo.connect() as conn:
        imported = conn.execute(
            select(func.count()).select_from(leads).where(leads.c.origin == "crm-export")
        ).scalar_one()
    assert imported == 5
    after = _same(demo, clock)
    assert _changed(state, after)
    state = after

    # channels reapply with rules that put every tagged lead in one channel
    with demo.begin() as conn:
        save_rules(conn, EVERYTHING_RULES)
    changed, _ = reapply_rules(demo)
    assert changed > 0
    after = _same(demo, clock)
    assert _changed(state, after)
    state = after

    # a company's country changed from another connection (another engine)
    other = make_engine(_url(demo))
    with other.begin() as conn:
        company = conn.execute(
            select(leads.c.company_id)
            .where(leads.c.company_id.is_not(None), leads.c.country.is_(None))
            .group_by(leads.c.company_id)
            .order_by(func.count().desc(), leads.c.company_id)
            .limit(1)
        ).scalar_one()
        was = conn.execute(select(companies.c.country).where(companies.c.id == company)).scalar()
        conn.execute(
            update(companies)
            .where(companies.c.id == company)
            .values(country="DE" if was == "NL" else "NL")
        )
    other.dispose()
    after = _same(demo, clock)
    assert any(" country " in name for name in _changed(state, after))


def test_uncommitted_writes_of_the_connection_itself_are_not_cached(demo: Engine) -> None:
    """A compute inside a transaction that has written (a rollback would take the versions
    back) reads its own rows and caches nothing."""
    from leadboard.dashboards.service import open_executor
    from leadboard.semantic.executors import compute_tile

    settings = Settings(database_url=_url(demo), cache_mb=CACHE_MB)
    clock = end_of_day_clock(TODAY, AMS)
    tile = builtin_dashboards()["marketing"].tiles[0]
    cache = result_cache(CACHE_MB)
    assert cache is not None
    conn = demo.connect()
    try:
        conn.execute(
            insert(leads).values(
                status_id=1,
                status_since=datetime.now(UTC).replace(tzinfo=None),
                statuses_held=2,
                created_at=datetime.now(UTC).replace(tzinfo=None),
                created_via="api",
            )
        )
        executor, run = open_executor(conn, settings, clock, FilterInput())
        entries = len(cache)
        compute_tile(executor, conn, tile, run.filters)
        assert len(cache) == entries
    finally:
        conn.rollback()
        conn.close()


def test_groups_without_a_version_row_are_never_cached(demo: Engine) -> None:
    """A database whose data_versions rows were removed (a partial restore, a wipe) counts no
    writes: the fast executor then reads afresh every time and still equals the base."""
    from sqlalchemy import delete

    from leadboard.db.schema import data_versions

    clock = end_of_day_clock(TODAY, AMS)
    with demo.begin() as conn:
        conn.execute(delete(data_versions).where(data_versions.c.name != "epoch"))
    cache = result_cache(CACHE_MB)
    assert cache is not None
    entries = len(cache)
    before = _all(demo, clock, "fast")
    assert before == _all(demo, clock, "base")
    assert len(cache) == entries
    with demo.begin() as conn:
        conn.execute(update(leads).values(status_id=1))  # every lead back to Open
    after = _all(demo, clock, "fast")
    assert after == _all(demo, clock, "base")
    assert _changed(before, after)  # the write shows at once: nothing stale was kept


def test_a_later_moment_of_the_same_day_reuses_only_what_cannot_have_changed(
    demo: Engine,
) -> None:
    """A tile's whole result is kept for its local day (periods are whole days), except a tile
    compared with the same span last year or the previous period: its comparison ends at now's
    time of day, so it is computed again at another moment. A lead of a year ago at 12:00 makes
    the comparison at 15:00 differ from the one at 10:00; fast equals base at both moments."""
    with demo.begin() as conn:
        conn.execute(
            insert(leads).values(
                status_id=1,
                status_since=datetime(2025, 11, 27, 11, 0),  # 12:00 in Amsterdam (UTC+1)
                statuses_held=2,
                created_at=datetime(2025, 11, 27, 11, 0),
                created_via="api",
            )
        )
    morning = FixedClock(datetime(2026, 11, 27, 10, 0, tzinfo=AMS))
    afternoon = FixedClock(datetime(2026, 11, 27, 15, 0, tzinfo=AMS))
    now_compared = {
        (slug, tile.key)
        for slug, dashboard in builtin_dashboards().items()
        for tile in dashboard.tiles
        if tile.compare in ("same-span-last-year", "previous-period")
    }
    assert now_compared  # else this test would prove nothing
    variants = _variants(demo)
    at_ten = _all(demo, morning, "fast")
    assert at_ten == _all(demo, morning, "base")

    computed: list[str] = []
    run = BaseExecutor.run

    def counted(self: BaseExecutor, conn: Any, tile_plan: Any) -> Any:
        computed.append(tile_plan.tile.key)
        return run(self, conn, tile_plan)

    with patch.object(BaseExecutor, "run", counted):
        at_three = _all(demo, afternoon, "fast")
    assert at_three == _all(demo, afternoon, "base")
    compared_keys = {key for _, key in now_compared}
    assert set(computed) == compared_keys
    per_variant = {slug: sum(1 for s, _ in now_compared if s == slug) for slug, _ in now_compared}
    expected = sum(per_variant.get(name.split(" ")[0], 0) for name, _, _ in variants)
    assert len(computed) == expected
    assert any(at_ten[name] != at_three[name] for name, _, _ in variants)  # the comparison moved
