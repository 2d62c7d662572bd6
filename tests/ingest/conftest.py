"""Fixtures for the import tests: the real data sets, imported once per engine and preset.

The real data sets are read from ../shared/realdata (never copied into the project). Each preset
is imported twice into a fresh database per engine at session scope; the tests compare the two
states and check figures against values computed straight from the CSV files.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from leadboard.clock import end_of_day_clock
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import metadata
from leadboard.ingest.importer import run_import
from leadboard.ingest.presets import load_preset
from leadboard.ingest.summary import Summary
from leadboard.settings import Settings
from tests.conftest import PostgresServer, database_url, missing

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
AMS = ZoneInfo("Europe/Amsterdam")

PRESET_FILES = {
    "olist-marketing-funnel": (
        "olist-marketing-funnel",
        ["olist_marketing_qualified_leads_dataset.csv", "olist_closed_deals_dataset.csv"],
    ),
    "x-education-leads": ("x-education-leads", ["Leads.csv"]),
    "maven-crm-sales-opportunities": (
        "maven-crm-sales-opportunities",
        ["sales_pipeline.csv", "accounts.csv", "sales_teams.csv"],
    ),
}
# The day each preset is imported on (`--today`): the import time of X Education's leads and of
# Maven's never-engaged prospects.
IMPORT_DAY = {
    "olist-marketing-funnel": date(2018, 5, 31),
    "x-education-leads": date(2020, 3, 16),
    "maven-crm-sales-opportunities": date(2018, 1, 15),
}


def realdata(folder: str, *names: str) -> list[Path]:
    """Paths of real data files; skips (or fails in CI) when the folder is not there."""
    paths = [REALDATA / folder / name for name in names]
    if not all(p.is_file() for p in paths):
        missing(f"real data set not found: {REALDATA / folder} (see ../shared/realdata)")
    return paths


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary key order."""
    found = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns)
            found[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return found


@dataclass
class Imported:
    preset: str
    kind: str
    engine: Engine
    settings: Settings
    files: list[Path]
    today: date
    first: Summary
    second: Summary
    before: dict[str, list[tuple[Any, ...]]]  # after the first import
    after: dict[str, list[tuple[Any, ...]]]  # after the second


def _imported(
    preset: str,
    kind: str,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[Imported]:
    folder, names = PRESET_FILES[preset]
    files = realdata(folder, *names)
    url = database_url(kind, tmp_path_factory, pg_server)
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(database_url=url)
    today = IMPORT_DAY[preset]

    def once() -> Summary:
        return run_import(
            engine,
            load_preset(preset),
            files,
            tz=settings.tz,
            base_currency=settings.base_currency,
            clock=end_of_day_clock(today, AMS),
        )

    first = once()
    before = snapshot(engine)
    second = once()
    after = snapshot(engine)
    yield Imported(preset, kind, engine, settings, files, today, first, second, before, after)
    engine.dispose()
    if kind == "postgresql" and pg_server is not None:
        pg_server.drop_database(url)


def _fixture(preset: str, kind: str) -> Callable[..., Iterator[Imported]]:
    @pytest.fixture(scope="session")
    def fixture(
        tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
    ) -> Iterator[Imported]:
        yield from _imported(preset, kind, tmp_path_factory, pg_server)

    return fixture


olist_sqlite = _fixture("olist-marketing-funnel", "sqlite")
olist_postgresql = _fixture("olist-marketing-funnel", "postgresql")
xed_sqlite = _fixture("x-education-leads", "sqlite")
xed_postgresql = _fixture("x-education-leads", "postgresql")
maven_sqlite = _fixture("maven-crm-sales-opportunities", "sqlite")
maven_postgresql = _fixture("maven-crm-sales-opportunities", "postgresql")

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def olist(request: pytest.FixtureRequest) -> Imported:
    return request.getfixturevalue(f"olist_{request.param}")  # type: ignore[no-any-return]


@pytest.fixture(params=ENGINES)
def xed(request: pytest.FixtureRequest) -> Imported:
    return request.getfixturevalue(f"xed_{request.param}")  # type: ignore[no-any-return]


@pytest.fixture(params=ENGINES)
def maven(request: pytest.FixtureRequest) -> Imported:
    return request.getfixturevalue(f"maven_{request.param}")  # type: ignore[no-any-return]


@pytest.fixture(params=[f"{p}_{e}" for p in ("olist", "xed", "maven") for e in ENGINES])
def any_preset(request: pytest.FixtureRequest) -> Imported:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]
