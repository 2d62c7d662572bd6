"""Audiences: who may see a stored dashboard or a selection (everyone, groups, users).

One shape for every share table (dashboard_shares, selection_shares): one row per group and per
user, and a row with neither for "everyone". A table with a `mode` column keeps several audiences
per record (a dashboard's "visible" and "pinned"); one without has a single audience, "visible".
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select

from leadboard.db.schema import associate_groups, associates
from leadboard.domain.users import Viewer
from leadboard.errors import FieldError

__all__ = ["NOBODY", "Audience", "check_audience", "read_audiences", "write_audience"]

VISIBLE = "visible"


@dataclass(frozen=True)
class Audience:
    """Who a record is visible for, or pinned to: everyone, or these groups and users."""

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


def read_audiences(
    conn: Connection, table: Table, record_column: str, ids: list[int]
) -> dict[tuple[int, str], Audience]:
    """(record id, mode) -> its audience, for the records `ids` of a share table."""
    if not ids:
        return {}
    found: dict[tuple[int, str], dict[str, Any]] = {}
    key = table.c[record_column]
    has_mode = "mode" in table.c
    for row in conn.execute(select(table).where(key.in_(ids))).mappings():
        mode = row["mode"] if has_mode else VISIBLE
        parts = found.setdefault(
            (row[record_column], mode), {"everyone": False, "groups": set(), "users": set()}
        )
        if row["group_id"] is not None:
            parts["groups"].add(row["group_id"])
        elif row["associate_id"] is not None:
            parts["users"].add(row["associate_id"])
        else:
            parts["everyone"] = True
    return {
        pair: Audience(p["everyone"], frozenset(p["groups"]), frozenset(p["users"]))
        for pair, p in found.items()
    }


def check_audience(conn: Connection, audience: Audience) -> None:
    """Every group and user of the audience exists (else a FieldError naming groups or users)."""
    known_groups = set(
        conn.execute(
            select(associate_groups.c.id).where(associate_groups.c.id.in_(audience.group_ids))
        ).scalars()
    )
    unknown = sorted(audience.group_ids - known_groups)
    if unknown:
        raise FieldError("groups", f"no group with id {unknown[0]}")
    known_users = set(
        conn.execute(
            select(associates.c.id).where(associates.c.id.in_(audience.user_ids))
        ).scalars()
    )
    missing = sorted(audience.user_ids - known_users)
    if missing:
        raise FieldError("users", f"no associate with id {missing[0]}")


def write_audience(
    conn: Connection,
    table: Table,
    record_column: str,
    record_id: int,
    audience: Audience,
    mode: str | None = None,
) -> None:
    """Replace the record's audience (of `mode`, for a table with modes) with `audience`."""
    key = table.c[record_column]
    where = [key == record_id]
    if mode is not None:
        where.append(table.c.mode == mode)
    conn.execute(delete(table).where(*where))
    targets: list[tuple[int | None, int | None]] = [(g, None) for g in sorted(audience.group_ids)]
    targets += [(None, u) for u in sorted(audience.user_ids)]
    if audience.everyone:
        targets.append((None, None))
    extra = {} if mode is None else {"mode": mode}
    rows = [
        {record_column: record_id, "group_id": g, "associate_id": u, **extra} for g, u in targets
    ]
    if rows:
        conn.execute(insert(table), rows)
