"""Dashboard definitions: YAML <-> frozen pydantic models, validated up front.

A dashboard is a list of tile specs (`semantic.spec.Tile`, re-exported here for the pages that
lay tiles out) with a name, a column grid, a theme and the quick filters it offers.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from leadboard.semantic.spec import LIST_COLUMNS, Chart, Measure, Tile, Translated

__all__ = ["LIST_COLUMNS", "Chart", "Dashboard", "Measure", "QuickFilter", "Tile", "Translated"]

QuickFilter = Literal["owner", "country", "status", "period"]


class Dashboard(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Translated
    description: Translated | None = None
    columns: int = Field(default=3, ge=1, le=12)
    theme: Literal["light", "dark"] = "light"
    quick_filters: list[QuickFilter] = ["owner", "country", "status", "period"]
    tiles: list[Tile]

    @model_validator(mode="after")
    def _unique_keys(self) -> "Dashboard":
        keys = [tile.key for tile in self.tiles]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"tile keys must be unique, repeated: {', '.join(duplicates)}")
        return self

    def tile(self, key: str) -> Tile | None:
        return next((tile for tile in self.tiles if tile.key == key), None)
