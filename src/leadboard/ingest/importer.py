"""Running an import: files -> one transaction of leads, sales and what they point to.

The whole import is one transaction: it is all written or (dry run, or a failure) none of it.
Bad rows do not stop it; they are reported by line number and left out.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, tzinfo
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, func, select

from leadboard.clock import Clock
from leadboard.db.bulk import BulkWriter, create_indexes, drop_indexes, write_counters_paused
from leadboard.db.schema import lead_status_history, leads, sales
from leadboard.domain.channels import effective_rules
from leadboard.domain.rates import list_rates
from leadboard.domain.statuses import all_statuses
from leadboard.ingest.files import assign_files, referenced_columns
from leadboard.ingest.leads import LeadUpsert
from leadboard.ingest.mapping import Entity, Mapping, MappingError, status_constants
from leadboard.ingest.normalise import Cleaner
from leadboard.ingest.reader import CsvFile, Row, estimate_rows, read_rows
from leadboard.ingest.records import Join
from leadboard.ingest.related import Related
from leadboard.ingest.sales import SaleUpsert
from leadboard.ingest.summary import Summary
from leadboard.ingest.values import Compiler, ImportTime, custom_columns, custom_getter

Progress = Callable[[str, int, int], None]  # (stage, bytes done, bytes in total)


def import_time(clock: Clock) -> ImportTime:
    now = clock.now().astimezone(UTC)
    return ImportTime(
        now.year, now.month, now.day, now.hour, now.minute, now.second, now.microsecond
    )


def run_import(
    engine: Engine,
    mapping: Mapping,
    paths: list[Path],
    *,
    tz: tzinfo,
    base_currency: str,
    clock: Clock,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Import `paths` with `mapping`; raises MappingError (nothing written) when the files do not
    fit the mapping or the mapping names unknown statuses."""
    assigned = assign_files(mapping, paths)
    summary = Summary(mapping.name, mapping.origin_name, dry_run)
    for files in assigned.values():
        summary.files += [
            {"file": str(f.path), "encoding": f.encoding, "delimiter": f.delimiter} for f in files
        ]
    now = import_time(clock)
    clean = Cleaner(mapping.placeholders)
    with engine.connect() as conn, _bulk_settings(conn):
        transaction = conn.begin()
        try:
            with write_counters_paused(conn):  # one bump per group, not one per row (db/bulk.py)
                currencies = _import(conn, mapping, assigned, summary, now, clean, tz, progress)
            _rate_warnings(conn, summary, currencies, base_currency)
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    return summary


def _import(
    conn: Connection,
    mapping: Mapping,
    assigned: dict[str, list[CsvFile]],
    summary: Summary,
    now: ImportTime,
    clean: Cleaner,
    tz: tzinfo,
    progress: Progress | None,
) -> set[str]:
    """Runs every entity over its files; returns the currencies of the sales it read."""
    writer = BulkWriter(conn)
    writer.lock()
    statuses = {s.key: s for s in all_statuses(conn)}
    unknown = [
        f"{path}: no lead status {key!r} (statuses: {', '.join(statuses)})"
        for path, key in status_constants(mapping)
        if key not in statuses
    ]
    if unknown:
        raise MappingError(unknown)
    currencies: set[str] = set()
    rebuild: list[str] = []
    for kind, entity in mapping.entities():
        tables = (leads, lead_status_history) if kind == "leads" else (sales,)
        # SQLite only: PostgreSQL's DROP INDEX would lock readers out until the commit.
        if writer.sqlite and _large(conn, tables[0], assigned[mapping.rows_file(entity)]):
            rebuild += drop_indexes(conn, tables)
    related = Related(conn, mapping.origin_name, now, summary)
    indexes: dict[str, dict[str, list[str | None]]] = {}
    own_fields = referenced_columns(mapping, fields_only=True)
    for kind, entity in mapping.entities():
        rows_spec = mapping.rows_file(entity)
        for csv_file in assigned[rows_spec]:
            joins, headers, slots = [], {rows_spec: csv_file}, {rows_spec: 0}
            for slot, (spec, column) in enumerate(entity.join.items(), start=1):
                if spec not in indexes:
                    indexes[spec] = _index(mapping, spec, assigned[spec], clean, summary, progress)
                if assigned[spec]:
                    headers[spec] = assigned[spec][0]
                slots[spec] = slot
                at = csv_file.column(column)
                if at is None:  # assign_files checked every join column
                    raise RuntimeError(f"{csv_file.name}: no column {column!r}")
                joins.append(Join(slot, at, indexes[spec]))
            compiler = Compiler(mapping, rows_spec, headers, slots, clean, now, tz)
            upsert: LeadUpsert | SaleUpsert
            if kind == "leads":
                if mapping.leads is None:  # entities() yields only the entities mapped
                    raise RuntimeError("the mapping has no leads")
                rules = effective_rules(conn)
                upsert = LeadUpsert(
                    conn, mapping.leads, compiler, related, summary, statuses, rules, joins
                )
            else:
                if mapping.sales is None:
                    raise RuntimeError("the mapping has no sales")
                upsert = SaleUpsert(
                    conn, mapping.sales, compiler, related, summary, mapping.currency, joins
                )
            upsert.before_write = related.flush
            _custom(upsert, entity, csv_file, set(own_fields[rows_spec]))
            if compiler.problems:
                raise MappingError(compiler.problems)
            stage = f"{kind.capitalize()} from {csv_file.name}"
            report = _reporter(progress, stage, csv_file.size)
            upsert.run(csv_file, read_rows(csv_file, report))
            if isinstance(upsert, SaleUpsert):
                currencies |= upsert.currencies
    related.flush()
    if rebuild:
        report = _reporter(progress, "Indexing", len(rebuild))
        create_indexes(conn, rebuild, None if report is None else lambda done, _total: report(done))
    return currencies


# An import this large (estimated rows) and at least as large as the table drops the table's
# plain indexes and builds them again at the end: much faster than updating them row by row.
LARGE_IMPORT = 100_000


def _large(conn: Connection, table: Table, files: list[CsvFile]) -> bool:
    estimate = sum(estimate_rows(f) for f in files)
    if estimate < LARGE_IMPORT:
        return False
    return estimate >= conn.execute(select(func.count()).select_from(table)).scalar_one()


def _custom(
    upsert: LeadUpsert | SaleUpsert,
    entity: Entity,
    csv_file: CsvFile,
    used: set[str],
) -> None:
    chosen = custom_columns(entity, csv_file, used)
    mapped = bool(chosen) or isinstance(entity.custom, list)
    upsert.add_custom(custom_getter(chosen), mapped)


def _index(
    mapping: Mapping,
    spec: str,
    files: list[CsvFile],
    clean: Cleaner,
    summary: Summary,
    progress: Progress | None,
) -> dict[str, list[str | None]]:
    """key -> row of a joined file (the first row of a key wins; repeats are warned about)."""
    key = mapping.files[spec].key
    index: dict[str, list[str | None]] = {}
    for csv_file in files:
        at = csv_file.column(key or "")
        if at is None:  # assign_files checked the key column
            raise RuntimeError(f"{csv_file.name}: no key column {key!r}")
        report = _reporter(progress, f"Reading {csv_file.name}", csv_file.size)
        for row in read_rows(csv_file, report):
            if not isinstance(row, Row):
                summary.warning(csv_file.name, row.line, None, row.message)
                continue
            cells = clean.row(row.cells)
            value = cells[at]
            if value is None:
                continue
            if value in index:
                summary.warning(
                    csv_file.name, row.line, key, f"{value!r} repeats an earlier row; ignored"
                )
                continue
            index[value] = cells
    return index


def _reporter(progress: Progress | None, stage: str, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    progress(stage, 0, total)
    return lambda done: progress(stage, min(done, total), total)


def _rate_warnings(conn: Connection, summary: Summary, used: set[str], base_currency: str) -> None:
    rates = list_rates(conn)
    for currency in sorted(used - {base_currency} - set(rates)):
        summary.warning(
            None,
            None,
            "currency",
            f"no exchange rate for {currency} to {base_currency}: tiles that sum sale amounts "
            f"show an error until you set one with `leadboard rates set {currency} RATE`",
        )


@contextmanager
def _bulk_settings(conn: Connection) -> Iterator[None]:
    """SQLite: a large page cache while importing (restored afterwards)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    saved = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB
    conn.commit()
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        conn.exec_driver_sql(f"PRAGMA cache_size={int(saved or -2000)}")
        conn.commit()
