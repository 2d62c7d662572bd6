"""A tile that fails for a bug (issue 9 item 6): the page, the figures dialog, the CSV and the API
say that it could not be computed, in the viewer's language, and never show the exception's text
(it goes to the log); the other tiles still compute."""

import logging
from typing import Any

import pytest
from starlette.testclient import TestClient

from leadboard.semantic.executors import base
from tests.web.test_pages import tiles_of

BROKEN = "leads-by-status"
SECRET = "internal detail 0x5eed"


@pytest.fixture
def broken_tile(monkeypatch: pytest.MonkeyPatch) -> None:
    real_run = base.BaseExecutor.run

    def run(self: base.BaseExecutor, conn: Any, tile_plan: Any) -> Any:
        if tile_plan.tile.key == BROKEN:
            raise ZeroDivisionError(SECRET)
        return real_run(self, conn, tile_plan)

    monkeypatch.setattr(base.BaseExecutor, "run", run)


def section(html: str, key: str) -> str:
    return html.split(f'id="tile-{key}"')[1].split("</article>")[0]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "This tile could not be computed"), ("nl", "Deze tegel kon niet worden berekend")],
)
def test_the_page_says_the_tile_could_not_be_computed(
    client: TestClient,
    broken_tile: None,
    caplog: pytest.LogCaptureFixture,
    lang: str,
    words: str,
) -> None:
    with caplog.at_level(logging.ERROR, logger="leadboard.semantic.executors.base"):
        html = client.get(f"/dashboards/lead-nurturing/tiles?lang={lang}").text
    tiles = tiles_of(html)
    assert tiles[BROKEN]["data-state"] == "error"
    shown = section(html, BROKEN)
    assert words in shown
    assert SECRET not in html
    assert "<code>" not in shown  # no details: there are none a viewer can act on
    assert tiles["lead-qualification-funnel"]["data-state"] == "loading"  # computed
    assert any(r.exc_info and SECRET in str(r.exc_info[1]) for r in caplog.records)


def test_the_api_the_csv_and_the_figures_dialog_say_so_too(
    client: TestClient, broken_tile: None
) -> None:
    api = client.get("/api/dashboards/lead-nurturing").json()
    tile = next(t for t in api["tiles"] if t["key"] == BROKEN)
    assert tile["error"] == "This tile could not be computed"
    assert tile["empty"] is True
    csv = client.get(f"/dashboards/lead-nurturing/tiles/{BROKEN}.csv")
    assert csv.status_code == 409
    assert csv.json()["error"]["message"] == "This tile could not be computed"
    dialog = client.get(f"/dashboards/lead-nurturing/tiles/{BROKEN}/figures?lang=nl").text
    assert "Deze tegel kon niet worden berekend" in dialog
    assert SECRET not in dialog
