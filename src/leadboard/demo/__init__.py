"""Demo data: a realistic, deterministic three-year history of leads, statuses, forms, chats, sales.

`generate_demo` fills a (migrated) database with associates, companies, campaigns, forms, chat
sessions, leads with their status history, form submissions and sales, ending on `today`. The same
(leads, seed, today, tz) give the same rows on SQLite and PostgreSQL: every random draw comes from
`random.Random` streams seeded with strings (never `hash()`, set order or the wall clock), one
stream per subject, names come from Faker pools generated once per locale with a fixed seed, and
ids are explicit.

The package, in the order a run uses it:
* `load`: the database around the generator (bulk writer, SQLite fast mode, indexes, meta rows).
* `context`, `draw`, `times`: what every part shares (settings, calendar, random streams,
  weighted choices, name pools, epoch seconds and their stored form).
* `names`, `catalog`: the word lists (people and companies; marketing and sales).
* `associates`, `companies`, `marketing` (campaigns, forms): the catalogues leads refer to.
* `leads`: the day-by-day loop, using `timeline` (when leads arrive), `contacts` (who they are),
  `arrivals` and `visits` (how they came in and what they are attributed to), `statuses`
  (history), `submissions` and `chats`.
* `sales`: deals for part of the Qualified leads, and some without a lead.

Other generators that keep derived data (rollups, caches) must rebuild it after a demo load:
rows are written straight to the tables, not through the domain functions.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, insert, select, update

from leadboard.auth.passwords import hash_password
from leadboard.auth.sessions import end_sessions
from leadboard.db import schema
from leadboard.db.bulk import drop_indexes, write_counters_paused
from leadboard.db.migrate import upgrade
from leadboard.demo import load
from leadboard.demo.associates import build_associates
from leadboard.demo.companies import build_companies
from leadboard.demo.context import Demo
from leadboard.demo.draw import name_pools
from leadboard.demo.leads import build_leads
from leadboard.demo.load import DemoError, Progress, Writer
from leadboard.demo.marketing import build_campaigns, build_forms
from leadboard.demo.sales import build_sales
from leadboard.demo.visits import Visits
from leadboard.domain.errors import NotFound
from leadboard.domain.users import Rights, find_user, viewer_for

__all__ = ["DemoError", "DemoLogin", "demo_logins", "ensure_logins", "generate_demo"]
LOGIN_KINDS = ("admin", "group", "own")


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
    admin: tuple[str, str] | None = None,
) -> dict[str, int]:
    """Fill the database with demo data ending on `today`; returns the row count per table.

    Refuses (DemoError) a database that holds leads, sales or associates but is not marked as demo
    data, or demo data that users added to since (leads, status changes, API tokens), unless
    `replace`. Lead statuses are kept. `admin` (email, password) adds an admin account and gives
    the demo's group user and own user the same password (see `demo_logins`).
    """
    if leads < 0:
        raise ValueError("the number of leads cannot be negative")
    report: Progress = progress or (lambda _stage, _done, _total: None)
    report("Migrating", 0, 1)
    upgrade(engine)
    report("Migrating", 1, 1)
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        saved = load.fast_sqlite(conn) if sqlite else {}
        try:
            with conn.begin(), write_counters_paused(conn):
                if not replace:
                    refuse_to_overwrite(conn)
                status_ids = load.status_ids(conn)
                report("Clearing", 0, 1)
                load.clear(conn)
                report("Clearing", 1, 1)
                indexes = drop_indexes(conn, load.BULK_TABLES)
                demo = Demo(leads, seed, today, tz, base_currency.upper(), status_ids)
                counts, logins = _generate(demo, Writer(conn), report)
                load.rebuild_indexes(conn, indexes, report)
                if not sqlite:
                    load.reset_sequences(conn)
                if admin:
                    _set_passwords(conn, admin[0], admin[1], list(logins.values()))
                load.write_meta(conn, leads, seed, today, tz, logins)  # counts the rows: last
                report("Analysing", 0, 1)
                conn.exec_driver_sql("ANALYZE")
                report("Analysing", 1, 1)
        finally:
            if sqlite:
                load.restore_sqlite(conn, saved)
    return counts


def refuse_to_overwrite(conn: Connection) -> None:
    if load.holds_other_data(conn):
        raise DemoError(
            "the database holds data that is not demo data; use --replace to "
            "delete it and generate demo data instead"
        )
    changes = load.changed_since_demo(conn)
    if changes:
        raise DemoError(
            "the demo data was changed since it was generated ("
            + ", ".join(changes)
            + "); use --replace to delete that and generate the demo again",
            changes,
        )


@dataclass(frozen=True)
class DemoLogin:
    """One of the demo's accounts with a known password: admin, a group user, an own user."""

    kind: str  # admin, group, own
    id: int
    email: str
    name: str
    role: str
    group: str | None
    rights: Rights


def _recorded_logins(conn: Connection) -> dict[str, str]:
    marker = schema.meta.c
    found = conn.execute(select(marker.value).where(marker.key == "demo_logins")).scalar()
    return json.loads(found) if found else {}


def ensure_logins(conn: Connection, admin_email: str, password: str) -> list[DemoLogin]:
    """The admin account (role admin) with this password, created or reset, and the same
    password for the demo's group and own logins; their old sessions end."""
    _set_passwords(conn, admin_email, password, list(_recorded_logins(conn).values()))
    return demo_logins(conn, admin_email)


def _set_passwords(conn: Connection, admin_email: str, password: str, others: list[str]) -> None:
    """One argon2 hash for all of them (hashing is slow on purpose)."""
    password_hash = hash_password(password)
    staff = schema.associates
    values = {"password_hash": password_hash, "role": "admin", "active": True}
    found = conn.execute(select(staff.c.id).where(staff.c.email == admin_email)).scalar()
    if found is not None:
        conn.execute(update(staff).where(staff.c.id == found).values(**values))
    else:
        conn.execute(
            insert(staff).values(email=admin_email, name="Demo Admin", language="en", **values)
        )
    emails = [admin_email, *others]
    conn.execute(update(staff).where(staff.c.email.in_(emails)).values(password_hash=password_hash))
    now = datetime.now(UTC)
    for associate_id in conn.execute(select(staff.c.id).where(staff.c.email.in_(emails))).scalars():
        end_sessions(conn, associate_id, now)


def demo_logins(conn: Connection, admin_email: str) -> list[DemoLogin]:
    """The demo's logins in the order admin, group, own (those that exist)."""
    by_kind = {"admin": admin_email, **_recorded_logins(conn)}
    logins = []
    for kind in LOGIN_KINDS:
        if kind not in by_kind:
            continue
        try:
            user = find_user(conn, by_kind[kind])
        except NotFound:
            continue
        rights = viewer_for(conn, user.id).rights
        logins.append(
            DemoLogin(kind, user.id, user.email, user.name, user.role, user.group, rights)
        )
    return logins


def _generate(demo: Demo, out: Writer, report: Progress) -> tuple[dict[str, int], dict[str, str]]:
    """Every table of the demo, parents first; returns the row count per table and the emails
    of the group and own logins."""
    report("Preparing", 0, 1)
    pools = name_pools(demo.seed)
    staff = build_associates(demo, pools, out)
    companies = build_companies(demo, pools, out)
    campaigns = build_campaigns(demo, out)
    forms = build_forms(demo, out)
    visits = Visits(demo, campaigns)
    report("Preparing", 1, 1)
    candidates = build_leads(demo, out, report, pools, staff, companies, forms, visits)
    build_sales(demo, out, report, staff, companies, candidates)
    counts = {table.name: out.counts.get(table.name, 0) for table in reversed(load.DATA_TABLES)}
    return counts, dict(staff.logins)
