"""Request and response models of the routes that make and change dashboards (web/api/dashboards).

A definition is the schema of the built-in YAML files (`Dashboard`): the same JSON goes into
`POST /api/dashboards` and `PUT /api/dashboards/{slug}` and comes out of
`GET /api/dashboards/{slug}/definition`, with the owner's email and the audiences (groups by
name, users by email) beside it. A tile of the tiles routes is a `Tile` whose grid size is `w`
and `h` (the definition's `width` and `height`) beside its position `x` and `y`.
"""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from leadboard.dashboards.models import Dashboard, Tile
from leadboard.dashboards.stored import SLUG_LENGTH
from leadboard.web.api.models import NO_NUL


def _no_nul(value: Any, path: str = "") -> None:
    """No NUL anywhere in a body's text (PostgreSQL cannot store one): a ValueError naming it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"{path or 'body'}: must not contain NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key, path)
            _no_nul(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _no_nul(item, f"{path}[{i}]")


# A group's name or a user's email: looked up (an unknown one is a 422 naming it), no NUL.
Named = Annotated[str, WithJsonSchema({"type": "string", "pattern": NO_NUL})]


class _Checked(BaseModel):
    @model_validator(mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        _no_nul(value)
        return value


class DefinitionIn(_Checked, Dashboard):
    """A dashboard definition in the built-in schema (PUT /api/dashboards/{slug})."""

    @field_validator("slug")
    @classmethod
    def _slug_length(cls, value: str) -> str:
        if len(value) > SLUG_LENGTH:
            raise ValueError(f"at most {SLUG_LENGTH} characters")
        return value

    @field_validator("tiles")
    @classmethod
    def _unique_tile_keys(cls, tiles: list[Tile]) -> list[Tile]:
        keys = [tile.key for tile in tiles]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"tile keys must be unique, repeated: {', '.join(repeated)}")
        return tiles

    def definition(self) -> Dashboard:
        return Dashboard.model_validate(self.model_dump(exclude_defaults=True))


class DashboardIn(DefinitionIn):
    """A new dashboard: its definition, and for a token without a user its owner."""

    owner: str | None = Field(
        None,
        max_length=320,
        json_schema_extra={"pattern": NO_NUL},
        description="The owner's email: required for an integration (a token without a user); "
        "a user's own dashboards are theirs (leave it out or give their own email)",
    )

    def definition(self) -> Dashboard:
        return Dashboard.model_validate(self.model_dump(exclude_defaults=True, exclude={"owner"}))


class AudienceIO(_Checked):
    """Who a dashboard is visible for or pinned to: everyone, or these groups and users."""

    model_config = ConfigDict(extra="forbid", strict=True)

    everyone: bool = False
    groups: list[Named] = Field([], max_length=1000, description="Group names")
    users: list[Named] = Field([], max_length=1000, description="User emails")


class SharingIn(_Checked):
    model_config = ConfigDict(extra="forbid", strict=True)

    visible_for: AudienceIO = Field(description="Who may open it (its owner always may)")
    pinned_for: AudienceIO = Field(description="Whose tabs show it (they may open it too)")


class OwnerIn(_Checked):
    model_config = ConfigDict(extra="forbid", strict=True)

    owner: str = Field(
        min_length=1,
        max_length=320,
        json_schema_extra={"pattern": NO_NUL},
        description="The new owner's email",
    )


class DuplicateIn(_Checked):
    model_config = ConfigDict(extra="forbid", strict=True)

    owner: str | None = Field(
        None,
        max_length=320,
        json_schema_extra={"pattern": NO_NUL},
        description="The copy's owner: required for an integration; a user's copy is theirs",
    )


class DefinitionOut(Dashboard):
    """A dashboard's definition, its owner and audiences (null for a built-in dashboard)."""

    builtin: bool = Field(description="A built-in dashboard: read-only, duplicate it to change it")
    owner: str | None = Field(description="The owner's email; null: built-in")
    visible_for: AudienceIO | None = Field(description="null: built-in (everyone sees those)")
    pinned_for: AudienceIO | None = Field(description="null: built-in (everyone's tabs)")


class TileIO(_Checked, Tile):
    """A tile in the built-in schema with its place on the grid: column `x`, row `y` (from 0;
    null: after the tiles before it) and size `w` by `h` grid cells."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=False)

    width: int = Field(default=1, ge=1, le=12, alias="w", description="Width in grid columns")
    height: int = Field(default=1, ge=1, le=12, alias="h", description="Height in grid rows")

    def tile(self) -> Tile:
        return Tile.model_validate(self.model_dump(exclude_defaults=True))

    @classmethod
    def of(cls, tile: Tile) -> "TileIO":
        data = tile.model_dump(exclude_defaults=True)
        data["w"], data["h"] = data.pop("width", 1), data.pop("height", 1)
        return cls.model_validate(data)


class TileList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tiles: list[TileIO]
