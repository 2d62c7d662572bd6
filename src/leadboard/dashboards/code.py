"""Dashboards as code: `leadboard dashboard export` writes YAML, `dashboard import` reads it back.

The file holds a list of dashboards in the schema of the built-in YAML files (dashboards/models.py:
every tile field, its grid place, its display and compare options, panels, list tiles on a
`selection`, names in en and nl) with three more keys each: `owner` (an email), `visible_for` and
`pinned_for` (`everyone`, `groups` by name, `users` by email), so a file moves between databases
whose ids differ. The selections those tiles show come along under `selections` (the fields of
dashboards/selections.py's SelectionDefinition, with `owner` and `visible_for`):

    version: 1
    selections:
      - slug: hot-nl
        name: {en: Hot leads NL, nl: Hete leads NL}
        entity: leads
        criteria: [[{field: country, op: in, value: [NL]}]]
        owner: ann@example.com
    dashboards:
      - slug: team-north
        name: {en: Team North, nl: Team Noord}
        owner: ann@example.com
        visible_for: {groups: [Sales North]}
        tiles: [{key: hot, chart: list, entity: leads, selection: hot-nl, ...}]

Export without slugs writes every stored dashboard and every selection; with slugs, those
dashboards and the selections their tiles show. Import checks the whole file first and reports
every problem with its path (`dashboards[1].tiles[0].chart: ...`); when there is any, nothing is
imported. Then it writes the selections first (a tile may show one of them), then the dashboards.
Favourites and visits are a user's own, not the dashboard's: they are not in the file.
"""

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import Connection, select, update

from leadboard.dashboards.index import BUILTIN_ORDER
from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.selections import (
    SELECTION_ENTITIES,
    SelectionDefinition,
    create_selection,
    list_selections,
    replace_selection,
    set_selection_audience,
)
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import (
    RESERVED_SLUGS,
    Audience,
    create_dashboard,
    replace_dashboard,
    set_audience,
    stored_dashboards,
    transfer_dashboard,
)
from leadboard.db.schema import associate_groups, associates, dashboards, selections
from leadboard.errors import InputError
from leadboard.semantic.catalog import ENTITIES
from leadboard.semantic.criteria import Context, compile_line
from leadboard.semantic.lookups import load_lookups
from leadboard.semantic.spec import CriteriaError, Criterion, validate_line

__all__ = ["ImportProblems", "Imported", "export_dashboards", "import_dashboards"]

EXTRA_KEYS = ("owner", "visible_for", "pinned_for")
UTC_ZONE = ZoneInfo("UTC")


class AudienceDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    everyone: bool = False
    groups: list[str] = []
    users: list[str] = []


class DashboardDoc(Dashboard):
    """One dashboard of the file: the definition, its owner and its audiences."""

    owner: str | None = None
    visible_for: AudienceDoc = AudienceDoc()
    pinned_for: AudienceDoc = AudienceDoc()


class SelectionDoc(SelectionDefinition):
    """One selection of the file: the definition, its owner and who it is visible for."""

    owner: str | None = None
    visible_for: AudienceDoc = AudienceDoc()


class ImportProblems(InputError):
    """Everything wrong with a file, one `path: problem` per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("file", "\n".join(problems))
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(self.problems)


@dataclass(frozen=True)
class Imported:
    slug: str
    action: Literal["created", "replaced"]
    kind: Literal["dashboard", "selection"] = "dashboard"


# -- export --------------------------------------------------------------------------------------


def _names(conn: Connection) -> tuple[dict[int, str], dict[int, str]]:
    groups = {row.id: row.name for row in conn.execute(select(associate_groups))}
    emails = {
        row.id: row.email for row in conn.execute(select(associates.c.id, associates.c.email))
    }
    return groups, emails


def _audience_doc(
    audience: Audience, groups: dict[int, str], emails: dict[int, str]
) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if audience.everyone:
        doc["everyone"] = True
    if audience.group_ids:
        doc["groups"] = sorted(groups[g] for g in audience.group_ids)
    if audience.user_ids:
        doc["users"] = sorted(emails[u] for u in audience.user_ids)
    return doc


def export_dashboards(conn: Connection, slugs: list[str] | None = None) -> str:
    """The YAML of these dashboards (none given: every stored one, and every selection) and of
    the selections their tiles show. A built-in slug exports its definition alone, as a template
    to change and import under a new slug."""
    stored = {d.slug: d for d in stored_dashboards(conn)}
    wanted = list(stored) if not slugs else slugs
    groups, emails = _names(conn)
    entries = []
    shown: set[str] = set()
    for slug in wanted:
        if slug in stored:
            found = stored[slug]
            entry = found.definition.model_dump(mode="json", exclude_defaults=True)
            entry["owner"] = emails[found.owner_id]
            for key, audience in (("visible_for", found.visible), ("pinned_for", found.pinned)):
                doc = _audience_doc(audience, groups, emails)
                if doc:
                    entry[key] = doc
            shown |= {t.selection for t in found.definition.tiles if t.selection is not None}
        elif slug in BUILTIN_ORDER:
            entry = builtin_dashboards()[slug].model_dump(mode="json", exclude_defaults=True)
        else:
            raise InputError("slug", f"no dashboard {slug!r}")
        entries.append(entry)
    chosen = []
    for selection in list_selections(conn, None):
        if slugs and selection.slug not in shown:
            continue
        item = selection.definition.model_dump(mode="json", exclude_defaults=True)
        item["owner"] = emails[selection.owner_id]
        doc = _audience_doc(selection.visible, groups, emails)
        if doc:
            item["visible_for"] = doc
        chosen.append(item)
    document: dict[str, Any] = {"version": 1}
    if chosen:
        document["selections"] = chosen
    document["dashboards"] = entries
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


# -- import --------------------------------------------------------------------------------------


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top)"


def _pydantic_problems(exc: ValidationError, prefix: tuple[int | str, ...]) -> list[str]:
    return [
        f"{_path(prefix + tuple(error['loc']))}: {error['msg'].removeprefix('Value error, ')}"
        for error in exc.errors()
    ]


def _reference_problems(
    conn: Connection,
    raw: dict[str, Any],
    where: str,
    default_owner: str | None,
) -> list[str]:
    """Owner, groups and users that must exist, read from the raw entry so that they are
    reported even when the definition itself has mistakes too."""
    problems = []
    groups = set(conn.execute(select(associate_groups.c.name)).scalars())
    emails = set(conn.execute(select(associates.c.email)).scalars())
    owner = raw.get("owner", default_owner)
    if owner is None:
        problems.append(f"{where}.owner: required (or give --owner EMAIL)")
    elif isinstance(owner, str) and owner.strip().lower() not in emails:
        problems.append(f"{where}.owner: no associate with email {owner!r}")
    for key in ("visible_for", "pinned_for"):
        audience = raw.get(key)
        if not isinstance(audience, dict):
            continue
        for i, name in enumerate(audience.get("groups") or []):
            if isinstance(name, str) and name not in groups:
                problems.append(f"{where}.{key}.groups[{i}]: no group named {name!r}")
        for i, email in enumerate(audience.get("users") or []):
            if isinstance(email, str) and email.strip().lower() not in emails:
                problems.append(f"{where}.{key}.users[{i}]: no associate with email {email!r}")
    return problems


def _slug_problems(
    conn: Connection, raw: dict[str, Any], where: str, seen: dict[str, str], replace: bool
) -> list[str]:
    slug = raw.get("slug")
    if not isinstance(slug, str):
        return []
    if slug in seen:
        return [f"{where}.slug: {slug!r} is also the slug of {seen[slug]}"]
    seen[slug] = where
    if slug in BUILTIN_ORDER:
        return [f"{where}.slug: {slug!r} is a built-in dashboard; choose another slug"]
    if slug in RESERVED_SLUGS:
        return [f"{where}.slug: {slug!r} is the address of a page; choose another slug"]
    exists = conn.execute(select(dashboards.c.id).where(dashboards.c.slug == slug)).first()
    if exists is not None and not replace:
        return [f"{where}.slug: a dashboard {slug!r} exists already (use --replace)"]
    return []


def _line_problems(
    conn: Connection, raw: dict[str, Any], where: str, now: datetime, tz: tzinfo
) -> list[str]:
    """Every criteria line of a selection that does not apply, by its path
    (`selections[0].criteria[1][0].op: ...`), as the selection pages check each line."""
    name = raw.get("entity")
    entity = ENTITIES.get(name) if isinstance(name, str) else None
    groups = raw.get("criteria")
    if entity is None or entity.name not in SELECTION_ENTITIES or not isinstance(groups, list):
        return []  # the model names what is wrong with the entity or the criteria's shape
    ctx = Context(load_lookups(conn), now, tz)
    problems = []
    for i, group in enumerate(groups):
        for j, raw_line in enumerate(group if isinstance(group, list) else []):
            path = f"{where}.criteria[{i}][{j}]"
            try:
                line = Criterion.model_validate(raw_line)
            except ValidationError as exc:
                problems += _pydantic_problems(exc, (path,))
                continue
            try:
                validate_line(entity, line)
            except CriteriaError as exc:
                part = "field" if line.field not in entity.fields else "op"
                problems.append(f"{path}.{part}: {exc}")
                continue
            if line.active:  # a line without a value is inactive (SPEC 5), not wrong
                try:
                    compile_line(entity, line, ctx)
                except CriteriaError as exc:
                    problems.append(f"{path}.value: {exc}")
    return problems


def _selection_problems(
    conn: Connection,
    raw: dict[str, Any],
    where: str,
    seen: dict[str, str],
    replace: bool,
    now: datetime,
    tz: tzinfo,
) -> tuple[SelectionDoc | None, list[str]]:
    """The file's selection `raw`, checked as the selection pages check one: its definition, its
    criteria's values against this database (statuses, owners, forms), its slug, its owner."""
    lines = _line_problems(conn, raw, where, now, tz)
    problems = []
    doc = None
    try:
        doc = SelectionDoc.model_validate(raw)
    except ValidationError as exc:
        found = _pydantic_problems(exc, (where,))
        if lines:  # the lines are named one by one: not again as the whole of the criteria
            found = [p for p in found if not p.startswith(f"{where}: criteria: ")]
        problems += found
    problems += lines
    slug = raw.get("slug")
    if isinstance(slug, str):
        if slug in seen:
            problems.append(f"{where}.slug: {slug!r} is also the slug of {seen[slug]}")
        seen[slug] = where
        exists = conn.execute(select(selections.c.id).where(selections.c.slug == slug)).first()
        if exists is not None and not replace:
            problems.append(f"{where}.slug: a selection {slug!r} exists already (use --replace)")
    return doc, problems


def _tile_selection_problems(
    conn: Connection, raw: dict[str, Any], where: str, in_file: set[str]
) -> list[str]:
    """A list tile's `selection` is one of the file's selections or one in the database."""
    problems = []
    tiles = raw.get("tiles")
    for j, tile in enumerate(tiles if isinstance(tiles, list) else []):
        slug = tile.get("selection") if isinstance(tile, dict) else None
        if not isinstance(slug, str) or slug in in_file:
            continue
        stored = conn.execute(select(selections.c.id).where(selections.c.slug == slug)).first()
        if stored is None:
            problems.append(
                f"{where}.tiles[{j}].selection: no selection {slug!r} in the file or the database"
            )
    return problems


@dataclass(frozen=True)
class Parsed:
    selections: list[SelectionDoc]
    dashboards: list[DashboardDoc]


def parse_document(
    conn: Connection,
    text: str,
    replace: bool,
    default_owner: str | None,
    now: datetime | None = None,
    tz: tzinfo = UTC_ZONE,
) -> Parsed:
    """Every selection and dashboard of the file, or ImportProblems listing everything wrong."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(top)"
        raise ImportProblems(
            [f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})"]
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("dashboards"), list):
        raise ImportProblems(["(top): expected a mapping with a list under `dashboards`"])
    problems = [
        f"{key}: unknown key" for key in data if key not in ("version", "selections", "dashboards")
    ]
    if data.get("version", 1) != 1:
        problems.append(f"version: this Leadboard reads version 1, not {data['version']!r}")
    raw_selections = data.get("selections") or []
    if not isinstance(raw_selections, list):
        problems.append("selections: expected a list")
        raw_selections = []
    checked_at = now or datetime.now(tz)
    parsed_selections: list[SelectionDoc] = []
    seen_selections: dict[str, str] = {}
    for i, raw in enumerate(raw_selections):
        where = f"selections[{i}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        doc, found = _selection_problems(conn, raw, where, seen_selections, replace, checked_at, tz)
        problems += found + _reference_problems(conn, raw, where, default_owner)
        if doc is not None:
            parsed_selections.append(doc)
    parsed: list[DashboardDoc] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(data["dashboards"]):
        where = f"dashboards[{i}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        try:
            parsed.append(DashboardDoc.model_validate(raw))
        except ValidationError as exc:
            problems += _pydantic_problems(exc, ("dashboards", i))
        problems += _slug_problems(conn, raw, where, seen, replace)
        problems += _reference_problems(conn, raw, where, default_owner)
        problems += _tile_selection_problems(conn, raw, where, set(seen_selections))
    if problems:
        raise ImportProblems(problems)
    return Parsed(parsed_selections, parsed)


def _audience(conn: Connection, doc: AudienceDoc) -> Audience:
    group_ids = conn.execute(
        select(associate_groups.c.id).where(associate_groups.c.name.in_(doc.groups))
    ).scalars()
    emails = [email.strip().lower() for email in doc.users]
    user_ids = conn.execute(select(associates.c.id).where(associates.c.email.in_(emails))).scalars()
    return Audience(doc.everyone, frozenset(group_ids), frozenset(user_ids))


def _owner_id(conn: Connection, email: str) -> int:
    found = conn.execute(
        select(associates.c.id).where(associates.c.email == email.strip().lower())
    ).scalar_one()
    return int(found)


def _import_selection(
    conn: Connection, doc: SelectionDoc, owner_id: int, now: datetime
) -> Imported:
    definition = SelectionDefinition.model_validate(
        doc.model_dump(exclude={"owner", "visible_for"})
    )
    exists = conn.execute(select(selections.c.id).where(selections.c.slug == doc.slug)).first()
    if exists is None:
        create_selection(conn, definition, owner_id, now)
        action: Literal["created", "replaced"] = "created"
    else:
        replace_selection(conn, doc.slug, definition, None, now)
        # selections.py has no transfer: the file's owner is written here, as create would.
        conn.execute(
            update(selections).where(selections.c.slug == doc.slug).values(owner_id=owner_id)
        )
        action = "replaced"
    set_selection_audience(conn, doc.slug, _audience(conn, doc.visible_for), None, now)
    return Imported(doc.slug, action, "selection")


def import_dashboards(
    conn: Connection,
    text: str,
    now: datetime,
    replace: bool = False,
    default_owner: str | None = None,
    tz: tzinfo = UTC_ZONE,
) -> list[Imported]:
    """Create (or with `replace`, overwrite) every selection, then every dashboard of the file,
    all or nothing: run it in one transaction; ImportProblems before anything is written when
    the file is wrong. `tz` is the organisation's, for the periods in selections' criteria."""
    parsed = parse_document(conn, text, replace, default_owner, now, tz)
    results = [
        _import_selection(conn, doc, _owner_id(conn, doc.owner or default_owner or ""), now)
        for doc in parsed.selections
    ]
    for doc in parsed.dashboards:
        definition = Dashboard.model_validate(doc.model_dump(exclude=set(EXTRA_KEYS)))
        owner_id = _owner_id(conn, doc.owner or default_owner or "")
        exists = conn.execute(select(dashboards.c.id).where(dashboards.c.slug == doc.slug)).first()
        if exists is None:
            create_dashboard(conn, definition, owner_id, now)
            action: Literal["created", "replaced"] = "created"
        else:
            replace_dashboard(conn, doc.slug, definition, None, now)
            transfer_dashboard(conn, doc.slug, owner_id, None, now)
            action = "replaced"
        set_audience(conn, doc.slug, "visible", _audience(conn, doc.visible_for), None, now)
        set_audience(conn, doc.slug, "pinned", _audience(conn, doc.pinned_for), None, now)
        results.append(Imported(doc.slug, action))
    return results
