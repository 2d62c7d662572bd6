"""Benchmark: how long a new lead takes to show on an open dashboard page (issue 12: within 1 s,
without a reload), in headless Chromium over the demo data: median of N writes.

    .venv/bin/python bench/freshness.py --leads 5000 --writes 10 [--poll-ms 500]

Each write commits a lead (created by a form on the demo's last day) from this process, as the
capture endpoint or an import would from theirs; the time runs from just before the commit to
the moment the page shows the "new leads from forms" tile with the new figure (a
MutationObserver on the tile, wall clock of the same machine). It also counts the requests
the page made meanwhile: the versions polls (mostly 304) and the fetches of changed tiles.
"""

import argparse
import json
import statistics
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import sync_playwright
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from leadboard.cli.demo import DEMO_ADMIN, ensure_demo_admin
from leadboard.db.engine import make_engine
from leadboard.db.schema import leads
from leadboard.db.times import to_db
from leadboard.demo import generate_demo
from leadboard.settings import Settings
from pages import CHROMIUM_ARGS, PASSWORD, RESULTS, TODAY, serve

TILE = "new-leads-from-forms-ytd"
WATCH = """(key) => {
  window.__shown = null;
  const tile = () => document.querySelector(`[data-tile-key="${key}"]`);
  const value = () => JSON.parse(tile().dataset.rows).value;
  const before = value();
  new MutationObserver(() => {
    if (window.__shown === null && tile() && value() !== before) window.__shown = Date.now();
  }).observe(document.getElementById('tiles'), {subtree: true, childList: true, attributes: true});
}"""
console = Console()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--writes", type=int, default=10)
    parser.add_argument("--poll-ms", type=int, default=500)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"fresh-{args.leads}.db"
    settings = Settings(database_url=f"sqlite:///{path}", poll_ms=args.poll_ms)
    engine = make_engine(settings.database_url)
    console.print(f"demo data: {args.leads} leads ending {TODAY}")
    generate_demo(engine, leads=args.leads, seed=1, today=TODAY, tz=settings.tz, replace=True)
    ensure_demo_admin(engine, PASSWORD)
    noon = to_db(datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=ZoneInfo("UTC")))
    server, thread, url = serve(settings)
    delays: list[float] = []
    requests = {"versions": 0, "tiles": 0}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            page.goto(url + "/login")
            page.fill("#login-email", DEMO_ADMIN)
            page.fill("#login-password", PASSWORD)
            page.click("form.login-form button[type=submit]")
            page.wait_for_url("**/dashboards/**")
            page.goto(f"{url}/dashboards/marketing")
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-tile-key]')]"
                ".every(t => t.dataset.state !== 'loading')",
                timeout=60_000,
            )

            def count(request: Any) -> None:
                if "/versions" in request.url:
                    requests["versions"] += 1
                elif "/tiles?" in request.url:
                    requests["tiles"] += 1

            page.on("request", count)
            for _ in range(args.writes):
                page.evaluate(WATCH, TILE)
                start = time.time() * 1000
                with engine.begin() as conn:
                    conn.execute(
                        insert(leads).values(
                            status_id=1,
                            status_since=noon,
                            statuses_held=1,
                            created_at=noon,
                            created_via="form",
                        )
                    )
                page.wait_for_function("() => window.__shown !== null", timeout=30_000)
                delays.append(page.evaluate("window.__shown") - start)
                page.wait_for_timeout(300)  # let the redraw finish before the next write
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()

    table = Table(title=f"A new lead on the open page ({args.leads} leads, poll {args.poll_ms} ms)")
    for column in ("median ms", "min", "max", "writes", "version polls", "tile fetches"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{statistics.median(delays):.0f}",
        f"{min(delays):.0f}",
        f"{max(delays):.0f}",
        str(len(delays)),
        str(requests["versions"]),
        str(requests["tiles"]),
    )
    console.print(table)
    out = RESULTS / f"freshness-{time.strftime('%Y%m%d-%H%M%S')}.json"
    report = {"leads": args.leads, "poll_ms": args.poll_ms, "delays_ms": delays, **requests}
    out.write_text(json.dumps(report, indent=2))
    console.print(f"written: {out}")


if __name__ == "__main__":
    main()
