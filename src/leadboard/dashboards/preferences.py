"""A user's dashboards: which they may open and which are pinned for them, their favourites
and the ones they opened last (the tabs, SPEC 3)."""

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update

from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import stored_dashboards
from leadboard.db.schema import dashboard_favourites, dashboard_visits
from leadboard.db.times import to_db
from leadboard.domain.users import viewer_for

__all__ = [
    "Visible",
    "favourites",
    "first_dashboard",
    "recent",
    "record_visit",
    "toggle_favourite",
    "visible_dashboards",
]


# slug -> (definition, pinned for this user), in tab order
Visible = dict[str, tuple[Dashboard, bool]]


def visible_dashboards(conn: Connection, user_id: int | None) -> Visible:
    """Slug -> (definition, pinned for this user), in tab order: the built-in dashboards (pinned
    for everyone), then the stored ones the user may open (SPEC 3)."""
    found = {slug: (d, True) for slug, d in builtin_dashboards().items()}
    if user_id is not None:
        viewer = viewer_for(conn, user_id)
        for stored in stored_dashboards(conn, viewer):
            found[stored.slug] = (stored.definition, stored.pinned_for(viewer))
    return found


def favourites(conn: Connection, user_id: int | None, visible: Visible | None = None) -> list[str]:
    """The user's favourite dashboards that they may open (`visible`, from visible_dashboards:
    given when the caller has it already), in tab order."""
    if user_id is None:
        return []
    found = set(
        conn.execute(
            select(dashboard_favourites.c.slug).where(
                dashboard_favourites.c.associate_id == user_id
            )
        ).scalars()
    )
    if visible is None:
        visible = visible_dashboards(conn, user_id)
    return [slug for slug in visible if slug in found]


def toggle_favourite(conn: Connection, user_id: int, slug: str) -> bool:
    """Star or unstar a dashboard; returns whether it is a favourite now."""
    where = (dashboard_favourites.c.associate_id == user_id) & (dashboard_favourites.c.slug == slug)
    if conn.execute(select(dashboard_favourites.c.slug).where(where)).first():
        conn.execute(delete(dashboard_favourites).where(where))
        return False
    conn.execute(insert(dashboard_favourites).values(associate_id=user_id, slug=slug))
    return True


def record_visit(conn: Connection, user_id: int, slug: str, at: datetime | None = None) -> None:
    """Remember when the user last opened a dashboard (the "recent" tab).

    Uses the wall clock, not the app's clock: `--today` freezes "now" for the figures, but the
    order of visits must still follow the real order.
    """
    when = to_db(at or datetime.now(UTC))
    where = (dashboard_visits.c.associate_id == user_id) & (dashboard_visits.c.slug == slug)
    if conn.execute(update(dashboard_visits).where(where).values(visited_at=when)).rowcount:
        return
    conn.execute(insert(dashboard_visits).values(associate_id=user_id, slug=slug, visited_at=when))


def recent(
    conn: Connection,
    user_id: int | None,
    exclude: str | None = None,
    visible: Visible | None = None,
) -> str | None:
    """The dashboard the user opened most recently (other than `exclude`) that they may open."""
    if user_id is None:
        return None
    query = (
        select(dashboard_visits.c.slug)
        .where(dashboard_visits.c.associate_id == user_id)
        .order_by(dashboard_visits.c.visited_at.desc(), dashboard_visits.c.slug)
    )
    if visible is None:
        visible = visible_dashboards(conn, user_id)
    for slug in conn.execute(query).scalars():
        if slug != exclude and slug in visible:
            return str(slug)
    return None


def first_dashboard(conn: Connection, user_id: int | None) -> str:
    """Where `/` goes: the first favourite, else the most recent, else the first built-in."""
    visible = visible_dashboards(conn, user_id)
    return (
        next(iter(favourites(conn, user_id, visible)), None)
        or recent(conn, user_id, visible=visible)
        or next(iter(builtin_dashboards()))
    )
