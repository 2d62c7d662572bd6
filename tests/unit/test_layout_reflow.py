"""dashboards/layout.reflow: after a change of the number of columns no tile is lost, every
placed tile is inside the grid and no two overlap; tiles without a place keep none."""

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leadboard.dashboards.layout import reflow
from leadboard.dashboards.models import Tile

BASE: dict[str, Any] = {
    "name": {"en": "Leads", "nl": "Leads"},
    "chart": "number",
    "entity": "leads",
}


def tile(key: str, x: int | None, y: int | None, w: int = 1, h: int = 1) -> Tile:
    return Tile.model_validate({**BASE, "key": key, "x": x, "y": y, "width": w, "height": h})


def cells(t: Tile) -> set[tuple[int, int]]:
    """The grid cells a placed tile covers, counted out one by one (not reflow's own test)."""
    if t.x is None or t.y is None:
        return set()
    return {(col, row) for col in range(t.x, t.x + t.width) for row in range(t.y, t.y + t.height)}


@st.composite
def layouts(draw: st.DrawFn) -> list[Tile]:
    count = draw(st.integers(0, 14))
    found = []
    for i in range(count):
        placed = draw(st.booleans()) or draw(st.booleans())  # mostly placed
        x = draw(st.integers(0, 14)) if placed else None
        y = draw(st.integers(0, 40)) if placed else None
        w = draw(st.integers(1, 12))
        h = draw(st.integers(1, 6))
        found.append(tile(f"t{i}", x, y, w, h))
    return found


def check(before: list[Tile], columns: int) -> list[Tile]:
    after = reflow(before, columns)
    # none lost, none added, same order, only the place and width changed
    assert [t.key for t in after] == [t.key for t in before]
    for old, new in zip(before, after, strict=True):
        assert new.model_dump(exclude={"x", "y", "width"}) == old.model_dump(
            exclude={"x", "y", "width"}
        )
        assert (new.x is None) == (old.x is None)
        assert (new.y is None) == (old.y is None)
        assert new.width == min(old.width, columns)
        if new.y is not None and old.y is not None:
            assert new.y >= old.y  # tiles only move down
    covered: set[tuple[int, int]] = set()
    for t in after:
        mine = cells(t)
        assert all(0 <= col < columns for col, _ in mine), f"{t.key} outside {columns} columns"
        if t.x is not None:
            assert t.x + t.width <= columns
        assert not (mine & covered), f"{t.key} overlaps another tile"
        covered |= mine
    return after


@settings(max_examples=300, deadline=None)
@given(layouts(), st.integers(1, 12))
@example([tile("a", 0, 0, 3), tile("b", 0, 1)], 1)
@example([tile("a", 2, 0), tile("b", 0, 0, 3)], 2)
def test_no_tile_lost_none_overlapping_all_inside(before: list[Tile], columns: int) -> None:
    check(before, columns)


@settings(max_examples=100, deadline=None)
@given(layouts(), st.integers(1, 12))
def test_a_reflowed_layout_stays_as_it_is(before: list[Tile], columns: int) -> None:
    once = reflow(before, columns)
    assert reflow(once, columns) == once


def test_three_columns_to_one_stacks_the_row() -> None:
    row = [tile("a", 0, 0), tile("b", 1, 0), tile("c", 2, 0, h=2)]
    after = check(row, 1)
    assert [(t.x, t.y, t.width) for t in after] == [(0, 0, 1), (0, 1, 1), (0, 2, 1)]


def test_a_wide_tile_narrows_and_the_one_below_moves_down() -> None:
    after = check([tile("wide", 0, 0, w=6, h=2), tile("under", 1, 1)], 4)
    assert [(t.key, t.x, t.y, t.width) for t in after] == [
        ("wide", 0, 0, 4),
        ("under", 1, 2, 1),
    ]


def test_tiles_without_a_place_keep_none() -> None:
    after = check([tile("flow", None, None, w=5), tile("half", 7, None)], 3)
    assert [(t.x, t.y, t.width) for t in after] == [(None, None, 3), (2, None, 1)]


def test_the_upper_tile_keeps_its_place() -> None:
    # "low" comes first in the list, but "high" is above it: "high" stays, "low" moves.
    after = check([tile("low", 0, 1), tile("high", 0, 0, h=2)], 2)
    assert [(t.key, t.y) for t in after] == [("low", 2), ("high", 0)]


def test_columns_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one column"):
        reflow([], 0)
