"""Data versions (migration 0006): the database bumps a table group's counter on every write, in
the writer's transaction, whoever writes; downgrade removes the table, triggers and function."""

import importlib
from datetime import datetime

from alembic import command
from sqlalchemy import Connection, Engine, delete, insert, inspect, select, text, update

from leadboard.db.migrate import alembic_config, upgrade
from leadboard.db.schema import DATA_GROUPS, companies, data_versions, leads, sales

NOW = datetime(2026, 11, 27, 12, 0)


def versions(conn: Connection) -> dict[str, int]:
    return {
        name: int(v)
        for name, v in conn.execute(select(data_versions.c.name, data_versions.c.version))
    }


def triggered_tables(conn: Connection) -> set[str]:
    if conn.dialect.name == "sqlite":
        query = "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        query += " WHERE NOT t.tgisinternal"
    return {row[0] for row in conn.execute(text(query))}


def test_the_migrations_groups_are_the_schemas() -> None:
    migration = importlib.import_module("leadboard.db.migrations.versions.0006_data_versions")
    assert migration.GROUPS == DATA_GROUPS


def test_every_grouped_table_has_its_trigger(engine: Engine) -> None:
    """Also guards later migrations: a SQLite batch rebuild of a table drops its triggers."""
    every = {table for tables in DATA_GROUPS.values() for table in tables}
    with engine.connect() as conn:
        assert every <= set(inspect(conn).get_table_names())
        assert triggered_tables(conn) == every
        found = versions(conn)
    # `partitions` (migration 0010): moved by bulk loads only, read by every piece of the rollups
    assert set(found) == {*DATA_GROUPS, "epoch", "partitions"}
    assert all(found[group] == 0 for group in [*DATA_GROUPS, "partitions"])


def _lead(conn: Connection) -> int:
    return int(
        conn.execute(
            insert(leads)
            .values(
                status_id=1,
                status_since=NOW,
                statuses_held=2,
                created_at=NOW,
                created_via="api",
            )
            .returning(leads.c.id)
        ).scalar_one()
    )


def test_writes_bump_only_their_group_in_the_same_transaction(engine: Engine) -> None:
    with engine.connect() as conn:
        start = versions(conn)
    with engine.begin() as conn:
        lead_id = _lead(conn)
        inside = versions(conn)
        assert inside["leads"] > start["leads"]  # seen by the writer before the commit
        with engine.connect() as other:  # and by no one else yet
            assert versions(other) == start
    with engine.connect() as conn:
        after_insert = versions(conn)
    assert after_insert["leads"] > start["leads"]
    assert {g: v for g, v in after_insert.items() if g != "leads"} == {
        g: v for g, v in start.items() if g != "leads"
    }

    with engine.begin() as conn:
        conn.execute(update(leads).where(leads.c.id == lead_id).values(country="NL"))
    with engine.connect() as conn:
        after_update = versions(conn)
    assert after_update["leads"] > after_insert["leads"]

    with engine.begin() as conn:
        conn.execute(insert(companies).values(name="Acme"))  # companies: the leads group
        conn.execute(
            insert(sales).values(
                title="S",
                amount_cents=100,
                currency="EUR",
                probability=10,
                status="open",
                sale_date=NOW,
                created_at=NOW,
            )
        )
    with engine.connect() as conn:
        after_sale = versions(conn)
    assert after_sale["leads"] > after_update["leads"]
    assert after_sale["sales"] > after_update["sales"]
    assert after_sale["submissions"] == start["submissions"]

    with engine.begin() as conn:
        conn.execute(delete(leads).where(leads.c.id == lead_id))
    with engine.connect() as conn:
        after_delete = versions(conn)
    assert after_delete["leads"] > after_sale["leads"]


def test_a_rollback_takes_the_bump_back(engine: Engine) -> None:
    with engine.connect() as conn:
        start = versions(conn)
        conn.execute(text("SELECT 1"))
        conn.rollback()
        with conn.begin():
            _lead(conn)
            assert versions(conn)["leads"] > start["leads"]
            conn.rollback()
        assert versions(conn) == start


def test_downgrade_drops_table_triggers_and_function(engine: Engine) -> None:
    with engine.begin() as conn:
        epoch = versions(conn)["epoch"]
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    with engine.connect() as conn:
        assert "data_versions" not in inspect(conn).get_table_names()
        assert triggered_tables(conn) == set()
        if conn.dialect.name == "postgresql":
            found = conn.execute(
                text("SELECT count(*) FROM pg_proc WHERE proname = 'leadboard_bump_data_version'")
            ).scalar_one()
            assert found == 0
    with engine.begin() as conn:  # writes work without the table
        _lead(conn)
    upgrade(engine)
    with engine.connect() as conn:
        again = versions(conn)
    assert set(again) == {*DATA_GROUPS, "epoch", "partitions"}
    assert again["epoch"] != epoch  # built again: never the versions of the old one


def _trigger_sql(conn: Connection) -> list[tuple[str, str]]:
    if conn.dialect.name == "sqlite":
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    else:
        query = "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger"
        query += " WHERE NOT tgisinternal ORDER BY tgname"
    return [(row[0], row[1]) for row in conn.execute(text(query))]


def test_a_bulk_load_counts_its_writes_once_and_keeps_the_triggers(engine: Engine) -> None:
    """write_counters_paused (SQLite: triggers dropped for the load): every group moves, the
    triggers are back unchanged after the commit, and a load that fails changes nothing."""
    from leadboard.db.bulk import write_counters_paused

    with engine.connect() as conn:
        triggers, before = _trigger_sql(conn), versions(conn)
    with engine.begin() as conn, write_counters_paused(conn):
        for _ in range(5):
            _lead(conn)
    with engine.connect() as conn:
        after = versions(conn)
        assert _trigger_sql(conn) == triggers
    assert after["epoch"] == before["epoch"]
    moved = {group for group in DATA_GROUPS if after[group] > before[group]}
    if engine.dialect.name == "sqlite":  # every group once, not one bump per row
        assert moved == set(DATA_GROUPS)
        assert after["leads"] == before["leads"] + 1
    else:  # PostgreSQL's statement triggers stay: the group written moves
        assert moved == {"leads"}

    class Broken(Exception):
        pass

    try:
        with engine.begin() as conn, write_counters_paused(conn):
            _lead(conn)
            raise Broken
    except Broken:
        pass
    with engine.connect() as conn:
        assert _trigger_sql(conn) == triggers
        assert versions(conn) == after
        _lead_count = conn.execute(select(leads.c.id)).all()
    assert len(_lead_count) == 5
    with engine.begin() as conn:  # the triggers count row by row again
        _lead(conn)
        assert versions(conn)["leads"] > after["leads"]


def test_a_bulk_load_that_writes_nothing_moves_no_version(engine: Engine) -> None:
    from leadboard.db.bulk import write_counters_paused

    with engine.connect() as conn:
        before = versions(conn)
    with engine.begin() as conn, write_counters_paused(conn):
        conn.execute(update(leads).where(leads.c.id == -1).values(created_via="api"))
    with engine.connect() as conn:
        after = versions(conn)
    if engine.dialect.name == "sqlite":
        assert after == before
    else:  # a statement trigger fires for a statement that matched no row
        assert {g for g in after if after[g] != before[g]} == {"leads"}
