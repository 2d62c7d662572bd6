"""Benchmark: how long `leadboard serve` takes until it answers `GET /login` with 200, on a given
database (e.g. the 1M-lead SQLite file bench/dashboards.py keeps), median of --runs fresh starts.

    .venv/bin/python bench/serve_startup.py --database-url sqlite:///bench/results/bench-1000000.db

The first start after a new migration also migrates (once); later starts find nothing to do.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time

import httpx


def one_start(url: str, port: int) -> float:
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "leadboard", "--database-url", url, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the server stopped with {server.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.02)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    seconds = []
    for _ in range(args.runs):
        load = os.getloadavg()[0]
        seconds.append(one_start(args.database_url, args.port))
        print(f"ready in {seconds[-1]:.2f} s (load {load:.1f})")
    print(f"median {statistics.median(seconds):.2f} s over {args.runs} starts")


if __name__ == "__main__":
    main()
