"""What a tile is, before anything is computed: the tile spec, its criteria, the quick filters
that apply to it, and the viewer's rights scope. Typed, frozen, validated up front.

`Tile` (the tile spec) is what dashboards are made of (dashboards/ holds the `Dashboard` around
it and the YAML); `plan.py` turns a spec + quick filters + scope + clock into queries.

What is wrong with a spec is a list of `Problem`s: each is a word of i18n.WORDS (`spec.*`, in
English and Dutch) with the values that fill it in. The REST API and the CLI show the English
(the ValueError's text, problems joined by "; "); the tile editor shows `problem.message(lang)`.
"""

import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import nh3
from babel.numbers import list_currencies
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from leadboard.i18n import t
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
    "Problem",
    "QuickFilters",
    "Scope",
    "Sort",
    "SpecError",
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


class Problem:
    """One thing wrong with a tile spec: `code` is its word in i18n.WORDS, `params` fill it in
    (a Problem among them is put in the same language), `field` is the spec field it is about."""

    def __init__(self, code: str, field: str, /, **params: "str | int | Problem") -> None:
        self.code, self.field, self.params = code, field, params

    def message(self, lang: str = "en") -> str:
        values = {
            k: v.message(lang) if isinstance(v, Problem) else v for k, v in self.params.items()
        }
        return t(lang, self.code, **values)

    def __repr__(self) -> str:
        return f"Problem({self.code!r}, {self.field!r}, {self.params!r})"


class SpecError(ValueError):
    """A spec's problems; its text is their English, joined by "; " (the API's message)."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(problem.message() for problem in problems))
        self.problems = problems


class CriteriaError(ValueError):
    """A criterion that cannot apply: unknown field, operator or value (`problem`: its word, when
    validate_line found it)."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


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
    field = entity.fields.get(line.field)
    if field is None:
        problem = Problem(
            "spec.line_no_field", "criteria", entity=repr(entity.name), field=repr(line.field)
        )
    elif line.op not in OPERATORS[field.type]:
        ops = ", ".join(OPERATORS[field.type])
        problem = Problem(
            "spec.line_op", "criteria", field=repr(line.field), op=repr(line.op), ops=ops
        )
    else:
        return field
    raise CriteriaError(problem.message(), problem)


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
        charts = ", ".join(CHARTS)
        if value in PLANNED_CHARTS:
            raise SpecError(
                Problem("spec.chart_planned", "chart", chart=repr(value), charts=charts)
            )
        if value not in CHARTS:
            raise SpecError(
                Problem("spec.chart_unknown", "chart", chart=repr(value), charts=charts)
            )
        return value

    @field_validator("colours")
    @classmethod
    def _colours(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if len(value) > MAX_COLOURS:
            raise SpecError(Problem("spec.colours_max", "colours", n=MAX_COLOURS))
        colours = [colour.strip().lower() for colour in value]
        for colour in colours:
            if not _COLOUR.match(colour):
                raise SpecError(Problem("spec.colour_form", "colours", colour=repr(colour)))
        return colours

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"[A-Z]{3}", value) or value not in CURRENCIES:
            raise SpecError(Problem("spec.currency_code", "currency", currency=repr(value)))
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if len(value) > MAX_URL or any(ch.isspace() or ord(ch) < 32 for ch in value):
            raise SpecError(Problem("spec.url_line", "url", n=MAX_URL))
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:
            raise SpecError(Problem("spec.url_invalid", "url")) from None
        if parts.scheme.lower() != "https" or not host:
            raise SpecError(Problem("spec.url_https", "url"))
        if parts.username is not None or parts.password is not None:
            raise SpecError(Problem("spec.url_credentials", "url"))
        return value

    @field_validator("html")
    @classmethod
    def _html(cls, value: str | None) -> str | None:
        """Kept sanitised: what is stored, exported and shown is what was checked."""
        if value is None:
            return None
        if len(value) > MAX_HTML:
            raise SpecError(Problem("spec.html_length", "html", n=MAX_HTML))
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
                raise SpecError(
                    Problem("spec.period", "period", period=repr(value), detail=str(exc))
                ) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Tile":
        entity = c.ENTITIES[self.entity]
        problems: list[Problem] = []
        if self.measure not in entity.measures or (
            self.measure2 and self.measure2 not in entity.measures
        ):
            measures = ", ".join(entity.measures)
            problems.append(
                Problem("spec.measures", "measure", entity=self.entity, measures=measures)
            )
        if self.aggregate != "sum":
            if not {self.measure, self.measure2} & set(MONEY_MEASURES):
                problems.append(
                    Problem("spec.aggregate_count", "aggregate", aggregate=self.aggregate)
                )
            if self.chart in ("gauge", "funnel", "list"):
                problems.append(Problem("spec.aggregate_counted", "aggregate", chart=self.chart))
        if self.group_by and self.group_by not in entity.fields:
            problems.append(
                Problem(
                    "spec.group_by_unknown",
                    "group_by",
                    entity=self.entity,
                    field=repr(self.group_by),
                )
            )
        elif self.group_by and entity.fields[self.group_by].scale != 1:
            # every amount would be a row of its own, keyed in cents: amounts are measured
            problems.append(Problem("spec.group_by_amount", "group_by", field=self.group_by))
        if self.date_field and self.date_field not in entity.date_fields:
            fields = ", ".join(entity.date_fields)
            problems.append(Problem("spec.date_field", "date_field", fields=fields))
        if bool(self.date_field) != bool(self.period):
            problems.append(Problem("spec.date_and_period", "date_field"))
        if self.name_without_period is not None:
            if not self.date_field:
                problems.append(Problem("spec.short_name_snapshot", "name_without_period"))
            for lang in ("en", "nl"):
                short, name = self.name_without_period.get(lang), self.name.get(lang)
                if not name.startswith(short) or short == name:
                    problems.append(
                        Problem(
                            "spec.short_name_start",
                            "name_without_period",
                            language=lang,
                            short=repr(short),
                            name=repr(name),
                        )
                    )
        if self.grain and self.group_by != self.date_field:
            problems.append(Problem("spec.grain_group_by", "group_by"))
        if self.grain and self.grain not in UNITS:
            problems.append(Problem("spec.grain_unit", "grain", units=", ".join(UNITS)))
        if self.chart in GROUPED_CHARTS and not self.group_by:
            problems.append(Problem("spec.needs_group_by", "group_by", chart=self.chart))
        if self.chart == "gauge" and self.numerator is None:
            problems.append(Problem("spec.needs_numerator", "numerator"))
        if self.selection is not None and self.chart != "list":
            problems.append(Problem("spec.selection_list", "selection"))
        if self.chart == "list":
            allowed = LIST_COLUMNS[self.entity]
            for column in self.columns or []:
                if column not in allowed:
                    problems.append(
                        Problem(
                            "spec.column_unknown",
                            "columns",
                            column=repr(column),
                            columns=", ".join(allowed),
                        )
                    )
        for where, groups in (("criteria", self.criteria), ("numerator", self.numerator or [])):
            for group in groups:
                for line in group:
                    try:
                        validate_line(entity, line)
                    except CriteriaError as exc:
                        problems.append(
                            Problem("spec.criteria", where, line=exc.problem or str(exc))
                        )
        problems += self._display_problems() + self._compare_problems() + self._panel_problems()
        if problems:
            raise SpecError(*problems)
        return self

    def _display_problems(self) -> list[Problem]:
        problems = []
        if self.sort and self.kind != "grouped":
            problems.append(Problem("spec.sort_grouped", "sort"))
        money = set(MONEY_MEASURES)
        if self.currency and self.measure not in money and self.measure2 not in money:
            problems.append(Problem("spec.currency_amounts", "currency"))
        return problems

    def _compare_problems(self) -> list[Problem]:
        problems = []
        if self.compare_value is not None:
            if self.chart != "number":
                problems.append(Problem("spec.compare_value_number", "compare_value"))
            if self.compare:
                problems.append(Problem("spec.compare_value_alone", "compare_value"))
        if self.compare in ("previous-period", "target") and self.chart != "number":
            problems.append(Problem("spec.compare_number", "compare", compare=self.compare))
        if self.compare == "previous-period" and not self.date_field:
            problems.append(Problem("spec.compare_period", "compare"))
        if self.compare == "target" and self.target is None:
            problems.append(Problem("spec.compare_target", "target"))
        return problems

    def _panel_problems(self) -> list[Problem]:
        problems = []
        if self.chart == "web" and not self.url:
            problems.append(Problem("spec.web_needs_url", "url"))
        if self.chart == "html" and not self.html:
            problems.append(Problem("spec.html_needed", "html"))
        if self.url and self.chart != "web":
            problems.append(Problem("spec.url_only_web", "url"))
        if self.html is not None and self.chart != "html":
            problems.append(Problem("spec.html_only", "html"))
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
                    Problem(
                        "spec.panel_counts", counted[0], chart=self.chart, fields=", ".join(counted)
                    )
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
