"""A tile that fails shows a message a viewer can read and the exception goes to the log; the
tiles after it still compute, on both engines (SPEC 4, issue 9 item 6). Chart kinds that nothing
computes are refused when a dashboard is defined."""

import dataclasses
import logging
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.dashboards.storage import DashboardDefinitionError, parse_dashboard
from leadboard.db.schema import sales
from leadboard.semantic.criteria import Context
from leadboard.semantic.executors import base
from leadboard.semantic.periods import Window
from leadboard.semantic.plan import Plan
from leadboard.semantic.plan import plan as real_plan
from leadboard.semantic.results import FailedResult
from leadboard.semantic.spec import ALL, QuickFilters, Scope, Tile
from leadboard.settings import Settings
from leadboard.web.present import dashboard_json, dashboard_results

TODAY = date(2026, 11, 27)
LOGGER = "leadboard.semantic.executors.base"


def compute(engine: Engine, slug: str, lang: str = "en") -> dict[str, dict[str, Any]]:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(TODAY, settings.tz)
    result = dashboard_json(engine, settings, clock, slug, FilterInput(), lang)
    return {t["key"]: t for t in result["tiles"]}


def break_tile(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    """The tile's main query calls a function no database has: it fails in the database."""

    def plan_with_one_broken(
        tile: Tile,
        filters: QuickFilters,
        ctx: Context,
        span: Window | None = None,
        scope: Scope = ALL,
    ) -> Plan:
        planned = real_plan(tile, filters, ctx, span=span, scope=scope)
        if tile.key != key:
            return planned
        broken = select(func.no_such_function_here().label("k"))
        return dataclasses.replace(planned, queries={**planned.queries, "main": broken})

    monkeypatch.setattr(base, "plan", plan_with_one_broken)


def test_a_failing_query_says_the_tile_could_not_be_computed_and_logs_why(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken = "new-leads-by-campaign-ytd"
    break_tile(monkeypatch, broken)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        tiles = compute(engine, "marketing")
    assert tiles[broken]["error"] == "This tile could not be computed"
    assert tiles[broken]["empty"] is True
    assert tiles[broken]["period"]["name"] == "ytd"  # planned before it failed
    # the database's message is in the log with its traceback, never on the tile
    failure = next(r for r in caplog.records if broken in r.getMessage())
    assert failure.exc_info is not None
    assert "no_such_function_here" in str(failure.exc_info[1]).lower()
    others = [t for key, t in tiles.items() if key != broken]
    assert others
    assert all("error" not in t for t in others)
    assert all(t["empty"] for t in others)  # an empty database: computed, not failed


def test_the_message_is_in_the_viewers_language(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_tile(monkeypatch, "new-leads-per-month")
    tiles = compute(engine, "marketing", lang="nl")
    assert tiles["new-leads-per-month"]["error"] == "Deze tegel kon niet worden berekend"


def test_a_bug_in_python_never_shows_its_text(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_run = base.BaseExecutor.run

    def run(self, conn, tile_plan):  # type: ignore[no-untyped-def]
        if tile_plan.tile.key == "leads-by-status":
            raise AssertionError("internal detail 0x5eed")
        return real_run(self, conn, tile_plan)

    monkeypatch.setattr(base.BaseExecutor, "run", run)
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    clock = end_of_day_clock(TODAY, settings.tz)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        typed, presented = dashboard_results(
            engine, settings, clock, "lead-nurturing", FilterInput(), "en"
        )
    failed = [r for r in typed.tiles if isinstance(r, FailedResult)]
    assert [r.tile.key for r in failed] == ["leads-by-status"]
    assert failed[0].message is None
    tile = next(t for t in presented["tiles"] if t["key"] == "leads-by-status")
    assert tile["error"] == "This tile could not be computed"
    assert "0x5eed" not in str(presented)
    assert any("0x5eed" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_an_error_the_admin_can_fix_keeps_its_message(engine: Engine) -> None:
    """A sale in a currency without an exchange rate: the money tiles say which rate to set."""
    at = datetime(2026, 11, 2, 10)
    with engine.begin() as conn:
        conn.execute(
            insert(sales).values(
                id=1,
                title="Dollar deal",
                amount_cents=10_000,
                currency="USD",
                probability=50,
                status="open",
                sale_date=at,
                created_at=at,
            )
        )
    tiles = compute(engine, "sales")
    error = tiles["pipeline-by-creation-source"]["error"]
    assert error.startswith("no exchange rate for USD to EUR")
    assert "leadboard rates set USD" in error
    assert "error" not in tiles["sales-by-creation-source"]  # counts need no rate


def dashboard_with(chart: str) -> str:
    return (
        "slug: d\nname: {en: D, nl: D}\ntiles:\n"
        f"  - {{key: t, name: {{en: T, nl: T}}, chart: {chart}, entity: leads}}\n"
    )


def test_an_unknown_chart_kind_is_refused_when_defined() -> None:
    with pytest.raises(DashboardDefinitionError) as caught:
        parse_dashboard(dashboard_with("radar"), "d.yaml")
    message = str(caught.value)
    assert message.startswith("d.yaml: tiles.0.chart: ")
    assert "unknown chart kind 'radar'" in message
    assert "funnel" in message
    assert "html" in message


@pytest.mark.parametrize(("chart", "field"), [("web", "url"), ("html", "html")])
def test_a_panel_without_its_content_is_refused_when_defined(chart: str, field: str) -> None:
    with pytest.raises(DashboardDefinitionError) as caught:
        parse_dashboard(dashboard_with(chart), "d.yaml")
    assert f"{field}: a" in str(caught.value)
    assert f"{chart} tile needs" in str(caught.value)


def test_an_unknown_chart_kind_names_the_field_and_the_kinds() -> None:
    with pytest.raises(DashboardDefinitionError) as caught:
        parse_dashboard(dashboard_with("pies"), "d.yaml")
    message = str(caught.value)
    assert "tiles.0.chart: " in message
    assert "unknown chart kind 'pies'" in message
    assert "pie, donut, funnel, number" in message
    with pytest.raises(ValueError, match="chart"):
        Tile.model_validate(
            {"key": "t", "name": {"en": "T", "nl": "T"}, "chart": "radar", "entity": "leads"}
        )
