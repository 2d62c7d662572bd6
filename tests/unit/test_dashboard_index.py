"""The listing read straight from the YAML (dashboards/index.py) says what the validated
definitions say, in both languages."""

import pytest

from leadboard.dashboards.index import dashboard_index
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.errors import InputError


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_index_matches_the_validated_definitions(lang: str) -> None:
    expected = [
        {
            "dashboard": d.slug,
            "name": d.name.get(lang),
            "description": d.description.get(lang) if d.description else None,
            "tiles": [tile.key for tile in d.tiles],
        }
        for d in builtin_dashboards().values()
    ]
    assert dashboard_index(lang) == expected
    assert [d["dashboard"] for d in expected] == ["marketing", "lead-nurturing", "sales"]


def test_empty_language_is_english_and_an_unknown_one_is_an_error() -> None:
    assert dashboard_index(None) == dashboard_index("en")
    with pytest.raises(InputError, match="lang: unknown language 'de'"):
        dashboard_index("de")
