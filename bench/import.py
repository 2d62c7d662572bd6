"""Benchmark: import a generated lead CSV (bench/leads-mapping.yaml) into a fresh SQLite database.

    .venv/bin/python bench/import.py                       # 1,000,000 rows, 3 runs
    .venv/bin/python bench/import.py --rows 100000 --runs 5 --engine postgresql

The CSV has the columns of bench/leads-mapping.yaml; 1 % of its rows repeat an earlier external
id (with another status, so they update that lead). Each run imports into a new, empty database
(migrated before the clock starts) and is timed from the first byte read to the commit. Prints a
table and JSON (also written to bench/results/import-<time>.json); the goal is under 2 minutes
for 1M rows on SQLite.
"""

import argparse
import csv
import json
import os
import platform
import random
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from leadboard.clock import end_of_day_clock
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.ingest.importer import run_import
from leadboard.ingest.mapping_file import load_mapping
from leadboard.settings import Settings

HERE = Path(__file__).parent
RESULTS = HERE / "results"
MAPPING = HERE / "leads-mapping.yaml"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TODAY = date(2026, 11, 27)
HEADER = (
    "lead_id,created,first_name,last_name,email,phone,job_title,company,country,source,medium,"
    "campaign,status,owner,score,notes"
).split(",")
FIRST = "Anna Bram Chloe Daan Emma Finn Julia Lars Mila Noah Sara Tim Eva Luuk Zoe Sem".split()
LAST = "de Vries|Jansen|Bakker|Visser|Smit|Meijer|Mulder|de Boer|Bos|Peters|Smith|Brown".split("|")
JOBS = ["Marketing manager", "CEO", "Buyer", "Sales director", "", "Engineer", "Office manager"]
COUNTRIES = [
    "Netherlands", "Nederland", "NL", "Germany", "Duitsland", "Belgium", "België",
    "United Kingdom", "UK", "United States of America", "USA", "France", "", "", "unknown",
]  # fmt: skip
SOURCES = [
    ("google", "cpc", "spring-sale"), ("google", "organic", ""), ("bing", "cpc", "brand"),
    ("facebook", "paid_social", "retargeting"), ("linkedin", "social", ""),
    ("newsletter", "email", "weekly"), ("(direct)", "(none)", ""),
    ("partner.example", "referral", ""), ("", "", ""), ("Select", "", ""),
]  # fmt: skip
STATUSES = ["New", "New", "New", "Working", "Qualified", "Unqualified", "Nurture"]
console = Console()


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """`rows` lines; 1 % of them repeat an earlier lead id (another status: an update)."""
    r = random.Random(seed)
    start = datetime(2024, 1, 1)
    span = int((datetime(2026, 11, 27) - start).total_seconds())
    owners = [f"owner{i:02d}@leadboard.example" for i in range(40)]
    companies = [f"Company {i:05d} B.V." for i in range(20_000)]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        made = 0
        for _ in range(rows):
            if made > 100 and r.random() < 0.01:
                lead = r.randrange(made)  # a repeat of an earlier lead
            else:
                lead = made
                made += 1
            lr = random.Random(lead * 7919 + seed)  # the same lead gets the same facts
            first, last = lr.choice(FIRST), lr.choice(LAST)
            created = start + timedelta(seconds=lr.randrange(span))
            source, medium, campaign = lr.choice(SOURCES)
            writer.writerow(
                [
                    f"L{lead:08d}",
                    created.strftime("%Y-%m-%d %H:%M:%S"),
                    first,
                    last,
                    f"{first}.{last}.{lead}@example.com".replace(" ", "").lower(),
                    f"+31 6 {lr.randrange(10**8):08d}",
                    lr.choice(JOBS),
                    lr.choice(companies) if lr.random() < 0.7 else "",
                    lr.choice(COUNTRIES),
                    source,
                    medium,
                    campaign,
                    r.choice(STATUSES) if lead != made - 1 else lr.choice(STATUSES),
                    lr.choice(owners),
                    str(lr.randrange(100)),
                    "called twice" if lr.random() < 0.1 else "",
                ]
            )


def calibrate() -> float:
    began = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.process_time() - began, 2)


def fresh_database(kind: str) -> tuple[str, Any]:
    if kind == "sqlite":
        RESULTS.mkdir(exist_ok=True)
        db = RESULTS / "import-bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{db}", None
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "leadboard_bench_import" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "leadboard_bench_import"'))
    return PG_SERVER.rsplit("/", 1)[0] + "/leadboard_bench_import", admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--csv", type=Path, help="reuse or keep the generated CSV here")
    args = parser.parse_args()

    settings = Settings()
    mapping = load_mapping(MAPPING.read_text(), MAPPING.name)
    RESULTS.mkdir(exist_ok=True)
    path = args.csv or RESULTS / f"import-{args.rows}.csv"
    if not path.exists():
        began = time.perf_counter()
        generate(path, args.rows)
        console.print(f"generated {path} in {time.perf_counter() - began:.1f} s")
    calibrations: list[float] = []
    timings: list[float] = []
    cpu_times: list[float] = []
    summaries: list[dict[str, Any]] = []
    for run in range(args.runs):
        calibrations.append(calibrate())
        url, admin = fresh_database(args.engine)
        engine = make_engine(url)
        upgrade(engine)
        began, cpu = time.perf_counter(), time.process_time()
        summary = run_import(
            engine,
            mapping,
            [path],
            tz=settings.tz,
            base_currency=settings.base_currency,
            clock=end_of_day_clock(TODAY, settings.tz),
        )
        seconds = time.perf_counter() - began
        cpu_times.append(time.process_time() - cpu)
        engine.dispose()
        if admin is not None:  # the benchmark's own PostgreSQL database goes again
            with admin.connect() as conn:
                conn.execute(text('DROP DATABASE "leadboard_bench_import" WITH (FORCE)'))
            admin.dispose()
        timings.append(seconds)
        summaries.append(summary.as_json())
        calibrations.append(calibrate())
        console.print(
            f"run {run + 1}: {seconds:.1f} s ({cpu_times[-1]:.1f} s CPU; calibration before and "
            f"after: {calibrations[-2]:.2f} s, {calibrations[-1]:.2f} s)"
        )
    last = summaries[-1]
    result = {
        "rows": args.rows,
        "engine": args.engine,
        "runs": args.runs,
        "seconds": [round(t, 2) for t in timings],
        "median_seconds": round(statistics.median(timings), 2),
        "rows_per_second": round(args.rows / statistics.median(timings)),
        # CPU time of this process (the import and SQLite run in it): what the import costs
        # when the machine is shared with other work.
        "cpu_seconds": [round(t, 2) for t in cpu_times],
        "median_cpu_seconds": round(statistics.median(cpu_times), 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        # Seconds this machine needs for a fixed pure-Python loop (10M additions), before and
        # after each run: about 0.4 s on an idle 2-core machine of ours; twice that means the
        # other work on the machine halves what a process gets done per CPU second too.
        "calibration_seconds": calibrations,
        "csv_bytes": path.stat().st_size,
        "counts": last["records"],
        "related": last["related"],
        "warnings": last["warnings"],
        "errors": last["errors"],
        "unrecognised_countries": last["unrecognised_countries"],
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "goal_seconds": 120,
    }
    table = Table(
        "rows", "engine", "runs (s)", "median (s)", "CPU (s)", "rows/s", "created", "updated"
    )
    table.add_row(
        f"{args.rows:,}",
        args.engine,
        ", ".join(f"{t:.1f}" for t in timings),
        f"{result['median_seconds']:.1f}",
        f"{result['median_cpu_seconds']:.1f}",
        f"{result['rows_per_second']:,}",
        f"{last['records']['leads']['created']:,}",
        f"{last['records']['leads']['updated']:,}",
    )
    console.print(table)
    text_out = json.dumps(result, indent=2)
    print(text_out)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"import-{stamp}.json").write_text(text_out + "\n")


if __name__ == "__main__":
    main()
