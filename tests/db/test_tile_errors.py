"""A tile whose query fails shows its error; the tiles after it still compute, on both engines."""

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.semantic import runner as runner_module
from leadboard.semantic.compiler import QuickFilters
from leadboard.semantic.runner import Runner
from leadboard.settings import Settings


def test_failing_query_does_not_break_later_tiles(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=str(engine.url))
    dashboard = builtin_dashboards()["marketing"]
    broken = dashboard.tiles[0].key
    real_compile = runner_module.compile_tile

    def compile_with_one_broken(tile, filters, ctx, span=None):  # type: ignore[no-untyped-def]
        compiled = real_compile(tile, filters, ctx, span=span)
        if tile.key == broken:  # a function no database has: the query fails in the database
            compiled.queries["main"] = select(func.no_such_function_here().label("k"))
        return compiled

    monkeypatch.setattr(runner_module, "compile_tile", compile_with_one_broken)
    with engine.connect() as conn:
        runner = Runner(conn, end_of_day_clock(date(2026, 11, 27), settings.tz), settings.tz, "EUR")
        result = runner.dashboard(dashboard, QuickFilters())
    tiles = {t["key"]: t for t in result["tiles"]}
    assert "no_such_function_here" in tiles[broken]["error"]
    assert tiles[broken]["empty"] is True
    others = [t for key, t in tiles.items() if key != broken]
    assert others and all("error" not in t for t in others)
    assert all(t["empty"] for t in others)  # an empty database: computed, not failed
