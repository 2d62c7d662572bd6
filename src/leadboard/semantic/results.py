"""Typed tile results: what an executor returns, one frozen dataclass per kind of tile.

`TileResult` is a union discriminated by `kind` (grouped, series, number, gauge, funnel, list, or
failed). Results hold figures, not words: row keys (labels come with presentation, in web/), counts
as ints and money as `Decimal`s in the tile's currency (the base currency unless the tile sets
`currency`), windows as aware datetimes.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from leadboard.domain.statuses import Status
from leadboard.semantic.catalog import Field
from leadboard.semantic.periods import Window
from leadboard.semantic.spec import Tile

__all__ = [
    "CENT",
    "ChatRecord",
    "DrillDown",
    "FailedResult",
    "Figure",
    "FunnelResult",
    "FunnelStep",
    "GaugeResult",
    "GroupedResult",
    "LeadRecord",
    "ListResult",
    "NumberCompare",
    "NumberResult",
    "PanelResult",
    "Record",
    "ResultKind",
    "Row",
    "SaleRecord",
    "SeriesResult",
    "SeriesRow",
    "SubmissionRecord",
    "TileResult",
    "is_zero",
]

Figure = int | Decimal  # a count, or an amount in the tile's currency (2 decimals)
ResultKind = Literal["grouped", "series", "number", "gauge", "funnel", "list", "panel", "failed"]
CENT = Decimal("0.01")


def is_zero(value: Figure | None) -> bool:
    """Zero as shown: money is shown to the cent."""
    if isinstance(value, Decimal):
        return value.quantize(CENT) == 0
    return not value


# -- records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadRecord:
    id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    company: str | None
    owner_id: int | None
    country: str | None
    status_id: int | None
    created_at: datetime  # aware, UTC
    status_since: datetime
    erased: bool = False  # GDPR-erased: no name or email, shown as "Erased contact"


@dataclass(frozen=True)
class SaleRecord:
    id: int
    title: str | None
    company: str | None
    owner_id: int | None
    status: str | None
    amount: Decimal  # in the sale's own currency
    currency: str
    sale_date: datetime  # aware, UTC
    lead_id: int | None
    lead_name: str | None
    lead_erased: bool = False


@dataclass(frozen=True)
class SubmissionRecord:
    id: int
    submitted_at: datetime  # aware, UTC
    form_id: int
    status: str
    is_conversion: bool
    lead_id: int | None
    lead_name: str | None
    owner_id: int | None  # the lead's
    country: str | None  # the lead's (its own, else its company's)
    source: str | None  # the visit's
    medium: str | None
    campaign: str | None
    lead_erased: bool = False


@dataclass(frozen=True)
class ChatRecord:
    id: int
    started_at: datetime  # aware, UTC
    ended_at: datetime | None
    agent_id: int | None
    visitor_name: str | None
    visitor_company: str | None
    country: str | None  # the lead's, else the visitor's
    lead_id: int | None
    lead_name: str | None
    owner_id: int | None  # the lead's
    lead_erased: bool = False


Record = LeadRecord | SaleRecord | SubmissionRecord | ChatRecord


# -- per kind ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Base:
    tile: Tile
    window: Window | None = None  # the period's window; None for a snapshot tile
    partial: bool = False  # the window holds now


@dataclass(frozen=True)
class Row:
    key: str
    value: Figure
    value2: Figure | None = None  # the tile's second measure


@dataclass(frozen=True, kw_only=True)
class GroupedResult(_Base):
    kind: Literal["grouped"] = "grouped"
    field: Field  # the field grouped by: what the keys are keys of
    rows: tuple[Row, ...]

    @property
    def empty(self) -> bool:
        return all(is_zero(r.value) and is_zero(r.value2) for r in self.rows)


@dataclass(frozen=True)
class SeriesRow:
    key: str  # the bucket's key: 2026-03, 2026-W07, ...
    first_day: date
    grain: str
    value: Figure
    value2: Figure | None  # the second measure, or the figure a year before
    compare: Window | None  # the span value2 covers when it is the figure a year before
    partial: bool  # the bucket holds now


@dataclass(frozen=True, kw_only=True)
class SeriesResult(_Base):
    kind: Literal["series"] = "series"
    rows: tuple[SeriesRow, ...]

    @property
    def empty(self) -> bool:
        return all(is_zero(r.value) and is_zero(r.value2) for r in self.rows)


@dataclass(frozen=True)
class NumberCompare:
    value: Figure  # the figure over the compared span
    window: Window  # the span compared with


@dataclass(frozen=True, kw_only=True)
class NumberResult(_Base):
    kind: Literal["number"] = "number"
    value: Figure
    compare: NumberCompare | None = None

    @property
    def empty(self) -> bool:
        before = self.compare.value if self.compare else 0
        return is_zero(self.value) and is_zero(before)


@dataclass(frozen=True, kw_only=True)
class GaugeResult(_Base):
    kind: Literal["gauge"] = "gauge"
    hits: int  # records that match the numerator too
    total: int
    target: float | None

    @property
    def empty(self) -> bool:
        return self.total == 0


@dataclass(frozen=True)
class FunnelStep:
    status: Status
    value: int


@dataclass(frozen=True, kw_only=True)
class FunnelResult(_Base):
    kind: Literal["funnel"] = "funnel"
    steps: tuple[FunnelStep, ...]

    @property
    def empty(self) -> bool:
        return not any(step.value for step in self.steps)


@dataclass(frozen=True, kw_only=True)
class ListResult(_Base):
    kind: Literal["list"] = "list"
    total: int
    records: tuple[Record, ...]  # the first ones (plan.LIST_LIMIT)

    @property
    def empty(self) -> bool:
        return self.total == 0


@dataclass(frozen=True, kw_only=True)
class PanelResult(_Base):
    """A web page or a piece of HTML (the tile's url or html): nothing was counted."""

    kind: Literal["panel"] = "panel"

    @property
    def empty(self) -> bool:
        return False


@dataclass(frozen=True, kw_only=True)
class FailedResult(_Base):
    """A tile that could not be computed; the others still are (SPEC 4).

    `message` is set for errors the viewer can act on (a criterion naming a status that no
    longer exists, a missing exchange rate); for anything else it is None and the page says the
    tile could not be computed (the exception goes to the log).
    """

    kind: Literal["failed"] = "failed"
    message: str | None = None

    @property
    def empty(self) -> bool:
        return True


TileResult = (
    GroupedResult
    | SeriesResult
    | NumberResult
    | GaugeResult
    | FunnelResult
    | ListResult
    | PanelResult
    | FailedResult
)


@dataclass(frozen=True)
class DrillDown:
    """The records behind one row, step or number: one page, the count and the tile's
    measure(s) over all of them."""

    tile: Tile
    key: str | None
    page: int
    page_size: int
    total: int
    measure: Figure
    measure2: Figure | None
    records: tuple[Record, ...]
