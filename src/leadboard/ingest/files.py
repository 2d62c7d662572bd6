"""Which FILE argument is which file of the mapping, and do they have the columns it reads?

A file goes to the mapping entry whose `match` glob fits its name; a file no glob fits goes to the
one entry whose columns its header has. With a single entry every file goes to it (several
exports of the same format can be imported in one run).
"""

from fnmatch import fnmatch
from pathlib import Path

from leadboard.ingest.mapping import (
    AssociateRef,
    CompanyRef,
    FormRef,
    Mapping,
    MappingError,
    Value,
    split_column,
)
from leadboard.ingest.normalise import template_fields
from leadboard.ingest.reader import CsvFile, FileProblem, open_csv


def referenced_columns(mapping: Mapping, fields_only: bool = False) -> dict[str, dict[str, str]]:
    """files entry -> {column: the first mapping path that reads it}.

    With `fields_only`, the columns that are some field's value (not those only read by a
    template, or for a join): the columns that have a field of their own."""
    found: dict[str, dict[str, str]] = {name: {} for name in mapping.files}

    def add(spec: str, column: str, path: str, field: bool = False) -> None:
        if spec in found and (field or not fields_only):
            found[spec].setdefault(column, path)

    def walk(value: Value | None, path: str, rows: str) -> None:
        if value is None:
            return
        if value.column is not None:
            spec, column = split_column(value.column, value.file, mapping)
            add(spec or rows, column, path, field=True)
        for column in template_fields(value.template or ""):
            spec, name = split_column(column, None, mapping)
            add(spec or rows, name, path)
        for index, part in enumerate(value.first or []):
            walk(part, f"{path}.first[{index}]", rows)

    for kind, entity in mapping.entities():
        rows = mapping.rows_file(entity)
        for file, column in entity.join.items():
            add(rows, column, f"{kind}.join.{file}")
            key = mapping.files[file].key if file in mapping.files else None
            if key:
                add(file, key, f"files.{file}.key")
        if isinstance(entity.custom, list):
            for column in entity.custom:
                add(rows, column, f"{kind}.custom")
        for field in type(entity).model_fields:
            item = getattr(entity, field)
            if isinstance(item, Value):
                walk(item, f"{kind}.{field}", rows)
            elif isinstance(item, FormRef | AssociateRef | CompanyRef):
                for sub in type(item).model_fields:
                    walk(getattr(item, sub), f"{kind}.{field}.{sub}", rows)
    return found


def assign_files(mapping: Mapping, paths: list[Path]) -> dict[str, list[CsvFile]]:
    """files entry -> the files read for it; raises MappingError naming every problem."""
    problems: list[str] = []
    opened: list[CsvFile] = []
    for path in paths:
        try:
            opened.append(open_csv(path, mapping.encoding, mapping.delimiter))
        except FileProblem as exc:
            problems.append(str(exc))
    if problems:
        raise MappingError(problems)
    columns = referenced_columns(mapping)
    assigned: dict[str, list[CsvFile]] = {name: [] for name in mapping.files}
    for csv_file in opened:
        spec = _which(mapping, csv_file, columns, problems)
        if spec is not None:
            assigned[spec].append(csv_file)
    for name, file_spec in mapping.files.items():
        files = assigned[name]
        if not files and not file_spec.optional:
            hint = f" (a file named like {file_spec.match})" if file_spec.match else ""
            problems.append(f"files.{name}: no file given for it{hint}")
        for csv_file in files:
            missing = [c for c in columns[name] if csv_file.column(c) is None]
            for column in missing:
                problems.append(
                    f"{csv_file.name}: no column {column!r} (read by {columns[name][column]})"
                )
        if len({f.header for f in files}) > 1 and _is_joined(mapping, name):
            problems.append(f"files.{name}: its files have different columns")
    if problems:
        raise MappingError(problems)
    return assigned


def _which(
    mapping: Mapping, csv_file: CsvFile, columns: dict[str, dict[str, str]], problems: list[str]
) -> str | None:
    if len(mapping.files) == 1:
        return next(iter(mapping.files))
    name = csv_file.name.lower()
    by_name = [n for n, s in mapping.files.items() if s.match and fnmatch(name, s.match.lower())]
    if len(by_name) == 1:
        return by_name[0]
    candidates = by_name or list(mapping.files)
    by_header = [n for n in candidates if all(csv_file.column(c) is not None for c in columns[n])]
    if len(by_header) == 1:
        return by_header[0]
    if by_header:
        problems.append(f"{csv_file.name}: could be any of {', '.join(by_header)}; rename it")
    else:
        problems.append(
            f"{csv_file.name}: fits none of the mapping's files ({', '.join(mapping.files)})"
        )
    return None


def _is_joined(mapping: Mapping, name: str) -> bool:
    return any(name in entity.join for _, entity in mapping.entities())
