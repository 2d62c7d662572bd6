"""Dynamic selections (SPEC 5, issue 11): saved criteria over leads or sales, re-evaluated on
every view, shown as a list, as a board by lead status, or as a list tile on a dashboard.

A selection has an owner and an audience ("visible for": everyone, groups, users; see
audience.py). The rules follow stored dashboards (stored.py):

* a new selection is visible to its owner only, until it is shared;
* its owner changes, shares and deletes it; an admin or an integration may too;
* sharing needs no dashboard-admin role: a selection holds criteria, not data, and its records
  are always those the viewer's own rights allow;
* a selection the viewer may not see is "not found", so its existence is not leaked.

Its records are a list tile built from it (`list_tile`) run through the semantic layer with the
viewer's rights scope: the same query builder as every tile and drill-down.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import Connection, Engine, delete, insert, or_, select, update

from leadboard.clock import Clock
from leadboard.dashboards.audience import (
    NOBODY,
    Audience,
    check_audience,
    read_audiences,
    write_audience,
)
from leadboard.db.schema import associates, selection_shares, selections
from leadboard.domain.statuses import Status
from leadboard.domain.users import Viewer
from leadboard.errors import Conflict, FieldError, Forbidden, InputError, NotFound
from leadboard.semantic import catalog as c
from leadboard.semantic.catalog import ENTITIES
from leadboard.semantic.criteria import Context, compile_line
from leadboard.semantic.keys import NOT_SET, OTHER
from leadboard.semantic.lookups import Lookups, load_lookups
from leadboard.semantic.results import DrillDown
from leadboard.semantic.spec import (
    ALL,
    LIST_COLUMNS,
    OPERATORS,
    CriteriaError,
    Criterion,
    QuickFilters,
    Scope,
    Tile,
    Translated,
    validate_line,
)
from leadboard.settings import Settings

__all__ = [
    "SELECTION_ENTITIES",
    "SORTABLE",
    "Selection",
    "SelectionDefinition",
    "SelectionRecords",
    "board_columns",
    "check_criteria",
    "create_selection",
    "delete_selection",
    "drill_criteria",
    "find_selection",
    "list_selections",
    "list_tile",
    "new_slug",
    "replace_selection",
    "resolve_tile",
    "selection_records",
    "set_selection_audience",
]

SelectionEntity = Literal["leads", "sales"]
SELECTION_ENTITIES: tuple[SelectionEntity, ...] = ("leads", "sales")
SLUG_LENGTH: int = selections.c.slug.type.length  # type: ignore[attr-defined]
NAME_LENGTH: int = selections.c.name_en.type.length  # type: ignore[attr-defined]
# The list's columns a click sorts by, and the catalog field each sorts on ("lead" of a sale is
# a name put together from the lead: no field to sort on).
SORTABLE: dict[str, dict[str, str]] = {
    "leads": {
        "id": "id",
        "name": "last_name",
        "email": "email",
        "company": "company",
        "owner": "owner",
        "country": "country",
        "status": "status",
        "created_at": "created_at",
        "status_since": "status_since",
    },
    "sales": {
        "id": "id",
        "title": "title",
        "company": "company",
        "owner": "owner",
        "status": "status",
        "amount": "amount",
        "currency": "currency",
        "sale_date": "sale_date",
    },
}


class SelectionDefinition(BaseModel):
    """What a user saves: names, entity, criteria (SPEC 5 lines in OR-ed groups), the list's
    columns and its sort (a column, "-" first for descending)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=SLUG_LENGTH)
    name: Translated
    entity: SelectionEntity
    criteria: list[list[Criterion]] = []
    columns: list[str] | None = None
    order_by: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: Translated) -> Translated:
        for lang in ("en", "nl"):
            text = value.get(lang)
            if not text.strip():
                raise ValueError(f"name.{lang} is required")
            if len(text) > NAME_LENGTH:
                raise ValueError(f"name.{lang} is longer than {NAME_LENGTH} characters")
        return value

    @model_validator(mode="after")
    def _valid(self) -> "SelectionDefinition":
        sortable = SORTABLE[self.entity]
        if self.order_by is not None and self.order_by.lstrip("-") not in sortable:
            raise ValueError(f"order_by: sort by one of {', '.join(sortable)}")
        self.tile()  # the criteria and columns, checked as a list tile checks them
        return self

    def tile(self, order_by: str | None = None) -> Tile:
        """The list tile of this selection (`order_by` a column, overriding the saved sort)."""
        sort = order_by if order_by is not None else self.order_by
        field_name = None
        if sort:
            field_name = ("-" if sort.startswith("-") else "") + SORTABLE[self.entity].get(
                sort.lstrip("-"), sort.lstrip("-")
            )
        return Tile(
            key="selection",
            name=self.name,
            chart="list",
            entity=self.entity,
            criteria=self.criteria,
            columns=self.columns,
            order_by=field_name,
            selection=self.slug,
        )

    def shown_columns(self) -> list[str]:
        return list(self.columns or LIST_COLUMNS[self.entity])


@dataclass(frozen=True)
class Selection:
    id: int
    definition: SelectionDefinition
    owner_id: int
    visible: Audience
    created_at: datetime
    updated_at: datetime

    @property
    def slug(self) -> str:
        return self.definition.slug

    def visible_to(self, viewer: Viewer) -> bool:
        if viewer.associate_id is None or viewer.is_admin:
            return True  # integrations and admins see every selection
        return viewer.associate_id == self.owner_id or self.visible.includes(viewer)

    def editable_by(self, viewer: Viewer) -> bool:
        return viewer.associate_id in (None, self.owner_id) or viewer.is_admin


# -- reading -------------------------------------------------------------------------------------


def _load(conn: Connection, where: Any = None) -> list[Selection]:
    query = select(selections).order_by(selections.c.id)
    if where is not None:
        query = query.where(where)
    rows = conn.execute(query).all()
    audiences = read_audiences(conn, selection_shares, "selection_id", [r.id for r in rows])
    found = []
    for row in rows:
        definition = SelectionDefinition.model_validate(
            {
                "slug": row.slug,
                "name": {"en": row.name_en, "nl": row.name_nl},
                "entity": row.entity,
                "criteria": row.criteria,
                "columns": row.columns,
                "order_by": row.order_by,
            }
        )
        visible = audiences.get((row.id, "visible"), NOBODY)
        found.append(
            Selection(row.id, definition, row.owner_id, visible, row.created_at, row.updated_at)
        )
    return found


def find_selection(conn: Connection, slug: str, viewer: Viewer | None = None) -> Selection:
    """The selection with this slug if the viewer may see it (None: anyone), else NotFound."""
    found = _load(conn, selections.c.slug == slug)
    if not found or (viewer is not None and not found[0].visible_to(viewer)):
        raise NotFound("slug", f"no selection {slug!r}")
    return found[0]


def list_selections(conn: Connection, viewer: Viewer | None, q: str = "") -> list[Selection]:
    """The selections the viewer may see, oldest first; `q` finds words in either name."""
    where = None
    words = q.strip().lower()
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = or_(
            selections.c.name_en.ilike(pattern, escape="\\"),
            selections.c.name_nl.ilike(pattern, escape="\\"),
            selections.c.slug.ilike(pattern, escape="\\"),
        )
    return [s for s in _load(conn, where) if viewer is None or s.visible_to(viewer)]


# -- writing -------------------------------------------------------------------------------------


def new_slug(conn: Connection, name: str) -> str:
    """A free slug from a name: "Hot leads NL" -> "hot-leads-nl" (then -2, -3, ...)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[: SLUG_LENGTH - 4]
    base = base.strip("-") or "selection"
    taken = set(conn.execute(select(selections.c.slug)).scalars())
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _values(definition: SelectionDefinition) -> dict[str, Any]:
    dumped = definition.model_dump(mode="json")
    return {
        "slug": definition.slug,
        "name_en": definition.name.en,
        "name_nl": definition.name.nl,
        "entity": definition.entity,
        "criteria": dumped["criteria"],
        "columns": dumped["columns"],
        "order_by": definition.order_by,
    }


def _check_slug_free(conn: Connection, slug: str) -> None:
    taken = conn.execute(select(selections.c.id).where(selections.c.slug == slug)).first()
    if taken is not None:
        raise Conflict("slug", f"a selection {slug!r} exists already")


def create_selection(
    conn: Connection, definition: SelectionDefinition, owner_id: int, now: datetime
) -> Selection:
    """A new selection, visible to its owner only."""
    _check_slug_free(conn, definition.slug)
    owner = conn.execute(select(associates.c.id).where(associates.c.id == owner_id)).first()
    if owner is None:
        raise FieldError("owner", f"no associate with id {owner_id}")
    conn.execute(
        insert(selections).values(
            **_values(definition), owner_id=owner_id, created_at=now, updated_at=now
        )
    )
    return find_selection(conn, definition.slug)


def _editable(conn: Connection, slug: str, viewer: Viewer | None, doing: str) -> Selection:
    current = find_selection(conn, slug, viewer)
    if viewer is not None and not current.editable_by(viewer):
        raise Forbidden("owner", f"only the selection's owner may {doing} it")
    return current


def replace_selection(
    conn: Connection,
    slug: str,
    definition: SelectionDefinition,
    viewer: Viewer | None,
    now: datetime,
) -> Selection:
    """A new definition (the owner's or an admin's; viewer None: anyone). The slug may change;
    owner and audience stay."""
    current = _editable(conn, slug, viewer, "change")
    if definition.slug != slug:
        _check_slug_free(conn, definition.slug)
    conn.execute(
        update(selections)
        .where(selections.c.id == current.id)
        .values(**_values(definition), updated_at=now)
    )
    return find_selection(conn, definition.slug)


def delete_selection(conn: Connection, slug: str, viewer: Viewer | None) -> None:
    current = _editable(conn, slug, viewer, "delete")
    conn.execute(delete(selection_shares).where(selection_shares.c.selection_id == current.id))
    conn.execute(delete(selections).where(selections.c.id == current.id))


def set_selection_audience(
    conn: Connection, slug: str, audience: Audience, viewer: Viewer | None, now: datetime
) -> Selection:
    """Replace who the selection is visible for (its owner, or an admin)."""
    current = _editable(conn, slug, viewer, "share")
    check_audience(conn, audience)
    write_audience(conn, selection_shares, "selection_id", current.id, audience)
    conn.execute(update(selections).where(selections.c.id == current.id).values(updated_at=now))
    return find_selection(conn, slug)


def check_criteria(
    conn: Connection,
    entity: str,
    criteria: list[list[Criterion]],
    now: datetime,
    tz: tzinfo,
    where: str = "criteria",
) -> None:
    """Every line applies to the entity and its value to the data (a status, an owner's email,
    a form, a date, a period that exist): else a FieldError naming the line, `criteria[0][1]`."""
    if entity not in SELECTION_ENTITIES:
        raise FieldError("entity", f"use one of {', '.join(SELECTION_ENTITIES)}")
    ctx = Context(load_lookups(conn), now, tz)
    for i, group in enumerate(criteria):
        for j, line in enumerate(group):
            path = f"{where}[{i}][{j}]"
            try:
                validate_line(ENTITIES[entity], line)
            except CriteriaError as exc:
                part = "field" if line.field not in ENTITIES[entity].fields else "op"
                raise FieldError(f"{path}.{part}", str(exc)) from None
            if not line.active:
                continue  # a line without a value is inactive (SPEC 5), not wrong
            try:
                compile_line(ENTITIES[entity], line, ctx)
            except CriteriaError as exc:
                raise FieldError(f"{path}.value", str(exc)) from None


# -- records -------------------------------------------------------------------------------------


def list_tile(selection: Selection, order_by: str | None = None) -> Tile:
    """The selection as a list tile (the records the viewer's scope allows, re-evaluated)."""
    sortable = SORTABLE[selection.definition.entity]
    if order_by is not None and order_by.lstrip("-") not in sortable:
        raise InputError("order_by", f"sort by one of {', '.join(sortable)}")
    return selection.definition.tile(order_by)


def resolve_tile(conn: Connection, tile: Tile, viewer: Viewer | None) -> Tile:
    """A dashboard's list tile showing a selection, with the selection's entity, criteria,
    columns and sort (its own key, name and place stay). A selection that is gone or that the
    viewer may not see is an InputError naming `selection`: the tile's error."""
    if tile.selection is None:
        return tile
    try:
        found = find_selection(conn, tile.selection, viewer)
    except NotFound:
        raise InputError("selection", f"no selection {tile.selection!r}") from None
    own = found.definition.tile()
    return tile.model_copy(
        update={
            "entity": own.entity,
            "criteria": own.criteria,
            "columns": own.columns,
            "order_by": own.order_by,
            # Its own criteria over another entity would not apply: the selection's replace them.
            "date_field": None,
            "period": None,
            "name_without_period": None,
        }
    )


@dataclass(frozen=True)
class SelectionRecords:
    selection: Selection
    tile: Tile
    drill: DrillDown
    as_of: datetime
    lookups: Lookups  # this run's reference data (labels of owners and statuses)


def selection_records(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    slug: str,
    viewer: Viewer | None,
    scope: Scope = ALL,
    page: int = 1,
    page_size: int = 50,
    order_by: str | None = None,
    extra: list[Criterion] | None = None,
) -> SelectionRecords:
    """One page of the selection's records within the viewer's scope, with their count.
    `extra`: lines AND-ed to every group (the board's column: one lead status)."""
    # Imported here: service.py resolves selection tiles through this module.
    from leadboard.dashboards.service import FilterInput, open_executor

    with engine.connect() as conn:
        found = find_selection(conn, slug, viewer)
        tile = list_tile(found, order_by)
        if extra:
            groups = tile.criteria or [[]]
            tile = tile.model_copy(update={"criteria": [[*g, *extra] for g in groups]})
        current = viewer.associate_id if viewer is not None else None
        executor, run = open_executor(conn, settings, clock, FilterInput(), current)
        drill = executor.drill(conn, tile, QuickFilters(), None, page, page_size, scope)
    return SelectionRecords(found, tile, drill, run.as_of, run.lookups)


def board_columns(lookups: Lookups) -> list[Status]:
    """The board's columns: every active lead status, in rank order."""
    return list(lookups.active_statuses)


# -- a drill-down saved as a selection -----------------------------------------------------------


def _key_line(tile: Tile, key: str, shown_keys: list[str], lookups: Lookups) -> list[Criterion]:
    """The criterion that picks the clicked row's (step's, period's) records."""
    entity = ENTITIES[tile.entity]
    kind = tile.kind
    if kind == "funnel":
        path = [s.key for s in lookups.funnel_path]
        if key not in path:
            raise InputError("key", f"no funnel step {key!r}")
        if not tile.current_status:
            return [Criterion(field="status", op="reached", value=key)]
        if key == path[0]:
            return []
        return [Criterion(field="status", op="in", value=path[path.index(key) :])]
    if kind == "series":
        raise InputError("key", "a period of a series is saved through its tile's period")
    if tile.group_by is None:
        raise InputError("key", f"tile {tile.key!r} has no rows; leave key out")
    if key == OTHER:
        raise InputError("key", "the Other row cannot be saved as a selection")
    if key not in shown_keys:
        raise InputError("key", f"tile {tile.key!r} shows no row {key!r}")
    f = entity.field(tile.group_by)
    if key == NOT_SET:
        if "is_empty" not in OPERATORS[f.type]:
            raise InputError("key", f"{tile.group_by!r} cannot be saved without a value")
        return [Criterion(field=f.name, op="is_empty")]
    if f.type == c.TEXT:
        return [Criterion(field=f.name, op="equals", value=key)]
    if f.type == c.NUMBER:
        return [Criterion(field=f.name, op="eq", value=key)]
    if f.type == c.BOOL:
        return [Criterion(field=f.name, op="is", value=key.lower() in ("true", "1"))]
    return [Criterion(field=f.name, op="in", value=[key])]


def drill_criteria(
    tile: Tile,
    key: str | None,
    shown_keys: list[str],
    owner: str | None,
    country: str | None,
    status: str | None,
    period: str | None,
    lookups: Lookups,
) -> list[list[Criterion]]:
    """The criteria of a drill-down as a selection's: the tile's own, AND the clicked row, the
    quick filters (owner by email, country code or "none", status key) and the tile's period
    (the period filter's, else its own) on its date field."""
    if tile.entity not in SELECTION_ENTITIES:
        raise InputError("entity", f"selections are of {', '.join(SELECTION_ENTITIES)}")
    if tile.kind == "gauge" and key:
        raise InputError("key", f"tile {tile.key!r} has no rows; leave key out")
    entity = ENTITIES[tile.entity]
    lines: list[Criterion] = []
    if key:
        lines += _key_line(tile, key, shown_keys, lookups)
    filters = entity.quick_filters
    if owner:
        lines.append(Criterion(field=filters["owner"], op="in", value=[owner]))
    if country:
        if country.lower() == "none":
            lines.append(Criterion(field=filters["country"], op="is_empty"))
        else:
            lines.append(Criterion(field=filters["country"], op="in", value=[country.upper()]))
    if status:
        lines.append(Criterion(field=filters["status"], op="in", value=[status]))
    if tile.date_field:
        lines.append(
            Criterion(field=tile.date_field, op="period", value=period or tile.period or "all")
        )
    groups = [list(g) for g in tile.criteria if any(line.active for line in g)] or [[]]
    merged = [[*g, *lines] for g in groups]
    return [g for g in merged if g] or []
