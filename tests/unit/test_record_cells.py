"""A list tile's lead link always has a text: the name, else the email, else "Lead N"."""

from zoneinfo import ZoneInfo

import pytest

from leadboard.i18n import Formatter
from leadboard.web.pages.tiles import record_cells

FMT = Formatter("en", ZoneInfo("Europe/Amsterdam"))


@pytest.mark.parametrize(
    ("record", "text"),
    [
        ({"id": 7, "name": "Ann de Vries", "email": "ann@example.nl"}, "Ann de Vries"),
        ({"id": 7, "name": None, "email": "ann@example.nl"}, "ann@example.nl"),
        ({"id": 7, "name": None, "email": None}, "Lead 7"),
    ],
)
def test_the_name_cell_of_a_lead_without_a_name(record: dict[str, object], text: str) -> None:
    (cell,) = record_cells(record, ["name"], "leads", FMT, "en", None)
    assert cell["text"] == text
    assert cell["href"] == "/leads/7"
