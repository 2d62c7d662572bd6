"""The page tells a partial period as such (issue 8 item 11, SPEC 9.4), in English and Dutch:
"so far" on the period line, what a number is compared with and the days that covers, the
bucket that holds today in a series' tooltips, and the name of a tile whose period the filter
replaced. Figures come from the oracle (tests/oracle.py), not from the product.
"""

import json
from datetime import date
from html import unescape
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.oracle import Filters, Oracle, load
from tests.web.conftest import TODAY
from tests.web.test_pages import elements, tiles_of

FORMS = "new-leads-from-forms-ytd"


def section(html: str, key: str) -> str:
    return unescape(html.split(f'id="tile-{key}"')[1].split("</article>")[0])


def text_of(html: str, testid: str) -> str:
    found = [
        e["text"] for e in elements(html, "data-testid") if e["attrs"]["data-testid"] == testid
    ]
    assert len(found) == 1, (testid, found)
    return " ".join(unescape(found[0]).split())


@pytest.fixture(scope="module")
def oracle(pages_app: Any) -> Oracle:
    return Oracle(load(pages_app.state.engine), TODAY)


def number_format(value: int, lang: str) -> str:
    return f"{value:,}".replace(",", "." if lang == "nl" else ",")


@pytest.mark.parametrize(
    ("lang", "so_far", "compared", "name"),
    [
        (
            "en",
            "Oct 1, 2026 – Dec 31, 2026 · so far",
            "Same span last year (Oct 1, 2025 – Nov 27, 2025): {value}",
            "New leads from forms — This quarter",
        ),
        (
            "nl",
            "1 okt 2026 – 31 dec 2026 · t/m vandaag",
            "Vorig jaar tot dezelfde dag (1 okt 2025 – 27 nov 2025): {value}",
            "Nieuwe leads vanuit formulieren — Dit kwartaal",
        ),
    ],
)
def test_a_partial_quarter_on_the_page(
    client: TestClient, oracle: Oracle, lang: str, so_far: str, compared: str, name: str
) -> None:
    html = client.get(f"/dashboards/marketing/tiles?period=this-quarter&lang={lang}").text
    tile = section(html, FORMS)
    want = oracle.tile(FORMS, Filters(period="this-quarter"))["compare"]["value"]
    assert text_of(tile, "tile-period") == so_far
    assert 'data-partial="true"' in tile
    assert compared.format(value=number_format(want, lang)) in " ".join(tile.split())
    assert f'id="tile-{FORMS}-title">{name}</h2>' in tile


@pytest.mark.parametrize(
    ("lang", "period", "compared"),
    [
        ("en", "Jul 1, 2026 – Sep 30, 2026", "Same period last year (Jul 1, 2025 – Sep 30, 2025)"),
        ("nl", "1 jul 2026 – 30 sep 2026", "Zelfde periode vorig jaar (1 jul 2025 – 30 sep 2025)"),
    ],
)
def test_a_full_previous_quarter_on_the_page(
    client: TestClient, oracle: Oracle, lang: str, period: str, compared: str
) -> None:
    html = client.get(f"/dashboards/marketing/tiles?period=previous-quarter&lang={lang}").text
    tile = section(html, FORMS)
    want = oracle.tile(FORMS, Filters(period="previous-quarter"))["compare"]["value"]
    assert text_of(tile, "tile-period") == period  # no "so far"
    assert "data-partial" not in tile
    assert f"{compared}: {number_format(want, lang)}" in " ".join(tile.split())


@pytest.mark.parametrize(
    ("lang", "so_far", "until"),
    [("en", "so far", "to Nov 27, 2025"), ("nl", "t/m vandaag", "t/m 27 nov 2025")],
)
def test_the_month_that_holds_today_says_so_in_its_tooltip(
    client: TestClient, oracle: Oracle, lang: str, so_far: str, until: str
) -> None:
    html = client.get(f"/dashboards/marketing/tiles?lang={lang}").text
    shown = tiles_of(html)["new-leads-per-month"]
    rows, labels = json.loads(shown["data-rows"]), json.loads(shown["data-labels"])
    expected = oracle.tile("new-leads-per-month", Filters())["rows"]
    assert [r["partial"] for r in rows] == [r["partial"] for r in expected]
    for label, want in zip(labels, expected, strict=True):
        value, value2 = label.split(" · ")
        if want["partial"]:  # November 2026, on 27 November
            assert value == f"{number_format(want['value'], lang)} ({so_far})"
            assert value2 == f"{number_format(want['value2'], lang)} ({until})"
        else:
            assert "(" not in label, label
    assert text_of(section(html, FORMS), "tile-period").endswith(so_far)  # YTD holds today


def test_the_first_paint_and_a_snapshot_tile_show_no_partial_mark(client: TestClient) -> None:
    html = client.get("/dashboards/sales/tiles").text
    tile = section(html, "pipeline-by-creation-source")  # a snapshot: no period at all
    assert "tile-period" not in tile
    page = client.get("/dashboards/marketing").text
    assert "data-partial" not in page  # tiles still loading carry no period yet
    assert date(2026, 11, 27) == TODAY
