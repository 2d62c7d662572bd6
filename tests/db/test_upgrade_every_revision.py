"""A database built by every earlier schema revision, with data in every table, upgrades to the
newest one and keeps that data (issue 13 item 7), on SQLite and PostgreSQL.

For each revision: the fresh database is taken down to it (Alembic downgrade), its tables as that
revision has them are read from the database itself (reflection), and every table gets rows of
values of each column's type (foreign keys pointing at rows of the tables they refer to; tables
the migrations seed, such as the statuses, keep their own rows). After `upgrade`, every row is
still there with the same values in every column the newest schema still has, and the built-in
dashboards compute on it without a tile error. The rows are generated from the reflected schema,
not written per revision, so a migration added later is covered without touching this test.
"""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, Table, func, insert, select, types
from sqlalchemy.schema import sort_tables

from leadboard.clock import FixedClock
from leadboard.dashboards.service import FilterInput
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.db.engine import make_engine
from leadboard.db.migrate import HEAD, alembic_config, upgrade
from leadboard.settings import Settings
from leadboard.web.present import dashboard_json

ROWS = 3  # per table the test fills


def earlier_revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [revision.revision for revision in script.walk_revisions()]
    return sorted(revision for revision in revisions if revision != HEAD)


# Text columns whose values the app reads as something else: a value of that kind.
MEANING: dict[tuple[str, str], Any] = {
    ("currency_rates", "rate"): lambda n: f"1.{n + 1}",
    ("currency_rates", "currency"): lambda n: ["USD", "GBP", "SEK"][n],
}


def value_for(table: Table, column: Any, n: int) -> Any:
    if (table.name, column.name) in MEANING:
        return MEANING[table.name, column.name](n)
    kind = column.type
    text = f"{n}-{table.name[:12]}-{column.name[:12]}"  # n first: unique when cut short
    if isinstance(kind, types.Boolean):
        return n % 2 == 0
    if isinstance(kind, types.Integer):
        return n + 1
    if isinstance(kind, types.Numeric | types.Float):
        return Decimal(f"{n + 1}2.50")
    if isinstance(kind, types.DateTime):
        return datetime(2025, 3, 1 + n, 9, 30)
    if isinstance(kind, types.Date):
        return date(2025, 3, 1 + n)
    if isinstance(kind, types.JSON):
        return {"n": n, "text": text}
    if isinstance(kind, types.LargeBinary):
        return text.encode()
    if isinstance(kind, types.String) and kind.length:
        return text[: kind.length]
    return text


def fill(conn: Connection, tables: list[Table]) -> dict[str, list[dict[str, Any]]]:
    """Rows in every table that has none; the rows of every table afterwards."""
    keys: dict[str, list[Any]] = {}
    for table in tables:
        if table.name == "alembic_version":
            continue
        if conn.execute(select(func.count()).select_from(table)).scalar_one() == 0:
            for n in range(ROWS):
                row: dict[str, Any] = {}
                for column in table.columns:
                    if (
                        column.primary_key
                        and column.autoincrement in (True, "auto")
                        and (isinstance(column.type, types.Integer) and len(table.primary_key) == 1)
                    ):
                        continue  # the database numbers it
                    targets = [fk.column for fk in column.foreign_keys]
                    if targets:
                        found = keys.get(f"{targets[0].table.name}.{targets[0].name}", [])
                        row[column.name] = found[n % len(found)] if found else None
                    else:
                        row[column.name] = value_for(table, column, n)
                conn.execute(insert(table).values(**row))
        for column in table.columns:
            keys[f"{table.name}.{column.name}"] = list(conn.execute(select(column)).scalars())
    return {
        table.name: [dict(r._mapping) for r in conn.execute(select(table))]
        for table in tables
        if table.name != "alembic_version"
    }


def comparable(value: Any) -> Any:
    """A value as it compares across the upgrade (and hashes): JSON as canonical text."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)  # SQLite may hand JSON back as its text
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, Decimal | float):
        return Decimal(str(value)).normalize()
    return value


@pytest.mark.parametrize("revision", earlier_revisions())
def test_a_database_of_an_earlier_revision_upgrades_with_its_data(
    db_url: str, revision: str
) -> None:
    engine: Engine = make_engine(db_url)
    try:
        with engine.begin() as conn:  # the fixture migrated to head: back to `revision`
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, revision)
        old = MetaData()
        with engine.begin() as conn:
            old.reflect(conn)
            tables = sort_tables(old.tables.values(), skip_fn=lambda fk: fk.use_alter)
            before = fill(conn, list(tables))
        upgrade(engine)
        new = MetaData()
        with engine.connect() as conn:
            new.reflect(conn)
            for name, rows in before.items():
                assert name in new.tables, f"{revision}: table {name} is gone"
                table = new.tables[name]
                kept = [c.name for c in old.tables[name].columns if c.name in table.columns]
                now = {
                    tuple(comparable(r._mapping[c]) for c in kept)
                    for r in conn.execute(select(table))
                }
                for row in rows:
                    values = tuple(comparable(row[c]) for c in kept)
                    assert values in now, f"{revision}: a row of {name} changed or is gone: {row}"
        # The app works on it: every built-in dashboard computes with no tile error.
        settings = Settings(database_url=db_url)
        clock = FixedClock(datetime(2025, 3, 10, 12, tzinfo=UTC))
        for slug in builtin_dashboards():
            found = dashboard_json(engine, settings, clock, slug, FilterInput(), "en")
            errors = [tile.get("error") for tile in found["tiles"] if tile.get("error")]
            assert errors == [], f"{revision}: {slug}: {errors}"
    finally:
        engine.dispose()
