"""A viewer's data rights as a `Scope`: the owners whose leads and sales they may see.

`own`: the viewer alone; `group`: every associate of the viewer's group (a viewer without a
group is `own`, see Viewer.scope); `all`: no restriction. The scope is resolved to associate
ids once per request, so plans stay pure and the ids are bound values in SQL.
"""

from sqlalchemy import Connection, select

from leadboard.db.schema import associates
from leadboard.domain.users import Entity, Viewer
from leadboard.semantic.spec import ALL, Scope

__all__ = ["scope_for"]


def _owners(conn: Connection, viewer: Viewer, entity: Entity) -> tuple[int, ...] | None:
    scope = viewer.scope(entity)
    if scope == "all":
        return None
    if viewer.associate_id is None:  # pragma: no cover - only INTEGRATION has no associate
        return ()
    if scope == "own":
        return (viewer.associate_id,)
    ids = conn.execute(
        select(associates.c.id)
        .where(associates.c.group_id == viewer.group_id)
        .order_by(associates.c.id)
    ).scalars()
    return tuple(ids)


def scope_for(conn: Connection, viewer: Viewer | None) -> Scope:
    """The scope of a viewer (None: all rights, as for the command line without --as)."""
    if viewer is None:
        return ALL
    return Scope(
        _owners(conn, viewer, "leads"),
        _owners(conn, viewer, "sales"),
        (viewer.scope("leads"), viewer.scope("sales")),
    )
