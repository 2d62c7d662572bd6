"""The SQL of every query of every built-in tile, per dialect, byte for byte (issue 9 item 3).

What `leadboard tile explain` prints without a database: the plan is pure, so no database is
involved; the reference data are the defaults of a new database (semantic.lookups.default_lookups)
and the clock is fixed (27 November 2026, Europe/Amsterdam). Each file shows three cases: no
filter; country, status and a replaced period; and the period `all` (a date series then shows
only its span query). SQL is compiled with bound parameters (`literal_binds=False`), listed by
name. A change of a snapshot is a change of the SQL the product runs: regenerate them only for
an intended change (see tests/golden.py), and read the diff.
"""

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect, make_url

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput, explain_tile
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.semantic.lookups import default_lookups
from leadboard.settings import Settings
from tests.golden import assert_golden

SNAPSHOTS = Path(__file__).parent / "snapshots"
AMS = ZoneInfo("Europe/Amsterdam")
CLOCK = end_of_day_clock(date(2026, 11, 27), AMS)
SETTINGS = Settings(database_url="sqlite://", timezone="Europe/Amsterdam")
DIALECTS: dict[str, Dialect] = {
    "sqlite": sqlite.dialect(),
    "postgresql": make_url("postgresql+psycopg://").get_dialect()(),
}
CASES = {
    "no filter": FilterInput(),
    "country nl, status qualified, period previous-quarter": FilterInput(
        country="nl", status="qualified", period="previous-quarter"
    ),
    "period all": FilterInput(period="all"),
}
TILES = [(slug, tile.key) for slug, d in builtin_dashboards().items() for tile in d.tiles]


def snapshot(slug: str, tile_key: str, dialect: Dialect) -> str:
    out = [f"-- {slug} / {tile_key} ({dialect.name}, reference data: the defaults)"]
    for case, filters in CASES.items():
        out.append(f"\n-- ===== {case}")
        for query in explain_tile(
            default_lookups(), SETTINGS, CLOCK, slug, tile_key, filters, dialect
        ):
            out.append(f"\n-- {query.name}")
            out += [line.rstrip() for line in query.sql.strip().splitlines()]
            out.append("-- parameters:")
            out += [f"--   {name} = {value!r}" for name, value in sorted(query.params.items())]
    return "\n".join(out) + "\n"


def test_every_builtin_tile_has_a_snapshot_case() -> None:
    assert len(TILES) == sum(len(d.tiles) for d in builtin_dashboards().values()) > 15


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("slug", "tile_key"), TILES, ids=[f"{s}/{t}" for s, t in TILES])
def test_the_sql_of_every_tile_is_unchanged(slug: str, tile_key: str, dialect: str) -> None:
    text = snapshot(slug, tile_key, DIALECTS[dialect])
    assert_golden(SNAPSHOTS / dialect / f"{slug}--{tile_key}.sql", text)


def test_values_are_bound_never_inlined() -> None:
    """A filter value appears among the parameters, not in the SQL text."""
    for dialect in DIALECTS.values():
        text = snapshot("marketing", "new-leads-from-chats-ytd", dialect)
        lines = text.splitlines()
        sql = [line for line in lines if not line.startswith("--")]
        params = [line for line in lines if line.startswith("--   ")]
        assert not any("chat" in line or "'NL'" in line for line in sql)
        assert any("'chat'" in line for line in params)
        assert any("'NL'" in line for line in params)
