"""Benchmark: the capture endpoint's latency (POST /capture/forms/{key}, a new lead each time),
through FastAPI's TestClient in process, on a fresh database of each engine. Median and p95 of
--posts. Runs whichever leadboard is first on the path, so a before/after of one change is

    PYTHONPATH=/tmp/before/src .venv/bin/python bench/capture.py     # an older checkout's src
    .venv/bin/python bench/capture.py
"""

import argparse
import os
import statistics
import time
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, text

import leadboard
from leadboard.app import create_app
from leadboard.db.engine import make_engine
from leadboard.db.migrate import HEAD, upgrade
from leadboard.db.schema import forms
from leadboard.settings import Settings

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def fresh(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'capture.db'}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "leadboard_bench_capture" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "leadboard_bench_capture"'))
    admin.dispose()
    return PG_SERVER.rsplit("/", 1)[0] + "/leadboard_bench_capture"


def bench(kind: str, posts: int) -> tuple[float, float]:
    with TemporaryDirectory() as folder:
        url = fresh(kind, Path(folder))
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
        app = create_app(Settings(database_url=url, capture_rate=1_000_000))
        times = []
        with TestClient(app) as client:
            for i in range(posts):
                body = {"email": f"visitor{i}@example.org", "first_name": "Ann"}
                started = time.perf_counter()
                answer = client.post("/capture/forms/contact", json=body)
                times.append((time.perf_counter() - started) * 1000)
                answer.raise_for_status()
        app.state.engine.dispose()
    times.sort()
    return round(statistics.median(times), 2), round(times[int(len(times) * 0.95)], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(f"leadboard from {Path(leadboard.__file__).parent} (schema {HEAD})")
    for kind in args.engines:
        load = os.getloadavg()[0]
        median, p95 = bench(kind, args.posts)
        print(f"{kind}: median {median} ms, p95 {p95} ms over {args.posts} posts (load {load:.1f})")


if __name__ == "__main__":
    main()
