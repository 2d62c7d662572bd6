"""How fresh a dashboard on screen is: which data each tile reads, and a version of that data.

An open dashboard page asks for its tiles' versions every LEADBOARD_POLL_MS (a tiny query on
`data_versions`, which the write triggers of migration 0006 count up) and fetches again only the
tiles whose version moved, so a new lead shows within a second while the sales tiles are neither
recomputed nor redrawn. The versions are conservative: a tile's groups are every table its
entity can read (its joins and its fields) plus the reference data (names, statuses, rates),
so a write may refresh a tile whose figures stay the same, never leave one stale.
"""

import hashlib
import json
from collections.abc import Iterable
from functools import cache

from sqlalchemy import Connection
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import TableClause

from leadboard.dashboards.models import Dashboard, Tile
from leadboard.semantic.catalog import ENTITIES
from leadboard.semantic.executors.cached import GROUP_OF, read_versions
from leadboard.semantic.spec import PANEL_CHARTS


@cache
def entity_groups(entity_name: str) -> tuple[str, ...]:
    """The data groups of every table an entity's queries can touch (base table, joins, field
    expressions), with the reference data every tile's labels and filters come from."""
    entity = ENTITIES[entity_name]
    roots: list[object] = [entity.table]
    for join in entity.joins.values():
        roots += [join.target, join.onclause]
    roots += [f.expr for f in entity.fields.values()]
    tables = {
        element.name
        for root in roots
        for element in visitors.iterate(root)  # type: ignore[arg-type]
        if isinstance(element, TableClause)
    }
    return tuple(sorted({GROUP_OF[name] for name in tables if name in GROUP_OF} | {"reference"}))


def tile_groups(tile: Tile) -> tuple[str, ...]:
    """What a tile's figures depend on; a web or HTML panel depends on nothing."""
    if tile.chart in PANEL_CHARTS:
        return ()
    return entity_groups(tile.entity)


def tile_versions(conn: Connection, tiles: Iterable[Tile]) -> dict[str, str]:
    """Each tile's data version (key -> "epoch:v.v.v"): it changes when a write changes any
    table the tile reads. A group without its version row reads as "-" (nothing counts its
    writes: the page's auto-refresh still applies)."""
    versions = read_versions(conn)
    epoch = versions.database[1]
    return {
        tile.key: f"{epoch}:"
        + ".".join(str(versions.versions.get(group, "-")) for group in tile_groups(tile))
        for tile in tiles
    }


def dashboard_versions(conn: Connection, dashboard: Dashboard) -> tuple[str, dict[str, str]]:
    """GET /dashboards/{slug}/versions: an ETag of the tiles' versions, and the versions."""
    tiles = tile_versions(conn, dashboard.tiles)
    digest = hashlib.sha256(json.dumps(tiles, sort_keys=True).encode()).hexdigest()[:20]
    return f'"{digest}"', tiles
