"""How long the `leadboard` command takes to answer: start-up (imports) and a first database touch.

Runs each command N times as a fresh process (as the `leadboard` script) and prints the median wall
time and the median CPU time of the child (user + system; less disturbed by other load than the
wall clock), and the floor: Python alone and the imports no database command can do without.
`--src DIR` runs the command from another checkout's `src/` (e.g. a worktree of an older commit)
with the same virtual environment; where the dependencies differ, run this file with the other
checkout's own environment instead.

    .venv/bin/python bench/cli_startup.py --runs 11
    git worktree add /tmp/before <commit>
    .venv/bin/python bench/cli_startup.py --src /tmp/before/src
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
# What the installed `leadboard` script runs (older checkouts have no __main__ module).
LEADBOARD = [sys.executable, "-c", "from leadboard.cli import main; main()"]


def commands(database: str) -> dict[str, list[str]]:
    url = f"sqlite:///{database}"
    return {
        "leadboard --help": [*LEADBOARD, "--help"],
        "leadboard dashboard --help": [*LEADBOARD, "dashboard", "--help"],
        "leadboard dashboard list": [*LEADBOARD, "--database-url", url, "dashboard", "list"],
        "leadboard statuses list": [*LEADBOARD, "--database-url", url, "statuses", "list"],
        "bad --database-url (error)": [*LEADBOARD, "--database-url", "foo://x", "statuses", "list"],
        # The floor: what a command that touches the database cannot start without.
        "python alone": [sys.executable, "-c", "pass"],
        "import typer, sqlalchemy": [sys.executable, "-c", FLOOR],
    }


FLOOR = "import typer, sqlalchemy, sqlalchemy.dialects.sqlite"


def time_one(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        args,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--src", type=Path, help="run the code of this src/ folder instead")
    options = parser.parse_args()
    env = dict(os.environ)
    if options.src:
        env["PYTHONPATH"] = str(options.src.resolve())
    with tempfile.TemporaryDirectory() as folder:
        database = str(Path(folder) / "bench.db")
        # Create the schema once, so the timed runs measure a start, not a migration.
        subprocess.run(
            [*LEADBOARD, "--database-url", f"sqlite:///{database}", "db", "upgrade"],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        runs = commands(database)
        for args in runs.values():
            time_one(args, env)  # warm the file cache
        # Round after round of every command, so that a change of the machine's load falls on
        # all of them alike rather than on whichever command ran then.
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        for _ in range(options.runs):
            for name, args in runs.items():
                times[name].append(time_one(args, env))
        results = {
            name: {
                "wall_ms": round(statistics.median(wall for wall, _ in figures)),
                "cpu_ms": round(statistics.median(cpu for _, cpu in figures)),
            }
            for name, figures in times.items()
        }
    load = os.getloadavg()[0]
    print(
        f"{'command':32} {'wall ms':>8} {'cpu ms':>8}   (median of {options.runs}, load {load:.1f})"
    )
    for name, figures in results.items():
        print(f"{name:32} {figures['wall_ms']:>8} {figures['cpu_ms']:>8}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"cli_startup-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"runs": options.runs, "load": load, "src": str(options.src or ""),
                               "results": results}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
