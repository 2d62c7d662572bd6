"""What every REST API router shares: auth dependencies, path ids, paging, text filters."""

from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, Security
from fastapi.security import HTTPBearer
from pydantic import AfterValidator, StringConstraints, WithJsonSchema
from sqlalchemy import Engine

from leadboard.auth.requests import Principal, require_principal, require_token
from leadboard.clock import Clock
from leadboard.settings import Settings
from leadboard.web.api.models import COUNTRY_FILTER, MAX_ID, NO_NUL, clean_text

# Documents the bearer scheme in OpenAPI; the checks themselves are require_principal/_token.
bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An API token from `leadboard token create NAME`",
)
DOCUMENTED_AUTH = [Security(bearer_scheme)]

# Reads: an API token, or a signed-in session (the web pages). Writes: an API token only, so
# no cookie-borne request can write (no CSRF surface) and idempotency keys have a token scope.
Reader = Annotated[Principal, Depends(require_principal)]
Writer = Annotated[Principal, Depends(require_token)]

MAX_PAGE = 100_000
Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1")]
PageSize = Annotated[int, Query(ge=1, le=100, description="Records per page (at most 100)")]
FilterText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(clean_text),
    WithJsonSchema({"type": "string", "maxLength": 200, "pattern": NO_NUL}),
]
CountryFilter = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(clean_text),
    WithJsonSchema({"type": "string", "pattern": COUNTRY_FILTER}),
]
# ?lang= of the figures and records: en or nl (empty: en).
Lang = Annotated[str, Query(description="en or nl", json_schema_extra={"enum": ["en", "nl", ""]})]


def path_id(description: str) -> object:
    return Path(ge=1, le=MAX_ID, description=description, examples=[1])


def engine(request: Request) -> Engine:
    value: Engine = request.app.state.engine
    return value


def clock(request: Request) -> Clock:
    value: Clock = request.app.state.clock
    return value


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def link(path: str, method: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI link to the operation `method path`; `parameters` (path ones by name, others as
    `query.name`) are runtime expressions (`$response.body#/id`, `$request.path.slug`) or
    constants."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"operationRef": f"#/paths/{pointer}/{method}", "parameters": parameters}


def links(status: int, **named: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """A `responses` entry: the links of the `status` answer, which say how what it made is read,
    changed and deleted next (schemathesis' stateful runs follow them)."""
    return {status: {"links": named}}
