"""GET /api/dashboards, /api/dashboards/{slug}, /api/tiles/{slug}/{tile_key}/records."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from leadboard.auth.requests import Principal, require_principal
from leadboard.dashboards.service import FilterInput, list_dashboards
from leadboard.web.api.common import DOCUMENTED_AUTH
from leadboard.web.api.dashboard_models import DashboardList, DashboardOut
from leadboard.web.api.errors import NOT_FOUND, responses
from leadboard.web.present import dashboard_json, tile_records_json
from leadboard.web.scope import request_viewer, viewer_scope

# DOCUMENTED_AUTH: /docs offers the bearer token for these too; the check is require_principal.
router = APIRouter(
    prefix="/api",
    tags=["dashboards"],
    dependencies=[*DOCUMENTED_AUTH, Depends(require_principal)],
    responses=responses(NOT_FOUND),
)

Owner = Annotated[str | None, Query(description="An associate's email")]
Country = Annotated[str | None, Query(description="ISO 3166-1 alpha-2 code, or `none`")]
Status = Annotated[str | None, Query(description="A lead status key")]
Period = Annotated[str | None, Query(description="A period name (SPEC 5), e.g. ytd")]
Lang = Annotated[str, Query(description="en or nl")]
# The same dependency as the router's (FastAPI asks it once per request): who is asking.
Asking = Annotated[Principal, Depends(require_principal)]


@router.get("/dashboards", response_model=DashboardList)
def get_dashboards(request: Request, principal: Asking, lang: Lang = "en") -> dict[str, Any]:
    """The built-in dashboards, then those users made that the viewer may open."""
    viewer = request_viewer(request, principal.associate_id)
    with request.app.state.engine.connect() as conn:
        return {"dashboards": list_dashboards(conn, lang, viewer)}


# The model documents the answer; the presented JSON is returned as it is (see dashboard_models).
@router.get("/dashboards/{slug}", response_model=DashboardOut)
async def get_dashboard(
    request: Request,
    principal: Asking,
    slug: str,
    owner: Owner = None,
    country: Country = None,
    status: Status = None,
    period: Period = None,
    lang: Lang = "en",
) -> Response:
    """Every tile computed. Each tile names its `measure` (and `measure2`) and, for money, its
    `currency`; counts are integers, money is a decimal string with 2 places ("147300.00"),
    percentages are numbers with 1 decimal. Every figure counts only the records the viewer's
    rights allow (a token acts as its user; one without a user sees all)."""
    state = request.app.state
    scope = await run_in_threadpool(viewer_scope, request, principal.associate_id)
    viewer = await run_in_threadpool(request_viewer, request, principal.associate_id)
    content = await run_in_threadpool(
        dashboard_json,
        state.engine,
        state.settings,
        state.clock,
        slug,
        FilterInput(owner, country, status, period),
        lang,
        scope,
        viewer,
    )
    return JSONResponse(content)


@router.get("/tiles/{slug}/{tile_key}/records")
async def get_tile_records(
    request: Request,
    principal: Asking,
    slug: str,
    tile_key: str,
    key: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 50,
    owner: Owner = None,
    country: Country = None,
    status: Status = None,
    period: Period = None,
    lang: Lang = "en",
) -> dict[str, Any]:
    """The records behind one row or step, with `total` and `measure` (the tile's figure over
    them: an integer count, or a decimal string with `currency` for money). A sale record's
    `amount` is a decimal string in its own `currency`."""
    state = request.app.state
    scope = await run_in_threadpool(viewer_scope, request, principal.associate_id)
    viewer = await run_in_threadpool(request_viewer, request, principal.associate_id)
    return await run_in_threadpool(
        tile_records_json,
        state.engine,
        state.settings,
        state.clock,
        slug,
        tile_key,
        FilterInput(owner, country, status, period),
        key,
        page,
        page_size,
        lang,
        scope,
        viewer,
    )
