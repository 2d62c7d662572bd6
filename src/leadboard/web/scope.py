"""The rights scope of a request's viewer, for every page, JSON twin, export and API read.

A signed-in user, or an API token acting as its user, has that user's rights (read fresh from the
database on each request, so a role change holds at once); a token without a user is an
integration with all rights.
"""

from fastapi import Request

from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.service import find_dashboard
from leadboard.domain.users import INTEGRATION, Viewer, viewer_for
from leadboard.semantic.rights import scope_for
from leadboard.semantic.spec import ALL, Scope

__all__ = ["request_viewer", "viewer_dashboard", "viewer_scope"]

_CACHE = "leadboard_scope"
_VIEWER = "leadboard_viewer"


def _kept_viewer(request: Request, associate_id: int) -> Viewer | None:
    """The viewer this request read already, if it is this associate."""
    kept = getattr(request.state, _VIEWER, None)
    return kept if isinstance(kept, Viewer) and kept.associate_id == associate_id else None


def request_viewer(request: Request, associate_id: int | None) -> Viewer:
    """Who asks, with their role and group (None: an integration token, sees everything): which
    stored dashboards they may open, change and share."""
    if associate_id is None:
        return INTEGRATION
    cached = _kept_viewer(request, associate_id)
    if cached is not None:
        return cached
    with request.app.state.engine.connect() as conn:
        viewer = viewer_for(conn, associate_id)
    setattr(request.state, _VIEWER, viewer)
    return viewer


def viewer_scope(request: Request, associate_id: int | None) -> Scope:
    """The scope of associate `associate_id` (None: an integration token, all rights)."""
    if associate_id is None:
        return ALL
    cached = getattr(request.state, _CACHE, None)
    if cached is not None and cached[0] == associate_id:
        scope: Scope = cached[1]
        return scope
    viewer = _kept_viewer(request, associate_id)
    with request.app.state.engine.connect() as conn:
        if viewer is None:
            viewer = viewer_for(conn, associate_id)
            setattr(request.state, _VIEWER, viewer)  # request_viewer, asked next mostly
        scope = scope_for(conn, viewer)
    setattr(request.state, _CACHE, (associate_id, scope))
    return scope


def viewer_dashboard(request: Request, slug: str, associate_id: int | None) -> Dashboard:
    """A built-in dashboard, or a stored one this viewer may open; else InputError on `slug`
    (404 for pages, twins and the API: a dashboard one may not see does not exist for one)."""
    viewer = request_viewer(request, associate_id)
    with request.app.state.engine.connect() as conn:
        return find_dashboard(conn, slug, viewer)
