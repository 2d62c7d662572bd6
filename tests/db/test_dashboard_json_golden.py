"""The JSON of every built-in dashboard, and of the records behind some tiles, byte for byte.

Written by the code before the engine refactor of issue 9 ("golden JSON before the engine
refactor") on the session demo of tests/db/conftest.py (seed 7, 3000 leads, today 2026-11-27);
SQLite and PostgreSQL must give the same bytes, so one golden file serves both engines. The files
change only when a change of the JSON is intended: see tests/golden.py for how to regenerate them.
"""

from pathlib import Path
from typing import Any

import pytest

from leadboard.dashboards.service import FilterInput
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.web.present import dashboard_json, tile_records_json
from tests.db.conftest import DemoDB
from tests.golden import assert_golden, golden_json

GOLDEN = Path(__file__).parent / "golden"
OWNER = "fenna.oosterhout@leadboard-demo.example"  # the demo's top seller (seed 7)

FILTER_CASES: dict[str, dict[str, str]] = {
    "no-filter": {},
    "owner": {"owner": OWNER},
    "country-nl": {"country": "nl"},
    "country-none": {"country": "none"},
    "status-qualified": {"status": "qualified"},
    "period-previous-year": {"period": "previous-year"},
    "period-this-quarter": {"period": "this-quarter"},
    "period-all": {"period": "all"},  # date series ask for their data's span first
}
LANGS = ("en", "nl")

# name -> (slug, tile, key, filters, page, page_size, lang)
RECORD_CASES: dict[str, tuple[str, str, str | None, dict[str, str], int, int, str]] = {
    "grouped-row": ("marketing", "new-leads-by-channel-ytd", "paid-search", {}, 1, 50, "en"),
    "grouped-row-money-nl": (
        "sales",
        "sales-by-owner-ytd",
        OWNER,
        {"country": "nl"},
        1,
        50,
        "nl",
    ),
    "funnel-step": ("lead-nurturing", "lead-qualification-funnel", "qualified", {}, 1, 50, "en"),
    "funnel-step-nl-page-2": (
        "sales",
        "lead-qualification-funnel",
        "contacting",
        {"period": "previous-year"},
        2,
        10,
        "nl",
    ),
    "series-bucket": ("marketing", "new-leads-per-month", "2026-03", {}, 1, 50, "en"),
    "series-bucket-money": ("sales", "pipeline-by-close-month", "2027-01", {}, 1, 50, "en"),
    "series-bucket-period-all": (
        "lead-nurturing",
        "new-leads-per-week",
        "2025-W10",
        {"period": "all"},
        1,
        50,
        "en",
    ),
    "other": ("marketing", "new-leads-by-creation-source-ytd", "__other__", {}, 1, 50, "en"),
    "not-set": ("marketing", "new-leads-by-creation-source-ytd", "__not_set__", {}, 1, 50, "nl"),
    "not-set-money": ("sales", "pipeline-by-creation-source", "__not_set__", {}, 1, 20, "en"),
    "number": ("marketing", "new-leads-from-chats-ytd", None, {"owner": OWNER}, 1, 50, "en"),
    "status-row": (
        "lead-nurturing",
        "leads-by-status",
        "re-nurture",
        {"country": "none"},
        1,
        50,
        "en",
    ),
}


def test_every_builtin_dashboard_has_golden_cases() -> None:
    assert set(builtin_dashboards()) == {"marketing", "lead-nurturing", "sales"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", FILTER_CASES)
@pytest.mark.parametrize("slug", list(builtin_dashboards()))
def test_dashboard_json_is_unchanged(demo_db: DemoDB, slug: str, case: str, lang: str) -> None:
    got = dashboard_json(
        demo_db.engine,
        demo_db.settings,
        demo_db.clock,
        slug,
        FilterInput(**FILTER_CASES[case]),
        lang,
    )
    assert_golden(GOLDEN / "dashboards" / f"{slug}--{case}--{lang}.json", golden_json(got))


@pytest.mark.parametrize("case", RECORD_CASES)
def test_records_json_is_unchanged(demo_db: DemoDB, case: str) -> None:
    slug, tile, key, filters, page, page_size, lang = RECORD_CASES[case]
    got: dict[str, Any] = tile_records_json(
        demo_db.engine,
        demo_db.settings,
        demo_db.clock,
        slug,
        tile,
        FilterInput(**filters),
        key,
        page,
        page_size,
        lang,
    )
    assert got["records"], "a golden case should show records"
    assert_golden(GOLDEN / "records" / f"{case}.json", golden_json(got))


# The HTTP bodies byte for byte: a response model on these endpoints must not change them.
HTTP_CASES = {
    "api-dashboards-nl": "/api/dashboards?lang=nl",
    "api-dashboard-marketing": "/api/dashboards/marketing",
    "api-dashboard-sales-nl-country-nl": "/api/dashboards/sales?lang=nl&country=nl",
    "api-records-other": (
        "/api/tiles/marketing/new-leads-by-creation-source-ytd/records?key=__other__&page_size=5"
    ),
    "api-records-money-nl": (
        "/api/tiles/sales/pipeline-by-close-month/records?key=2027-01&page_size=5&lang=nl"
    ),
    # CSV exports read the tile JSON by its kind
    "csv-bar-line": "/dashboards/sales/tiles/sales-by-owner-ytd.csv",
    "csv-series-compare": "/dashboards/marketing/tiles/new-leads-per-month.csv",
    "csv-funnel": "/dashboards/lead-nurturing/tiles/lead-qualification-funnel.csv?lang=nl",
    "csv-gauge": "/dashboards/lead-nurturing/tiles/qualification-rate-ytd.csv",
    "csv-number": "/dashboards/marketing/tiles/new-leads-from-chats-ytd.csv",
    "csv-list": "/dashboards/sales/tiles/qualified-without-sale.csv?country=nl",
    "csv-records-money": (
        "/dashboards/sales/tiles/pipeline-by-creation-source/records.csv?key=__not_set__"
    ),
}


def test_http_bodies_are_unchanged(demo_db: DemoDB) -> None:
    from starlette.testclient import TestClient

    from leadboard.app import create_app
    from leadboard.settings import Settings
    from tests.conftest import bearer_headers

    app = create_app(Settings(database_url=demo_db.url), demo_db.clock)
    try:
        with TestClient(app, headers=bearer_headers(app.state.engine)) as client:
            for name, url in HTTP_CASES.items():
                response = client.get(url)
                assert response.status_code == 200, (url, response.text)
                suffix = "csv" if "csv" in name else "json"
                text = response.content.decode("utf-8")
                assert_golden(GOLDEN / "http" / f"{name}.{suffix}", text)
    finally:
        app.state.engine.dispose()
