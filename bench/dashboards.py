"""Benchmark: every built-in dashboard, per quick filter, rights scope and executor, cold (the
first compute after a write) and warm (the same again), over demo data on SQLite and PostgreSQL.

    make bench                                   # 100k and 1M leads, both engines
    .venv/bin/python bench/dashboards.py --sizes 100000 --engines sqlite --runs 3

For each engine, size, dashboard, filter (none, owner, country NL, status qualified, period
previous-year), scope (own, group, all: the demo's group user, own user and no restriction) and
executor (base: one query per tile on the tables; fast: the result cache):

* `cold_ms`: a tiny write first (a lead inserted and deleted, committed: it bumps the `leads`
  data version), then the compute; `warm_ms`: the same compute again. Median of --runs.
* `where`: `compute` (service.compute_dashboard and the JSON, in this process) or `api`
  (`GET /api/dashboards/{slug}` through FastAPI's TestClient, in process, with a token of the
  scope's user: routing, rights, JSON encoding included; no network).
* `ratio`: base warm_ms / this warm_ms (`cold_ratio` the same for cold): how many times faster.

Prints one table and writes bench/results/dashboards.json (and a timestamped copy). Generated
databases are kept for reuse (SQLite files in bench/results/, PostgreSQL databases named
leadboard_bench_<size>) unless --drop is given. `--tiles` also times every tile alone (base).
The machine's other load shows as noise: the load average is recorded with the results.
"""

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, delete, insert, select, text

from leadboard.app import create_app
from leadboard.auth.tokens import create_token
from leadboard.clock import FixedClock, end_of_day_clock
from leadboard.dashboards.service import FilterInput, open_executor
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import leads, meta
from leadboard.demo import demo_logins, generate_demo
from leadboard.domain.users import viewer_for
from leadboard.semantic.executors import compute_tile
from leadboard.semantic.rights import scope_for
from leadboard.semantic.spec import ALL, Scope
from leadboard.settings import ExecutorKind, Settings
from leadboard.web.present import dashboard_json

RESULTS = Path(__file__).parent / "results"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TODAY = date(2026, 11, 27)
SEED = 1
console = Console(width=200)


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


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def tiny_write(engine: Engine) -> None:
    """Insert and delete a lead in one committed transaction: the leads data version moves."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        lead_id = conn.execute(
            insert(leads)
            .values(
                status_id=1,
                status_since=now,
                statuses_held=2,
                created_at=now,
                created_via="api",
            )
            .returning(leads.c.id)
        ).scalar_one()
        conn.execute(delete(leads).where(leads.c.id == lead_id))


def cold_warm(engine: Engine, fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median ms of the first call after a tiny write, and of the same call again."""
    cold, warm = [], []
    for _ in range(runs):
        tiny_write(engine)
        started = time.perf_counter()
        fn()
        cold.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        fn()
        warm.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(cold), 1), round(statistics.median(warm), 1)


def filters_of(engine: Engine) -> dict[str, FilterInput]:
    with engine.connect() as conn:
        owner = conn.execute(
            text(
                "SELECT a.email FROM associates a JOIN leads l ON l.owner_id = a.id "
                "GROUP BY a.email ORDER BY count(*) DESC, a.email LIMIT 1"
            )
        ).scalar_one()
    return {
        "none": FilterInput(),
        "owner": FilterInput(owner=owner),
        "country NL": FilterInput(country="NL"),
        "status qualified": FilterInput(status="qualified"),
        "previous-year": FilterInput(period="previous-year"),
    }


def viewers_of(engine: Engine) -> dict[str, tuple[int | None, Scope]]:
    """scope name -> (associate id for an API token, None: no user; the rights scope)."""
    found: dict[str, tuple[int | None, Scope]] = {}
    with engine.connect() as conn:
        for login in demo_logins(conn, "nobody@bench.example"):
            if login.kind in ("group", "own"):
                found[login.kind] = (login.id, scope_for(conn, viewer_for(conn, login.id)))
    found["all"] = (None, ALL)
    return dict(sorted(found.items(), key=lambda kv: ("own", "group", "all").index(kv[0])))


def params_of(f: FilterInput) -> dict[str, str]:
    return {
        k: v
        for k, v in (
            ("owner", f.owner),
            ("country", f.country),
            ("status", f.status),
            ("period", f.period),
        )
        if v is not None
    }


def bench_one(
    kind: str, size: int, url: str, runs: int, api: bool, executors: list[ExecutorKind]
) -> list[dict[str, Any]]:
    engine = make_engine(url)
    filters = filters_of(engine)
    viewers = viewers_of(engine)
    rows: list[dict[str, Any]] = []
    settings_of = {x: Settings(database_url=url, executor=x) for x in executors}
    clock = end_of_day_clock(TODAY, settings_of[executors[0]].tz)
    for slug in builtin_dashboards():
        for fname, f in filters.items():
            for sname, (_, scope) in viewers.items():
                for x in executors:
                    once = partial(
                        dashboard_json, engine, settings_of[x], clock, slug, f, "en", scope
                    )
                    cold, warm = cold_warm(engine, once, runs)
                    rows.append(row(kind, size, slug, fname, sname, x, "compute", cold, warm))
                    console.print(rows[-1], highlight=False)
    if api:
        rows += bench_api(kind, size, url, engine, runs, filters, viewers, executors, clock)
    engine.dispose()
    with_ratios(rows)
    return rows


def bench_api(
    kind: str,
    size: int,
    url: str,
    engine: Engine,
    runs: int,
    filters: dict[str, FilterInput],
    viewers: dict[str, tuple[int | None, Scope]],
    executors: list[ExecutorKind],
    clock: FixedClock,
) -> list[dict[str, Any]]:
    rows = []
    with engine.begin() as conn:
        tokens = {
            sname: create_token(conn, f"bench {sname}", datetime.now(UTC), associate_id)
            for sname, (associate_id, _) in viewers.items()
        }
    for x in executors:
        app = create_app(Settings(database_url=url, executor=x), clock)
        with TestClient(app) as client:
            for slug in builtin_dashboards():
                for fname, f in filters.items():
                    for sname, secret in tokens.items():
                        headers = {"Authorization": f"Bearer {secret}"}

                        def get(slug: str = slug, f: FilterInput = f, h: Any = headers) -> None:
                            answer = client.get(
                                f"/api/dashboards/{slug}", params=params_of(f), headers=h
                            )
                            answer.raise_for_status()

                        cold, warm = cold_warm(engine, get, runs)
                        rows.append(row(kind, size, slug, fname, sname, x, "api", cold, warm))
                        console.print(rows[-1], highlight=False)
        app.state.engine.dispose()
    return rows


def row(
    kind: str,
    size: int,
    slug: str,
    fname: str,
    sname: str,
    executor: str,
    where: str,
    cold: float,
    warm: float,
) -> dict[str, Any]:
    return {
        "engine": kind,
        "leads": size,
        "dashboard": slug,
        "filter": fname,
        "scope": sname,
        "executor": executor,
        "where": where,
        "cold_ms": cold,
        "warm_ms": warm,
    }


def same(r: dict[str, Any]) -> tuple[Any, ...]:
    """What a base row and a fast row measured alike share."""
    return tuple(r[k] for k in ("engine", "leads", "dashboard", "filter", "scope", "where"))


def with_ratios(rows: list[dict[str, Any]]) -> None:
    """ratio (cold_ratio): the base executor's warm (cold) ms over this row's."""
    base = {same(r): r for r in rows if r["executor"] == "base"}
    for r in rows:
        b = base.get(same(r))
        r["ratio"] = round(b["warm_ms"] / r["warm_ms"], 1) if b and r["warm_ms"] else None
        r["cold_ratio"] = round(b["cold_ms"] / r["cold_ms"], 1) if b and r["cold_ms"] else None


def bench_tiles(url: str, runs: int) -> dict[str, float]:
    """Every tile alone, base executor, no filter, all rights."""
    settings = Settings(database_url=url, executor="base")
    engine = make_engine(url)
    clock = end_of_day_clock(TODAY, settings.tz)
    found = {}
    with engine.connect() as conn:
        executor, run = open_executor(conn, settings, clock, FilterInput())
        for slug, dashboard in builtin_dashboards().items():
            for tile in dashboard.tiles:
                once = partial(compute_tile, executor, conn, tile, run.filters)
                found[f"{slug}/{tile.key}"] = median_ms(once, runs)
    engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--executors", nargs="+", default=["base", "fast"], choices=["base", "fast"]
    )
    parser.add_argument("--no-api", action="store_true", help="skip the API measurements")
    parser.add_argument("--tiles", action="store_true", help="also time every tile alone")
    parser.add_argument("--drop", action="store_true", help="drop the generated databases after")
    args = parser.parse_args()

    report: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_before": os.getloadavg(),
        "runs": args.runs,
        "today": TODAY.isoformat(),
        "generate_seconds": {},
        "results": [],
        "tiles": {},
    }
    for size in args.sizes:
        for kind in args.engines:
            url = database(kind, size)
            generated = ensure_data(url, size, Settings(database_url=url))
            report["generate_seconds"][f"{kind}/{size}"] = (
                None if generated is None else round(generated, 1)
            )
            report["results"] += bench_one(
                kind, size, url, args.runs, not args.no_api, args.executors
            )
            if args.tiles:
                report["tiles"][f"{kind}/{size}"] = bench_tiles(url, args.runs)
            if args.drop:
                drop(kind, size)
    report["load_after"] = os.getloadavg()

    RESULTS.mkdir(exist_ok=True)
    text_out = json.dumps(report, indent=2)
    (RESULTS / "dashboards.json").write_text(text_out)
    stamped = RESULTS / f"dashboards-{time.strftime('%Y%m%d-%H%M%S')}.json"
    stamped.write_text(text_out)
    show(report)
    console.print(f"written {RESULTS / 'dashboards.json'} and {stamped}")


def show(report: dict[str, Any]) -> None:
    table = Table(
        "engine",
        "leads",
        "dashboard",
        "filter",
        "scope",
        "where",
        "base cold",
        "base warm",
        "fast cold",
        "fast warm",
        "ratio cold",
        "ratio warm",
        title=f"Dashboards, median ms of {report['runs']} (load {report['load_before'][0]:.1f})",
    )
    fast = [r for r in report["results"] if r["executor"] == "fast"]
    base = {
        tuple(r[k] for k in ("engine", "leads", "dashboard", "filter", "scope", "where")): r
        for r in report["results"]
        if r["executor"] == "base"
    }
    for r in fast or report["results"]:
        b = base.get(
            tuple(r[k] for k in ("engine", "leads", "dashboard", "filter", "scope", "where"))
        )
        table.add_row(
            r["engine"],
            f"{r['leads']:,}",
            r["dashboard"],
            r["filter"],
            r["scope"],
            r["where"],
            str(b["cold_ms"]) if b else "",
            str(b["warm_ms"]) if b else "",
            str(r["cold_ms"]) if fast else "",
            str(r["warm_ms"]) if fast else "",
            str(r["cold_ratio"] or ""),
            str(r["ratio"] or ""),
        )
    console.print(table)
    for key, tiles in report["tiles"].items():
        each = Table("tile (median ms, base, no filter)", key, title="Tiles")
        for name, ms in tiles.items():
            each.add_row(name, str(ms))
        console.print(each)
    console.print(f"demo generation seconds (None = reused): {report['generate_seconds']}")


if __name__ == "__main__":
    main()
