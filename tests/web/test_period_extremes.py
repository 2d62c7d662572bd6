"""A `period` at the ends of the calendar is a 422 naming `period` everywhere (issue 13 item 5).

`0001-01-01..9999-12-31` answered 500 on the dashboard page, its JSON twin and the REST API, and
409 on a tile's CSV (every tile failed with an OverflowError); the CLI's `--period` is checked by
the same quick filter code and must give its `period:` error with exit code 2.
"""

from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from leadboard.cli import app

EXTREMES = [
    "0001-01-01..9999-12-31",
    "2020-01-01..9999-12-31",
    "9999-12-31..9999-12-31",
    "0001-01-01..0001-01-01",
    "0002-01-01..2026-11-27",  # fits, but a year earlier (same span last year) does not
    "this-and-previous-1500-years",  # fits, but the period before it does not
    "next-9999-years",
]
TILE = "new-leads-by-creation-source-ytd"


def json_urls(period: str) -> list[str]:
    return [
        f"/api/dashboards/marketing?period={period}",
        f"/dashboards/marketing.json?period={period}",
        f"/dashboards/marketing/tiles/{TILE}.csv?period={period}",
        f"/dashboards/marketing/tiles/{TILE}/records.csv?period={period}",
    ]


@pytest.mark.parametrize("period", EXTREMES)
def test_json_and_csv_answers_name_the_period(client: TestClient, period: str) -> None:
    for url in json_urls(period):
        response = client.get(url)
        assert response.status_code == 422, (url, response.text[:300])
        error = response.json()["error"]
        assert error["field"] == "period", url
        assert "outside the calendar" in error["message"], url


@pytest.mark.parametrize("period", EXTREMES[:2])
def test_the_dashboard_page_names_the_period(client: TestClient, period: str) -> None:
    response = client.get(f"/dashboards/marketing?period={period}")
    assert response.status_code == 422
    assert "period" in response.text
    assert "outside the calendar" in response.text


def test_the_supported_ends_still_compute(client: TestClient) -> None:
    # The widest range whose comparisons fit: as long again before it, and a year earlier.
    response = client.get("/api/dashboards/marketing?period=5002-01-01..9998-12-31")
    assert response.status_code == 200, response.text[:300]
    # A month series of 5,000 years would be 60,000 buckets (minutes of SQL): refused on its
    # tile, every other tile computes.
    tiles = response.json()["tiles"]
    errors = [tile["error"] for tile in tiles if "error" in tile]
    assert len(errors) < len(tiles)
    assert all("a date series of more than 2000 months" in error for error in errors), errors


@pytest.mark.parametrize("period", EXTREMES)
def test_the_cli_names_the_period(tmp_path: Path, period: str) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(
        app, ["--database-url", url, "dashboard", "show", "marketing", "--period", period]
    )
    assert result.exit_code == 2, result.output
    assert "period: " in result.stderr
    assert "outside the calendar" in result.stderr
    assert "Traceback" not in result.output
