"""What a tile is, before anything is computed: the tile spec, its criteria, the quick filters
that apply to it, and the viewer's rights scope. Typed, frozen, validated up front.

`Tile` (the tile spec) is what dashboards are made of (dashboards/ holds the `Dashboard` around
it and the YAML); `plan.py` turns a spec + quick filters + scope + clock into queries.
"""

import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import nh3
from babel.numbers import list_currencies
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from leadboard.semantic import catalog as c
from leadboard.semantic.catalog import Entity
from leadboard.semantic.periods import UNITS, PeriodError, parse_period

__all__ = [
    "ALL",
    "CHARTS",
    "LIST_COLUMNS",
    "MONEY_MEASURES",
    "NO_VALUE",
    "OPERATORS",
    "PANEL_CHARTS",
    "PLANNED_CHARTS",
    "Aggregate",
    "Chart",
    "Compare",
    "CriteriaError",
    "Criterion",
    "Measure",
    "QuickFilters",
    "Scope",
    "Sort",
    "Tile",
    "TileKind",
    "Translated",
    "clean_html",
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
    "web",
    "html",
)
# Panels (SPEC 4): a web page in a sandboxed frame, or a piece of sanitised HTML. They run no
# query; their entity is ignored (and may be left out).
PANEL_CHARTS = ("web", "html")
# Chart kinds SPEC 4 names that nothing computes yet (refused when a tile is defined).
PLANNED_CHARTS: tuple[str, ...] = ()
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
# How amounts of the records add up: their sum, average, lowest or highest (issue 11).
Aggregate = Literal["sum", "avg", "min", "max"]
MONEY_MEASURES = ("amount", "weighted_amount")
TileKind = Literal["grouped", "series", "number", "gauge", "funnel", "list", "panel"]
# What a number tile compares with: the same span a year before, the window of the same length
# right before (periods.previous_period), or its `target`; a fixed `compare_value` needs none.
Compare = Literal["same-span-last-year", "previous-period", "target"]
Sort = Literal["value-desc", "value-asc", "label-asc", "label-desc"]
MAX_COLOURS = 12
_COLOUR = re.compile(r"^#[0-9a-f]{6}$")
CURRENCIES = frozenset(list_currencies())  # ISO 4217 codes Babel can format

# HTML tiles: formatting, lists, tables and links; never scripts, styles, frames, forms, images
# (a tracking pixel) or event handlers. Links open with rel="noopener noreferrer".
HTML_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
        "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "mark", "ol", "p",
        "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
HTML_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
HTML_SCHEMES = frozenset({"http", "https", "mailto"})
MAX_HTML = 20_000
MAX_URL = 2_000


def clean_html(html: str) -> str:
    """HTML with only formatting tags and http(s)/mailto links left (nh3, an allow-list)."""
    return nh3.clean(
        html,
        tags=set(HTML_TAGS),
        attributes={tag: set(names) for tag, names in HTML_ATTRIBUTES.items()},
        url_schemes=set(HTML_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


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
    "form_submissions": (
        "id",
        "submitted_at",
        "form",
        "status",
        "lead",
        "owner",
        "country",
        "source",
        "campaign",
    ),
    "chats": (
        "id",
        "started_at",
        "ended_at",
        "agent",
        "visitor_name",
        "visitor_company",
        "country",
        "lead",
        "owner",
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
    entity: Literal["leads", "sales", "form_submissions", "chats"]
    measure: Measure = "count"
    measure2: Measure | None = None  # the second series of column-line / bar-line tiles
    # Applies to the amount measures (measure and measure2); a count is always a count.
    aggregate: Aggregate = "sum"
    group_by: str | None = None
    grain: Literal["day", "week", "month", "quarter", "year"] | None = None
    date_field: str | None = None  # the field the period applies to; None = snapshot
    period: str | None = None
    compare: Compare | None = None
    compare_value: float | None = None  # number tiles: a fixed value to compare with
    top: int | None = Field(default=None, ge=1, le=100)
    other: bool = True  # with top: sum the rest into "Other"
    set_only: bool = False  # leave out "(not set)"
    criteria: list[list[Criterion]] = []
    numerator: list[list[Criterion]] | None = None  # gauge: % of records that also match this
    target: float | None = None
    current_status: bool = False  # funnel: count by current status instead of history
    columns: list[str] | None = None  # list tiles
    order_by: str | None = None  # list tiles: a field; prefix "-" for descending
    # List tiles: a saved selection's slug; its criteria, entity, columns and sort replace the
    # tile's own when the dashboard is shown (dashboards/service.py), re-read on every view.
    selection: str | None = Field(default=None, max_length=100)
    # The grid position (column x, row y, from 0); None: the tile flows after the ones before it.
    x: int | None = Field(default=None, ge=0, le=1000)
    y: int | None = Field(default=None, ge=0, le=1000)
    width: int = Field(default=1, ge=1, le=12)
    height: int = Field(default=1, ge=1, le=12)
    # Display options (the defaults are the look of the built-in tiles).
    legend: bool = True
    data_labels: bool = False  # the figure written on each bar, point or segment
    short_numbers: bool = False  # 1.2k / 1,2 k
    colours: list[str] | None = None  # #rrggbb, used in order for the series or segments
    currency: str | None = None  # amounts converted into this currency (None: the base one)
    sort: Sort | None = None  # grouped tiles; None: ranked by value (statuses in rank order)
    # Panels: an https page in a sandboxed frame ("web"), or sanitised HTML ("html").
    url: str | None = None
    html: str | None = None

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

    @field_validator("colours")
    @classmethod
    def _colours(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if len(value) > MAX_COLOURS:
            raise ValueError(f"at most {MAX_COLOURS} colours")
        colours = [colour.strip().lower() for colour in value]
        for colour in colours:
            if not _COLOUR.match(colour):
                raise ValueError(f"colour {colour!r} is not of the form #rrggbb")
        return colours

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"[A-Z]{3}", value) or value not in CURRENCIES:
            raise ValueError(f"currency {value!r} is not an ISO 4217 code (like EUR or USD)")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if len(value) > MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in value):
            raise ValueError(f"url must be one line of at most {MAX_URL} characters")
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:
            raise ValueError("url is not a valid address") from None
        if parts.scheme.lower() != "https" or not host:
            raise ValueError("url must be an https:// address")
        if parts.username is not None or parts.password is not None:
            raise ValueError("url must not hold a user name or password")
        return value

    @field_validator("html")
    @classmethod
    def _html(cls, value: str | None) -> str | None:
        """Kept sanitised: what is stored, exported and shown is what was checked."""
        if value is None:
            return None
        if len(value) > MAX_HTML:
            raise ValueError(f"html must be at most {MAX_HTML} characters")
        return clean_html(value)

    @model_validator(mode="before")
    @classmethod
    def _panel_entity(cls, data: Any) -> Any:
        """A panel counts nothing: its entity may be left out (it is ignored)."""
        if isinstance(data, dict) and data.get("chart") in PANEL_CHARTS and "entity" not in data:
            return {**data, "entity": "leads"}
        return data

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
        if self.aggregate != "sum":
            if not {self.measure, self.measure2} & set(MONEY_MEASURES):
                problems.append(
                    f"aggregate: {self.aggregate} applies to amount and weighted_amount; "
                    "a count takes only sum"
                )
            if self.chart in ("gauge", "funnel", "list"):
                problems.append(f"aggregate: a {self.chart} tile counts records; use sum")
        if self.group_by and self.group_by not in entity.fields:
            problems.append(f"group_by: {self.entity} has no field {self.group_by!r}")
        elif self.group_by and entity.fields[self.group_by].scale != 1:
            # every amount would be a row of its own, keyed in cents: amounts are measured
            problems.append(f"group_by: {self.group_by} is a measure (amount), not a grouping")
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
        if self.selection is not None and self.chart != "list":
            problems.append("selection: only a list tile shows a selection")
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
        problems += self._display_problems() + self._compare_problems() + self._panel_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _display_problems(self) -> list[str]:
        problems = []
        if self.sort and self.kind != "grouped":
            problems.append("sort: only tiles grouped by a field (not by date) are sorted")
        money = set(MONEY_MEASURES)
        if self.currency and self.measure not in money and self.measure2 not in money:
            problems.append("currency: only a tile of amounts has a currency")
        return problems

    def _compare_problems(self) -> list[str]:
        problems = []
        if self.compare_value is not None:
            if self.chart != "number":
                problems.append("compare_value: only a number tile compares with a value")
            if self.compare:
                problems.append("compare_value: leave compare out to compare with a value")
        if self.compare in ("previous-period", "target") and self.chart != "number":
            problems.append(f"compare {self.compare}: only a number tile compares so")
        if self.compare == "previous-period" and not self.date_field:
            problems.append("compare previous-period: the tile needs a period")
        if self.compare == "target" and self.target is None:
            problems.append("compare target: set the tile's target")
        return problems

    def _panel_problems(self) -> list[str]:
        problems = []
        if self.chart == "web" and not self.url:
            problems.append("url: a web tile needs an https url")
        if self.chart == "html" and not self.html:
            problems.append("html: an html tile needs its html")
        if self.url and self.chart != "web":
            problems.append("url: only a web tile has a url")
        if self.html is not None and self.chart != "html":
            problems.append("html: only an html tile has html")
        if self.chart in PANEL_CHARTS:
            counted = [
                name
                for name in ("group_by", "date_field", "period", "measure2", "numerator")
                if getattr(self, name) is not None
            ]
            if self.criteria:
                counted.append("criteria")
            if counted:
                problems.append(
                    f"a {self.chart} tile counts nothing: leave out {', '.join(counted)}"
                )
        return problems

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
        if self.chart in PANEL_CHARTS:
            return "panel"
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
        return self.sales if entity == "sales" else self.leads  # the rest follow their lead

    @property
    def is_all(self) -> bool:
        return self.leads is None and self.sales is None

    def visible_owners(self) -> frozenset[int] | None:
        """The owners whose leads or sales the viewer sees (the owner filter's choices)."""
        if self.leads is None or self.sales is None:
            return None
        return frozenset(self.leads) | frozenset(self.sales)


ALL = Scope()
