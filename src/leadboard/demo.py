"""Demo data: a realistic, deterministic three-year history of leads, statuses, forms, chats, sales.

`generate_demo` fills a (migrated) database with associates, companies, campaigns, forms, chat
sessions, leads with their status history, form submissions and sales, ending on `today`. The same
(leads, seed, today, tz) give the same rows on SQLite and PostgreSQL: every random draw comes from
`random.Random` streams seeded with strings (never `hash()`, set order or the wall clock), names
come from Faker pools generated once per locale with a fixed seed, and ids are explicit.

Choices worth knowing when reading the data:
* Web visits are built as landing URL + referrer and classified by the capture code
  (`classify_visit`), so the demo's tuples are exactly what the capture endpoint would store.
* A non-web lead whose caller gave a source (and maybe a medium) stores them in `lc_source` and
  `lc_medium` (with `lc_at` NULL), so the channel can be re-derived from the stored columns.
* The first history row (NULL -> Open) of a lead that did not come in by hand has no associate;
  later changes are made by the lead's owner.
* Speed: rows are built as tuples in Python and written with the driver's `executemany`
  (SQLite) or `COPY` (PostgreSQL) inside one transaction, in chunks; the plain indexes of the
  big tables are dropped for the load and built again from their own DDL; SQLite runs with
  `synchronous=OFF` and a large page cache during the load (restored afterwards).
* Other generators that keep derived data (rollups, caches) must rebuild it after a demo load:
  rows are written straight to the tables, not through the domain functions.
"""

import base64
import json
import math
import random
import unicodedata
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from leadboard import demo_names as words
from leadboard.db import schema
from leadboard.db.migrate import upgrade
from leadboard.domain.attribution import Visit, classify_visit, lead_sources
from leadboard.domain.channels import CREATED_VIA_CHANNELS, channel_key, default_rules

Progress = Callable[[str, int, int], None]

CHUNK = 20_000  # leads per batch written to the database
STATUS_KEYS = ("open", "contacting", "qualified", "disqualified", "re-nurture")
META_KEYS = ("dataset", "demo_seed", "demo_today", "demo_leads", "demo_timezone")
SITE = "https://www.example.com/"
OWN_DOMAIN = "example.com"
EPOCH = datetime(1970, 1, 1)
DAY = 86_400

# Tables the demo owns, children first (the order to empty them in).
DATA_TABLES: tuple[Table, ...] = (
    schema.lead_status_history,
    schema.form_submissions,
    schema.sales,
    schema.leads,
    schema.chat_sessions,
    schema.forms,
    schema.campaigns,
    schema.companies,
    schema.associates,
    schema.associate_groups,
)

# Their plain indexes are dropped during the load and built again afterwards (much faster).
BULK_TABLES = (schema.leads, schema.lead_status_history, schema.form_submissions)

LEAD_COLUMNS = (
    "id",
    "external_id",
    "origin",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "company_id",
    "country",
    "owner_id",
    "status_id",
    "status_since",
    "statuses_held",
    "created_at",
    "created_via",
    "created_by_form_id",
    "chat_session_id",
    *(f"ft_{name}" for name in Visit.__dataclass_fields__),
    *(f"lc_{name}" for name in Visit.__dataclass_fields__),
    "creation_source",
    "first_contact_source",
    "channel",
    "channel_origin",
)
HISTORY_COLUMNS = ("id", "lead_id", "from_status_id", "to_status_id", "at", "by_associate_id")
CHAT_COLUMNS = (
    "id",
    "visitor_name",
    "visitor_email",
    "visitor_company",
    "visitor_country",
    "agent_id",
    "started_at",
    "ended_at",
    "lead_id",
)
SUBMISSION_COLUMNS = (
    "id",
    "form_id",
    "lead_id",
    "status",
    "error",
    "is_conversion",
    "submitted_at",
    "payload",
    *(f"visit_{name}" for name in Visit.__dataclass_fields__),
)
SALE_COLUMNS = (
    "id",
    "external_id",
    "origin",
    "title",
    "lead_id",
    "company_id",
    "owner_id",
    "amount_cents",
    "currency",
    "stage",
    "probability",
    "status",
    "sale_date",
    "created_at",
    "reason",
)
COMPANY_COLUMNS = ("id", "name", "country", "category")

# Shape of the history: growth over the three years, season, weekday, hour of the day.
GROWTH = 2.2  # leads per day at the end / at the start
SEASON = {1: 1.05, 2: 1.0, 3: 1.1, 4: 1.0, 5: 1.0, 6: 0.95, 7: 0.75, 8: 0.7, 9: 1.1, 10: 1.15}
SEASON |= {11: 1.1, 12: 0.8}
WEEKDAY = (1.1, 1.15, 1.1, 1.05, 0.85, 0.3, 0.25)
HOLIDAYS = {(1, 1): 0.2, (12, 25): 0.2, (12, 26): 0.25, (12, 24): 0.5, (12, 31): 0.5, (4, 27): 0.6}
HOURS_WEEKDAY: tuple[float, ...] = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 6, 7, 6.5)
HOURS_WEEKDAY += (5, 6, 6.5, 6, 5, 3.5, 2, 1.8, 1.7, 1.4, 0.9, 0.5)
HOURS_WEEKEND: tuple[float, ...] = (0.5, 0.3, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8, 1.2, 1.6, 2, 2.2)
HOURS_WEEKEND += (2.2, 2.2, 2.2, 2.1, 2, 2, 2.1, 2.3, 2.4, 2, 1.4, 0.9)

# Status paths after Open (status ids: 1 open, 2 contacting, 3 qualified, 4 disqualified,
# 5 re-nurture) with their weights, and the delay of each step: (median days, sigma).
PATHS: tuple[tuple[tuple[int, ...], float], ...] = (
    ((), 26),
    ((2,), 20),
    ((2, 3), 9),
    ((3,), 4),
    ((2, 5, 2, 3), 1.5),
    ((2, 3, 4), 2),
    ((2, 4), 9),
    ((4,), 4),
    ((2, 5), 6),
    ((5,), 3),
    ((2, 5, 2), 3),
    ((2, 5, 2, 4), 1),
    ((5, 2, 3), 2),
)
DELAYS = {
    (1, 2): (1.5, 1.0),
    (2, 3): (12, 0.8),
    (1, 3): (3, 0.9),
    (2, 4): (14, 0.9),
    (1, 4): (2, 1.0),
    (2, 5): (20, 0.8),
    (5, 2): (60, 0.6),
    (3, 4): (30, 0.8),
    (1, 5): (5, 1.0),
}
UNOWNED_STAY_OPEN = 0.6  # share of leads without an owner that nobody ever works on
SALE_SHARE = 0.57  # share of Qualified leads that get a sale (some too recent to have one)
LOST_AFTER_DISQUALIFIED = 0.3
CONVERSION_RATE = 0.11  # conversion submissions per lead
FAILED_RATE = 0.005  # failed submissions per form lead
EXTRA_CHAT_RATE = 0.05  # chats that create no lead, per lead
ID_CHARS = "abcdefghijkmnpqrstuvwxyz23456789"


class DemoError(Exception):
    """The demo cannot be generated here (e.g. the database holds data that is not demo data)."""


def generate_demo(
    engine: Engine,
    *,
    leads: int = 5000,
    seed: int = 1,
    today: date,
    tz: ZoneInfo,
    base_currency: str = "EUR",
    replace: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Fill the database with demo data ending on `today`; returns the row count per table.

    Refuses (DemoError) a database that holds leads, sales or associates but is not marked as demo
    data, unless `replace`. Existing demo data is always replaced. Lead statuses are kept.
    """
    if leads < 0:
        raise ValueError("the number of leads cannot be negative")
    report: Progress = progress or (lambda _stage, _done, _total: None)
    report("Migrating", 0, 1)
    upgrade(engine)
    report("Migrating", 1, 1)
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        saved = _fast_sqlite(conn) if sqlite else {}
        try:
            with conn.begin():
                if not replace and _holds_other_data(conn):
                    raise DemoError(
                        "the database holds data that is not demo data; use --replace to "
                        "delete it and generate demo data instead"
                    )
                status_ids = _status_ids(conn)
                report("Clearing", 0, 1)
                _clear(conn)
                report("Clearing", 1, 1)
                indexes = _drop_indexes(conn, BULK_TABLES)
                builder = _Demo(leads, seed, today, tz, base_currency.upper(), status_ids)
                counts = builder.write(_Writer(conn), report)
                report("Indexing", 0, len(indexes))
                for done, ddl in enumerate(indexes, start=1):
                    conn.exec_driver_sql(ddl)
                    report("Indexing", done, len(indexes))
                _write_meta(conn, leads, seed, today, tz)
                if not sqlite:
                    _reset_sequences(conn)
                report("Analysing", 0, 1)
                conn.exec_driver_sql("ANALYZE")
                report("Analysing", 1, 1)
        finally:
            if sqlite:
                _restore_sqlite(conn, saved)
    return counts


# --- the database around the generator --------------------------------------------------------


def _fast_sqlite(conn: Connection) -> dict[str, int]:
    """Bulk-load settings for SQLite (restored afterwards): no fsync, a large page cache."""
    saved = {
        "synchronous": int(conn.exec_driver_sql("PRAGMA synchronous").scalar_one()),
        "cache_size": int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one()),
    }
    conn.exec_driver_sql("PRAGMA synchronous=OFF")
    conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB
    conn.commit()
    return saved


def _restore_sqlite(conn: Connection, saved: dict[str, int]) -> None:
    if conn.in_transaction():
        conn.rollback()
    conn.exec_driver_sql(f"PRAGMA synchronous={int(saved['synchronous'])}")
    conn.exec_driver_sql(f"PRAGMA cache_size={int(saved['cache_size'])}")
    if conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal":
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # shrink the log of the load
    conn.commit()


def _holds_other_data(conn: Connection) -> bool:
    tables = (schema.leads, schema.sales, schema.associates)
    if not any(conn.execute(select(t.c.id).limit(1)).first() for t in tables):
        return False
    marker = schema.meta.c
    dataset = conn.execute(select(marker.value).where(marker.key == "dataset")).scalar()
    return dataset != "demo"


def _status_ids(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(schema.lead_statuses.c.key, schema.lead_statuses.c.id)).all()
    found = {key: status_id for key, status_id in rows}
    missing = [key for key in STATUS_KEYS if key not in found]
    if missing:
        raise DemoError(f"the demo needs the default lead statuses; missing: {', '.join(missing)}")
    return {key: found[key] for key in STATUS_KEYS}


def _clear(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # TRUNCATE is fast and leaves no dead rows for the foreign-key checks of the load; it
        # refuses when another table references these, and then DELETE (below) decides.
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("TRUNCATE " + ", ".join(t.name for t in DATA_TABLES))
            return
        except DBAPIError:
            pass
    for table in DATA_TABLES:
        conn.execute(delete(table))


def _drop_indexes(conn: Connection, tables: Iterable[Table]) -> list[str]:
    """Drop the indexes that back no constraint; returns their DDL as the database has it."""
    if conn.dialect.name == "sqlite":
        query = text(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL ORDER BY name"
        )
    else:
        query = text(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE schemaname = current_schema() AND tablename = :table"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname"
        )
    quote = conn.dialect.identifier_preparer.quote
    found = []
    for table in tables:
        for name, ddl in conn.execute(query, {"table": table.name}).all():
            conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
            found.append(ddl)
    return found


def _write_meta(conn: Connection, leads: int, seed: int, today: date, tz: ZoneInfo) -> None:
    conn.execute(delete(schema.meta).where(schema.meta.c.key.in_(META_KEYS)))
    values = ("demo", str(seed), today.isoformat(), str(leads), tz.key)
    conn.execute(
        insert(schema.meta),
        [{"key": k, "value": v} for k, v in zip(META_KEYS, values, strict=True)],
    )


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: explicit ids do not move the id sequences; point them past the largest id."""
    for table in DATA_TABLES:
        largest = select(func.max(table.c.id)).scalar_subquery()
        sequence = func.pg_get_serial_sequence(table.name, "id")
        conn.execute(select(func.setval(sequence, func.coalesce(largest, 1), largest.is_not(None))))


class _Writer:
    """Bulk inserts of row tuples: the driver's executemany (SQLite) or COPY (PostgreSQL)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.counts: dict[str, int] = {}
        self._sql: dict[tuple[str, tuple[str, ...]], tuple[str, Any]] = {}
        self.stamp: Callable[[int], Any] = _SqliteStamps() if self.sqlite else _stamp

    def core(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Small tables: through SQLAlchemy Core (JSON and Date handled by their types)."""
        if rows:
            self.conn.execute(insert(table), rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    def rows(self, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        if not rows:
            return
        dbapi: Any = self.conn.connection.dbapi_connection
        if self.sqlite:
            sql, reorder = self._sqlite_insert(table, columns)
            cursor = dbapi.cursor()
            try:
                cursor.executemany(sql, rows if reorder is None else map(reorder, rows))
            finally:
                cursor.close()
            return
        from psycopg import sql as pgsql

        copy_sql = pgsql.SQL("COPY {} ({}) FROM STDIN").format(
            pgsql.Identifier(table.name), pgsql.SQL(", ").join(map(pgsql.Identifier, columns))
        )
        with dbapi.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)

    def _sqlite_insert(self, table: Table, columns: tuple[str, ...]) -> tuple[str, Any]:
        key = (table.name, columns)
        if key not in self._sql:
            compiled = insert(table).compile(dialect=self.conn.dialect, column_keys=list(columns))
            order = list(compiled.positiontup or ())
            if sorted(order) != sorted(columns):
                raise RuntimeError(f"unexpected insert columns for {table.name}: {order}")
            reorder = None
            if tuple(order) != columns:
                reorder = itemgetter(*(columns.index(name) for name in order))
            self._sql[key] = (str(compiled), reorder)
        return self._sql[key]


def _stamp(seconds: int) -> datetime:
    """Epoch seconds -> naive UTC datetime (the stored form of every time)."""
    return EPOCH + timedelta(seconds=seconds)


class _SqliteStamps:
    """Epoch seconds -> the text SQLAlchemy's SQLite DateTime stores for `_stamp(seconds)`.

    Built from a table of days and one of times of day: the load writes millions of them.
    """

    def __init__(self) -> None:
        self.days: dict[int, str] = {}
        self.times = [
            f"{h:02d}:{m:02d}:{s:02d}.000000"
            for h in range(24)
            for m in range(60)
            for s in range(60)
        ]

    def __call__(self, seconds: int) -> str:
        day, rest = divmod(seconds, DAY)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = self.days[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
        return prefix + self.times[rest]


# --- drawing helpers ----------------------------------------------------------------------------


class _Random(random.Random):
    """random.Random with a cheaper choice/randint (one float draw each); still fully seeded."""

    def choice(self, seq: Sequence[Any]) -> Any:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


class _Pick:
    """A weighted choice by bisecting cumulative weights (random.choices is slower for one)."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, pairs: Iterable[tuple[Any, float]]) -> None:
        pairs = list(pairs)
        self.values = [value for value, _ in pairs]
        self.cum = list(accumulate(float(weight) for _, weight in pairs))
        self.total = self.cum[-1] if self.cum else 0.0

    def __call__(self, rand: Callable[[], float]) -> Any:
        return self.values[bisect(self.cum, rand() * self.total)]


def _zipf(values: Sequence[Any], exponent: float = 1.0) -> list[tuple[Any, float]]:
    return [(value, 1 / (rank + 1) ** exponent) for rank, value in enumerate(values)]


ASCII = str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ł": "l", "Ł": "l"})


def _ascii(text: str) -> str:
    """Lower-case letters and digits only, accents dropped (for e-mail addresses and domains)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(ASCII))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


NamePools = dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]


@lru_cache(maxsize=2)
def _name_pools(seed: int) -> NamePools:
    """First names, last names and company names per Faker locale, generated once per seed."""
    from faker import Faker

    pools = {}
    for index, locale in enumerate(words.LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + index)
        first = _unique(fake.first_name() for _ in range(400))
        last = _unique(fake.last_name() for _ in range(400))
        companies = _unique(fake.company() for _ in range(300))
        pools[locale] = (first, last, companies)
    return pools


# --- the generator ------------------------------------------------------------------------------


class _Demo:
    def __init__(
        self,
        leads: int,
        seed: int,
        today: date,
        tz: ZoneInfo,
        currency: str,
        status_ids: dict[str, int],
    ) -> None:
        self.n = leads
        self.seed = seed
        self.today = today
        self.tz = tz
        self.currency = currency
        self.sid = status_ids
        try:
            self.first_day = today.replace(year=today.year - 3)
        except ValueError:  # 29 February
            self.first_day = today.replace(year=today.year - 3, day=28)
        self.start_s = _epoch(datetime.combine(self.first_day, time(0), tzinfo=tz))
        end_of_today = datetime.combine(today, time(23, 59, 59, 999999), tzinfo=tz)
        self.now_s = math.floor(end_of_today.timestamp())  # never later than the clock's now
        self.days = (today - self.first_day).days + 1
        self.day_starts = [
            _epoch(datetime.combine(self.first_day + timedelta(days=i), time(0), tzinfo=tz))
            for i in range(self.days + 1)
        ]
        self._caches: dict[Any, Any] = {}

    def rng(self, stream: str) -> random.Random:
        return _Random(f"leadboard-demo:{self.seed}:{stream}")

    def day_index(self, seconds: int) -> int:
        index = bisect(self.day_starts, seconds) - 1
        return min(max(index, 0), self.days - 1)

    def local_noon(self, day: date) -> int:
        return _epoch(datetime.combine(day, time(12), tzinfo=self.tz))

    # The whole run --------------------------------------------------------------------------

    def write(self, out: _Writer, report: Progress) -> dict[str, int]:
        report("Preparing", 0, 1)
        self.pools = _name_pools(self.seed)
        self.rules = default_rules()
        self.build_associates(out)
        self.build_companies(out)
        self.build_campaigns(out)
        self.build_forms(out)
        report("Preparing", 1, 1)
        self.build_leads(out, report)
        self.build_sales(out, report)
        return {table.name: out.counts.get(table.name, 0) for table in reversed(DATA_TABLES)}

    # Associates ------------------------------------------------------------------------------

    def build_associates(self, out: _Writer) -> None:
        r = self.rng("associates")
        total = min(40, max(20, round(14 + 2.2 * math.log(self.n + 1))))
        shares = [share for _, share, _ in words.ASSOCIATE_GROUPS]
        sizes = [max(2, math.floor(total * share)) for share in shares]
        sizes[0] += max(0, total - sum(sizes))
        out.core(
            schema.associate_groups,
            [{"id": i + 1, "name": g[0]} for i, g in enumerate(words.ASSOCIATE_GROUPS)],
        )
        rows: list[dict[str, Any]] = []
        emails: set[str] = set()
        self.assoc_group: dict[int, str] = {}
        self.assoc_window: dict[int, tuple[int, int]] = {}
        self.assoc_weight: dict[int, float] = {}
        for group_id, ((group, _, locales), size) in enumerate(
            zip(words.ASSOCIATE_GROUPS, sizes, strict=True), start=1
        ):
            pick_locale = _Pick(locales)
            for _ in range(size):
                locale = pick_locale(r.random)
                first_names, last_names, _ = self.pools[locale]
                first, last = r.choice(first_names), r.choice(last_names)
                local = f"{_ascii(first)}.{_ascii(last)}"
                email, n = f"{local}@leadboard-demo.example", 1
                while email in emails:
                    n += 1
                    email = f"{local}{n}@leadboard-demo.example"
                emails.add(email)
                country = words.LOCALE_COUNTRY[locale]
                associate_id = len(rows) + 1
                rows.append(
                    {
                        "id": associate_id,
                        "email": email,
                        "name": f"{first} {last}",
                        "group_id": group_id,
                        "role": "user",
                        "language": "nl" if country in ("NL", "BE") else "en",
                        "timezone": words.TIMEZONES.get(country),
                        "country": country,
                        "active": True,
                    }
                )
                self.assoc_group[associate_id] = group
                self.assoc_window[associate_id] = (-(2**62), 2**62)
                self.assoc_weight[associate_id] = r.lognormvariate(0, 0.5)
        # Two people left (inactive, own only older leads), three joined later.
        span = self.now_s - self.start_s
        sales = [row["id"] for row in rows if self.assoc_group[row["id"]].startswith("Sales")]
        changed = r.sample(sales, min(5, max(0, len(sales) - 3)))
        for position, associate_id in enumerate(changed):
            if position < 2:
                end = self.start_s + int(span * r.uniform(0.25, 0.7))
                self.assoc_window[associate_id] = (-(2**62), end)
                rows[associate_id - 1]["active"] = False
            else:
                self.assoc_window[associate_id] = (
                    self.start_s + int(span * r.uniform(0.3, 0.8)),
                    2**62,
                )
        self.associates = rows
        out.core(schema.associates, rows)

    def owners(self, group: str, day: int) -> _Pick | None:
        """Associates of a group working on that day, weighted by how much they take on."""
        key = ("owners", group, day)
        if key not in self._caches:
            moment = self.day_starts[day] + DAY // 2
            pairs = [
                (associate_id, self.assoc_weight[associate_id])
                for associate_id, name in self.assoc_group.items()
                if name == group
                and self.assoc_window[associate_id][0]
                <= moment
                < self.assoc_window[associate_id][1]
            ]
            self._caches[key] = _Pick(pairs) if pairs else None
        return self._caches[key]

    def owner_for(self, group: str, day: int, rand: Callable[[], float]) -> int | None:
        pick = self.owners(group, day)
        if pick is None and group != "Sales Benelux":
            pick = self.owners("Sales Benelux", day)
        return pick(rand) if pick is not None else None

    # Companies -------------------------------------------------------------------------------

    def build_companies(self, out: _Writer) -> None:
        r = self.rng("companies")
        rand = r.random
        count = max(10, self.n // 4)
        pick_country = _Pick([*words.COUNTRY_WEIGHTS, (None, 1)])
        pick_category = _Pick(words.COMPANY_CATEGORIES)
        locale_picks = {c: _Pick(options) for c, options in words.COUNTRY_LOCALES.items()}
        self.company_name: list[str] = []
        self.company_country: list[str | None] = []
        self.company_domain: list[str] = []
        rows = []
        for company_id in range(1, count + 1):
            country = pick_country(rand)
            locale = locale_picks[country](rand) if country else "nl_NL"
            first_names, last_names, faker_names = self.pools[locale]
            language = words.COMPANY_LANGUAGE.get(country or "NL")
            if language and rand() < 0.6:
                suffix = r.choice(words.COMPANY_SUFFIXES[language])
                if language == "nl" and rand() < 0.2:
                    adjective = r.choice(words.DUTCH_ADJECTIVES)
                    base = f"De {adjective} {r.choice(words.DUTCH_NOUNS)}"
                else:
                    base = f"{r.choice(last_names)} {r.choice(words.COMPANY_WORDS[language])}"
                name = base + suffix
            else:
                base = name = r.choice(faker_names)
            slug = "-".join(filter(None, (_ascii(part) for part in base.split()[:3])))
            self.company_name.append(name)
            self.company_country.append(country)
            self.company_domain.append(f"{slug or 'company'}.example")
            rows.append((company_id, name, country, pick_category(rand)))
        out.rows(schema.companies, COMPANY_COLUMNS, rows)

    # Campaigns and forms ---------------------------------------------------------------------

    def build_campaigns(self, out: _Writer) -> None:
        r = self.rng("campaigns")
        found: list[tuple[str, str | None, tuple[str, ...], date | None, date | None]] = [
            (key, name, groups, None, None) for key, name, groups in words.EVERGREEN_CAMPAIGNS
        ]
        for year in range(self.first_day.year, self.today.year + 1):
            for key, name, groups, (m1, d1), (m2, d2) in words.SEASONAL_CAMPAIGNS:
                starts, ends = date(year, m1, d1), date(year, m2, d2)
                if starts <= self.today and ends >= self.first_day:
                    label = name.format(year=year) if name else None
                    found.append((key.format(year=year), label, groups, starts, ends))
        popularity = list(range(len(found)))
        r.shuffle(popularity)
        self.campaigns = []
        rows = []
        for campaign_id, (key, name, groups, since, until) in enumerate(found, start=1):
            weight = 1 / (popularity[campaign_id - 1] + 1) ** 0.8
            if since is not None:
                weight *= 4  # a seasonal push is big while it runs
            first = self.day_index(self.local_noon(since)) if since else 0
            last = self.day_index(self.local_noon(until)) if until else self.days
            self.campaigns.append((key, groups, first, last, weight, 100_000 + 7 * campaign_id))
            rows.append({"id": campaign_id, "key": key, "name": name})
            rows[-1] |= {"starts_on": since, "ends_on": until}
        out.core(schema.campaigns, rows)

    def campaign(self, group: str, day: int, rand: Callable[[], float]) -> tuple[str, int] | None:
        key = ("campaigns", group, day)
        if key not in self._caches:
            pairs = [
                ((name, utm_id), weight)
                for name, groups, first, last, weight, utm_id in self.campaigns
                if group in groups and first <= day <= last
            ]
            self._caches[key] = _Pick(pairs) if pairs else None
        pick = self._caches[key]
        return pick(rand) if pick is not None else None

    def build_forms(self, out: _Writer) -> None:
        r = self.rng("forms")
        span = self.now_s - self.start_s
        keys: set[str] = set()
        rows, self.forms = [], []
        late = {12: 0.2, 13: 0.45, 15: 0.7}  # trials and the German demo form came later
        retired = len(words.FORMS) - 1  # the partner application form was switched off
        popularity = list(range(len(words.FORMS)))
        r.shuffle(popularity)
        for index, (name, site, template) in enumerate(words.FORMS):
            key = ""
            while not key or key in keys:
                key = "f_" + "".join(r.choices(ID_CHARS, k=6))
            keys.add(key)
            if index in late:
                created = self.start_s + int(span * late[index])
            else:
                created = self.start_s - r.randint(30, 400) * DAY
            until = self.start_s + int(span * 0.6) if index == retired else 2**62
            fields = [
                {"name": field, "required": field == "email"}
                for field in words.FORM_FIELDS[template]
            ]
            rows.append(
                {
                    "id": index + 1,
                    "key": key,
                    "name": name,
                    "active": index != retired,
                    "allowed_origins": [site, site.replace("://www.", "://")],
                    "fields": fields,
                    "thank_you_url": f"{site}/thanks",
                    "created_at": _stamp(created),
                }
            )
            weight = 1 / (popularity[index] + 1) ** 0.9
            self.forms.append((index + 1, created, until, weight))
        out.core(schema.forms, rows)

    def form(self, day: int, rand: Callable[[], float]) -> int:
        key = ("forms", day)
        if key not in self._caches:
            moment = self.day_starts[day]
            pairs = [
                (form_id, weight)
                for form_id, created, until, weight in self.forms
                if created <= moment < until
            ]
            self._caches[key] = _Pick(pairs or [(1, 1)])
        return self._caches[key](rand)

    # Visits ----------------------------------------------------------------------------------

    def visit(self, kind: str, day: int, r: random.Random) -> tuple[Any, ...]:
        """A visit of that kind on that day, as the capture code would classify it.

        Returns (source, medium, campaign, term, content, utm_id, referrer_domain,
        click_id_param, click_id); the time is added by the caller.
        """
        rand = r.random
        query, referrer, click = "", None, None
        if kind in ("google-ads", "bing-ads", "cross-network"):
            group = "crossnet" if kind == "cross-network" else "search"
            found = self.campaign(group, day, rand)
            click = "msclkid" if kind == "bing-ads" else "gclid"
            referrer = "https://www.bing.com/" if kind == "bing-ads" else "https://www.google.com/"
            if found and (kind != "google-ads" or rand() < 0.8):
                source = "bing" if kind == "bing-ads" else "google"
                term = quote_plus(r.choice(words.SEARCH_TERMS))
                query = (
                    f"utm_source={source}&utm_medium=cpc&utm_campaign={found[0]}&utm_term={term}"
                    f"&utm_content={r.choice(words.AD_CONTENTS['search'])}"
                )
                if rand() < 0.3:
                    query += f"&utm_id={found[1]}"
            query = f"{query}&{click}=CLICK" if query else f"{click}=CLICK"
        elif kind.endswith("-organic") and kind.split("-")[0] in words.SEARCH_REFERRERS:
            engine = kind.split("-")[0]
            referrer = self.picker(("search", engine), words.SEARCH_REFERRERS[engine])(rand)
        elif kind == "direct":
            pass
        elif kind == "referral":
            domain = self.picker("referrers", _zipf(words.REFERRERS, 1.1))(rand)
            prefix = "www." if rand() < 0.5 and domain.count(".") == 1 else ""
            referrer = f"https://{prefix}{domain}/blog/{r.randint(1, 40)}"
        elif kind == "linkedin-organic":
            referrer = "https://www.linkedin.com/" if rand() < 0.7 else "https://lnkd.in/"
        elif kind == "facebook-organic":
            referrer = "https://m.facebook.com/" if rand() < 0.5 else "https://l.facebook.com/"
        else:
            source, medium, group, referrer, click = words.TAGGED_VISITS[kind]
            found = self.campaign(group, day, rand)
            query = f"utm_source={source}&utm_medium={medium}"
            if found:
                query += f"&utm_campaign={found[0]}"
            if group in words.AD_CONTENTS:
                query += f"&utm_content={r.choice(words.AD_CONTENTS[group])}"
            if click:
                query += f"&{click}=CLICK"
        url = f"{SITE}?{query}" if query else SITE
        key = ("visit", url, referrer)
        if key not in self._caches:
            v = classify_visit(url, referrer, own_domain=OWN_DOMAIN)
            fields = (v.source, v.medium, v.campaign, v.term, v.content, v.utm_id)
            self._caches[key] = (*fields, v.referrer_domain, v.click_id_param)
        classified = self._caches[key]
        click_id = _click_id(classified[7], r) if classified[7] else None
        return (*classified, click_id)

    def picker(self, key: Any, pairs: Iterable[tuple[Any, float]]) -> _Pick:
        """A cached weighted choice; `pairs` is read only the first time a key is seen."""
        cache_key = ("pick", key)
        if cache_key not in self._caches:
            self._caches[cache_key] = _Pick(pairs)
        return self._caches[cache_key]

    def sources(
        self, via: str, lc_source: str | None, ft_source: str | None, given: str | None
    ) -> tuple[str | None, str | None]:
        key = ("sources", via, lc_source, ft_source, given)
        if key not in self._caches:
            creation = Visit(source=lc_source) if lc_source else None
            first = Visit(source=ft_source) if ft_source else None
            self._caches[key] = lead_sources(via, creation, first, given)
        return self._caches[key]

    def channel(
        self, via: str, source: str | None, medium: str | None, campaign: str | None
    ) -> tuple[str, str]:
        key = ("channel", via, source, medium, campaign)
        if key not in self._caches:
            if source and medium:
                found = (channel_key(self.rules.classify(source, medium, campaign)), "rules")
            else:
                found = (channel_key(CREATED_VIA_CHANNELS[via]), "created_via")
            self._caches[key] = found
        return self._caches[key]

    # The time line ---------------------------------------------------------------------------

    def day_plan(self) -> list[tuple[date, int, bool]]:
        """(day, number of new leads, DST change that day) for every day of the history."""
        r = self.rng("days")
        weights, special, dst = [], {}, []
        last = self.days - 1
        for index in range(self.days):
            day = self.first_day + timedelta(days=index)
            weight = GROWTH ** (index / max(last, 1)) * SEASON[day.month] * WEEKDAY[day.weekday()]
            weight *= HOLIDAYS.get((day.month, day.day), 1) * r.uniform(0.8, 1.2)
            if r.random() < 0.02:
                weight *= r.uniform(1.5, 2.5)  # a mailing or an event
            weights.append(weight)
            changes = self.day_starts[index + 1] - self.day_starts[index] != DAY
            dst.append(changes)
            if self.n >= 200 and (changes or (day.month, day.day) == (1, 1)):
                special[index] = 2
        if self.n >= 200:
            special[last] = 3  # a few leads today
        reserved = sum(special.values())
        if reserved * 10 > self.n:
            special, reserved = {}, 0
        spread = self.n - reserved
        total = sum(weights)
        counts, cumulative, offset, given = [], 0.0, r.random(), 0
        for weight in weights:
            cumulative += spread * weight / total
            upto = min(spread, math.floor(cumulative + offset))
            counts.append(upto - given)
            given = upto
        counts[-1] += spread - given
        for index, extra in special.items():
            counts[index] += extra
        days = [self.first_day + timedelta(days=i) for i in range(self.days)]
        return list(zip(days, counts, dst, strict=True))

    def day_times(self, index: int, day: date, count: int, dst: bool, r: random.Random) -> list:
        """Sorted epoch seconds of `count` new leads on that (local) day."""
        rand = r.random
        if dst:  # more leads in the night hours around the change
            shape = tuple(w + (6 if 1 <= h <= 3 else 0) for h, w in enumerate(HOURS_WEEKEND))
        else:
            shape = HOURS_WEEKEND if day.weekday() >= 5 else HOURS_WEEKDAY
        hours = self.picker(("hours", shape), enumerate(shape))
        start = self.day_starts[index]
        times = []
        for _ in range(count):
            hour = hours(rand)
            seconds = int(rand() * 3600)
            if dst:
                moment = time(hour, seconds // 60, seconds % 60, fold=int(rand() < 0.5))
                times.append(_epoch(datetime.combine(day, moment, tzinfo=self.tz)))
            else:
                times.append(start + hour * 3600 + seconds)
        times.sort()
        return times

    # Leads -----------------------------------------------------------------------------------

    def build_leads(self, out: _Writer, report: Progress) -> None:  # one hot loop, kept inline
        r = self.rng("leads")
        rand, randint, choice = r.random, r.randint, r.choice
        stamp, now, n = out.stamp, self.now_s, self.n
        sid = self.sid
        open_id, contacting, qualified, disqualified = (sid[k] for k in STATUS_KEYS[:4])
        renurture = sid["re-nurture"]
        path_ids = {1: open_id, 2: contacting, 3: qualified, 4: disqualified, 5: renurture}
        paths = _Pick((tuple(path_ids[s] for s in path), weight) for path, weight in PATHS)
        delays = {(path_ids[a], path_ids[b]): value for (a, b), value in DELAYS.items()}
        pick_via = _Pick(words.CREATED_VIA)
        given = {via: _Pick(options) for via, options in words.GIVEN_SOURCES.items()}
        pick_country = _Pick(words.COUNTRY_WEIGHTS)
        locale_picks = {c: _Pick(options) for c, options in words.COUNTRY_LOCALES.items()}
        lc_kinds = _Pick((kind, w) for kind, w, _ in words.VISIT_KINDS)
        ft_kinds = _Pick((kind, w) for kind, _, w in words.VISIT_KINDS if w)
        ascii_cache: dict[str, str] = {}
        n_companies = len(self.company_name)
        company_name, company_country = self.company_name, self.company_country
        company_domain = self.company_domain
        emails: set[str] = set()
        email_counters: dict[str, int] = {}
        self.lead_email: list[str | None] = [None]
        self.lead_name: list[str] = [""]
        self.sale_candidates: list[tuple] = []
        leads_rows: list[tuple] = []
        history: list[tuple] = []
        chats: list[tuple] = []
        submissions: list[tuple] = []
        lead_id = history_id = chat_id = submission_id = 0
        imported = api_seq = 0
        no_visit = (None,) * 10

        def flush() -> None:
            out.rows(schema.chat_sessions, CHAT_COLUMNS, chats)
            out.rows(schema.leads, LEAD_COLUMNS, leads_rows)
            out.rows(schema.lead_status_history, HISTORY_COLUMNS, history)
            out.rows(schema.form_submissions, SUBMISSION_COLUMNS, submissions)
            for buffer in (chats, leads_rows, history, submissions):
                buffer.clear()
            report("Leads", lead_id, n)

        report("Leads", 0, n)
        for day_index, (day, count, dst) in enumerate(self.day_plan()):
            if not count:
                continue
            for t in self.day_times(day_index, day, count, dst, r):
                lead_id += 1
                ts = stamp(t)
                via = pick_via(rand)
                # Company and country: the contact's own, falling back to the company's.
                company = int(n_companies * rand() ** 1.5) if rand() < 0.6 else None
                home = company_country[company] if company is not None else None
                country: str | None
                if home and rand() < 0.85:
                    country = home
                else:
                    country = pick_country(rand)
                if rand() < (0.13 if company is not None else 0.05):
                    country = None
                name_country = country or home or "NL"
                first_names, last_names, _ = self.pools[locale_picks[name_country](rand)]
                first, last = choice(first_names), choice(last_names)
                full_name = f"{first} {last}"
                # E-mail (unique), phone, job title.
                email = None
                if not (
                    (via == "manual" and rand() < 0.2)
                    or (via == "import" and rand() < 0.05)
                    or (via == "chat" and rand() < 0.1)
                ):
                    a = ascii_cache.get(first)
                    if a is None:
                        a = ascii_cache[first] = _ascii(first) or "contact"
                    b = ascii_cache.get(last)
                    if b is None:
                        b = ascii_cache[last] = _ascii(last) or "lead"
                    local = f"{a}.{b}" if rand() < 0.75 else f"{a[0]}{b}"
                    if company is not None and rand() < 0.8:
                        domain = company_domain[company]
                    else:
                        providers = words.FREE_MAIL.get(name_country, words.FREE_MAIL_OTHER)
                        domain = f"{choice(providers)}.example"
                    email = f"{local}@{domain}"
                    if email in emails:
                        number = email_counters.get(email, 1)
                        candidate = email
                        while candidate in emails:
                            number += 1
                            candidate = f"{local}{number}@{domain}"
                        email_counters[email] = number
                        email = candidate
                    emails.add(email)
                phone = None
                if rand() < 0.65:
                    prefix, digits = words.PHONE_FORMATS.get(name_country, ("+31 6 ", 8))
                    phone = f"{prefix}{r.randrange(10**digits):0{digits}d}"
                language = words.COMPANY_LANGUAGE.get(name_country, "en")
                job_title = None
                if rand() < 0.75:
                    job_title = choice(words.JOB_TITLES.get(language, words.JOB_TITLES["en"]))
                # Owner: regional sales, lead nurturing, marketing, or nobody.
                roll = rand()
                if roll < 0.15:
                    owner = None
                else:
                    if roll < 0.15 + 0.85 * 0.25:
                        group = "Lead Nurturing"
                    elif roll < 0.15 + 0.85 * 0.30:
                        group = "Marketing"
                    else:
                        group = words.SALES_REGION.get(name_country, "Sales Benelux")
                    owner = self.owner_for(group, day_index, rand)
                # How it came in.
                external_id = origin = form_id = chat_session = None
                lc = ft = no_visit
                given_source = given_medium = None
                if via == "form":
                    form_id = self.form(day_index, rand)
                    lc = (*self.visit(lc_kinds(rand), day_index, r), ts)
                    if rand() < 0.3:
                        before = max(3600, int(r.lognormvariate(math.log(10 * DAY), 1.0)))
                        ft_at = t - min(before, 180 * DAY)
                        ft = (*self.visit(ft_kinds(rand), self.day_index(ft_at), r), stamp(ft_at))
                    else:
                        ft = lc
                else:
                    given_source, given_medium = given[via](rand)
                    if given_source:
                        lc = (given_source, given_medium, *no_visit[2:])
                    if via == "import":
                        imported += 1
                        external_id, origin = f"IMP-{imported:07d}", "demo-import"
                    elif via == "api":
                        api_seq += 1
                        external_id, origin = f"api-{api_seq:07d}", "demo-api"
                    elif via == "chat":
                        chat_id += 1
                        chat_session = chat_id
                        agent_group = "Lead Nurturing" if rand() < 0.7 else "Marketing"
                        agent = self.owner_for(agent_group, day_index, rand)
                        started = t - randint(60, 900)
                        ended = t + randint(60, 1500)
                        chats.append(
                            (
                                chat_id,
                                full_name,
                                email,
                                company_name[company] if company is not None else None,
                                country,
                                agent,
                                stamp(started),
                                stamp(ended) if ended <= now else None,
                                lead_id,
                            )
                        )
                creation_source, first_source = self.sources(via, lc[0], ft[0], given_source)
                channel, channel_origin = self.channel(via, lc[0], lc[1], lc[2])
                # Status history: Open at creation, then the lead's path, cut at "now".
                history_id += 1
                history.append(
                    (history_id, lead_id, None, open_id, ts, owner if via == "manual" else None)
                )
                steps = [(open_id, t)]
                path = paths(rand) if owner is not None or rand() >= UNOWNED_STAY_OPEN else ()
                at, held, current, since = t, 1 << open_id, open_id, ts
                for status in path:
                    median, sigma = delays[(current, status)]
                    at += max(600, int(median * DAY * r.lognormvariate(0, sigma)))
                    if at > now:
                        break
                    since = stamp(at)
                    history_id += 1
                    history.append((history_id, lead_id, current, status, since, owner))
                    steps.append((status, at))
                    held |= 1 << status
                    current = status
                if held & (1 << qualified):
                    self.sale_candidates.append(
                        (lead_id, steps, owner, company, country or home, full_name)
                    )
                leads_rows.append(
                    (
                        lead_id,
                        external_id,
                        origin,
                        first,
                        last,
                        email,
                        phone,
                        job_title,
                        company + 1 if company is not None else None,
                        country,
                        owner,
                        current,
                        since,
                        held,
                        ts,
                        via,
                        form_id,
                        chat_session,
                        *ft,
                        *lc,
                        creation_source,
                        first_source,
                        channel,
                        channel_origin,
                    )
                )
                self.lead_email.append(email)
                self.lead_name.append(full_name)
                # Form submissions: the one that created the lead, failures, later conversions.
                company_label = company_name[company] if company is not None else None
                if via == "form":
                    submission_id += 1
                    payload = {"name": full_name, "email": email, "company": company_label}
                    submissions.append(
                        (
                            submission_id,
                            form_id,
                            lead_id,
                            "processed",
                            None,
                            False,
                            ts,
                            json.dumps(payload),
                            *lc,
                        )
                    )
                    if rand() < FAILED_RATE:
                        failed_at = t + randint(5, 3600)
                        if failed_at <= now:
                            submission_id += 1
                            visit = self.visit(lc_kinds(rand), day_index, r)
                            submissions.append(
                                (
                                    submission_id,
                                    self.form(day_index, rand),
                                    None,
                                    "failed",
                                    choice(words.SUBMISSION_ERRORS),
                                    False,
                                    stamp(failed_at),
                                    json.dumps({"name": full_name, "email": email}),
                                    *visit,
                                    stamp(failed_at),
                                )
                            )
                if lead_id > 1 and rand() < CONVERSION_RATE:
                    earlier = randint(1, lead_id - 1)
                    if self.lead_email[earlier]:
                        submission_id += 1
                        visit = self.visit(lc_kinds(rand), day_index, r)
                        payload = {
                            "name": self.lead_name[earlier],
                            "email": self.lead_email[earlier],
                        }
                        submissions.append(
                            (
                                submission_id,
                                self.form(day_index, rand),
                                earlier,
                                "processed",
                                None,
                                True,
                                ts,
                                json.dumps(payload),
                                *visit,
                                ts,
                            )
                        )
                if rand() < EXTRA_CHAT_RATE:
                    # A chat that created no lead: anonymous, or with an existing contact.
                    chat_id += 1
                    started = t + randint(-3000, -60)
                    ended = started + randint(60, 1800)
                    linked = randint(1, lead_id - 1) if lead_id > 1 and rand() < 0.4 else None
                    agent = self.owner_for("Lead Nurturing", day_index, rand)
                    chats.append(
                        (
                            chat_id,
                            self.lead_name[linked] if linked else None,
                            self.lead_email[linked] if linked else None,
                            None,
                            None,
                            agent,
                            stamp(started),
                            stamp(ended) if ended <= now else None,
                            linked,
                        )
                    )
                if len(leads_rows) >= CHUNK:
                    flush()
                elif not lead_id % 5000:
                    report("Leads", lead_id, n)
        flush()

    # Sales -----------------------------------------------------------------------------------

    def build_sales(self, out: _Writer, report: Progress) -> None:
        r = self.rng("sales")
        rand, choice = r.random, r.choice
        now, stamp = self.now_s, out.stamp
        qualified, disqualified = self.sid["qualified"], self.sid["disqualified"]
        report("Sales", 0, 1)
        sales: list[tuple] = []  # without id; sorted by created_at before ids are given

        def sale(
            lead_id: int | None,
            company: int | None,
            owner: int | None,
            country: str | None,
            name: str,
            created: int,
            status: str | None = None,
            closed: int | None = None,
        ) -> None:
            if status is None:
                roll = rand()
                if roll < 0.45:
                    status = "sold"
                elif roll < 0.80:
                    status = "open"
                elif roll < 0.95:
                    status = "lost"
                else:
                    status = "stalled"
            if status in ("sold", "lost") and closed is None:
                closed = created + max(DAY, int(30 * DAY * r.lognormvariate(0, 0.7)))
                if closed > now:  # not decided yet: open, expected to close then
                    status = "open"
            if status in ("open", "stalled"):
                expected = self.today + timedelta(days=r.randint(-30, 425))
                if status == "stalled":
                    expected = self.today + timedelta(days=r.randint(-90, 200))
                created_day = self.first_day + timedelta(days=self.day_index(created))
                if closed is not None and closed > now:
                    expected = _local_day(closed, self.tz)
                elif expected <= created_day:
                    expected = created_day + timedelta(days=r.randint(14, 120))
                sale_date = self.local_noon(expected)
            else:
                assert closed is not None
                sale_date = closed
            if status == "open":
                stage, probability = self.picker("stages", _stage_pairs())(rand)
            elif status == "stalled":
                stage, probability = choice(("proposal", "negotiation")), 20
            else:
                stage, probability = ("won", 100) if status == "sold" else ("lost", 0)
            reason = choice(words.SALE_REASONS[status]) if status != "open" else None
            amount = min(75_000, max(500, r.lognormvariate(math.log(8000), 0.9)))
            cents = round(amount / 10) * 1000
            language = "nl" if country in ("NL", "BE") else "en"
            title = choice(words.SALE_TITLES[language]).format(name=name)
            sales.append(
                (
                    created,
                    lead_id or 0,
                    title,
                    lead_id,
                    company + 1 if company is not None else None,
                    owner,
                    cents,
                    status,
                    stage,
                    probability,
                    sale_date,
                    reason,
                )
            )

        for lead_id, steps, owner, company, country, full_name in self.sale_candidates:
            statuses = [status for status, _ in steps]
            q_at = next(at for status, at in steps if status == qualified)
            seller = owner
            if owner is None or not self.assoc_group[owner].startswith("Sales") or rand() < 0.1:
                region = words.SALES_REGION.get(country or "NL", "Sales Benelux")
                seller = self.owner_for(region, self.day_index(q_at), rand) or owner
            name = self.company_name[company] if company is not None else full_name
            if statuses[-1] == qualified:
                if rand() < SALE_SHARE:
                    created = q_at + max(3600, int(4 * DAY * r.lognormvariate(0, 0.8)))
                    if created <= now:
                        sale(lead_id, company, seller, country, name, created)
            elif statuses[-1] == disqualified and qualified in statuses[:-1]:
                if rand() < LOST_AFTER_DISQUALIFIED:
                    lost_at = steps[-1][1]
                    created = q_at + int((lost_at - q_at) * r.uniform(0.1, 0.5))
                    sale(lead_id, company, seller, country, name, created, "lost", lost_at)
        # Deals without a lead: some with a company only, a few with neither (imported).
        extra = max(3, len(sales) // 30)
        for number in range(extra):
            created = r.randint(self.start_s, now)
            day = self.day_index(created)
            company = None
            if number % 3:
                company = int(len(self.company_name) * rand())
            country = self.company_country[company] if company is not None else None
            region = words.SALES_REGION.get(country or "NL", "Sales Benelux")
            owner = self.owner_for(region, day, rand)
            name = self.company_name[company] if company is not None else f"deal {number + 1}"
            sale(None, company, owner, country, name, created)
        sales.sort(key=itemgetter(0, 1))
        rows = []
        for sale_id, row in enumerate(sales, start=1):
            created, _, title, lead_id, company_id, owner, cents, status = row[:8]
            stage, probability, sale_date, reason = row[8:]
            external_id = origin = None
            if lead_id is None and company_id is None:
                external_id, origin = f"D-{sale_id:05d}", "demo-crm"
            rows.append(
                (
                    sale_id,
                    external_id,
                    origin,
                    title,
                    lead_id,
                    company_id,
                    owner,
                    cents,
                    self.currency,
                    stage,
                    probability,
                    status,
                    stamp(sale_date),
                    stamp(created),
                    reason,
                )
            )
        out.rows(schema.sales, SALE_COLUMNS, rows)
        report("Sales", 1, 1)


def _stage_pairs() -> list[tuple[tuple[str, int], float]]:
    return [((stage, percent), weight) for stage, percent, weight in words.OPEN_STAGES]


def _epoch(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def _local_day(seconds: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(seconds, UTC).astimezone(tz).date()


def _click_id(param: str, r: random.Random) -> str:
    if param == "msclkid":
        return f"{r.getrandbits(128):032x}"
    prefix, size = {"gclid": ("Cj0KCQiA", 30), "fbclid": ("IwAR", 42)}.get(param, ("", 30))
    raw = r.getrandbits(size * 6).to_bytes(size * 6 // 8 + 1, "big")
    return prefix + base64.urlsafe_b64encode(raw).decode()[:size]
