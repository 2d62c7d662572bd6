"""`leadboard rollups check|rebuild`: the rollups (semantic/executors/partitioned.py) compared
with the base tables, and every kept piece made to be computed again.

`check` computes every dashboard (built-in and stored) with the fast executor and with the base
executor, with no filter and with each quick filter (the owner with the most leads, the most
common country, each active status, the previous year) and each kind of rights scope (all, the
group with the most associates, that owner alone), and reports every tile whose figures differ.
Each compute is done twice by the fast executor: once computing its pieces, once from them.

`rebuild` moves the `partitions` counter: every server process computes every piece again at
its next compute (after the database was changed with its triggers off, say by hand).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Engine, func, select, update

from leadboard.clock import Clock
from leadboard.dashboards.service import FilterInput, compute_dashboard
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import stored_dashboards
from leadboard.db.schema import (
    associates,
    data_versions,
    lead_statuses,
    leads,
    partition_versions,
)
from leadboard.semantic.results import GroupedResult, TileResult
from leadboard.semantic.spec import ALL, Scope
from leadboard.settings import Settings

__all__ = [
    "Difference",
    "Variant",
    "check_rollups",
    "rebuild_rollups",
    "same_figures",
    "variants",
]


@dataclass(frozen=True)
class Variant:
    """One way to look at every dashboard: a quick filter and a rights scope, named."""

    name: str
    filters: FilterInput
    scope: Scope


@dataclass(frozen=True)
class Difference:
    dashboard: str
    variant: str
    tile: str


def variants(conn: Connection) -> list[Variant]:
    """No filter; each quick filter; all rights, a group's, one owner's (with data, if any)."""
    found = [Variant("no filter, all rights", FilterInput(), ALL)]
    owner = conn.execute(
        select(leads.c.owner_id, associates.c.email, associates.c.group_id)
        .join(associates, associates.c.id == leads.c.owner_id)
        .group_by(leads.c.owner_id, associates.c.email, associates.c.group_id)
        .order_by(func.count().desc(), leads.c.owner_id)
        .limit(1)
    ).first()
    country = conn.execute(
        select(leads.c.country)
        .where(leads.c.country.is_not(None))
        .group_by(leads.c.country)
        .order_by(func.count().desc(), leads.c.country)
        .limit(1)
    ).scalar()
    statuses = conn.execute(
        select(lead_statuses.c.key).where(lead_statuses.c.active).order_by(lead_statuses.c.rank)
    ).scalars()
    if owner is not None:
        found.append(Variant(f"owner {owner.email}", FilterInput(owner=owner.email), ALL))
    if country is not None:
        found.append(Variant(f"country {country}", FilterInput(country=country), ALL))
    found += [Variant(f"status {key}", FilterInput(status=key), ALL) for key in statuses]
    found.append(Variant("period previous-year", FilterInput(period="previous-year"), ALL))
    if owner is not None:
        own = (int(owner.owner_id),)
        found.append(Variant("own rights", FilterInput(), Scope(own, own, ("own", "own"))))
        if owner.group_id is not None:
            group = tuple(
                conn.execute(
                    select(associates.c.id)
                    .where(associates.c.group_id == owner.group_id)
                    .order_by(associates.c.id)
                ).scalars()
            )
            found.append(
                Variant("group rights", FilterInput(), Scope(group, group, ("group", "group")))
            )
    return found


def check_rollups(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, list[Difference]]:
    """(tiles compared, the tiles whose fast figures differ from the base tables')."""
    fast = replace(settings, executor="fast")
    base = replace(settings, executor="base")
    with engine.connect() as conn:
        slugs = [*builtin_dashboards(), *(d.slug for d in stored_dashboards(conn))]
        ways = variants(conn)
    total, compared, differences = len(slugs) * len(ways), 0, []
    done = 0
    for slug in slugs:
        for way in ways:
            expected = compute_dashboard(engine, base, clock, slug, way.filters, way.scope)
            for _ in range(2):  # pieces computed, then pieces kept
                found = compute_dashboard(engine, fast, clock, slug, way.filters, way.scope)
                for mine, theirs in zip(found.tiles, expected.tiles, strict=True):
                    compared += 1
                    if not same_figures(mine, theirs):
                        differences.append(Difference(slug, way.name, mine.tile.key))
            done += 1
            if progress is not None:
                progress(done, total)
    return compared, sorted(set(differences), key=lambda d: (d.dashboard, d.variant, d.tile))


def same_figures(mine: TileResult, theirs: TileResult) -> bool:
    """The same figures: a grouped result's field is compared by name (a rights scope plans a
    sale's company as an expression of its own each time, equal in SQL, not as an object)."""
    if isinstance(mine, GroupedResult) and isinstance(theirs, GroupedResult):
        return mine.field.name == theirs.field.name and replace(mine, field=theirs.field) == theirs
    return mine == theirs


def rebuild_rollups(engine: Engine) -> int:
    """Every kept piece is computed again by every process; the number of hours tracked."""
    with engine.begin() as conn:
        conn.execute(
            update(data_versions)
            .where(data_versions.c.name == "partitions")
            .values(version=data_versions.c.version + 1)
        )
        return int(conn.execute(select(func.count()).select_from(partition_versions)).scalar_one())
