"""Benchmark: captures per second through a real `leadboard serve`, with 1, 8 and 32 concurrent
clients (keep-alive connections, each post a new lead), on a fresh database of each engine.

For each engine and client count it prints the acknowledged captures per second (201 answers),
the latency p50 and p99 in ms, and every other answer (503 = the writer's queue was full, any
other = an error). The same run measures what the machine can commit: one Python thread
committing one-row transactions to a scratch SQLite file (WAL, synchronous=FULL, as Leadboard
runs it), and prints the ratio of 8 clients' captures to that.

    .venv/bin/python bench/capture.py                       # both engines, 1 8 32 clients
    .venv/bin/python bench/capture.py --engines sqlite --clients 8 --seconds 20
    PYTHONPATH=/tmp/before/src .venv/bin/python bench/capture.py   # an older checkout's src

Clients and server share the machine's cores; the load average before each step is printed.
"""

import argparse
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import create_engine, insert, text

import leadboard
from leadboard.db.engine import make_engine
from leadboard.db.migrate import HEAD, upgrade
from leadboard.db.schema import forms

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "leadboard_bench_capture"


def fresh(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'capture.db'}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    admin.dispose()
    return PG_SERVER.rsplit("/", 1)[0] + "/" + PG_DATABASE


def prepare(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(forms).values(
                key="contact",
                name="Contact",
                active=True,
                allowed_origins=["https://www.example.com"],
                fields=[{"name": "email", "required": True}],
                created_at=datetime(2026, 1, 1),
            )
        )
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`leadboard serve` in a process of its own, stopped with the bench."""

    def __init__(self, url: str, workers: int) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "LEADBOARD_DATABASE_URL": url,
            "LEADBOARD_CAPTURE_RATE": "0",  # one client address posts everything
            "LEADBOARD_LOG_LEVEL": "warning",
        }
        command = [sys.executable, "-m", "leadboard", "serve", "--port", str(self.port)]
        if workers > 1:
            command += ["--workers", str(workers)]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"leadboard serve stopped with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@dataclass
class Step:
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    answers: Counter[int] = field(default_factory=Counter)

    @property
    def accepted_per_second(self) -> float:
        return self.answers[201] / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def run_clients(port: int, clients: int, seconds: float, prefix: str) -> Step:
    step = Step(clients, seconds)
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at: list[float] = []

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies: list[float] = []
        answers: Counter[int] = Counter()
        start.wait()
        sent = 0
        while time.perf_counter() < stop_at[0]:
            body = json.dumps({"email": f"{prefix}-{number}-{sent}@example.org"})
            began = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    "/capture/forms/contact",
                    body,
                    {"Content-Type": "application/json"},
                )
                answer = conn.getresponse()
                answer.read()
                status = answer.status
            except (OSError, http.client.HTTPException):
                status = 0  # the connection broke: counted as an error
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            latencies.append((time.perf_counter() - began) * 1000)
            answers[status] += 1
            sent += 1
        conn.close()
        with lock:
            step.latencies += latencies
            step.answers += answers

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    stop_at.append(time.perf_counter() + seconds)
    start.wait()
    for thread in threads:
        thread.join()
    return step


def one_row_commits(folder: Path, seconds: float) -> float:
    """One Python thread committing one-row transactions (WAL, synchronous=FULL): per second."""
    conn = sqlite3.connect(folder / "scratch.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT)")
    done = 0
    stop_at = time.perf_counter() + seconds
    while time.perf_counter() < stop_at:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t (email) VALUES (?)", (f"row{done}@example.org",))
        conn.execute("COMMIT")
        done += 1
    conn.close()
    return done / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--clients", nargs="+", type=int, default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=10, help="per client count")
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL)")
    args = parser.parse_args()
    print(f"leadboard from {Path(leadboard.__file__).parent} (schema {HEAD})")
    print("| engine | clients | accepted/s | p50 ms | p99 ms | 503 | errors | load |")
    print("|---|---|---|---|---|---|---|---|")
    eight: dict[str, float] = {}
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for kind in args.engines:
            url = fresh(kind, folder)
            prepare(url)
            server = Server(url, args.workers if kind == "postgresql" else 1)
            try:
                run_clients(server.port, 4, 2, "warm-up")  # connections, caches, first plans
                for clients in args.clients:
                    load = os.getloadavg()[0]
                    step = run_clients(server.port, clients, args.seconds, f"c{clients}")
                    others = sum(
                        n for status, n in step.answers.items() if status not in (201, 503)
                    )
                    print(
                        f"| {kind} | {clients} | {step.accepted_per_second:.0f} | "
                        f"{statistics.median(step.latencies):.1f} | {step.percentile(0.99):.1f} | "
                        f"{step.answers[503]} | {others} | {load:.1f} |",
                        flush=True,
                    )
                    if clients == 8:
                        eight[kind] = step.accepted_per_second
            finally:
                server.stop()
        load = os.getloadavg()[0]
        commits = one_row_commits(folder, args.seconds)
    print(
        f"\none thread, one-row transactions to SQLite (WAL, FULL): {commits:.0f}/s "
        f"(load {load:.1f})"
    )
    for kind, rate in eight.items():
        print(f"{kind}, 8 clients: {rate:.0f}/s = {rate / commits:.2f} of that")


if __name__ == "__main__":
    main()
