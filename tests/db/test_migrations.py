"""The Alembic migration builds the schema and the default statuses on both engines."""

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import Engine, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from leadboard.db.engine import make_engine
from leadboard.db.migrate import alembic_config, upgrade
from leadboard.db.schema import associates, lead_statuses, leads, metadata


def test_migration_creates_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    assert "alembic_version" in tables


def test_default_statuses_in_rank_order(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                lead_statuses.c.key, lead_statuses.c.on_funnel, lead_statuses.c.name_nl
            ).order_by(lead_statuses.c.rank)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("open", True, "Open"),
        ("contacting", True, "Contact opnemen"),
        ("qualified", True, "Gekwalificeerd"),
        ("disqualified", False, "Gediskwalificeerd"),
        ("re-nurture", False, "Opnieuw koesteren"),
    ]


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(select(lead_statuses.c.key)).all()


def test_upgrade_from_0001_keeps_data(db_url: str) -> None:
    """A database made by the first release, with leads, upgrades in place (on SQLite, batch
    mode rebuilds the associates table that leads refer to)."""
    engine = make_engine(db_url)
    with engine.begin() as conn:  # the fixture migrated to head: go back to 0001
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with engine.begin() as conn:  # only columns that exist in 0001
        conn.execute(insert(associates).values(id=7, email="a@example.com", name="A"))
        conn.execute(
            insert(leads).values(
                id=1,
                owner_id=7,
                status_id=1,
                status_since=datetime(2026, 1, 1),
                statuses_held=2,
                created_at=datetime(2026, 1, 1),
                created_via="api",
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(select(leads.c.owner_id)).scalar_one() == 7
        row = conn.execute(select(associates.c.email, associates.c.password_hash)).one()
        assert tuple(row) == ("a@example.com", None)
    engine.dispose()


def test_head_constant_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from leadboard.db.migrate import HEAD

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_upgrade_from_0002_links_existing_roles(db_url: str) -> None:
    """0003: the free-text roles of 0002 become links to `roles`; an unknown value is kept as a
    role of its own (with the user defaults), spellings are normalised."""
    from leadboard.db.schema import roles

    engine = make_engine(db_url)
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    values = [(1, "admin"), (2, "user"), (3, "Team_Lead"), (4, "team-lead"), (5, "")]
    with engine.begin() as conn:  # the columns of 0002 only
        for id, role in values:
            conn.execute(
                insert(associates).values(
                    id=id, email=f"a{id}@example.com", name=f"A{id}", role=role, active=True
                )
            )
    upgrade(engine)
    with engine.connect() as conn:
        linked = dict(conn.execute(select(associates.c.id, associates.c.role)).all())
        found = {r.key: tuple(r)[1:] for r in conn.execute(select(roles).order_by(roles.c.key))}
    assert linked == {1: "admin", 2: "user", 3: "team-lead", 4: "team-lead", 5: "user"}
    assert found == {
        "admin": ("Admin", "all", "all", True),
        "dashboard-admin": ("Dashboard admin", "all", "all", True),
        "team-lead": ("team-lead", "group", "group", False),
        "user": ("User", "group", "group", True),
    }
    with engine.begin() as conn, pytest.raises(IntegrityError):  # the link is a foreign key
        conn.execute(
            insert(associates).values(id=9, email="x@example.com", name="X", role="nobody")
        )
    engine.dispose()


def test_migrations_build_exactly_the_declared_schema(engine: Engine) -> None:
    """Alembic's autogenerate comparison of the migrated database with db/schema.py finds
    nothing: no table, column, index or foreign key declared in one and missing in the other."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    assert differences == []
