"""Benchmark: how long a dashboard page takes to reach data-state="ready" on every tile in
headless Chromium, over the demo data (5000 leads by default): median of N page loads each.

    make bench-pages
    .venv/bin/python bench/pages.py --leads 5000 --runs 5

Time is measured in the page from the start of navigation (performance.now() = 0) to the moment
the last tile leaves "loading" (a MutationObserver installed before the page's own scripts), so it
includes the HTML, the scripts, the tiles' figures (one request) and the charts' first paint.
The server runs in this process (uvicorn in a thread) over a SQLite file in bench/results/.
"""

import argparse
import json
import platform
import socket
import statistics
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import sync_playwright
from rich.console import Console
from rich.table import Table

from leadboard.app import create_app
from leadboard.cli.demo import DEMO_ADMIN, ensure_demo_admin
from leadboard.clock import end_of_day_clock
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.db.engine import make_engine
from leadboard.demo import generate_demo
from leadboard.settings import Settings

RESULTS = Path(__file__).parent / "results"
TODAY = date(2026, 11, 27)
PASSWORD = "leadboard-bench"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MARK_READY = """
new MutationObserver(() => {
  const tiles = [...document.querySelectorAll('[data-tile-key]')];
  if (!window.__ready && tiles.length && tiles.every(t => t.dataset.state !== 'loading')) {
    window.__ready = performance.now();
  }
}).observe(document, {subtree: true, childList: true, attributeFilter: ['data-state']});
"""
console = Console()


def serve(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, str]:
    app = create_app(settings, end_of_day_clock(TODAY, settings.tz))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{sock.getsockname()[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--database-url",
        help="demo data made before (e.g. bench/dashboards.py's bench-1000000.db): not generated",
    )
    args = parser.parse_args()

    RESULTS.mkdir(exist_ok=True)
    url = args.database_url or f"sqlite:///{RESULTS / f'pages-{args.leads}.db'}"
    settings = Settings(database_url=url)
    engine = make_engine(settings.database_url)
    if args.database_url is None:
        console.print(f"demo data: {args.leads} leads ending {TODAY}")
        generate_demo(engine, leads=args.leads, seed=1, today=TODAY, tz=settings.tz, replace=True)
    ensure_demo_admin(engine, PASSWORD)
    engine.dispose()
    server, thread, url = serve(settings)
    timings: dict[str, list[float]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_init_script(MARK_READY)
            page = context.new_page()
            page.goto(url + "/login")
            page.fill("#login-email", DEMO_ADMIN)
            page.fill("#login-password", PASSWORD)
            page.click("form.login-form button[type=submit]")
            page.wait_for_url("**/dashboards/**")
            for slug in builtin_dashboards():
                runs = []
                for run in range(args.runs + 1):  # the first load warms caches: not counted
                    page.goto(f"{url}/dashboards/{slug}")
                    page.wait_for_function("() => window.__ready", timeout=60_000)
                    if run:
                        runs.append(page.evaluate("window.__ready"))
                timings[slug] = runs
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)

    table = Table(title=f"Time to data-state=ready on every tile ({args.leads} leads, ms)")
    for column in ("dashboard", "median", "min", "max", "runs"):
        table.add_column(column, justify="right" if column != "dashboard" else "left")
    for slug, runs in timings.items():
        table.add_row(
            slug,
            f"{statistics.median(runs):.0f}",
            f"{min(runs):.0f}",
            f"{max(runs):.0f}",
            " ".join(f"{r:.0f}" for r in runs),
        )
    console.print(table)
    report: dict[str, Any] = {
        "leads": args.leads,
        "runs": args.runs,
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "median_ms": {slug: statistics.median(runs) for slug, runs in timings.items()},
        "runs_ms": timings,
    }
    out = RESULTS / f"pages-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2))
    console.print(f"written: {out}")


if __name__ == "__main__":
    main()
