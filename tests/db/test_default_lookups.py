"""`tile explain` without a database plans with the reference data of a new database: the default
statuses must be exactly those the migrations store (both engines)."""

from sqlalchemy import Engine

from leadboard.semantic.lookups import default_lookups, load_lookups


def test_the_default_statuses_are_those_of_a_new_database(engine: Engine) -> None:
    with engine.connect() as conn:
        stored = load_lookups(conn)
    defaults = default_lookups()
    assert defaults.statuses == stored.statuses
    assert (defaults.associates, defaults.forms, defaults.rates) == ((), (), {})
    assert [s.key for s in defaults.funnel_path] == ["open", "contacting", "qualified"]
