"""Benchmark: captures posted while a large CSV import (another process) holds SQLite's write
lock, with the capture spool on (the default, 1000 ms) and off
(`LEADBOARD_CAPTURE_SPOOL_AFTER_MS=0`).

A real `leadboard serve` and a real `leadboard import` of a generated CSV (bench/import.py's
rows, bench/leads-mapping.yaml) into the same fresh SQLite file; --clients threads post new
leads from the import's start until it ends. Then one more capture (the lock is free: the
spool drains after it) and, once the spool is empty, the stored leads are counted. Prints per
mode: the import's seconds, the answers by status, latency p50 / p99 / max, and acknowledged
(201 or 202) vs stored, lost and duplicated.

    .venv/bin/python bench/capture_during_import.py --rows 300000
"""

import argparse
import http.client
import importlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import func, select

from capture import Server, fresh, prepare  # bench/capture.py
from leadboard.db.engine import make_engine
from leadboard.db.schema import leads

import_bench = importlib.import_module("import")  # bench/import.py: a keyword as its name

MAPPING = Path(__file__).parent / "leads-mapping.yaml"


def post(conn: http.client.HTTPConnection, email: str) -> tuple[int, float]:
    began = time.perf_counter()
    conn.request(
        "POST",
        "/capture/forms/contact",
        json.dumps({"email": email}),
        {"Content-Type": "application/json"},
    )
    answer = conn.getresponse()
    answer.read()
    return answer.status, (time.perf_counter() - began) * 1000


def one_mode(csv_file: Path, folder: Path, spool_ms: int, clients: int) -> dict[str, object]:
    url = fresh("sqlite", folder)
    prepare(url)
    os.environ["LEADBOARD_CAPTURE_SPOOL_AFTER_MS"] = str(spool_ms)
    server = Server(url, 1)
    answers: Counter[int] = Counter()
    latencies: list[float] = []
    sent: dict[int, list[str]] = {}
    lock = threading.Lock()
    importing = threading.Event()
    try:
        started = time.perf_counter()
        importer = subprocess.Popen(
            [sys.executable, "-m", "leadboard", "--database-url", url, "import",
             "--mapping", str(MAPPING), "--today", "2026-11-27", str(csv_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        importing.set()

        def client(number: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            mine: list[str] = []
            while importer.poll() is None:
                email = f"during-{spool_ms}-{number}-{len(mine)}@example.org"
                status, ms = post(conn, email)
                with lock:
                    answers[status] += 1
                    latencies.append(ms)
                if status in (201, 202):
                    mine.append(email)
            conn.close()
            sent[number] = mine

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        import_seconds = time.perf_counter() - started
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        status, _ = post(conn, f"after-{spool_ms}@example.org")  # the spool drains after it
        conn.close()
        acknowledged = [email for mine in sent.values() for email in mine]
        engine = make_engine(url)
        deadline = time.monotonic() + 120
        spool = Path(f"{folder / 'capture.db'}-spool")
        while spool.exists() and time.monotonic() < deadline:
            waiting = sqlite3.connect(spool).execute("SELECT count(*) FROM spooled").fetchone()[0]
            if not waiting:
                break
            time.sleep(0.2)
        with engine.connect() as db:
            stored = Counter(
                db.execute(
                    select(leads.c.email).where(leads.c.email.like(f"during-{spool_ms}-%"))
                ).scalars()
            )
            imported = db.execute(select(func.count()).select_from(leads)).scalar_one()
        engine.dispose()
    finally:
        server.stop()
    ordered = sorted(latencies)
    return {
        "spool_after_ms": spool_ms,
        "import_s": round(import_seconds, 1),
        "import_exit": importer.returncode,
        "leads_after": imported,
        "answers": dict(answers),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p99_ms": round(ordered[int(len(ordered) * 0.99)], 1) if ordered else None,
        "max_ms": round(ordered[-1], 1) if ordered else None,
        "acknowledged": len(acknowledged),
        "stored": sum(1 for email in acknowledged if stored[email] >= 1),
        "lost": sum(1 for email in acknowledged if stored[email] == 0),
        "duplicated": sum(1 for email in acknowledged if stored[email] > 1),
        "after_status": status,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--modes", nargs="+", type=int, default=[1000, 0], help="spool ms, 0: off")
    args = parser.parse_args()
    with TemporaryDirectory() as scratch:
        folder = Path(scratch)
        csv_file = folder / "leads.csv"
        import_bench.generate(csv_file, args.rows)
        for spool_ms in args.modes:
            mode = folder / f"mode-{spool_ms}"
            mode.mkdir()
            print(json.dumps(one_mode(csv_file, mode, spool_ms, args.clients)), flush=True)


if __name__ == "__main__":
    main()
