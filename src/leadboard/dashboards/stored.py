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

Built-in dashboards are read-only templates: their slugs are never used by a stored one, nor
are the words of the pages under /dashboards/ (RESERVED_SLUGS: /dashboards/new is the form, not
a dashboard called "new"). A change of the number of columns reflows the tiles
(dashboards/layout.py): every replace keeps each placed tile inside the grid and apart.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, delete, insert, select, update

from leadboard.dashboards.audience import (
    NOBODY,
    Audience,
    check_audience,
    read_audiences,
    write_audience,
)
from leadboard.dashboards.index import BUILTIN_ORDER
from leadboard.dashboards.layout import reflow
from leadboard.dashboards.models import Dashboard, Translated
from leadboard.db.schema import associates, dashboard_shares, dashboards
from leadboard.domain.users import Viewer
from leadboard.errors import Conflict, FieldError, Forbidden, NotFound

__all__ = [
    "RESERVED_SLUGS",
    "SLUG_LENGTH",
    "Audience",
    "StoredDashboard",
    "create_dashboard",
    "delete_dashboard",
    "duplicate_dashboard",
    "find_stored",
    "free_slug",
    "replace_dashboard",
    "set_audience",
    "slugs_in_use",
    "stored_dashboards",
    "transfer_dashboard",
]

Mode = Literal["visible", "pinned"]
SLUG_LENGTH: int = dashboards.c.slug.type.length  # type: ignore[attr-defined]
# The literal words of page routes under /dashboards/ (web/pages): never a dashboard's slug.
# tests/web/test_dashboard_admin_pages.py checks every such route of the app is listed here.
RESERVED_SLUGS = frozenset({"new"})


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
    return read_audiences(conn, dashboard_shares, "dashboard_id", ids)


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
    if slug in RESERVED_SLUGS:
        raise Conflict("slug", f"{slug!r} is the address of a page; choose another slug")
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
    # Fewer columns (or a tile put where another is): tiles narrow and move, none is dropped.
    definition = definition.model_copy(
        update={"tiles": reflow(definition.tiles, definition.columns)}
    )
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
    check_audience(conn, audience)
    write_audience(conn, dashboard_shares, "dashboard_id", current.id, audience, mode)
    conn.execute(update(dashboards).where(dashboards.c.id == current.id).values(updated_at=now))
    return find_stored(conn, slug)


def slugs_in_use(conn: Connection) -> set[str]:
    """Built-in, reserved and stored slugs (a duplicate gets the first free "-2", "-3", ...)."""
    return (
        set(BUILTIN_ORDER) | RESERVED_SLUGS | set(conn.execute(select(dashboards.c.slug)).scalars())
    )


def free_slug(conn: Connection, name: str) -> str:
    """A slug for a new dashboard called `name`: its words in lower-case ASCII joined by "-"
    ("Verkoop Zuid-Oost" -> "verkoop-zuid-oost"; "dashboard" when no letter or digit is left),
    followed by "-2", "-3", ... when taken, built-in or reserved; at most SLUG_LENGTH long."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "dashboard"
    base = base[: SLUG_LENGTH - 4].rstrip("-")  # room for "-999"
    taken = slugs_in_use(conn)
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


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
