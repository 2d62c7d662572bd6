"""The response models of /api/dashboards and /api/dashboards/{slug} describe the answers: every
golden dashboard JSON (tests/db/golden, all built-in dashboards, filters and languages) validates
against them with no key undocumented, and the OpenAPI document names them."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from leadboard.app import create_app
from leadboard.settings import Settings
from leadboard.web.api.dashboard_models import (
    DashboardList,
    DashboardOut,
    FailedTile,
    GroupedTile,
    NumberTile,
    SeriesTile,
)

GOLDEN = Path(__file__).parents[1] / "db" / "golden"
DASHBOARDS = sorted((GOLDEN / "dashboards").glob("*.json"))


def test_there_are_golden_dashboards() -> None:
    assert len(DASHBOARDS) >= 40


@pytest.mark.parametrize("path", DASHBOARDS, ids=[p.stem for p in DASHBOARDS])
def test_every_golden_dashboard_validates(path: Path) -> None:
    data = json.loads(path.read_text())
    model = DashboardOut.model_validate(data)
    # nothing lost: the model holds every key and value of the answer
    assert model.model_dump(mode="json", exclude_unset=True) == data


def test_the_list_validates() -> None:
    data = json.loads((GOLDEN / "http" / "api-dashboards-nl.json").read_text())
    assert DashboardList.model_validate(data).model_dump(mode="json") == data


def test_undocumented_keys_fail() -> None:
    tile = {
        "key": "k",
        "name": "N",
        "chart": "bar",
        "as_of": "2026-11-27T23:59:59.999999+01:00",
        "filtered": [],
        "measure": "count",
        "empty": False,
        "rows": [{"key": "a", "label": "A", "value": 1}],
    }
    GroupedTile.model_validate(tile)
    with pytest.raises(ValidationError):
        GroupedTile.model_validate({**tile, "surprise": 1})
    with pytest.raises(ValidationError):  # a series row says whether its bucket holds now
        SeriesTile.model_validate(tile)
    with pytest.raises(ValidationError):
        NumberTile.model_validate(tile)
    failed = {k: v for k, v in tile.items() if k != "rows"} | {"empty": True, "error": "x"}
    FailedTile.model_validate(failed)


def test_openapi_names_the_models(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    schema = app.openapi()
    paths = schema["paths"]
    ok = paths["/api/dashboards/{slug}"]["get"]["responses"]["200"]["content"]
    assert ok["application/json"]["schema"]["$ref"].endswith("/DashboardOut")
    listed = paths["/api/dashboards"]["get"]["responses"]["200"]["content"]
    assert listed["application/json"]["schema"]["$ref"].endswith("/DashboardList")
    app.state.engine.dispose()
