"""`leadboard serve` starts fast at any size (issue 12): a database at the newest schema is
upgraded with two small statements (no `PRAGMA foreign_key_check` over the whole file, no
Alembic), and the app built on the command's engine does not upgrade a second time."""

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from leadboard import app as app_module
from leadboard.app import create_app
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.settings import Settings


@pytest.fixture
def migrated(tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'start.db'}"
    engine = make_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def statements_of(engine: Engine) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return seen


def test_upgrade_at_head_runs_no_whole_database_check(migrated: Any) -> None:
    _, engine = migrated
    seen = statements_of(engine)
    upgrade(engine)
    assert not any("foreign_key_check" in s.lower() for s in seen), seen
    assert not any("create" in s.lower() or "alter" in s.lower() for s in seen), seen
    assert len(seen) <= 3, seen


def test_create_app_on_a_migrated_engine_does_not_upgrade_again(
    migrated: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, engine = migrated
    calls: list[Engine] = []
    monkeypatch.setattr(app_module, "upgrade", calls.append)
    create_app(Settings(database_url=url), engine=engine)
    assert calls == []
    web = create_app(Settings(database_url=url))  # without one: it makes and upgrades its own
    assert len(calls) == 1
    web.state.engine.dispose()


def test_postgresql_connections_plan_per_execution_and_for_cached_pages(engine: Engine) -> None:
    """Leadboard's own session settings on PostgreSQL (db/engine.py): a plan per execution and
    index reads priced for SSD or cached data; a URL with options of its own keeps them."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL session settings")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
        assert conn.exec_driver_sql("SHOW random_page_cost").scalar() == "1.1"
    url = engine.url.update_query_dict({"options": "-c random_page_cost=2"})
    own = make_engine(url.render_as_string(hide_password=False))
    try:
        with own.connect() as conn:
            assert conn.exec_driver_sql("SHOW random_page_cost").scalar() == "2"
            assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "auto"
    finally:
        own.dispose()
