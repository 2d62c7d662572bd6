"""Response models of /api/dashboards and /api/dashboards/{slug} (web/present.py shapes the JSON).

`DashboardList` is the response model of the list and FastAPI serializes through it. A computed
dashboard is described by `DashboardOut`, but its endpoint returns the presented JSON as it is:
serializing through a union of tile models would put the keys of each kind in the models' order
(a number tile says "empty" after "compare", the others before their rows), so the bytes would
change. A test validates the JSON of every built-in dashboard against these models (no key
missing, none undocumented), so the documentation cannot drift from the answers.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Counts are integers; money is a decimal string with 2 places ("147300.00").
Figure = int | str
Measure = Literal["count", "amount", "weighted_amount"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DashboardSummary(_Out):
    dashboard: str = Field(description="The dashboard's slug")
    name: str
    description: str | None
    tiles: list[str] = Field(description="The keys of its tiles, in order")


class DashboardList(_Out):
    dashboards: list[DashboardSummary]


class Span(_Out):
    start: str | None = Field(description="ISO time in the organisation's timezone; null: open")
    end: str | None = Field(description="Exclusive end; null: open")


class PeriodOut(Span):
    name: str | None = Field(description="The period's name (the quick filter's, else the tile's)")
    partial: bool = Field(description="The period holds now (SPEC 9.4)")


class FiltersOut(_Out):
    owner: str | None
    country: str | None
    status: str | None
    period: str | None


class Display(_Out):
    """The display options a tile sets; an option left out has its default."""

    legend: bool = Field(True, description="Show the legend")
    data_labels: bool = Field(False, description="Write each figure on the chart")
    short_numbers: bool = Field(False, description="1.2k / 1,2 k")
    colours: list[str] | None = Field(None, description="#rrggbb, in series or segment order")
    sort: Literal["value-desc", "value-asc", "label-asc", "label-desc"] | None = Field(
        None, description="The order of a grouped tile's rows (Other last)"
    )
    currency: str | None = Field(None, description="The currency amounts are shown in")


class _Tile(_Out):
    key: str
    name: str
    chart: str
    as_of: str
    filtered: list[str] = Field(description="The quick filters that changed this tile")
    measure: Measure
    measure2: Measure | None = None
    currency: str | None = Field(None, description="The base currency, when a measure is money")
    period: PeriodOut | None = Field(None, description="Dated tiles only")
    display: Display | None = Field(None, description="Only when a tile sets display options")
    empty: bool


class Row(_Out):
    key: str
    label: str
    value: Figure
    value2: Figure | None = None


class GroupedTile(_Tile):
    rows: list[Row]


class SeriesRow(Row):
    partial: bool = Field(description="The bucket holds now")
    compare: Span | None = Field(None, description="The span value2 covers (last year)")


class SeriesTile(_Tile):
    rows: list[SeriesRow]


class Compare(Span):
    value: Figure | float = Field(description="The figure compared with")
    delta: Figure | float
    pct: float | None
    basis: Literal["previous-period", "target", "value"] | None = Field(
        None,
        description="Left out: the same span last year; target and value have no span",
    )


class NumberTile(_Tile):
    value: Figure
    compare: Compare | None = None


class GaugeTile(_Tile):
    value: float | None = Field(description="Percent of the records that match the numerator")
    target: float | None
    count: int
    total: int


class Step(_Out):
    key: str
    label: str
    value: int
    pct_of_first: float | None
    pct_of_previous: float | None


class FunnelTile(_Tile):
    steps: list[Step]


class LeadRecordOut(_Out):
    id: int
    company: str | None
    owner: str | None
    owner_name: str | None
    name: str | None
    email: str | None
    country: str | None
    status: str | None
    status_label: str | None
    created_at: str
    status_since: str


class SaleRecordOut(_Out):
    id: int
    company: str | None
    owner: str | None
    owner_name: str | None
    title: str | None
    lead: int | None
    lead_name: str | None
    status: str | None
    amount: str = Field(description="Decimal string in the sale's own currency")
    currency: str
    sale_date: str


class ListTile(_Tile):
    total: int
    records: list[LeadRecordOut] | list[SaleRecordOut] = Field(description="At most 100")


class Panel(_Out):
    url: str | None = Field(None, description="A web tile: the https page it frames")
    html: str | None = Field(None, description="An html tile: its sanitised HTML")


class PanelTile(_Tile):
    panel: Panel


class FailedTile(_Tile):
    error: str = Field(description="Why the tile could not be computed; the others still are")


TileOut = (
    GroupedTile
    | SeriesTile
    | NumberTile
    | GaugeTile
    | FunnelTile
    | ListTile
    | PanelTile
    | FailedTile
)


class DashboardOut(_Out):
    dashboard: str
    name: str
    description: str | None
    columns: int
    as_of: str
    filters: FiltersOut
    tiles: list[TileOut]
