"""Reading, checking and writing mapping files (YAML <-> the models of mapping.py).

`load_mapping` reports every problem at once, each with its path (`leads.channel.map.a`), the way
dashboards and channel rules are validated: first what the models refuse (unknown keys, wrong
types), then, for a well-formed mapping, what only the whole mapping shows (files that are not
joined, constants a field cannot take, ...).
"""

import codecs
import re
from typing import Any

import yaml
from pydantic import ValidationError

from leadboard.domain.channels import CHANNEL_NAMES, channel_key
from leadboard.ingest.mapping import (
    AMOUNT_FIELDS,
    TIME_FIELDS,
    AssociateRef,
    CompanyRef,
    Entity,
    FormRef,
    Mapping,
    MappingError,
    Value,
    allowed,
    constants,
    split_column,
)
from leadboard.ingest.normalise import AMOUNT_FORMATS, template_fields, template_problems


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load, but a key given twice in one mapping is an error (value maps!)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]
        if key in seen:
            mark = key_node.start_mark
            raise MappingError([f"line {mark.line + 1}: the key {key!r} is given twice"])
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def load_mapping(text: str, source: str = "mapping") -> Mapping:
    """A mapping from YAML text; raises MappingError naming every problem with its path."""
    try:
        document = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise MappingError([f"{source}: {where}not valid YAML ({exc})"]) from None
    if not isinstance(document, dict):
        raise MappingError([f"{source}: must be a YAML mapping with name, files, leads/sales"])
    try:
        mapping = Mapping.model_validate(document)
    except ValidationError as exc:
        raise MappingError([_pydantic_problem(error) for error in exc.errors()]) from None
    problems = check_mapping(mapping)
    if problems:
        raise MappingError(problems)
    return mapping


def _pydantic_problem(error: Any) -> str:
    path = ""
    for part in error["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part not in ("str", "list[str]", "literal['auto','none']", "function-before[...]"):
            path += f".{part}" if path else str(part)
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{path or '(top)'}: {message}"


def dump_mapping(mapping: Mapping) -> str:
    """The mapping as YAML (only what was written; a plain column as its short form)."""
    return yaml.safe_dump(
        _short(mapping.model_dump(exclude_unset=True)), sort_keys=False, allow_unicode=True
    )


def _short(data: Any) -> Any:
    if isinstance(data, dict):
        if set(data) == {"column"}:
            return data["column"]
        return {key: _short(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_short(item) for item in data]
    return data


# --- checks that need the whole mapping -----------------------------------------------------

NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def check_mapping(mapping: Mapping) -> list[str]:
    problems: list[str] = []
    if not NAME.fullmatch(mapping.name):
        problems.append("name: lower-case letters, digits and dashes, e.g. my-crm-export")
    if not mapping.origin_name.strip() or len(mapping.origin_name) > 100:
        problems.append("origin: 1 to 100 characters")
    if mapping.currency is not None and not re.fullmatch(r"[A-Z]{3}", mapping.currency):
        problems.append(f"currency: a 3-letter ISO code in capitals, got {mapping.currency!r}")
    if mapping.encoding != "auto":
        try:
            codecs.lookup(mapping.encoding)
        except LookupError:
            problems.append(f"encoding: unknown encoding {mapping.encoding!r}")
    if mapping.delimiter != "auto" and len(mapping.delimiter) != 1:
        problems.append("delimiter: one character, or auto")
    if not mapping.files:
        problems.append("files: name at least one file")
    if not mapping.entities():
        problems.append("(top): map leads, sales or both")
    for name, entity in mapping.entities():
        problems += _check_entity(mapping, name, entity)
    if mapping.sales is not None and mapping.sales.currency is None and mapping.currency is None:
        problems.append("sales.currency: needed (or set `currency` for the whole mapping)")
    return problems


def _check_entity(mapping: Mapping, name: str, entity: Entity) -> list[str]:
    problems: list[str] = []
    rows = entity.rows
    if rows is None and len(mapping.files) > 1:
        problems.append(f"{name}.rows: say which file's rows become {name}")
        rows = next(iter(mapping.files))
    rows = rows or next(iter(mapping.files), "")
    if rows not in mapping.files:
        problems.append(f"{name}.rows: no file {rows!r} in files")
    for file, column in entity.join.items():
        if file not in mapping.files:
            problems.append(f"{name}.join.{file}: no such file in files")
        elif file == rows:
            problems.append(f"{name}.join.{file}: a file cannot join itself")
        elif mapping.files[file].key is None:
            problems.append(f"{name}.join.{file}: give files.{file}.key (the column to match)")
        if not column.strip():
            problems.append(f"{name}.join.{file}: name the column of {rows!r} to match")
    readable = {rows, *entity.join}
    for field, value in _values(entity):
        path = f"{name}.{field}"
        target = field.split(".")[-1] if "." in field else field
        kind = f"sales.{target}" if name == "sales" and target == "status" else target
        problems += _check_value(value, path, kind, readable, mapping)
    if isinstance(entity.custom, list) and not all(c.strip() for c in entity.custom):
        problems.append(f"{name}.custom: column names cannot be empty")
    return problems


def _values(entity: Entity) -> list[tuple[str, Value]]:
    found: list[tuple[str, Value]] = []
    for field in type(entity).model_fields:
        item = getattr(entity, field)
        if isinstance(item, Value):
            found.append((field, item))
        elif isinstance(item, FormRef | AssociateRef | CompanyRef):
            for sub in type(item).model_fields:
                value = getattr(item, sub)
                if isinstance(value, Value):
                    found.append((f"{field}.{sub}", value))
    return found


def _check_value(
    value: Value, path: str, kind: str, readable: set[str], mapping: Mapping
) -> list[str]:
    problems: list[str] = []
    if value.column is not None:
        file, _column = split_column(value.column, value.file, mapping)
        if file is not None and file not in readable:
            problems.append(f"{path}.column: file {file!r} is not joined here (join: it first)")
    if value.template is not None:
        for column in template_fields(value.template):
            file, _ = split_column(column, None, mapping)
            if file is not None and file not in readable:
                problems.append(f"{path}.template: file {file!r} is not joined here")
        problems += [f"{path}.template: {p}" for p in template_problems(value.template)]
    for index, part in enumerate(value.first or []):
        problems += _check_value(part, f"{path}.first[{index}]", kind, readable, mapping)
    if value.now and kind not in TIME_FIELDS:
        problems.append(f"{path}.now: only for times (created_at, status_at, sale_date)")
    if value.format is not None:
        if kind in AMOUNT_FIELDS and value.format not in AMOUNT_FORMATS:
            problems.append(f"{path}.format: one of {', '.join(AMOUNT_FORMATS)}")
        elif kind not in AMOUNT_FIELDS | TIME_FIELDS:
            problems.append(f"{path}.format: only for times and amounts")
    for where, constant in constants(value):
        problem = _check_constant(kind, constant)
        if problem:
            problems.append(f"{path}{where}: {problem}")
    return problems


def _check_constant(kind: str, constant: str) -> str | None:
    choices = allowed(kind)
    if choices is not None and constant not in choices:
        return f"{constant!r} is not one of {', '.join(choices)}"
    if kind == "channel" and channel_key(constant) not in CHANNEL_NAMES:
        return f"unknown channel {constant!r} (known: {', '.join(CHANNEL_NAMES.values())})"
    if kind == "probability" and not (constant.isdigit() and 0 <= int(constant) <= 100):
        return f"a whole percentage 0-100, got {constant!r}"
    if kind == "currency" and not re.fullmatch(r"[A-Za-z]{3}", constant.strip()):
        return f"a 3-letter currency code, got {constant!r}"
    return None
