"""Dashboard and tile definitions: YAML <-> frozen pydantic models, validated up front."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from leadboard.semantic import catalog as c
from leadboard.semantic.criteria import CriteriaError, Criterion, validate_line
from leadboard.semantic.periods import UNITS, PeriodError, parse_period

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
    "web",
    "html",
]
Measure = Literal["count", "amount", "weighted_amount"]
QuickFilter = Literal["owner", "country", "status", "period"]
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


class Translated(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    en: str
    nl: str

    def get(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


class Tile(BaseModel):
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
    width: int = Field(default=1, ge=1, le=12)
    height: int = Field(default=1, ge=1, le=12)

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
        needs_group = self.chart in (
            "pie",
            "donut",
            "column",
            "bar",
            "line",
            "area",
            "column-line",
            "bar-line",
        )
        if needs_group and not self.group_by:
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
    def kind(self) -> str:
        """How the tile is computed: grouped, series, number, gauge, funnel or list."""
        if self.chart in ("number", "gauge", "funnel", "list"):
            return self.chart
        return "series" if self.grain else "grouped"

    @property
    def has_period(self) -> bool:
        return self.date_field is not None


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
