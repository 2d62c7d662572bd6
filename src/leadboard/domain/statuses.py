"""Lead statuses (SPEC 1.2): an admin-editable, ranked list; some lie on the funnel path."""

import re
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from leadboard.db.schema import lead_statuses
from leadboard.languages import LANGUAGES

# Each lead keeps the statuses it has held as bits of a signed 64-bit integer: ids 1..62.
MAX_STATUS_ID = 62


class StatusError(ValueError):
    """A refused change to the status list; the message says why."""


@dataclass(frozen=True)
class Status:
    id: int
    key: str
    rank: int
    on_funnel: bool
    active: bool
    name_en: str
    name_nl: str
    description_en: str
    description_nl: str

    def name(self, lang: str) -> str:
        return self.name_nl if lang == "nl" else self.name_en

    @property
    def bit(self) -> int:
        return 1 << self.id


def all_statuses(conn: Connection, include_deleted: bool = False) -> list[Status]:
    query = select(lead_statuses).order_by(lead_statuses.c.rank, lead_statuses.c.id)
    if not include_deleted:
        query = query.where(lead_statuses.c.active.is_(True))
    return [Status(**row._mapping) for row in conn.execute(query)]


def get_status(conn: Connection, key: str) -> Status:
    for status in all_statuses(conn, include_deleted=True):
        if status.key == key:
            return status
    raise StatusError(f"no lead status {key!r}")


def funnel_path(conn: Connection) -> list[Status]:
    return [s for s in all_statuses(conn) if s.on_funnel]


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")


def add_status(
    conn: Connection,
    name_en: str,
    name_nl: str | None = None,
    key: str | None = None,
    on_funnel: bool = False,
    description_en: str = "",
    description_nl: str = "",
) -> Status:
    key = key or slugify(name_en)
    if not key or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key):
        raise StatusError(f"status key {key!r} must be lower-case letters, digits and dashes")
    if conn.execute(select(lead_statuses.c.id).where(lead_statuses.c.key == key)).first():
        raise StatusError(f"a status with key {key!r} already exists")
    new_id = (conn.execute(select(func.max(lead_statuses.c.id))).scalar() or 0) + 1
    if new_id > MAX_STATUS_ID:
        raise StatusError(f"at most {MAX_STATUS_ID} statuses can ever be created")
    rank = (conn.execute(select(func.max(lead_statuses.c.rank))).scalar() or 0) + 1
    conn.execute(
        insert(lead_statuses).values(
            id=new_id,
            key=key,
            rank=rank,
            on_funnel=on_funnel,
            active=True,
            name_en=name_en,
            name_nl=name_nl or name_en,
            description_en=description_en,
            description_nl=description_nl,
        )
    )
    return get_status(conn, key)


def rename_status(conn: Connection, key: str, name: str, lang: str = "en") -> Status:
    """Renaming changes only the label; the key stays (URLs and filters keep working)."""
    return translate_status(conn, key, lang, name)


def translate_status(
    conn: Connection, key: str, lang: str, name: str, description: str | None = None
) -> Status:
    if lang not in LANGUAGES:
        raise StatusError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    if not name.strip():
        raise StatusError("a status name cannot be empty")
    status = get_status(conn, key)
    values = {f"name_{lang}": name.strip()}
    if description is not None:
        values[f"description_{lang}"] = description
    conn.execute(update(lead_statuses).where(lead_statuses.c.id == status.id).values(**values))
    return get_status(conn, key)


def reorder_statuses(conn: Connection, keys: list[str]) -> list[Status]:
    """Set the rank order; `keys` must name every active status exactly once."""
    current = all_statuses(conn)
    if sorted(keys) != sorted(s.key for s in current):
        raise StatusError(
            "reorder needs every active status exactly once: " + ", ".join(s.key for s in current)
        )
    by_key = {s.key: s for s in current}
    for rank, key in enumerate(keys, start=1):
        conn.execute(
            update(lead_statuses).where(lead_statuses.c.id == by_key[key].id).values(rank=rank)
        )
    return all_statuses(conn)


def set_funnel(conn: Connection, key: str, on_funnel: bool) -> Status:
    status = get_status(conn, key)
    if key == "open" and not on_funnel:
        raise StatusError("Open is where every lead starts: it stays on the funnel path")
    conn.execute(
        update(lead_statuses).where(lead_statuses.c.id == status.id).values(on_funnel=on_funnel)
    )
    return get_status(conn, key)


def delete_status(conn: Connection, key: str) -> Status:
    """Soft delete: leads keep their status and history; the status leaves lists and filters."""
    if key == "open":
        raise StatusError("Open cannot be deleted: every new lead starts there")
    status = get_status(conn, key)
    if not status.active:
        raise StatusError(f"status {key!r} is already deleted")
    conn.execute(
        update(lead_statuses)
        .where(lead_statuses.c.id == status.id)
        .values(active=False, on_funnel=False)
    )
    return get_status(conn, key)
