"""`leadboard rollups check|rebuild` and the `-- path:` line of `tile explain` (issue 12).

`check` passes on a demo (exit 0, every tile compared on every variant), and fails naming the
tiles when the rollups are wrong: here a broken split of time that drops the last piece of every
window (exit 1). `rebuild` moves the `partitions` counter, so the next fast compute computes its
pieces again (cache misses go up) and still equals the base executor.
"""

import json
import os
import subprocess
import sys
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

import leadboard.semantic.executors.partitioned as partitioned
from leadboard.cli import app
from leadboard.clock import end_of_day_clock
from leadboard.dashboards.rollups import check_rollups
from leadboard.dashboards.service import FilterInput, compute_dashboard
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.db.engine import make_engine
from leadboard.db.schema import data_versions, lead_statuses
from leadboard.semantic.executors.cached import result_cache
from leadboard.settings import Settings

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from leadboard.demo import generate_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('rollups-cli') / 'demo.db'}"
    engine = make_engine(url)
    generate_demo(engine, leads=400, seed=4, today=TODAY, tz=AMS)
    engine.dispose()
    return url


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = "from leadboard.cli import app; app(prog_name='leadboard')"
    env = {
        **os.environ,
        "LEADBOARD_TIMEZONE": "Europe/Amsterdam",
        "LEADBOARD_BASE_CURRENCY": "EUR",
        "LEADBOARD_ROLLUPS_FROM": "0",  # the demo is small: in pieces all the same
    }
    return subprocess.run(
        [sys.executable, "-c", code, "--database-url", url, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_check_finds_no_difference_on_a_demo(demo_url: str) -> None:
    done = run(demo_url, "rollups", "check", "--today", str(TODAY), "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["differences"] == []
    assert found["compared"] == _expected_computes(demo_url)
    text = run(demo_url, "rollups", "check", "--today", str(TODAY))
    assert text.returncode == 0
    assert f"{found['compared']} tile computes compared: no differences" in text.stdout


def _variants(url: str) -> int:
    """None, owner, country, each active status, previous year, own rights, group rights."""
    engine = make_engine(url)
    with engine.connect() as conn:
        statuses = conn.execute(
            select(func.count()).select_from(lead_statuses).where(lead_statuses.c.active)
        ).scalar_one()
    engine.dispose()
    return 6 + int(statuses)


def _expected_computes(url: str) -> int:
    """Every tile of every built-in dashboard, per variant, computed twice by the fast one."""
    tiles = sum(len(d.tiles) for d in builtin_dashboards().values())
    return tiles * _variants(url) * 2


def test_check_names_the_tiles_that_differ(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = partitioned.pieces

    def broken(
        start: datetime, end: datetime, tz: tzinfo, months: bool = True, now: datetime | None = None
    ) -> list[partitioned.Piece]:
        found: list[partitioned.Piece] = real(start, end, tz, months, now)
        return found[:-1]

    monkeypatch.setattr(partitioned, "pieces", broken)
    monkeypatch.setenv("LEADBOARD_CACHE_MB", "7")  # a cache of its own: nothing kept from before
    monkeypatch.setenv("LEADBOARD_ROLLUPS_FROM", "0")
    result = CliRunner().invoke(
        app, ["--database-url", demo_url, "rollups", "check", "--today", str(TODAY), "--json"]
    )
    assert result.exit_code == 1, result.output
    differences = json.loads(result.stdout)["differences"]
    tiles = {d["tile"] for d in differences}
    assert "new-leads-by-campaign-ytd" in tiles  # a lead tile in pieces
    assert "pipeline-by-close-month" in tiles  # a sale tile in pieces
    assert {"dashboard", "filter", "tile"} == set(differences[0])


def test_rebuild_makes_every_piece_computed_again(demo_url: str) -> None:
    engine = make_engine(demo_url)
    settings = Settings(database_url=demo_url, executor="fast", cache_mb=9, rollups_from=0)
    clock = end_of_day_clock(TODAY, AMS)
    cache = result_cache(9)
    assert cache is not None
    first = compute_dashboard(engine, settings, clock, "marketing", FilterInput())
    misses = cache.misses
    assert compute_dashboard(engine, settings, clock, "marketing", FilterInput()) == first
    assert cache.misses == misses  # kept

    with engine.connect() as conn:
        before = conn.execute(
            select(data_versions.c.version).where(data_versions.c.name == "partitions")
        ).scalar_one()
    done = run(demo_url, "rollups", "rebuild")
    assert done.returncode == 0, done.stderr
    assert "Every piece is computed again" in done.stdout
    with engine.connect() as conn:
        after = conn.execute(
            select(data_versions.c.version).where(data_versions.c.name == "partitions")
        ).scalar_one()
    assert after == before + 1
    again = compute_dashboard(engine, settings, clock, "marketing", FilterInput())
    assert cache.misses > misses  # computed again
    base = Settings(database_url=demo_url, executor="base")
    assert again.tiles == compute_dashboard(engine, base, clock, "marketing", FilterInput()).tiles
    assert [t.tile.key for t in again.tiles] == [t.tile.key for t in first.tiles]
    engine.dispose()


def test_check_rollups_counts_every_tile(demo_url: str) -> None:
    engine = make_engine(demo_url)
    seen: list[tuple[int, int]] = []
    settings = Settings(database_url=demo_url, rollups_from=0)
    compared, differences = check_rollups(
        engine, settings, end_of_day_clock(TODAY, AMS), lambda d, t: seen.append((d, t))
    )
    assert differences == []
    variants = _variants(demo_url)
    assert seen[-1] == (3 * variants, 3 * variants)  # each dashboard x variant reported
    assert compared == _expected_computes(demo_url)
    engine.dispose()


def test_the_path_of_tiles_not_in_pieces() -> None:
    """Tiles of other entities, dated by another field, or lists by text: whole queries."""
    from leadboard.semantic.criteria import Context
    from leadboard.semantic.executors.partitioned import explain_path
    from leadboard.semantic.lookups import default_lookups
    from leadboard.semantic.plan import plan
    from leadboard.semantic.spec import QuickFilters, Tile, Translated

    ctx = Context(default_lookups(), end_of_day_clock(TODAY, AMS).now(), AMS)
    name = Translated(en="T", nl="T")
    chats = Tile(key="c", name=name, entity="chats", chart="number")
    by_status_since = Tile(
        key="s", name=name, entity="leads", chart="number", date_field="status_since", period="ytd"
    )
    by_email = Tile(key="e", name=name, entity="leads", chart="list", order_by="email")
    paths = [explain_path(plan(t, QuickFilters(), ctx)) for t in (chats, by_status_since, by_email)]
    assert paths == [
        "result cache of whole queries: only lead and sale tiles are kept in pieces "
        "(chats are not)",
        "result cache of whole queries: leads are kept in pieces by created_at; the tile is "
        "by status_since",
        "result cache of whole queries: a list ordered by a field that can be empty or is "
        "text is read from the tables",
    ]


def run_default(url: str) -> str:
    """tile explain with the default LEADBOARD_ROLLUPS_FROM."""
    code = "from leadboard.cli import app; app(prog_name='leadboard')"
    env = {k: v for k, v in os.environ.items() if k != "LEADBOARD_ROLLUPS_FROM"}
    args = ["--database-url", url, "tile", "explain", "marketing", "new-leads-by-campaign-ytd"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return done.stdout


def test_explain_says_the_path(demo_url: str) -> None:
    pieced = run(demo_url, "tile", "explain", "marketing", "new-leads-by-campaign-ytd")
    assert pieced.returncode == 0, pieced.stderr
    assert "-- path: rollups:" in pieced.stdout
    assert "-- main, one piece" in pieced.stdout
    assert "'piece_start': None" in pieced.stdout
    listed = run(demo_url, "tile", "explain", "lead-nurturing", "leads-to-re-nurture")
    assert "-- path: rollups:" in listed.stdout  # a list ordered by a date: in pieces too
    assert "-- records, one piece" in listed.stdout
    sales = run(demo_url, "tile", "explain", "sales", "sales-by-owner-ytd")
    assert "hours of sale_date" in sales.stdout
    env_base = {**os.environ, "LEADBOARD_EXECUTOR": "base"}
    assert "(from 20000 leads on; below, whole queries)" in run_default(demo_url)
    code = "from leadboard.cli import app; app(prog_name='leadboard')"
    base = subprocess.run(
        [sys.executable, "-c", code, "tile", "explain", "marketing", "new-leads-by-campaign-ytd"],
        capture_output=True,
        text=True,
        env=env_base,
        timeout=120,
        check=False,
    )
    assert "-- path: base executor" in base.stdout
