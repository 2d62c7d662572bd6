"""Mapping files: which CSV columns become which fields (YAML <-> strict pydantic models).

A mapping names its files, then says for leads and/or sales where each field comes from. Every
field is a *value*: a column (the short form is just the column's name), a constant, a template,
the import time, or the first set value of a list; a value may pass through a value map. See the
README section "CSV import" for the format, and presets/*.yaml for complete examples.

Reading and checking a mapping file: mapping_file.py. Checks that need the files (do the columns
exist?) or the database (do the status keys exist?) happen when the import starts.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from leadboard.domain.leads import CREATED_VIA
from leadboard.ingest.normalise import DEFAULT_PLACEHOLDERS

SALE_STATUSES = ("open", "sold", "lost", "stalled")
SOURCES = ("column", "value", "template", "first", "now")


class MappingError(ValueError):
    """An invalid mapping (or files that do not fit it); `problems` lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _scalar_text(value: Any) -> Any:
    """YAML reads `1` and `0.0` as numbers; cells are text, so constants are kept as text.
    Booleans are refused: YAML reads `yes`/`no`/`on` as booleans, which is never meant here."""
    if isinstance(value, bool):
        raise ValueError("write yes/no/true/false in quotes: cells are text")
    if isinstance(value, int | float):
        return str(value)
    return value


class Value(Strict):
    """Where one field's value comes from; exactly one source (column, value, template, first,
    now), then optionally `if_set`, a value map and a default, in that order."""

    column: str | None = None
    file: str | None = None  # the column's file (default: the rows file); "deals.sdr_id" also works
    value: str | None = None
    template: str | None = None  # "{column}", "{column:.8}" (8 characters), "{column:slug}"
    first: list["Value"] | None = None  # the first of these that is set
    now: bool | None = None  # the import time (`--today` moves it)
    if_set: str | None = None  # when the source is set, this constant instead
    map: dict[str, str | None] | None = None  # keys compared trimmed and ignoring case
    unmapped: Literal["error", "keep", "not_set"] = "error"  # a value the map does not name
    default: str | None = None  # when nothing above gives a value
    format: str | None = None  # times: strptime format; amounts: e.g. "1.234,56"

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"column": data}
        return data

    @field_validator("value", "default", "if_set", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _scalar_text(value)

    @field_validator("map", mode="before")
    @classmethod
    def _map_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {_scalar_text(k): _scalar_text(v) for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _one_source(self) -> "Value":
        given = [name for name in SOURCES if name in self.model_fields_set]
        if len(given) != 1:
            raise ValueError(
                f"needs exactly one of {', '.join(SOURCES)} (got {', '.join(given) or 'none'})"
            )
        if self.now is False:
            raise ValueError("now: write `now: true` or leave it out")
        if self.file is not None and self.column is None:
            raise ValueError("file: only goes with column")
        if "unmapped" in self.model_fields_set and self.map is None:
            raise ValueError("unmapped: only goes with map")
        return self


class FileSpec(Strict):
    match: str | None = None  # glob on the file name, e.g. "*closed_deals*.csv"
    key: str | None = None  # the column other rows join on
    optional: bool = False


class FormRef(Strict):
    """One form per external id (e.g. a landing page id), created when first seen."""

    external_id: Value
    name: Value | None = None


class AssociateRef(Strict):
    """An associate found by external id (within the origin), else by email; created if new."""

    external_id: Value | None = None
    email: Value | None = None
    name: Value | None = None
    group: Value | None = None  # an associate group, by name

    @model_validator(mode="after")
    def _identity(self) -> "AssociateRef":
        if self.external_id is None and self.email is None:
            raise ValueError("needs external_id or email")
        return self


class CompanyRef(Strict):
    name: Value
    external_id: Value | None = None  # default: the name
    country: Value | None = None
    category: Value | None = None


Custom = Literal["auto", "none"] | list[str]


class Entity(Strict):
    rows: str | None = None  # the file whose rows become records (default: the only file)
    join: dict[str, str] = Field(default_factory=dict)  # file -> column matched to its key
    external_id: Value
    custom: Custom = "auto"


class LeadsSpec(Entity):
    created_at: Value | None = None  # default: the import time
    created_via: Value | None = None  # default: import
    first_name: Value | None = None
    last_name: Value | None = None
    email: Value | None = None
    phone: Value | None = None
    job_title: Value | None = None
    country: Value | None = None
    creation_source: Value | None = None
    creation_medium: Value | None = None
    creation_campaign: Value | None = None
    first_contact_source: Value | None = None
    channel: Value | None = None  # a channel name; default: by the channel rules
    form: FormRef | None = None
    owner: AssociateRef | None = None
    company: CompanyRef | None = None
    status: Value | None = None  # a lead status key; default: open
    status_at: Value | None = None  # default: created_at for new leads, the import time later


class SalesSpec(Entity):
    title: Value | None = None  # default: the external id
    lead: Value | None = None  # the external id of a lead of the same origin
    company: CompanyRef | None = None
    owner: AssociateRef | None = None
    amount: Value | None = None  # default: 0
    currency: Value | None = None  # default: the mapping's currency
    stage: Value | None = None
    probability: Value | None = None  # percent; default: 100 when sold, else 0
    status: Value
    sale_date: Value
    created_at: Value | None = None  # default: the import time
    reason: Value | None = None


class Mapping(Strict):
    name: str
    description: str = ""
    origin: str | None = None  # the origin of external ids (default: the name)
    currency: str | None = None
    placeholders: list[str] = Field(default_factory=lambda: list(DEFAULT_PLACEHOLDERS))
    encoding: str = "auto"
    delimiter: str = "auto"
    files: dict[str, FileSpec] = Field(default_factory=lambda: {"data": FileSpec()})
    leads: LeadsSpec | None = None
    sales: SalesSpec | None = None

    @property
    def origin_name(self) -> str:
        return self.origin or self.name

    def entities(self) -> list[tuple[str, Entity]]:
        found: list[tuple[str, Entity]] = []
        if self.leads is not None:
            found.append(("leads", self.leads))
        if self.sales is not None:
            found.append(("sales", self.sales))
        return found

    def rows_file(self, entity: Entity) -> str:
        return entity.rows or next(iter(self.files))


Value.model_rebuild()

# The kind of each field: how its text becomes a value (and which constants are valid).
TIME_FIELDS = {"created_at", "status_at", "sale_date"}
AMOUNT_FIELDS = {"amount"}


def allowed(field: str) -> tuple[str, ...] | None:
    return {
        "created_via": CREATED_VIA,
        "sales.status": SALE_STATUSES,
    }.get(field)


def constants(value: Value) -> list[tuple[str, str]]:
    """The constants a value can produce (value, if_set, map values, default)."""
    found = []
    if value.value is not None:
        found.append((".value", value.value))
    if value.if_set is not None:
        found.append((".if_set", value.if_set))
    for key, mapped in (value.map or {}).items():
        if mapped is not None:
            found.append((f".map.{key}", mapped))
    if value.default is not None:
        found.append((".default", value.default))
    return found


def split_column(column: str, file: str | None, mapping: Mapping) -> tuple[str | None, str]:
    """(file, column name) of a reference; "deals.sdr_id" names the file when `deals` is one."""
    if file is not None:
        return file, column
    head, dot, rest = column.partition(".")
    if dot and head in mapping.files:
        return head, rest
    return None, column


def status_constants(mapping: Mapping) -> list[tuple[str, str]]:
    """(path, key) of every lead status the mapping names, to check against the database."""
    if mapping.leads is None or mapping.leads.status is None:
        return []
    found: list[tuple[str, str]] = []

    def walk(value: Value, path: str) -> None:
        found.extend((f"{path}{where}", key) for where, key in constants(value))
        for index, part in enumerate(value.first or []):
            walk(part, f"{path}.first[{index}]")

    walk(mapping.leads.status, "leads.status")
    return found
