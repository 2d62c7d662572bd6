"""Request and response models of the sales API.

Amounts are decimal **strings** with 2 places ("1250.00"), in and out: exact in every client,
where JSON numbers become binary floats. Each sale shows its amount in its own currency; the list
adds the sum of all matching sales converted to the base currency.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from leadboard.db.times import from_db
from leadboard.domain.sales import amount_text, currency_codes, sale_day, weighted_text
from leadboard.web.api.lead_models import CompanyRef
from leadboard.web.api.models import (
    ORIGIN_NEEDS_EXTERNAL_ID,
    Day,
    Email,
    RecordId,
    Text64,
    Text100,
    Text200,
    Text300,
    codes_pattern,
    patch_schema,
    whole_number,
)

SaleStatus = Literal["open", "sold", "lost", "stalled"]

Amount = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,12}(\.[0-9]{1,2})?$"),
    Field(
        description="Decimal string, at most 2 decimals, in the sale's currency",
        examples=["1250.00"],
    ),
]
Currency = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z]{3}$"),
    AfterValidator(str.upper),
    Field(description="ISO 4217 code (any case)", examples=["EUR"]),
    WithJsonSchema({"type": "string", "pattern": codes_pattern(currency_codes())}),
]
Probability = Annotated[
    int, Field(ge=0, le=100, description="Percent"), BeforeValidator(whole_number)
]

NOT_NULL = ("title", "amount", "currency", "sale_date", "status", "probability")

EXAMPLE_IN: dict[str, Any] = {
    "title": "Leadboard licence, 25 seats",
    "amount": "12500.00",
    "currency": "EUR",
    "sale_date": "2026-06-30",
    "status": "open",
    "probability": 40,
    "stage": "proposal",
    "lead_id": 12,
    "owner": "sam@example.com",
}


class SaleIn(BaseModel):
    """A new sale. Without `company` it takes the lead's company. Without `probability`: 100
    when sold, else 0."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [EXAMPLE_IN], **ORIGIN_NEEDS_EXTERNAL_ID},
    )
    title: Text300
    amount: Amount
    currency: Currency
    sale_date: Day = Field(description="Expected close; the actual date when sold or lost")
    status: SaleStatus = "open"
    probability: Probability | None = None
    stage: Text64 | None = None
    reason: Text300 | None = Field(None, description="Why it was sold, lost or stalled")
    lead_id: RecordId | None = None
    company: Text300 | None = Field(None, description="Company name: found, else created")
    owner: Email | None = Field(None, description="Email of the owning associate")
    external_id: Text200 | None = None
    origin: Text100 | None = Field(None, description="Default `api` with an external_id")


class SalePatch(BaseModel):
    """Fields to change; a field left out stays, `null` clears an optional one. A new status
    without a probability sets 100 (sold) or 0 (lost)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra=patch_schema(NOT_NULL, [{"status": "sold", "sale_date": "2026-06-12"}]),
    )
    title: Text300 | None = None
    amount: Amount | None = None
    currency: Currency | None = None
    sale_date: Day | None = None
    status: SaleStatus | None = None
    probability: Probability | None = None
    stage: Text64 | None = None
    reason: Text300 | None = None
    lead_id: RecordId | None = None
    company: Text300 | None = None
    owner: Email | None = None


class SaleOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "title": "Leadboard licence, 25 seats",
                    "lead_id": 12,
                    "company": {"id": 3, "name": "Jansen BV"},
                    "owner": "sam@example.com",
                    "amount": "12500.00",
                    "currency": "EUR",
                    "probability": 40,
                    "weighted_amount": "5000.00",
                    "stage": "proposal",
                    "status": "open",
                    "sale_date": "2026-06-30",
                    "created_at": "2026-03-01T09:30:00Z",
                    "reason": None,
                    "external_id": None,
                    "origin": None,
                    "custom": None,
                }
            ]
        }
    )
    id: int
    title: str
    lead_id: int | None
    company: CompanyRef | None
    owner: str | None = Field(description="The owner's email")
    amount: str = Field(description="In the sale's own currency, 2 decimals")
    currency: str
    probability: int
    weighted_amount: str = Field(description="amount × probability, rounded half up to cents")
    stage: str | None
    status: str
    sale_date: date = Field(description="The day in the organisation's timezone")
    created_at: datetime
    reason: str | None
    external_id: str | None
    origin: str | None
    custom: dict[str, Any] | None = Field(
        description="Attributes without a field of their own (e.g. from an import)"
    )


class SalePage(BaseModel):
    sales: list[SaleOut]
    count: int = Field(description="How many sales match the filters in all")
    sum: str = Field(description="Sum of the matching sales' amounts in the base currency")
    base_currency: str
    page: int
    page_size: int


def sale_out(row: Any, tz: Any, lead_owners: tuple[int, ...] | None = None) -> SaleOut:
    """`lead_owners`: the owners whose leads the viewer may see (None: all). A sale the viewer
    sees by their sales rights whose lead they may not see answers `lead_id: null`, as tiles
    and drill-downs withhold that lead (semantic/plan.py)."""
    lead_hidden = lead_owners is not None and row.lead_owner_id not in lead_owners
    return SaleOut(
        id=row.id,
        title=row.title,
        lead_id=None if lead_hidden else row.lead_id,
        company=CompanyRef(id=row.company_id, name=row.company_name)
        if row.company_id is not None
        else None,
        owner=row.owner_email,
        amount=amount_text(row.amount_cents),
        currency=row.currency,
        probability=row.probability,
        weighted_amount=weighted_text(row.amount_cents, row.probability),
        stage=row.stage,
        status=row.status,
        sale_date=sale_day(row.sale_date, tz),
        created_at=from_db(row.created_at),
        reason=row.reason,
        external_id=row.external_id,
        origin=row.origin,
        custom=row.custom if isinstance(row.custom, dict) else None,
    )
