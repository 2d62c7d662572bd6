"""Session-scoped demo databases (one per engine) and helpers shared by the oracle tests.

The demo databases are generated once per session with the same seed and --today on SQLite and
PostgreSQL, then only read. One associate without any lead or sale is added to each (the demo
gives every associate data), so "a real owner without data" can be tested.

Also here: `Rows`, which inserts hand-made associates, leads (with their status history) and
sales with explicit ids, and `assert_oracle_agrees`, which checks all three dashboards against
the oracle.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, insert, select

from leadboard.clock import FixedClock, end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import associates, lead_status_history, lead_statuses, leads, sales
from leadboard.settings import Settings
from leadboard.web.present import dashboard_json
from tests.conftest import PostgresServer, database_url
from tests.oracle import Filters, Oracle, diff_dashboard, load, to_utc_naive

AMS = ZoneInfo("Europe/Amsterdam")
DEMO_TODAY = date(2026, 11, 27)
DEMO_SEED = 7
DEMO_LEADS = 3000
NO_DATA_OWNER = "nobody.without.leads@example.test"


@dataclass
class DemoDB:
    kind: str
    url: str
    engine: Engine
    settings: Settings
    clock: FixedClock
    today: date
    _oracle: Oracle | None = field(default=None, repr=False)

    @property
    def oracle(self) -> Oracle:
        if self._oracle is None:
            self._oracle = Oracle(load(self.engine), self.today)
        return self._oracle


def _demo(
    kind: str, tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> Iterator[DemoDB]:
    from leadboard.demo import generate_demo  # written alongside these tests

    url = database_url(kind, tmp_path_factory, pg_server)
    engine = make_engine(url)
    upgrade(engine)
    generate_demo(engine, leads=DEMO_LEADS, seed=DEMO_SEED, today=DEMO_TODAY, tz=AMS)
    with engine.begin() as conn:
        next_id = (conn.execute(select(func.max(associates.c.id))).scalar() or 0) + 1
        conn.execute(
            insert(associates).values(
                id=next_id, email=NO_DATA_OWNER, name="Nobody Without-Leads", role="user"
            )
        )
    yield DemoDB(
        kind,
        url,
        engine,
        Settings(database_url=url),
        end_of_day_clock(DEMO_TODAY, AMS),
        DEMO_TODAY,
    )
    engine.dispose()
    if kind == "postgresql" and pg_server is not None:
        pg_server.drop_database(url)


@pytest.fixture(scope="session")
def demo_sqlite(
    tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> Iterator[DemoDB]:
    yield from _demo("sqlite", tmp_path_factory, pg_server)


@pytest.fixture(scope="session")
def demo_pg(
    tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> Iterator[DemoDB]:
    yield from _demo("postgresql", tmp_path_factory, pg_server)


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_db(request: pytest.FixtureRequest) -> DemoDB:
    """The shared demo database of each engine (read only!)."""
    name = "demo_sqlite" if request.param == "sqlite" else "demo_pg"
    found: DemoDB = request.getfixturevalue(name)
    return found


def present_countries(oracle: Oracle) -> list[str]:
    """Every country code of a lead or a sale in the data (after the fallbacks)."""
    codes: set[Any] = {r["country_eff"] for r in oracle.snap.leads + oracle.snap.sales}
    return sorted(c for c in codes if c is not None)


class Rows:
    """Inserts associates, leads (with their history) and sales with explicit ids."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with engine.connect() as conn:
            self.status = dict(conn.execute(select(lead_statuses.c.key, lead_statuses.c.id)).all())
        self.history_id = 0

    def associate(self, id: int, email: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(associates).values(id=id, email=email, name=email.split("@")[0]))

    def lead(
        self,
        id: int,
        created: datetime,
        *,
        via: str = "form",
        path: tuple[str, ...] = ("open",),
        **columns: Any,
    ) -> None:
        """`created` is local wall-clock time; `path` the statuses it went through, in order."""
        at = to_utc_naive(created)
        held = 0
        for key in path:
            held |= 1 << self.status[key]
        with self.engine.begin() as conn:
            conn.execute(
                insert(leads).values(
                    id=id,
                    status_id=self.status[path[-1]],
                    status_since=at,
                    statuses_held=held,
                    created_at=at,
                    created_via=via,
                    **columns,
                )
            )
            previous = None
            for key in path:
                self.history_id += 1
                conn.execute(
                    insert(lead_status_history).values(
                        id=self.history_id,
                        lead_id=id,
                        from_status_id=previous,
                        to_status_id=self.status[key],
                        at=at,
                    )
                )
                previous = self.status[key]

    def sale(self, id: int, sale_date: datetime, status: str, cents: int, **columns: Any) -> None:
        at = to_utc_naive(sale_date)
        with self.engine.begin() as conn:
            conn.execute(
                insert(sales).values(
                    id=id,
                    title=f"Sale {id}",
                    amount_cents=cents,
                    currency="EUR",
                    probability=50,
                    status=status,
                    sale_date=at,
                    created_at=at,
                    **columns,
                )
            )


SLUGS = ("marketing", "lead-nurturing", "sales")


def assert_oracle_agrees(engine: Engine, today: date, **filters: Any) -> None:
    oracle = Oracle(load(engine), today)
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(today, AMS)
    problems = []
    for slug in SLUGS:
        got = dashboard_json(engine, settings, clock, slug, FilterInput(**filters), "en")
        problems += diff_dashboard(got, slug, oracle, Filters(**filters))
    assert not problems, "\n".join(problems)
