"""Engines for both back ends: SQLite pragmas on connect, psycopg 3 for PostgreSQL."""

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

BACKENDS = ("sqlite", "postgresql")
PG_OPTIONS = "-c plan_cache_mode=force_custom_plan -c random_page_cost=1.1"
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for another's write lock


class DatabaseUrlError(ValueError):
    """The database URL cannot be used: why, in words a user can act on (password hidden)."""


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    # A database error's text (logged with a 500's traceback) never shows the bound values:
    # they are emails, names and form answers.
    kwargs.setdefault("hide_parameters", True)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # psycopg prepares a statement on the server after five runs, and PostgreSQL may then plan
    # it once for any values (a generic plan): the rollups run one statement over pieces of
    # very different sizes, from minutes to months. A plan per execution fits the values.
    # random_page_cost 1.1 (the default 4 models spinning disks): a day's leads joined to their
    # companies by index, not by reading every company (at 1M leads with the country filter a
    # day piece took 36 ms as a hash join over 250,000 companies, 5 ms by index).
    connect_args = kwargs.pop("connect_args", {})
    if "options" not in make_url(url).query:  # the URL's own options win
        connect_args.setdefault("options", PG_OPTIONS)
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def take_write_lock(conn: Connection) -> None:
    """SQLite: hold the database's write lock from here to the end of the caller's transaction,
    as BEGIN IMMEDIATE would. pysqlite begins a transaction only before the first INSERT, UPDATE
    or DELETE, so the reads before it take no lock and see no snapshot: a read-modify-write (a
    status change reads the lead's status and writes the next one from it) could interleave with
    another writer's. A write that changes nothing begins the transaction and takes the lock; it
    waits with busy_timeout, since no read transaction of ours is open yet (a reader turned
    writer would get SQLITE_BUSY at once). PostgreSQL: nothing; lock the rows with FOR UPDATE."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("UPDATE meta SET key = key WHERE 0 = 1")


def open_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url` that has just connected once; DatabaseUrlError says why it cannot."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise DatabaseUrlError(
            f"{url!r} is not a database URL (use sqlite:///path/to/file.db or "
            "postgresql://user@host/database)"
        ) from None
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in BACKENDS:
        raise DatabaseUrlError(
            f"{shown}: unknown kind of database {backend!r} (use sqlite or postgresql)"
        )
    try:
        engine = make_engine(url, **kwargs)
    except (exc.ArgumentError, exc.NoSuchModuleError) as error:
        raise DatabaseUrlError(f"{shown}: {_first_line(error)}") from None
    try:
        with engine.connect():
            pass
    except exc.DBAPIError as error:
        engine.dispose()
        raise DatabaseUrlError(f"{shown}: {connect_problem(error, parsed.database)}") from None
    return engine


def connect_problem(error: exc.DBAPIError, database: str | None) -> str:
    """The driver's own reason, without SQLAlchemy's wrapping and background links."""
    reason = str(error.orig).strip() if error.orig is not None else str(error)
    lines = [line.strip() for line in reason.splitlines() if line.strip()]
    if "unable to open database file" in reason:
        return f"cannot open the SQLite file {database!r} (does its folder exist, may we write it?)"
    # psycopg: "connection failed: connection to server at ... failed: <why>" + hints.
    text = "; ".join(line for line in lines if not line.startswith(("Is the server", "HINT")))
    return text.removeprefix("connection failed: ") or type(error.orig).__name__


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets dashboards read while a capture writes; FULL sync so a committed capture survives
    # a power cut; foreign keys are off by default in SQLite.
    if not _is_memory(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # A writer waits up to 30 s for the lock (a capture during a large import waits rather
    # than fails; one that still fails is kept and retried, see capture/retry.py).
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _is_memory(dbapi_connection: Any) -> bool:
    rows = dbapi_connection.execute("PRAGMA database_list").fetchall()
    return any(row[1] == "main" and not row[2] for row in rows)
