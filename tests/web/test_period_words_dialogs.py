"""The figures dialog and the records panel tell a partial period and a replaced period too."""

from html import unescape

import pytest
from starlette.testclient import TestClient

from tests.oracle import Filters, Oracle
from tests.web.test_period_words import FORMS, number_format, oracle  # noqa: F401 - fixture

BASE = f"/dashboards/marketing/tiles/{FORMS}"


def flat(html: str) -> str:
    return " ".join(unescape(html).split())


@pytest.mark.parametrize(
    ("lang", "so_far", "compared"),
    [
        ("en", "so far", "Same span last year (Oct 1, 2025 – Nov 27, 2025)"),
        ("nl", "t/m vandaag", "Vorig jaar tot dezelfde dag (1 okt 2025 – 27 nov 2025)"),
    ],
)
def test_the_figures_of_a_partial_quarter(
    client: TestClient,
    oracle: Oracle,
    lang: str,
    so_far: str,
    compared: str,  # noqa: F811
) -> None:
    html = flat(client.get(f"{BASE}/figures?period=this-quarter&lang={lang}").text)
    want = oracle.tile(FORMS, Filters(period="this-quarter"))["compare"]["value"]
    assert so_far in html
    assert f'{compared}</td><td class="num">{number_format(want, lang)}</td>' in html


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("en", "New leads from forms — Last year"),
        ("nl", "Nieuwe leads vanuit formulieren — Vorig jaar"),
    ],
)
def test_the_records_panel_names_the_window_it_shows(
    client: TestClient, lang: str, name: str
) -> None:
    html = flat(client.get(f"{BASE}/records?period=previous-year&lang={lang}").text)
    assert name in html
    assert "YTD" not in html
