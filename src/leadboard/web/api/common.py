"""What every REST API router shares: auth dependencies, path ids, paging, text filters."""

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Security
from fastapi.security import HTTPBearer
from pydantic import AfterValidator, StringConstraints
from sqlalchemy import Engine

from leadboard.auth.requests import Principal, require_principal, require_token
from leadboard.clock import Clock
from leadboard.settings import Settings
from leadboard.web.api.models import MAX_ID, clean_text

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
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(clean_text)
]


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
