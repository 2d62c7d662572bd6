"""The figures dialog and the records panel tell a partial period and a replaced period too."""

from html import unescape
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.oracle import Filters, Oracle, load
from tests.web.conftest import TODAY
from tests.web.test_period_words import FORMS, number_format

BASE = f"/dashboards/marketing/tiles/{FORMS}"


@pytest.fixture(scope="module")
def oracle(pages_app: Any) -> Oracle:
    return Oracle(load(pages_app.state.engine), TODAY)


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
    compared: str,
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
