"""Dashboards users build, kept in the database, and who may see, change and share them.

A stored dashboard has the definition model of the built-in YAML files (dashboards/models.py),
an owner, and audiences (dashboard_shares): *visible for* (may open it) and *pinned to* (a tab
for them), each a list of groups and users, or everyone. The rules (SPEC 3, issue 11):

* a new dashboard is visible to its owner only, until it is shared;
* only the owner edits or deletes it; the owner or an admin transfers it;
* sharing and pinning need the dashboard-admin right (admins have it too);
* admins see every dashboard; integrations (API tokens without a user) see, change and share
  every dashboard (dashboards as code through the API);
* a dashboard the viewer may not see is "not found", so its existence is not leaked.

Built-in dashboards are read-only templates: their slugs are never used by a stored one.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, delete, insert, select, update

from leadboard.dashboards.index import BUILTIN_ORDER
from leadboard.dashboards.models import Dashboard, Translated
from leadboard.db.schema import associate_groups, associates, dashboard_shares, dashboards
from leadboard.domain.users import Viewer
from leadboard.errors import Conflict, FieldError, Forbidden, NotFound

__all__ = [
    "Audience",
    "StoredDashboard",
    "create_dashboard",
    "delete_dashboard",
    "duplicate_dashboard",
    "find_stored",
    "replace_dashboard",
    "set_audience",
    "slugs_in_use",
    "stored_dashboards",
    "transfer_dashboard",
]

Mode = Literal["visible", "pinned"]
SLUG_LENGTH: int = dashboards.c.slug.type.length  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Audience:
    """Who a dashboard is visible for, or pinned to: everyone, or these groups and users."""

    everyone: bool = False
    group_ids: frozenset[int] = field(default_factory=frozenset)
    user_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everyone or self.group_ids or self.user_ids)

    def includes(self, viewer: Viewer) -> bool:
        return (
            self.everyone
            or (viewer.group_id is not None and viewer.group_id in self.group_ids)
            or (viewer.associate_id is not None and viewer.associate_id in self.user_ids)
        )


NOBODY = Audience()


@dataclass(frozen=True)
class StoredDashboard:
    id: int
    definition: Dashboard
    owner_id: int
    visible: Audience
    pinned: Audience
    created_at: datetime
    updated_at: datetime

    @property
    def slug(self) -> str:
        return self.definition.slug

    def visible_to(self, viewer: Viewer) -> bool:
        if viewer.associate_id is None or viewer.is_admin:
            return True  # integrations and admins see every dashboard
        return (
            viewer.associate_id == self.owner_id
            or self.visible.includes(viewer)
            or self.pinned.includes(viewer)  # a pinned tab can always be opened
        )

    def pinned_for(self, viewer: Viewer) -> bool:
        return self.pinned.includes(viewer)

    def editable_by(self, viewer: Viewer) -> bool:
        return viewer.associate_id in (None, self.owner_id)


# -- reading -------------------------------------------------------------------------------------


def _audiences(conn: Connection, ids: list[int]) -> dict[tuple[int, str], Audience]:
    found: dict[tuple[int, str], dict[str, Any]] = {}
    rows = conn.execute(select(dashboard_shares).where(dashboard_shares.c.dashboard_id.in_(ids)))
    for row in rows:
        parts = found.setdefault(
            (row.dashboard_id, row.mode), {"everyone": False, "groups": set(), "users": set()}
        )
        if row.group_id is not None:
            parts["groups"].add(row.group_id)
        elif row.associate_id is not None:
            parts["users"].add(row.associate_id)
        else:
            parts["everyone"] = True
    return {
        key: Audience(p["everyone"], frozenset(p["groups"]), frozenset(p["users"]))
        for key, p in found.items()
    }


def _load(conn: Connection, where: Any = None) -> list[StoredDashboard]:
    query = select(dashboards).order_by(dashboards.c.id)
    if where is not None:
        query = query.where(where)
    rows = conn.execute(query).all()
    audiences = _audiences(conn, [row.id for row in rows]) if rows else {}
    return [
        StoredDashboard(
            row.id,
            Dashboard.model_validate(row.definition),
            row.owner_id,
            audiences.get((row.id, "visible"), NOBODY),
            audiences.get((row.id, "pinned"), NOBODY),
            row.created_at,
            row.updated_at,
        )
        for row in rows
    ]


def stored_dashboards(conn: Connection, viewer: Viewer | None = None) -> list[StoredDashboard]:
    """Every stored dashboard (viewer None: all of them), in the order they were made."""
    found = _load(conn)
    return [d for d in found if viewer is None or d.visible_to(viewer)]


def find_stored(conn: Connection, slug: str, viewer: Viewer | None = None) -> StoredDashboard:
    """The dashboard with this slug if the viewer may see it (None: anyone), else NotFound."""
    found = _load(conn, dashboards.c.slug == slug)
    if not found or (viewer is not None and not found[0].visible_to(viewer)):
        raise NotFound("slug", f"no dashboard {slug!r}")
    return found[0]


# -- writing -------------------------------------------------------------------------------------


def _check_slug_free(conn: Connection, slug: str) -> None:
    if slug in BUILTIN_ORDER:
        raise Conflict("slug", f"{slug!r} is a built-in dashboard; choose another slug")
    taken = conn.execute(select(dashboards.c.id).where(dashboards.c.slug == slug)).first()
    if taken is not None:
        raise Conflict("slug", f"a dashboard {slug!r} exists already")


def _check_associate(conn: Connection, associate_id: int, field_name: str) -> None:
    row = conn.execute(select(associates.c.id).where(associates.c.id == associate_id)).first()
    if row is None:
        raise FieldError(field_name, f"no associate with id {associate_id}")


def _definition_json(definition: Dashboard) -> dict[str, Any]:
    return definition.model_dump(mode="json", exclude_defaults=True)


def create_dashboard(
    conn: Connection, definition: Dashboard, owner_id: int, now: datetime
) -> StoredDashboard:
    """A new dashboard, visible to its owner only."""
    _check_slug_free(conn, definition.slug)
    _check_associate(conn, owner_id, "owner")
    conn.execute(
        insert(dashboards).values(
            slug=definition.slug,
            owner_id=owner_id,
            definition=_definition_json(definition),
            created_at=now,
            updated_at=now,
        )
    )
    return find_stored(conn, definition.slug)


def replace_dashboard(
    conn: Connection, slug: str, definition: Dashboard, viewer: Viewer | None, now: datetime
) -> StoredDashboard:
    """A new definition for an existing dashboard (its owner only; viewer None: the CLI). The
    slug may change; owner, audiences, favourites and visits stay."""
    current = find_stored(conn, slug, viewer)
    if viewer is not None and not current.editable_by(viewer):
        raise Forbidden("owner", "only the dashboard's owner may change it")
    if definition.slug != slug:
        _check_slug_free(conn, definition.slug)
    conn.execute(
        update(dashboards)
        .where(dashboards.c.id == current.id)
        .values(slug=definition.slug, definition=_definition_json(definition), updated_at=now)
    )
    return find_stored(conn, definition.slug)


def delete_dashboard(conn: Connection, slug: str, viewer: Viewer | None) -> None:
    current = find_stored(conn, slug, viewer)
    if viewer is not None and not current.editable_by(viewer):
        raise Forbidden("owner", "only the dashboard's owner may delete it")
    conn.execute(delete(dashboard_shares).where(dashboard_shares.c.dashboard_id == current.id))
    conn.execute(delete(dashboards).where(dashboards.c.id == current.id))


def transfer_dashboard(
    conn: Connection, slug: str, owner_id: int, viewer: Viewer | None, now: datetime
) -> StoredDashboard:
    """A new owner (the owner or an admin may do this)."""
    current = find_stored(conn, slug, viewer)
    if viewer is not None and not (current.editable_by(viewer) or viewer.is_admin):
        raise Forbidden("owner", "only the dashboard's owner or an admin may transfer it")
    _check_associate(conn, owner_id, "owner")
    conn.execute(
        update(dashboards)
        .where(dashboards.c.id == current.id)
        .values(owner_id=owner_id, updated_at=now)
    )
    return find_stored(conn, slug)


def set_audience(
    conn: Connection,
    slug: str,
    mode: Mode,
    audience: Audience,
    viewer: Viewer | None,
    now: datetime,
) -> StoredDashboard:
    """Replace who the dashboard is visible for (mode "visible") or pinned to ("pinned"). Needs
    the dashboard-admin right, and the dashboard must be the viewer's own unless they are admin."""
    current = find_stored(conn, slug, viewer)
    if viewer is not None and viewer.associate_id is not None:
        if not viewer.may_share_dashboards:
            raise Forbidden("role", "sharing and pinning dashboards needs the dashboard-admin role")
        if not (current.editable_by(viewer) or viewer.is_admin):
            raise Forbidden("owner", "only the dashboard's owner or an admin may share it")
    known_groups = set(
        conn.execute(
            select(associate_groups.c.id).where(associate_groups.c.id.in_(audience.group_ids))
        ).scalars()
    )
    unknown = sorted(audience.group_ids - known_groups)
    if unknown:
        raise FieldError("groups", f"no group with id {unknown[0]}")
    for user_id in sorted(audience.user_ids):
        _check_associate(conn, user_id, "users")
    shares = dashboard_shares.c
    conn.execute(
        delete(dashboard_shares).where(shares.dashboard_id == current.id, shares.mode == mode)
    )
    # One row per group and per user; a row with neither is "everyone".
    targets: list[tuple[int | None, int | None]] = [(g, None) for g in sorted(audience.group_ids)]
    targets += [(None, u) for u in sorted(audience.user_ids)]
    if audience.everyone:
        targets.append((None, None))
    rows = [
        {"dashboard_id": current.id, "mode": mode, "group_id": g, "associate_id": u}
        for g, u in targets
    ]
    if rows:
        conn.execute(insert(dashboard_shares), rows)
    conn.execute(update(dashboards).where(dashboards.c.id == current.id).values(updated_at=now))
    return find_stored(conn, slug)


def slugs_in_use(conn: Connection) -> set[str]:
    """Built-in and stored slugs (a duplicate gets the first free "-2", "-3", ...)."""
    return set(BUILTIN_ORDER) | set(conn.execute(select(dashboards.c.slug)).scalars())


def duplicate_dashboard(
    conn: Connection, source: Dashboard, owner_id: int, now: datetime
) -> StoredDashboard:
    """A copy of `source` (built-in or stored; the caller has checked it may see it) owned by
    `owner_id` and shared with nobody: the first free slug of `<slug>-2`, `<slug>-3`, ... and
    the name (both languages) followed by the same number, "Sales 2" for the first copy."""
    taken = slugs_in_use(conn)
    number = 2
    while f"{source.slug}-{number}" in taken:
        number += 1
    slug = f"{source.slug}-{number}"
    if len(slug) > dashboards.c.slug.type.length:  # type: ignore[attr-defined]
        raise FieldError("slug", f"the copy's slug {slug!r} would be too long")
    name = Translated(en=f"{source.name.en} {number}", nl=f"{source.name.nl} {number}")
    copy = source.model_copy(update={"slug": slug, "name": name})
    return create_dashboard(conn, copy, owner_id, now)
