"""Compiling a mapping's values into fast getters over one row (and the rows joined to it).

A getter takes `rows`: slot 0 is the row being imported, slot k the row of the k-th joined file
(None where nothing matched). It returns text, the import time, or None (not set); typed getters
turn text into the field's kind and raise FieldProblem naming the field when they cannot.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from leadboard.ingest.countries import country_code
from leadboard.ingest.mapping import Entity, Mapping, Value, split_column
from leadboard.ingest.normalise import (
    Cleaner,
    TimeReader,
    ValueProblem,
    fold_key,
    parse_decimal,
    parse_integer,
    render_template,
    template_fields,
)
from leadboard.ingest.reader import CsvFile

Rows = list[list[str | None] | None]  # cleaned cells: not set is None
Getter = Callable[[Rows], Any]


class ImportTime(datetime):
    """The import clock's time (naive UTC). A value that came from the clock fills a new record
    but never overwrites a stored one, so importing again on another day changes nothing."""


class FieldProblem(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


_MISSING = object()


def _none(_rows: Rows) -> None:
    return None


@dataclass
class Compiler:
    """Compiles the values of one entity against the headers of its files."""

    mapping: Mapping
    rows_file: str  # the files entry whose rows are imported
    headers: dict[str, CsvFile]  # files entry -> a file read for it (its header)
    slots: dict[str, int]  # files entry -> slot in `rows`
    clean: Cleaner
    now: ImportTime
    tz: tzinfo
    problems: list[str] = field(default_factory=list)
    used: dict[str, set[str]] = field(default_factory=dict)  # files entry -> columns read

    def column(self, name: str, file: str | None, path: str) -> Getter:
        spec, column = split_column(name, file, self.mapping)
        spec = spec or self.rows_file
        self.used.setdefault(spec, set()).add(column)
        csv_file = self.headers.get(spec)
        if csv_file is None:  # an optional file that was not given: never set
            return _none
        index = csv_file.column(column)
        if index is None:
            known = ", ".join(c for c in csv_file.header if c)
            self.problems.append(
                f"{path}: no column {column!r} in {csv_file.name} (its columns: {known})"
            )
            return _none
        slot = self.slots[spec]
        if slot == 0:
            plain: Getter = lambda rows: rows[0][index]  # type: ignore[index]  # noqa: E731
            plain.__dict__["plain"] = index  # typed getters read the cell directly
            return plain

        def joined(rows: Rows) -> str | None:
            row = rows[slot]
            return None if row is None else row[index]

        return joined

    def value(self, value: Value | None, path: str) -> Getter:
        """The getter of a value: its source, then if_set, map and default."""
        if value is None:
            return _none
        get = self._source(value, path)
        if value.if_set is not None:
            get = _if_set(get, value.if_set)
        if value.map is not None:
            get = _mapped(get, value, path)
        if value.default is not None:
            get = _defaulted(get, value.default)
        return get

    def _source(self, value: Value, path: str) -> Getter:
        if value.column is not None:
            return self.column(value.column, value.file, path)
        if value.template is not None:
            template = value.template
            getters = {c: self.column(c, None, path) for c in template_fields(template)}
            return lambda rows: render_template(template, {c: g(rows) for c, g in getters.items()})
        if value.first is not None:
            parts = [self.value(part, f"{path}.first[{i}]") for i, part in enumerate(value.first)]
            return lambda rows: next((v for v in (p(rows) for p in parts) if v is not None), None)
        if value.now:
            now = self.now
            return lambda rows: now
        constant = value.value
        return lambda rows: constant


def _if_set(get: Getter, then: str) -> Getter:
    return lambda rows: None if get(rows) is None else then


def _mapped(get: Getter, value: Value, path: str) -> Getter:
    table = {fold_key(k): v for k, v in (value.map or {}).items()}
    unmapped = value.unmapped

    def mapped(rows: Rows) -> Any:
        found = get(rows)
        if found is None or not isinstance(found, str):
            return found
        result = table.get(fold_key(found), _MISSING)
        if result is not _MISSING:
            return result
        if unmapped == "keep":
            return found
        if unmapped == "not_set":
            return None
        raise FieldProblem(path, f"{found!r} is not in the value map")

    return mapped


def _defaulted(get: Getter, default: str) -> Getter:
    def defaulted(rows: Rows) -> Any:
        found = get(rows)
        return default if found is None else found

    return defaulted


# --- typed getters ---------------------------------------------------------------------------


def text(get: Getter, path: str, width: int, cut: bool = False) -> Getter:
    """Text up to the column's width: longer is an error, or cut where `cut` (sources)."""

    def too_long(found: str) -> str:
        if cut:
            return found[:width]
        raise FieldProblem(path, f"longer than {width} characters")

    plain = get.__dict__.get("plain")
    if plain is not None:  # the common case, a column as it is: one call per cell
        index = plain

        def cell(rows: Rows) -> str | None:
            found: str | None = rows[0][index]  # type: ignore[index]
            if found is None or len(found) <= width:
                return found
            return too_long(found)

        return cell

    def typed(rows: Rows) -> str | None:
        found: str | None = get(rows)
        if found is None or len(found) <= width:
            return found
        return too_long(found)

    return typed


def time(get: Getter, path: str, tz: tzinfo, fmt: str | None) -> Getter:
    """A naive UTC datetime; naive text is read in the organisation's timezone."""
    read = TimeReader(tz, fmt)

    def typed(rows: Rows) -> datetime | None:
        found = get(rows)
        if found is None or isinstance(found, datetime):
            return found
        try:
            return read(found)
        except ValueProblem as exc:
            raise FieldProblem(path, str(exc)) from None

    return typed


def decimal(get: Getter, path: str, fmt: str | None) -> Getter:
    def typed(rows: Rows) -> Decimal | None:
        found = get(rows)
        if found is None:
            return None
        try:
            return parse_decimal(found, fmt or "1234.56")
        except ValueProblem as exc:
            raise FieldProblem(path, str(exc)) from None

    return typed


def integer(get: Getter, path: str, low: int, high: int) -> Getter:
    def typed(rows: Rows) -> int | None:
        found = get(rows)
        if found is None:
            return None
        try:
            number = parse_integer(found)
        except ValueProblem as exc:
            raise FieldProblem(path, str(exc)) from None
        if not low <= number <= high:
            raise FieldProblem(path, f"must lie between {low} and {high}, got {number}")
        return number

    return typed


def country(get: Getter, unrecognised: Counter[str]) -> Getter:
    """An ISO code through the alias table; names of no country are not set and counted."""
    cache: dict[str, str | None] = {}

    def typed(rows: Rows) -> str | None:
        found = get(rows)
        if found is None:
            return None
        if found not in cache:
            cache[found] = country_code(found)
        code = cache[found]
        if code is None:
            unrecognised[found] += 1
        return code

    return typed


def custom_columns(entity: Entity, csv_file: CsvFile, used: set[str]) -> list[tuple[str, int]]:
    """(name, index) of the columns kept as custom attributes."""
    if entity.custom == "none":
        return []
    if entity.custom == "auto":
        names = [c for c in csv_file.header if c and c not in used]
    else:
        names = list(entity.custom)
    return [(name, index) for name in names if (index := csv_file.column(name)) is not None]


def custom_getter(columns: list[tuple[str, int]]) -> Getter:
    """The custom attributes of a row: set values only, as text; None when there are none."""
    if not columns:
        return _none

    def typed(rows: Rows) -> dict[str, str] | None:
        row = rows[0]
        if row is None:  # the entity's own row is always there
            raise RuntimeError("custom attributes without the record's row")
        found = {}
        for name, index in columns:
            value = row[index]
            if value is not None:
                found[name] = value
        return found or None

    return typed
