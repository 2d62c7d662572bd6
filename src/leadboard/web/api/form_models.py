"""Request and response models of the forms and campaigns API."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from leadboard.db.times import from_db
from leadboard.domain.form_admin import check_web_url, normalise_origin
from leadboard.web.api.models import Day, Text200, clean_text, patch_schema

FormKey = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$"),
    Field(description="Public, URL-safe key used in capture URLs", examples=["f_contact"]),
]
# The forms of origins and URLs the domain accepts (a part of them: ASCII host names).
_SCHEME = "[Hh][Tt][Tt][Pp][Ss]?://"
ORIGIN_PATTERN = rf"^{_SCHEME}[A-Za-z0-9.-]+(:[0-9]{{1,4}})?/?$"
WEB_URL_PATTERN = rf"^{_SCHEME}[A-Za-z0-9.-]+(:[0-9]{{1,4}})?([/?#][!-~]*)?$"
Origin = Annotated[
    str,
    StringConstraints(max_length=300),
    AfterValidator(clean_text),
    AfterValidator(normalise_origin),
    Field(description="scheme://host[:port]", examples=["https://www.example.com"]),
    WithJsonSchema({"type": "string", "maxLength": 300, "pattern": ORIGIN_PATTERN}),
]
WebUrl = Annotated[
    str,
    StringConstraints(max_length=2000),
    AfterValidator(clean_text),
    AfterValidator(check_web_url),
    Field(description="An absolute http(s) URL", examples=["https://www.example.com/thanks"]),
    WithJsonSchema({"type": "string", "maxLength": 2000, "pattern": WEB_URL_PATTERN}),
]
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class FormFieldIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: FieldName = Field(description="e.g. email, first_name, company, message")
    required: bool = False
    label: Text200 | None = None


EXAMPLE_FORM: dict[str, Any] = {
    "name": "Request a demo",
    "allowed_origins": ["https://www.example.com", "https://example.com"],
    "fields": [
        {"name": "email", "required": True},
        {"name": "first_name", "required": False, "label": "First name"},
    ],
    "thank_you_url": "https://www.example.com/thanks",
}


class FormIn(BaseModel):
    """A new form; without `key` a random URL-safe one is made."""

    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"examples": [EXAMPLE_FORM]}
    )
    name: Text200
    key: FormKey | None = None
    active: bool = True
    allowed_origins: list[Origin] = Field(
        default_factory=list,
        max_length=50,
        description="Origins whose browsers may post this form",
    )
    fields: list[FormFieldIn] = Field(default_factory=list, max_length=50)
    thank_you_url: WebUrl | None = None


FORM_NOT_NULL = ("name", "key", "active", "allowed_origins", "fields")


class FormPatch(BaseModel):
    """Fields to change; a field left out stays. Only `thank_you_url` can be cleared (null)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra=patch_schema(FORM_NOT_NULL, [{"active": False}]),
    )
    name: Text200 | None = None
    key: FormKey | None = None
    active: bool | None = None
    allowed_origins: list[Origin] | None = Field(None, max_length=50)
    fields: list[FormFieldIn] | None = Field(None, max_length=50)
    thank_you_url: WebUrl | None = None


class FormFieldOut(BaseModel):
    name: str
    required: bool
    label: str | None = None


class FormOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "key": "f_x2Hk9",
                    "capture_path": "/capture/forms/f_x2Hk9",
                    "created_at": "2026-03-01T09:30:00Z",
                    "active": True,
                    **EXAMPLE_FORM,
                }
            ]
        }
    )
    id: int
    key: str
    name: str
    active: bool
    allowed_origins: list[str]
    fields: list[FormFieldOut]
    thank_you_url: str | None
    created_at: datetime
    capture_path: str = Field(description="Where the form posts: POST {capture_path}")


class FormPage(BaseModel):
    forms: list[FormOut]
    total: int
    page: int
    page_size: int


def _field_out(stored: Any) -> FormFieldOut:
    if isinstance(stored, str):  # a bare field name
        return FormFieldOut(name=stored, required=False)
    return FormFieldOut(
        name=str(stored.get("name", "")),
        required=bool(stored.get("required", False)),
        label=stored.get("label") if isinstance(stored.get("label"), str) else None,
    )


def form_out(row: Any) -> FormOut:
    return FormOut(
        id=row.id,
        key=row.key,
        name=row.name,
        active=row.active,
        allowed_origins=[str(origin) for origin in row.allowed_origins or []],
        fields=[_field_out(field) for field in row.fields or []],
        thank_you_url=row.thank_you_url,
        created_at=from_db(row.created_at),
        capture_path=f"/capture/forms/{row.key}",
    )


class CampaignIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "key": "spring-2026",
                    "name": "Spring sale 2026",
                    "starts_on": "2026-03-01",
                    "ends_on": "2026-05-31",
                }
            ]
        },
    )
    key: Text200 = Field(description="The utm_campaign value; stored trimmed and lower case")
    name: Text200 | None = Field(None, description="Display name")
    starts_on: Day | None = None
    ends_on: Day | None = None


class CampaignPatch(BaseModel):
    """Fields to change; a field left out stays, `null` clears name or dates."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra=patch_schema(("key",), [{"ends_on": "2026-06-30"}]),
    )
    key: Text200 | None = None
    name: Text200 | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None


class CampaignOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 4,
                    "key": "spring-2026",
                    "name": "Spring sale 2026",
                    "starts_on": "2026-03-01",
                    "ends_on": "2026-05-31",
                }
            ]
        }
    )
    id: int
    key: str
    name: str | None
    starts_on: date | None
    ends_on: date | None


class CampaignPage(BaseModel):
    campaigns: list[CampaignOut]
    total: int
    page: int
    page_size: int


def campaign_out(row: Any) -> CampaignOut:
    return CampaignOut(
        id=row.id, key=row.key, name=row.name, starts_on=row.starts_on, ends_on=row.ends_on
    )
