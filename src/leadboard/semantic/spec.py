"""What a tile is, before anything is computed: the tile spec, its criteria, the quick filters
that apply to it, and the viewer's rights scope. Typed, frozen, validated up front.

`Tile` (the tile spec) is what dashboards are made of (dashboards/ holds the `Dashboard` around
it and the YAML); `plan.py` turns a spec + quick filters + scope + clock into queries.
"""

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from leadboard.semantic import catalog as c
from leadboard.semantic.catalog import Entity
from leadboard.semantic.periods import UNITS, PeriodError, parse_period

__all__ = [
    "ALL",
    "CHARTS",
    "LIST_COLUMNS",
    "NO_VALUE",
    "OPERATORS",
    "PLANNED_CHARTS",
    "Chart",
    "CriteriaError",
    "Criterion",
    "Measure",
    "QuickFilters",
    "Scope",
    "Tile",
    "TileKind",
    "Translated",
    "validate_line",
]

# -- criteria (SPEC 5): lines (field, operator, value), AND-ed in a group, groups OR-ed ---------

OPERATORS: dict[str, tuple[str, ...]] = {
    c.TEXT: (
        "equals",
        "is_not",
        "contains",
        "not_contains",
        "begins_with",
        "ends_with",
        "is_empty",
        "is_set",
    ),
    c.NUMBER: ("eq", "ne", "lt", "le", "gt", "ge", "between", "is_empty", "is_set"),
    c.ENUM: ("in", "not_in", "is_empty", "is_set"),
    c.STATUS: ("in", "not_in", "reached"),
    c.ASSOCIATE: ("current_user", "in", "not_in", "is_empty", "is_set"),
    c.FORM: ("in", "not_in", "is_empty", "is_set"),
    c.COUNTRY: ("in", "not_in", "is_empty", "is_set"),
    c.BOOL: ("is",),
    c.DATE: ("before", "after", "on", "between", "period", "is_empty", "is_set"),
}
OPERATORS[c.FOLDED] = OPERATORS[c.TEXT] + ("in", "not_in")
NO_VALUE = ("is_empty", "is_set", "current_user")


class CriteriaError(ValueError):
    """A criterion that cannot apply: unknown field, operator or value."""


class Criterion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    op: str
    value: Any = None

    @property
    def active(self) -> bool:
        """A line without a value is inactive (SPEC 5)."""
        return self.op in NO_VALUE or self.value not in (None, "", [])


def validate_line(entity: Entity, line: Criterion) -> c.Field:
    try:
        field = entity.field(line.field)
    except KeyError as exc:
        raise CriteriaError(str(exc.args[0])) from None
    if line.op not in OPERATORS[field.type]:
        raise CriteriaError(
            f"field {line.field!r} does not take operator {line.op!r} "
            f"(use {', '.join(OPERATORS[field.type])})"
        )
    return field


# -- the tile spec -----------------------------------------------------------------------------

# The chart kinds of SPEC 4 that can be computed today.
CHARTS = (
    "pie",
    "donut",
    "funnel",
    "number",
    "list",
    "column",
    "bar",
    "line",
    "area",
    "gauge",
    "column-line",
    "bar-line",
)
# SPEC 4 names these too (a web panel, an HTML panel); nothing computes them yet, so a tile of
# such a kind is refused when it is defined rather than failing when it is shown.
PLANNED_CHARTS = ("web", "html")
Chart = Literal[
    "pie",
    "donut",
    "funnel",
    "number",
    "list",
    "column",
    "bar",
    "line",
    "area",
    "gauge",
    "column-line",
    "bar-line",
]
Measure = Literal["count", "amount", "weighted_amount"]
TileKind = Literal["grouped", "series", "number", "gauge", "funnel", "list"]
LIST_COLUMNS = {
    "leads": (
        "id",
        "name",
        "email",
        "company",
        "owner",
        "country",
        "status",
        "created_at",
        "status_since",
    ),
    "sales": (
        "id",
        "title",
        "lead",
        "company",
        "owner",
        "status",
        "amount",
        "currency",
        "sale_date",
    ),
}
GROUPED_CHARTS = ("pie", "donut", "column", "bar", "line", "area", "column-line", "bar-line")


class Translated(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    en: str
    nl: str

    def get(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


class Tile(BaseModel):
    """The tile spec: what to count or sum, over which records, grouped how, in which period."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Translated
    # The name without the words that state the tile's own period ("New leads per campaign" for
    # "New leads per campaign YTD"): when the period filter replaces that period, the tile is
    # called this plus the window it shows ("New leads per campaign — Last year").
    name_without_period: Translated | None = None
    description: Translated | None = None
    chart: Chart
    entity: Literal["leads", "sales"]
    measure: Measure = "count"
    measure2: Measure | None = None  # the second series of column-line / bar-line tiles
    group_by: str | None = None
    grain: Literal["day", "week", "month", "quarter", "year"] | None = None
    date_field: str | None = None  # the field the period applies to; None = snapshot
    period: str | None = None
    compare: Literal["same-span-last-year"] | None = None
    top: int | None = Field(default=None, ge=1, le=100)
    other: bool = True  # with top: sum the rest into "Other"
    set_only: bool = False  # leave out "(not set)"
    criteria: list[list[Criterion]] = []
    numerator: list[list[Criterion]] | None = None  # gauge: % of records that also match this
    target: float | None = None
    current_status: bool = False  # funnel: count by current status instead of history
    columns: list[str] | None = None  # list tiles
    order_by: str | None = None  # list tiles: a field; prefix "-" for descending
    # The grid position (column x, row y, from 0); None: the tile flows after the ones before it.
    x: int | None = Field(default=None, ge=0, le=1000)
    y: int | None = Field(default=None, ge=0, le=1000)
    width: int = Field(default=1, ge=1, le=12)
    height: int = Field(default=1, ge=1, le=12)

    @field_validator("chart", mode="before")
    @classmethod
    def _chart(cls, value: Any) -> Any:
        """Name the kinds there are; say so when a kind of SPEC 4 is not available yet."""
        if value in PLANNED_CHARTS:
            raise ValueError(
                f"chart kind {value!r} is not available yet (use one of {', '.join(CHARTS)})"
            )
        if value not in CHARTS:
            raise ValueError(f"unknown chart kind {value!r} (use one of {', '.join(CHARTS)})")
        return value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_period(value)
            except PeriodError as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Tile":
        entity = c.ENTITIES[self.entity]
        problems = []
        if self.measure not in entity.measures or (
            self.measure2 and self.measure2 not in entity.measures
        ):
            problems.append(f"entity {self.entity} has measures {', '.join(entity.measures)}")
        if self.group_by and self.group_by not in entity.fields:
            problems.append(f"group_by: {self.entity} has no field {self.group_by!r}")
        if self.date_field and self.date_field not in entity.date_fields:
            problems.append(f"date_field: use one of {', '.join(entity.date_fields)}")
        if bool(self.date_field) != bool(self.period):
            problems.append("date_field and period go together (neither for a snapshot)")
        if self.name_without_period is not None:
            if not self.date_field:
                problems.append("name_without_period: a snapshot tile has no period to name")
            for lang in ("en", "nl"):
                short = self.name_without_period.get(lang)
                if not self.name.get(lang).startswith(short) or short == self.name.get(lang):
                    problems.append(
                        f"name_without_period.{lang}: {short!r} is not the start of the "
                        f"name {self.name.get(lang)!r} without its period words"
                    )
        if self.grain and self.group_by != self.date_field:
            problems.append("grain groups by the tile's date_field: set group_by to it")
        if self.grain and self.grain not in UNITS:
            problems.append(f"grain: use one of {', '.join(UNITS)}")
        if self.chart in GROUPED_CHARTS and not self.group_by:
            problems.append(f"a {self.chart} tile needs group_by")
        if self.chart == "gauge" and self.numerator is None:
            problems.append("a gauge tile needs a numerator")
        if self.chart == "list":
            allowed = LIST_COLUMNS[self.entity]
            for column in self.columns or []:
                if column not in allowed:
                    problems.append(f"columns: {column!r} is not one of {', '.join(allowed)}")
        for groups in (self.criteria, self.numerator or []):
            for group in groups:
                for line in group:
                    try:
                        validate_line(entity, line)
                    except CriteriaError as exc:
                        problems.append(f"criteria: {exc}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def kind(self) -> "TileKind":
        """How the tile is computed: grouped, series, number, gauge, funnel or list."""
        if self.chart == "number":
            return "number"
        if self.chart == "gauge":
            return "gauge"
        if self.chart == "funnel":
            return "funnel"
        if self.chart == "list":
            return "list"
        return "series" if self.grain else "grouped"

    @property
    def has_period(self) -> bool:
        return self.date_field is not None


# -- quick filters and the rights scope --------------------------------------------------------


@dataclass(frozen=True)
class QuickFilters:
    """Resolved quick filters: ids and codes that exist (see filters.py)."""

    owner_id: int | None = None
    country: str | None = None  # ISO code, or "none" for records without a country
    status_id: int | None = None
    period: str | None = None

    def applied_to(self, tile: Tile) -> list[str]:
        """Which quick filters change this tile (it shows a filter mark for each)."""
        names = [
            name
            for name in ("owner", "country", "status")
            if getattr(self, name if name == "country" else f"{name}_id") is not None
        ]
        if self.period is not None and tile.has_period:
            names.append("period")
        return names


@dataclass(frozen=True)
class Scope:
    """The records a viewer may see, per entity: the owners whose leads (sales) they see, or None
    for all of them. `own` is the viewer alone, `group` the associates of the viewer's group
    (see semantic/rights.py, which builds it from a Viewer). A record without an owner is only
    seen with `all`. `plan` adds the restriction to every query's WHERE, like the owner filter;
    form submissions, chats and conversions follow their lead."""

    leads: tuple[int, ...] | None = None
    sales: tuple[int, ...] | None = None
    rights: tuple[str, str] = ("all", "all")  # what the restriction came from, for explain

    def owners(self, entity: str) -> tuple[int, ...] | None:
        """The owners this viewer may see records of for `entity` (None: every record)."""
        return self.leads if entity == "leads" else self.sales

    @property
    def is_all(self) -> bool:
        return self.leads is None and self.sales is None

    def visible_owners(self) -> frozenset[int] | None:
        """The owners whose leads or sales the viewer sees (the owner filter's choices)."""
        if self.leads is None or self.sales is None:
            return None
        return frozenset(self.leads) | frozenset(self.sales)


ALL = Scope()
