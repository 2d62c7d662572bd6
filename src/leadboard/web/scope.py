"""The rights scope of a request's viewer, for every page, JSON twin, export and API read.

A signed-in user, or an API token acting as its user, has that user's rights (read fresh from the
database on each request, so a role change holds at once); a token without a user is an
integration with all rights.
"""

from fastapi import Request

from leadboard.domain.users import viewer_for
from leadboard.semantic.rights import scope_for
from leadboard.semantic.spec import ALL, Scope

__all__ = ["viewer_scope"]

_CACHE = "leadboard_scope"


def viewer_scope(request: Request, associate_id: int | None) -> Scope:
    """The scope of associate `associate_id` (None: an integration token, all rights)."""
    if associate_id is None:
        return ALL
    cached = getattr(request.state, _CACHE, None)
    if cached is not None and cached[0] == associate_id:
        scope: Scope = cached[1]
        return scope
    with request.app.state.engine.connect() as conn:
        scope = scope_for(conn, viewer_for(conn, associate_id))
    setattr(request.state, _CACHE, (associate_id, scope))
    return scope
