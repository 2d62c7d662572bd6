"""Tiles on a dashboard's column grid: keep every placed tile inside the grid and apart.

A tile has a place (`x`, `y`, from 0, in grid cells) and a size (`width`, `height`). A tile
without a place (`x` or `y` None) flows after the ones before it on the page; it keeps no
place here either. `reflow` is what a change of the number of columns needs (SPEC 3: it never
drops a tile): narrower widths, places moved in from the right edge, and tiles that then
overlap moved down.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from leadboard.dashboards.models import Tile

__all__ = ["reflow"]


@dataclass(frozen=True)
class _Box:
    x: int
    y: int
    w: int
    h: int

    def overlaps(self, other: "_Box") -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )


def reflow(tiles: Sequence[Tile], columns: int) -> list[Tile]:
    """The same tiles in the same order on a grid of `columns`: each width at most `columns`,
    each placed tile with x + width <= columns, and no two placed tiles overlapping (the upper
    one, then the left one, keeps its place; the other moves down to the first free row)."""
    if columns < 1:
        raise ValueError(f"a grid has at least one column, not {columns}")
    sized = [_fitted(tile, columns) for tile in tiles]
    placed = sorted(
        (i for i, tile in enumerate(sized) if tile.x is not None and tile.y is not None),
        key=lambda i: (sized[i].y, sized[i].x, i),
    )
    taken: list[_Box] = []
    for i in placed:
        tile = sized[i]
        box = _Box(tile.x or 0, tile.y or 0, tile.width, tile.height)
        while clash := [other for other in taken if box.overlaps(other)]:
            # Down to where the first clashing tile ends: every row above it still clashes.
            box = _Box(box.x, min(o.y + o.h for o in clash), box.w, box.h)
        taken.append(box)
        if box.y != tile.y:
            sized[i] = tile.model_copy(update={"y": box.y})
    return sized


def _fitted(tile: Tile, columns: int) -> Tile:
    width = min(tile.width, columns)
    x = None if tile.x is None else min(tile.x, columns - width)
    if (width, x) == (tile.width, tile.x):
        return tile
    return tile.model_copy(update={"width": width, "x": x})
