"""The rollups (semantic/executors/partitioned.py, migration 0010), on SQLite and PostgreSQL.

1. `pieces` splits any window into contiguous pieces: whole local months and days (never the
   month that holds now), and edges within one local day, on DST days and in zones with
   half-hour offsets too.
2. The hour versions move in the writer's transaction for each hour a written lead was created
   in (before and after the write) and for every hour of a company's leads when its name or
   country changes; nothing else moves them.
3. Hypothesis: a random lead tile (every kind the rollups add up, grouped by any field, with
   criteria, compare and periods), a random quick filter and rights scope, computed by the fast
   executor before and after a random write (a new lead now, a status change on an old lead, a
   lead moved to another month, a company's country, a new sale, an erased lead), equals the
   base executor's figures (one query per tile on the tables) after the write, and the fast
   executor's pieces come from the cache where the write did not touch them.
"""

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, func, insert, select, update

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.db.engine import make_engine
from leadboard.db.schema import associates, companies, leads, partition_versions, sales
from leadboard.demo import demo_logins, generate_demo
from leadboard.domain.erasure import VIA, erase_lead
from leadboard.domain.lead_updates import set_status
from leadboard.domain.leads import NewLead, create_lead
from leadboard.domain.users import viewer_for
from leadboard.semantic.executors.cached import result_cache
from leadboard.semantic.executors.partitioned import pieces
from leadboard.semantic.periods import local_midnight
from leadboard.semantic.rights import scope_for
from leadboard.semantic.spec import ALL, Criterion, Scope, Tile, Translated
from leadboard.settings import ExecutorKind, Settings
from leadboard.web.present import tile_json
from tests.conftest import PostgresServer, database_url

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 27)
ADMIN = ("admin@rollups.example", "a long enough password")
CACHE_MB = 24  # a cache of this module's own (one per size in a process)

# -- 1. pieces -------------------------------------------------------------------------------

ZONES = [AMS, ZoneInfo("UTC"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


def _is_midnight(moment: datetime, tz: tzinfo) -> bool:
    return bool(local_midnight(moment.astimezone(tz).date(), tz) == moment)


@settings(max_examples=300, deadline=None)
@given(instants, instants, st.sampled_from(ZONES), st.booleans(), st.none() | instants)
def test_pieces_cover_the_window_exactly(
    a: datetime, b: datetime, tz: tzinfo, months: bool, now: datetime | None
) -> None:
    start, end = min(a, b), max(a, b)
    found = pieces(start, end, tz, months, now)
    if start == end:
        assert found == []
        return
    assert found[0].start == start
    assert found[-1].end == end
    for before, after in itertools.pairwise(found):
        assert before.end == after.start
    for piece in found:
        assert piece.start < piece.end
        first_day = piece.start.astimezone(tz).date()
        next_midnight = local_midnight(first_day + timedelta(days=1), tz)
        length = piece.end - piece.start
        if piece.whole and length == timedelta(hours=1):  # an hour of a partial day
            assert piece.start.astimezone(UTC).minute == 0
            assert piece.start.astimezone(UTC).second == 0
            assert piece.start.microsecond == 0
            assert piece.end <= next_midnight
        elif piece.whole:
            assert _is_midnight(piece.start, tz)
            assert _is_midnight(piece.end, tz)
            days = (piece.end.astimezone(tz).date() - first_day).days
            if days != 1:  # a whole month
                assert months
                assert first_day.day == 1
                assert piece.end.astimezone(tz).date().day == 1
                assert now is None or not piece.start <= now < piece.end
        else:  # an edge: under an hour, within one local day
            assert length < timedelta(hours=1)
            assert piece.end <= next_midnight


def test_a_dst_day_is_one_whole_piece() -> None:
    start = local_midnight(date(2026, 3, 29), AMS)  # 23 hours in Amsterdam
    end = local_midnight(date(2026, 3, 30), AMS)
    (piece,) = pieces(start, end, AMS)
    assert piece.whole
    assert piece.end - piece.start == timedelta(hours=23)


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[Engine]:
    url = database_url(request.param, tmp_path_factory, pg_server)
    engine = make_engine(url)
    generate_demo(engine, leads=900, seed=11, today=TODAY, tz=AMS, admin=ADMIN)
    yield engine
    engine.dispose()
    if request.param == "postgresql" and pg_server is not None:
        pg_server.drop_database(url)


def _hours(conn: Connection, entity: str = "leads") -> dict[str, int]:
    table = partition_versions.c
    rows = conn.execute(select(table.hour, table.version).where(table.entity == entity))
    return {r.hour: int(r.version) for r in rows}


def _moved(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {h for h in after if after[h] != before.get(h)}


def _hour(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H")


def _sale(
    conn: Connection, lead_id: int | None, at: datetime, company_id: int | None = None
) -> int:
    return int(
        conn.execute(
            insert(sales)
            .values(
                title="Hours",
                amount_cents=100,
                currency="EUR",
                probability=10,
                status="open",
                sale_date=at,
                created_at=at,
                lead_id=lead_id,
                company_id=company_id,
            )
            .returning(sales.c.id)
        ).scalar_one()
    )


# -- 2. the hour versions --------------------------------------------------------------------


def test_writes_move_the_hours_they_touch(demo: Engine) -> None:
    with demo.connect() as conn:
        before, sales_before = _hours(conn), _hours(conn, "sales")
    highest = max(before.values(), default=0)
    created = datetime(2025, 6, 3, 9, 15)
    with demo.begin() as conn:
        new = NewLead(created_via="api", created_at=created.replace(tzinfo=UTC))
        lead_id = create_lead(conn, new)
        inside = _hours(conn)
        with demo.connect() as other:  # nobody else sees it before the commit
            assert _hours(other) == before
    assert inside[_hour(created)] > highest
    assert _moved(before, inside) == {_hour(created)}
    with demo.connect() as conn:
        assert _hours(conn, "sales") == sales_before  # a new lead has no sales

    sold = datetime(2025, 9, 9, 14, 5)
    with demo.begin() as conn:  # a sale of that lead: its date's hour, for sales only
        sale_id = _sale(conn, lead_id, sold)
    with demo.connect() as conn:
        assert _hours(conn) == inside
        sales_after = _hours(conn, "sales")
    assert _moved(sales_before, sales_after) == {_hour(sold)}

    moved = datetime(2025, 8, 1, 23, 59)
    with demo.begin() as conn:
        conn.execute(update(leads).where(leads.c.id == lead_id).values(created_at=moved))
    with demo.connect() as conn:
        after = _hours(conn)
        sales_moved = _hours(conn, "sales")
    assert _moved(inside, after) == {_hour(created), _hour(moved)}  # where it was, and is now
    assert _moved(sales_after, sales_moved) == {_hour(sold)}  # the sales of a written lead

    resold = datetime(2025, 10, 2, 8, 0)
    with demo.begin() as conn:
        conn.execute(update(sales).where(sales.c.id == sale_id).values(sale_date=resold))
    with demo.connect() as conn:
        assert _hours(conn) == after
        assert _moved(sales_moved, _hours(conn, "sales")) == {_hour(sold), _hour(resold)}
        sales_now = _hours(conn, "sales")

    with demo.begin() as conn:  # a rollback takes it back
        conn.execute(update(leads).where(leads.c.id == lead_id).values(job_title="x"))
        conn.rollback()
    with demo.connect() as conn:
        assert _hours(conn) == after
        assert _hours(conn, "sales") == sales_now


def test_a_company_moves_the_hours_of_its_leads_and_sales_when_name_or_country_change(
    demo: Engine,
) -> None:
    with demo.begin() as conn:
        company_id = conn.execute(
            select(leads.c.company_id)
            .where(leads.c.company_id.is_not(None))
            .group_by(leads.c.company_id)
            .order_by(func.count().desc(), leads.c.company_id)
            .limit(1)
        ).scalar_one()
        _sale(conn, None, datetime(2024, 2, 2, 2, 2), company_id)  # its own sale, no lead
        their_hours = {
            _hour(c)
            for c in conn.execute(
                select(leads.c.created_at).where(leads.c.company_id == company_id)
            ).scalars()
        }
        of_leads = select(leads.c.id).where(leads.c.company_id == company_id)
        their_sale_hours = {
            _hour(c)
            for c in conn.execute(
                select(sales.c.sale_date).where(
                    (sales.c.company_id == company_id) | sales.c.lead_id.in_(of_leads)
                )
            ).scalars()
        }
    assert "2024-02-02 02" in their_sale_hours
    with demo.connect() as conn:
        before, sales_before = _hours(conn), _hours(conn, "sales")
    with demo.begin() as conn:  # another column: nothing a tile reads
        conn.execute(update(companies).where(companies.c.id == company_id).values(category="x"))
    with demo.connect() as conn:
        assert _hours(conn) == before
        assert _hours(conn, "sales") == sales_before
    with demo.begin() as conn:
        conn.execute(update(companies).where(companies.c.id == company_id).values(country="ZA"))
    with demo.connect() as conn:
        assert _moved(before, _hours(conn)) == their_hours
        assert _moved(sales_before, _hours(conn, "sales")) == their_sale_hours


# -- 3. fast equals base, before and after random writes --------------------------------------

LEAD_ORDERS = [None, "status_since", "-status_since", "created_at", "-created_at", "-id", "email"]
GROUP_FIELDS = [
    "campaign",
    "creation_source",
    "first_contact_source",
    "channel",
    "referrer",
    "form",
    "created_via",
    "status",
    "owner",
    "country",
    "company",
]
PERIODS = [
    "ytd",
    "this-year",
    "previous-year",
    "this-month",
    "this-and-previous-12-weeks",
    "previous-3-months",
    "all",
    "2026-03-15..2026-11-27",
]
CRITERIA: list[list[list[dict[str, Any]]]] = [
    [],
    [[{"field": "created_via", "op": "in", "value": ["form"]}]],
    [[{"field": "status", "op": "reached", "value": "qualified"}]],
    [[{"field": "has_sale", "op": "is", "value": True}]],
    [[{"field": "country", "op": "in", "value": ["NL", "BE"]}]],
    [[{"field": "company", "op": "contains", "value": "a"}]],
    [
        [{"field": "channel", "op": "in", "value": ["Organic Search"]}],
        [{"field": "status", "op": "in", "value": ["open", "qualified"]}],
    ],
]


def _criteria(groups: list[list[dict[str, Any]]]) -> list[list[Criterion]]:
    return [[Criterion(**line) for line in group] for group in groups]


@st.composite
def lead_tiles(draw: st.DrawFn) -> Tile:
    kind = draw(st.sampled_from(["grouped", "number", "series", "funnel", "gauge", "list"]))
    spec: dict[str, Any] = {"criteria": _criteria(draw(st.sampled_from(CRITERIA)))}
    period = draw(st.sampled_from(PERIODS))
    if kind == "list":  # ordered by a date or id (in pieces), or by text (read whole)
        spec |= {"chart": "list", "order_by": draw(st.sampled_from(LEAD_ORDERS))}
        if draw(st.booleans()):
            spec |= {"date_field": "created_at", "period": period}
    elif kind == "grouped":
        spec |= {"chart": "bar", "group_by": draw(st.sampled_from(GROUP_FIELDS))}
        spec["top"] = draw(st.sampled_from([None, 3, 10]))
        if draw(st.booleans()):  # dated, or over all leads (as "leads per status")
            spec |= {"date_field": "created_at", "period": period}
    elif kind == "number":
        compare = draw(st.sampled_from([None, "same-span-last-year", "previous-period"]))
        spec |= {"chart": "number", "date_field": "created_at", "period": period}
        if compare:
            spec["compare"] = compare
    elif kind == "series":
        grain = draw(st.sampled_from(["day", "week", "month", "quarter", "year"]))
        if grain == "day":
            period = draw(st.sampled_from(["this-month", "previous-3-months"]))
        spec |= {
            "chart": "column-line" if draw(st.booleans()) else "line",
            "group_by": "created_at",
            "grain": grain,
            "date_field": "created_at",
            "period": period,
        }
        if spec["chart"] == "column-line":
            spec["compare"] = "same-span-last-year"
    elif kind == "funnel":
        spec |= {"chart": "funnel", "date_field": "created_at", "period": period}
        spec["current_status"] = draw(st.booleans())
    else:
        spec |= {
            "chart": "gauge",
            "date_field": "created_at",
            "period": period,
            "numerator": _criteria([[{"field": "status", "op": "reached", "value": "qualified"}]]),
            "target": 25,
        }
    return Tile(key="t", name=Translated(en="T", nl="T"), entity="leads", **spec)


SALE_GROUPS = ["creation_source", "owner", "status", "lead_status", "channel", "country", "company"]
SALE_CRITERIA: list[list[list[dict[str, Any]]]] = [
    [],
    [[{"field": "status", "op": "in", "value": ["sold"]}]],
    [[{"field": "status", "op": "in", "value": ["open"]}]],
    [[{"field": "lead_status", "op": "in", "value": ["qualified"]}]],
    [[{"field": "has_lead", "op": "is", "value": True}]],
]


@st.composite
def sale_tiles(draw: st.DrawFn) -> Tile:
    kind = draw(st.sampled_from(["grouped", "number", "series", "list"]))
    measure = draw(st.sampled_from(["count", "amount", "weighted_amount"]))
    if kind == "list":
        order = draw(st.sampled_from([None, "sale_date", "-sale_date", "-amount", "id", "title"]))
        spec_list: dict[str, Any] = {
            "chart": "list",
            "order_by": order,
            "criteria": _criteria(draw(st.sampled_from(SALE_CRITERIA))),
        }
        return Tile(key="t", name=Translated(en="T", nl="T"), entity="sales", **spec_list)
    spec: dict[str, Any] = {
        "criteria": _criteria(draw(st.sampled_from(SALE_CRITERIA))),
        "measure": measure,
    }
    if measure != "count":
        spec["aggregate"] = draw(st.sampled_from(["sum", "avg", "min", "max"]))
    period = draw(st.sampled_from([*PERIODS, "this-and-next-11-months"]))
    if kind == "grouped":
        spec |= {"chart": "bar", "group_by": draw(st.sampled_from(SALE_GROUPS))}
        if draw(st.booleans()):
            spec |= {"date_field": "sale_date", "period": period}
    elif kind == "number":
        spec |= {"chart": "number", "date_field": "sale_date", "period": period}
        if draw(st.booleans()):
            spec["compare"] = "same-span-last-year"
    else:
        spec |= {
            "chart": "area",
            "group_by": "sale_date",
            "grain": draw(st.sampled_from(["week", "month", "quarter"])),
            "date_field": "sale_date",
            "period": period,
        }
    return Tile(key="t", name=Translated(en="T", nl="T"), entity="sales", **spec)


WRITES = ["new lead", "status", "moved", "company", "sale", "sale moved", "erased"]


def _write(conn: Connection, kind: str, pick: int, now: datetime) -> None:
    """One write of a kind; `pick` chooses the lead or company (stable per example)."""
    live = leads.c.anonymised_at.is_(None)  # an erased lead cannot change
    ids = conn.execute(select(leads.c.id).where(live).order_by(leads.c.id)).scalars().all()
    lead_id = ids[pick % len(ids)]
    if kind == "new lead":
        create_lead(
            conn,
            NewLead(
                created_via="form", created_at=now - timedelta(minutes=pick % 600), country="NL"
            ),
        )
    elif kind == "status":
        set_status(conn, lead_id, ["qualified", "open", "re-nurture"][pick % 3], now, now)
    elif kind == "moved":
        at = datetime(2026, 1 + pick % 11, 1 + pick % 28, pick % 24, 30)
        conn.execute(update(leads).where(leads.c.id == lead_id).values(created_at=at))
    elif kind == "company":
        company_ids = conn.execute(select(companies.c.id).order_by(companies.c.id)).scalars().all()
        country = ["NL", "BE", "DE", None][pick % 4]
        conn.execute(
            update(companies)
            .where(companies.c.id == company_ids[pick % len(company_ids)])
            .values(country=country)
        )
    elif kind == "sale":
        at = (now - timedelta(days=pick % 90)).replace(tzinfo=None)
        conn.execute(
            insert(sales).values(
                title="Rollup test",
                amount_cents=1000,
                currency="EUR",
                probability=50,
                status="open",
                sale_date=at,
                created_at=at,
                lead_id=lead_id,
            )
        )
    elif kind == "sale moved":
        sale_ids = conn.execute(select(sales.c.id).order_by(sales.c.id)).scalars().all()
        at = datetime(2026, 1 + pick % 12, 1 + pick % 28, pick % 24, 15)
        conn.execute(
            update(sales)
            .where(sales.c.id == sale_ids[pick % len(sale_ids)])
            .values(sale_date=at, status=["open", "sold", "lost"][pick % 3])
        )
    else:
        erase_lead(conn, lead_id, now, None, VIA[0])


def _scopes(engine: Engine) -> dict[str, Scope]:
    with engine.connect() as conn:
        found: dict[str, Scope] = {"all": ALL}
        for login in demo_logins(conn, ADMIN[0]):
            if login.kind in ("own", "group"):
                found[login.kind] = scope_for(conn, viewer_for(conn, login.id))
        owner = conn.execute(
            select(associates.c.email).order_by(associates.c.id).limit(1)
        ).scalar_one()
    found["owner filter"] = ALL
    _OWNER[engine.url.render_as_string()] = owner
    return found


_OWNER: dict[str, str] = {}


def _filters(engine: Engine, name: str) -> FilterInput:
    return {
        "none": FilterInput(),
        "owner": FilterInput(owner=_OWNER[engine.url.render_as_string()]),
        "country": FilterInput(country="NL"),
        "status": FilterInput(status="qualified"),
        "previous-year": FilterInput(period="previous-year"),
    }[name]


def _compute(
    engine: Engine, executor: ExecutorKind, tile: Tile, filters: FilterInput, scope: Scope
) -> Any:
    """The tile's JSON, as the API gives it (its figures and labels)."""
    url = engine.url.render_as_string(hide_password=False)
    # rollups_from=0: the pieces from the first record (a demo this small is read whole else)
    settings_ = Settings(database_url=url, executor=executor, cache_mb=CACHE_MB, rollups_from=0)
    clock = end_of_day_clock(TODAY, AMS)
    return tile_json(engine, settings_, clock, tile, filters, "en", scope)


@settings(
    max_examples=70,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tile=lead_tiles() | sale_tiles(),
    filter_name=st.sampled_from(["none", "owner", "country", "status", "previous-year"]),
    scope_name=st.sampled_from(["all", "own", "group"]),
    writes=st.permutations(WRITES),
    pick=st.integers(0, 10_000),
)
def test_fast_equals_base_after_random_writes(
    demo: Engine,
    tile: Tile,
    filter_name: str,
    scope_name: str,
    writes: list[str],
    pick: int,
) -> None:
    scopes = _scopes(demo)
    filters, scope = _filters(demo, filter_name), scopes[scope_name]
    cache = result_cache(CACHE_MB)
    assert cache is not None
    fast = _compute(demo, "fast", tile, filters, scope)  # fills the cache
    assert fast == _compute(demo, "base", tile, filters, scope), tile
    misses = cache.misses
    assert _compute(demo, "fast", tile, filters, scope) == fast
    assert cache.misses == misses, f"the same compute again must come from the cache: {tile}"
    now = end_of_day_clock(TODAY, AMS).now()
    for index, kind in enumerate(writes):  # one of each kind, each its own transaction
        with demo.begin() as conn:
            _write(conn, kind, pick + index * 7919, now)
    after = _compute(demo, "fast", tile, filters, scope)
    assert after == _compute(demo, "base", tile, filters, scope), (tile, writes)
