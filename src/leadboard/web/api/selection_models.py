"""Bodies and answers of /api/selections: saved criteria over leads or sales (issue 11)."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from leadboard.dashboards.selections import NAME_LENGTH
from leadboard.semantic.spec import Criterion, Translated
from leadboard.web.api.dashboard_admin_models import AudienceIO
from leadboard.web.api.models import NO_NUL, text_schema

# The names of a selection, in English and Dutch: neither blank (in place of Translated's
# schema, which allows any text).
_NAME = text_schema(NAME_LENGTH).json_schema
NAMES = {
    "type": "object",
    "required": ["en", "nl"],
    "properties": {"en": _NAME, "nl": _NAME},
    "additionalProperties": False,
}


def _names(schema: dict[str, Any]) -> None:
    schema.clear()
    schema.update(NAMES)


__all__ = ["SelectionIn", "SelectionList", "SelectionOut", "SelectionRecords"]


class SelectionIn(BaseModel):
    """A selection as it is saved. `criteria` are SPEC 5 lines (field, op, value) AND-ed in a
    group, the groups OR-ed; a line without a value is inactive. `columns` are the list's (of
    the entity's list columns; none: all), `order_by` a column ("-" first: descending)."""

    model_config = ConfigDict(extra="forbid")

    slug: str | None = Field(
        None,
        max_length=100,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="Left out: made from the English name",
    )
    name: Translated = Field(json_schema_extra=_names)
    entity: Literal["leads", "sales"]
    criteria: list[list[Criterion]] = Field([], max_length=50)
    columns: list[str] | None = Field(None, max_length=20)
    order_by: str | None = Field(None, max_length=64, examples=["-created_at"])
    visible_for: AudienceIO | None = Field(
        None, description="Who may see it besides its owner (left out: kept, or nobody)"
    )
    owner: str | None = Field(
        None,
        max_length=320,
        json_schema_extra={"pattern": NO_NUL},
        description="POST by an integration: the owner's email",
    )


class SelectionOut(BaseModel):
    slug: str
    name: Translated
    entity: Literal["leads", "sales"]
    criteria: list[list[Criterion]]
    columns: list[str]
    order_by: str | None
    owner: str = Field(description="The owner's email")
    visible_for: AudienceIO
    editable: bool = Field(description="Whether the caller may change, share and delete it")
    created_at: datetime
    updated_at: datetime


class SelectionList(BaseModel):
    selections: list[SelectionOut]


class SelectionRecords(BaseModel):
    """One page of the selection's records, evaluated now within the caller's rights."""

    selection: str
    entity: Literal["leads", "sales"]
    page: int
    page_size: int
    total: int = Field(description="Every record that matches, not only this page")
    order_by: str | None
    records: list[dict[str, Any]] = Field(
        description="As the drill-down's records (GET /api/tiles/.../records)"
    )
