"""The rollups after writes: each built-in dashboard (no filter and country NL; scopes all and
group) computed by the fast executor on an existing demo database, first (pieces not yet
kept), after a new lead created five minutes before the clock's now ("cold, new lead"), the
same again ("warm"), and after a status change of a lead created last March ("cold, old
lead"), medians of --runs, in ms (whole compute, no HTTP); "warm-live" is the warm compute
at the real clock (a moving now: tiles compared with last year are computed again each time).

    .venv/bin/python bench/rollups.py --database-url sqlite:///bench/results/bench-1000000.db

The database is the one bench/dashboards.py generates (demo data up to 2026-11-27); the writes
are undone or harmless (the lead is deleted again, the status change sets the same value).
"""

import argparse
import random
import resource
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from leadboard.clock import SystemClock, end_of_day_clock
from leadboard.dashboards.service import FilterInput, compute_dashboard
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.semantic.executors.cached import result_cache
from leadboard.semantic.spec import ALL, Scope
from leadboard.settings import Settings

TODAY = date(2026, 11, 27)


def ms(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    engine = make_engine(args.database_url)
    upgrade(engine)
    settings = Settings(database_url=args.database_url, executor="fast")
    clock = end_of_day_clock(TODAY, settings.tz)
    now = clock.now().replace(tzinfo=None)
    with engine.connect() as conn:
        group = tuple(r[0] for r in conn.execute(text("SELECT id FROM associates LIMIT 14")))
    scopes = {"all": ALL, "group": Scope(group, group, ("group", "group"))}
    rnd = random.Random(1)
    print("dashboard       filter      scope  first  cold-new  warm  cold-old  warm-live (ms)")
    for slug in ("marketing", "lead-nurturing", "sales"):
        for name, filters in (("none", FilterInput()), ("country NL", FilterInput(country="NL"))):
            for scope_name, scope in scopes.items():

                def run(slug: str = slug, f: FilterInput = filters, s: Scope = scope) -> None:
                    compute_dashboard(engine, settings, clock, slug, f, s)

                first = ms(run)
                cold, warm, cold_old = [], [], []
                for _ in range(args.runs):
                    with engine.begin() as conn:
                        lead_id = conn.execute(
                            text(
                                "INSERT INTO leads (status_id, status_since, statuses_held,"
                                " created_at, created_via) VALUES (1, :n, 2, :n, 'api')"
                                " RETURNING id"
                            ),
                            {"n": now - timedelta(minutes=5)},
                        ).scalar_one()
                    cold.append(ms(run))
                    warm.append(ms(run))
                    with engine.begin() as conn:
                        conn.execute(text("DELETE FROM leads WHERE id = :i"), {"i": lead_id})
                        old = conn.execute(
                            text(
                                "SELECT id FROM leads WHERE created_at >= '2026-03-01'"
                                " AND created_at < '2026-04-01' ORDER BY id LIMIT 1 OFFSET :o"
                            ),
                            {"o": rnd.randint(0, 1000)},
                        ).scalar_one()
                        conn.execute(
                            text("UPDATE leads SET status_since = status_since WHERE id = :i"),
                            {"i": old},
                        )
                    cold_old.append(ms(run))

                def live(slug: str = slug, f: FilterInput = filters, s: Scope = scope) -> None:
                    compute_dashboard(engine, settings, SystemClock(), slug, f, s)

                live()  # the pieces of the real day's edges, once
                warm_live = statistics.median(ms(live) for _ in range(args.runs))
                print(
                    f"{slug:15} {name:11} {scope_name:6} {first:6.0f} "
                    f"{statistics.median(cold):9.1f} {statistics.median(warm):5.1f} "
                    f"{statistics.median(cold_old):9.1f} {warm_live:9.1f}",
                    flush=True,
                )

    cache = result_cache(settings.cache_mb)
    kept = f"{len(cache)} entries, {cache.bytes / 2**20:.1f} MB" if cache is not None else "off"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"result cache: {kept} of {settings.cache_mb} MB; peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
