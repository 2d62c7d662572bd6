"""The Alembic migration builds the schema and the default statuses on both engines."""

from sqlalchemy import Engine, inspect, select

from leadboard.db.migrate import upgrade
from leadboard.db.schema import lead_statuses, metadata


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
