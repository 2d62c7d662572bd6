"""Benchmark: generate demo data at 100k and 1M leads, time every tile and whole dashboards on
SQLite and PostgreSQL (median of N runs), and write JSON + a table.

    make bench                                   # 100k and 1M leads, both engines
    .venv/bin/python bench/dashboards.py --sizes 100000 --engines sqlite --runs 5

Generated databases are kept for reuse (SQLite files in bench/results/, PostgreSQL databases named
leadboard_bench_<size>) unless --drop is given. Timings include executing the queries and shaping
the JSON; the machine's other load shows as noise, so compare medians.
"""

import argparse
import json
import os
import platform
import statistics
import time
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, select, text

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput, open_executor
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import meta
from leadboard.demo import generate_demo
from leadboard.semantic.executors import compute_tile
from leadboard.settings import Settings
from leadboard.web.present import dashboard_json

RESULTS = Path(__file__).parent / "results"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TODAY = date(2026, 11, 27)
SEED = 1
console = Console()


def database(engine_kind: str, size: int) -> str:
    if engine_kind == "sqlite":
        RESULTS.mkdir(exist_ok=True)
        return f"sqlite:///{RESULTS / f'bench-{size}.db'}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    name = f"leadboard_bench_{size}"
    with admin.connect() as conn:
        if not conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_SERVER.rsplit("/", 1)[0] + f"/{name}"


def drop(engine_kind: str, size: int) -> None:
    if engine_kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{RESULTS / f'bench-{size}.db'}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "leadboard_bench_{size}" WITH (FORCE)'))
    admin.dispose()


def ensure_data(url: str, size: int, settings: Settings) -> float | None:
    """Generate the demo data unless this database already holds the same set; seconds taken."""
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as conn:
        facts = dict(conn.execute(select(meta.c.key, meta.c.value)).all())
    wanted = {"demo_leads": str(size), "demo_seed": str(SEED), "demo_today": TODAY.isoformat()}
    if all(facts.get(k) == v for k, v in wanted.items()):
        engine.dispose()
        return None
    console.print(f"generating {size:,} leads into {url} ...")
    started = time.perf_counter()
    generate_demo(engine, leads=size, seed=SEED, today=TODAY, tz=settings.tz, replace=True)
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def median_ms(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def bench_one(url: str, runs: int) -> dict[str, Any]:
    settings = Settings(database_url=url)
    engine = make_engine(url)
    clock = end_of_day_clock(TODAY, settings.tz)
    with engine.connect() as conn:
        owner = conn.execute(
            text(
                "SELECT a.email FROM associates a JOIN leads l ON l.owner_id = a.id "
                "GROUP BY a.email ORDER BY count(*) DESC, a.email LIMIT 1"
            )
        ).scalar_one()
    variants = {
        "no filter": FilterInput(),
        "owner": FilterInput(owner=owner),
        "country NL": FilterInput(country="NL"),
    }
    result: dict[str, Any] = {"dashboards": {}, "tiles": {}}
    for slug, dashboard in builtin_dashboards().items():
        result["dashboards"][slug] = {
            name: median_ms(partial(dashboard_json, engine, settings, clock, slug, f), runs)
            for name, f in variants.items()
        }
        with engine.connect() as conn:
            executor, run = open_executor(conn, settings, clock, FilterInput())
            for tile in dashboard.tiles:
                key = f"{slug}/{tile.key}"
                once = partial(compute_tile, executor, conn, tile, run.filters)
                result["tiles"][key] = median_ms(once, runs)
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drop", action="store_true", help="drop the generated databases after")
    args = parser.parse_args()

    report: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "runs": args.runs,
        "today": TODAY.isoformat(),
        "results": {},
    }
    for size in args.sizes:
        for kind in args.engines:
            url = database(kind, size)
            generated = ensure_data(url, size, Settings(database_url=url))
            timings = bench_one(url, args.runs)
            timings["generate_seconds"] = None if generated is None else round(generated, 1)
            report["results"][f"{kind}/{size}"] = timings
            if args.drop:
                drop(kind, size)

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"dashboards-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2))
    show(report)
    console.print(f"written {out}")


def show(report: dict[str, Any]) -> None:
    columns = list(report["results"])
    table = Table("dashboard / tile (median ms)", *columns, title="Whole dashboards")
    first = report["results"][columns[0]]
    for slug, variants in first["dashboards"].items():
        for variant in variants:
            table.add_row(
                f"{slug} ({variant})",
                *[str(report["results"][c]["dashboards"][slug][variant]) for c in columns],
            )
    console.print(table)
    tiles = Table("tile (median ms, no filter)", *columns, title="Tiles")
    for key in first["tiles"]:
        tiles.add_row(key, *[str(report["results"][c]["tiles"][key]) for c in columns])
    console.print(tiles)
    generated = {c: report["results"][c]["generate_seconds"] for c in columns}
    console.print(f"demo generation seconds (None = reused): {generated}")


if __name__ == "__main__":
    main()
