"""`leadboard backup PATH` and `leadboard restore PATH`: a copy of the database, and back.

SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), page by page under one read
transaction of the source, so the copy is one consistent moment while the server goes on
writing (WAL: the writers never wait for the copy, the copy never restarts for them). The copy
is written next to PATH and renamed into place when complete and checked. `restore` copies a
backup into the configured database the same way, after checking that the file is a Leadboard
database (an `alembic_version` this release knows), then brings it to the newest schema. It
refuses, without `--force`, to replace a database that holds leads or that another process has
open (a server: stop it first).

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner`, run when
they are installed (the password goes in PGPASSWORD, never on the command line); without them
the commands print what to run. See the README, "Backups".
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from leadboard.cli.root import Env, app, console, env, errors, fail, open_database

# Bigger databases report progress on stderr; the copy goes this many pages a step.
PROGRESS_FROM_BYTES = 32 * 1024 * 1024
STEP_PAGES = 4096

Force = Annotated[
    bool, typer.Option("--force", help="Overwrite PATH, or a database in use or with data")
]


@app.command("backup")
def backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The backup file to write")],
    force: Force = False,
) -> None:
    """Copy the database to PATH, consistent while the server writes.

    SQLite: the online backup API; PostgreSQL: pg_dump."""
    e = env(ctx)
    url = _url(e)
    if url.get_backend_name() != "sqlite":
        _pg_dump(url, path)
        return
    source = _sqlite_file(url)
    if not source.exists():
        fail(f"database-url: no SQLite file {str(source)!r}")
    if path.exists() and not force:
        fail(f"{path} exists: pass --force to overwrite it")
    if path.resolve() == source.resolve():
        fail("the backup cannot be the database itself")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        leads = _copy(source, partial, "backup")
        _check(partial)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        fail(f"backup failed: {exc}")
    partial.replace(path)
    console.print(f"Backed up {leads} leads to {path}", highlight=False, markup=False)


@app.command("restore")
def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A backup made by `leadboard backup`")],
    force: Force = False,
) -> None:
    """Replace the database with the backup at PATH and bring it to the newest schema."""
    e = env(ctx)
    url = _url(e)
    if not path.is_file():
        fail(f"no file {str(path)!r}")
    if url.get_backend_name() != "sqlite":
        _pg_restore(e, url, path, force)
        return
    revision = _leadboard_revision(path)
    target = _sqlite_file(url)
    if target.exists() and not force:
        problem = _refusal(target)
        if problem:
            fail(f"{problem}: pass --force to replace it")
    try:
        leads = _copy(path, target, "restore")
    except sqlite3.Error as exc:
        fail(f"restore failed: {exc}")
    _new_epoch(open_database(e.settings.database_url))  # upgraded to the newest schema
    console.print(
        f"Restored {leads} leads from {path} (schema {revision}, now up to date)",
        highlight=False,
        markup=False,
    )


def _new_epoch(engine) -> None:  # type: ignore[no-untyped-def]
    """A restored file is another database for the caches of running servers (see
    renew_epoch)."""
    from leadboard.semantic.executors.cached import renew_epoch

    try:
        with engine.begin() as conn:
            renew_epoch(conn)
    finally:
        engine.dispose()


# -- SQLite ------------------------------------------------------------------------------------


def _url(e: Env):  # type: ignore[no-untyped-def]
    from sqlalchemy.engine import make_url

    return make_url(e.settings.database_url)


def _sqlite_file(url) -> Path:  # type: ignore[no-untyped-def]
    if not url.database or url.database == ":memory:":
        fail("database-url: an in-memory database has nothing to back up or restore")
    return Path(url.database)


def _copy(source: Path, target: Path, what: str) -> int:
    """Copy with the backup API under one read transaction of the source (a consistent
    snapshot); returns the number of leads copied."""
    src = sqlite3.connect(source, isolation_level=None)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        src.execute("PRAGMA busy_timeout=5000")
        dst.execute("PRAGMA busy_timeout=5000")
        src.execute("BEGIN")  # the snapshot: writers go on, the copy sees none of their work
        leads = _leads(src)
        page_size = src.execute("PRAGMA page_size").fetchone()[0]
        pages = src.execute("PRAGMA page_count").fetchone()[0]
        report = page_size * pages >= PROGRESS_FROM_BYTES

        def progress(_status: int, remaining: int, total: int) -> None:
            if report and total:
                done = 100 * (total - remaining) // total
                errors.print(f"{what}: {done}% of {total * page_size // 2**20} MB", highlight=False)

        src.backup(dst, pages=STEP_PAGES, progress=progress)
        src.execute("COMMIT")
        return leads
    finally:
        src.close()
        dst.close()


def _leads(conn: sqlite3.Connection) -> int:
    has = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='leads'").fetchone()
    return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0]) if has else 0


def _check(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise sqlite3.DatabaseError(f"the copy does not check out: {result}")


def _leadboard_revision(path: Path) -> str:
    """The file's schema revision; fail unless it is a Leadboard database this release knows."""
    from alembic.script import ScriptDirectory

    from leadboard.db.migrate import alembic_config

    known = {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            row = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        ok, row, revision = False, None, None
    if not ok or row is None or revision is None:
        fail(f"{path} is not a Leadboard database (no SQLite file with an alembic_version)")
    if revision[0] not in known:
        fail(f"{path} has schema {revision[0]!r}, unknown to this release (made by a newer one?)")
    return str(revision[0])


def _refusal(target: Path) -> str | None:
    """Why replacing the database at `target` needs --force, or None."""
    conn = sqlite3.connect(target, isolation_level=None, timeout=0)
    try:
        leads = _leads(conn)
        # Leaving WAL mode needs the only connection to the file: another one (a server) fails
        # it. The mode is the target's own again after the restore's copy.
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode == "wal":
                conn.execute("PRAGMA journal_mode=DELETE")
                conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            return f"{target} is in use by another process (a running server?)"
    finally:
        conn.close()
    if leads:
        return f"{target} holds {leads} leads"
    return None


# -- PostgreSQL --------------------------------------------------------------------------------


def _libpq(url) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """A libpq URI without the password, and the environment that carries it."""
    plain = url.set(drivername="postgresql", password=None)
    extra = {"PGPASSWORD": str(url.password)} if url.password else {}
    return plain.render_as_string(hide_password=False), {**os.environ, **extra}


def _pg_dump(url, path: Path) -> None:  # type: ignore[no-untyped-def]
    uri, environment = _libpq(url)
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", f"--dbname={uri}"]
    if shutil.which("pg_dump") is None:
        console.print(
            "pg_dump is not installed here; on a machine with the PostgreSQL client run:\n  "
            + " ".join(command),
            highlight=False,
            markup=False,
        )
        raise typer.Exit(2)
    done = subprocess.run(command, env=environment, check=False)  # noqa: S603 - no shell
    if done.returncode != 0:
        fail(f"pg_dump failed (exit code {done.returncode})")
    console.print(f"Backed up to {path} (pg_dump, custom format)", highlight=False, markup=False)


def _pg_restore(e: Env, url, path: Path, force: bool) -> None:  # type: ignore[no-untyped-def]
    uri, environment = _libpq(url)
    command = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={uri}",
        str(path),
    ]
    if shutil.which("pg_restore") is None:
        console.print(
            "pg_restore is not installed here; on a machine with the PostgreSQL client run:\n  "
            + " ".join(command),
            highlight=False,
            markup=False,
        )
        raise typer.Exit(2)
    listing = subprocess.run(  # noqa: S603 - no shell
        [command[0], "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0 or "TABLE public alembic_version" not in listing.stdout:
        fail(f"{path} is not a Leadboard pg_dump (custom format with an alembic_version table)")
    if not force:
        from sqlalchemy import text

        from leadboard.db.engine import open_engine

        engine = open_engine(e.settings.database_url)
        try:
            with engine.connect() as conn:
                has = conn.execute(text("SELECT to_regclass('public.leads')")).scalar()
                leads = conn.execute(text("SELECT count(*) FROM leads")).scalar() if has else 0
        finally:
            engine.dispose()
        if leads:
            fail(f"the database holds {leads} leads: pass --force to replace it")
    done = subprocess.run(command, env=environment, check=False)  # noqa: S603 - no shell
    if done.returncode != 0:
        fail(f"pg_restore failed (exit code {done.returncode})")
    _new_epoch(open_database(e.settings.database_url))
    console.print(f"Restored {path} (pg_restore), schema up to date", highlight=False, markup=False)
