"""`/healthz` and `/readyz`: probes for a load balancer or an orchestrator, no sign-in.

`/healthz` says the process answers (it touches no database: a slow database must not get a
healthy process restarted). `/readyz` says this process can serve: the database answers and
its schema is this release's (200), else 503 with the reason. Both answer tiny JSON, are left
out of the OpenAPI document (they are operations, not the API) and are never cached.
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc

from leadboard.db.engine import connect_problem
from leadboard.db.migrate import HEAD, current_revision

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            revision = current_revision(conn)
    except exc.DBAPIError as error:
        reason = f"database unreachable: {connect_problem(error, None)}"
        return _unready(reason)
    if revision != HEAD:
        return _unready(f"schema at {revision or 'nothing'}, this release needs {HEAD}")
    body = {"status": "ready", "database": engine.dialect.name, "schema": revision}
    return JSONResponse(body, headers=NO_STORE)


def _unready(reason: str) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason}, 503, headers=NO_STORE)
