"""What an import did: counts per record kind, and every warning and error with its line."""

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# Problems kept in memory for the report; beyond this they are only counted.
KEEP_PROBLEMS = 100_000


@dataclass(frozen=True)
class Problem:
    level: Literal["error", "warning"]
    file: str | None
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.line) if part is not None)
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}" if where else what

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


@dataclass
class Counts:
    """Rows of one kind: created, updated (something changed), skipped (nothing changed: the
    record was already there as the row says), errors (the row was refused)."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0

    def as_json(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": self.errors,
        }


@dataclass
class Summary:
    mapping: str
    origin: str
    dry_run: bool
    files: list[dict[str, Any]] = field(default_factory=list)
    records: dict[str, Counts] = field(default_factory=dict)  # leads, sales
    related: dict[str, Counts] = field(default_factory=dict)  # forms, associates, companies, ...
    problems: list[Problem] = field(default_factory=list)
    warnings: int = 0
    errors: int = 0
    unrecognised_countries: Counter[str] = field(default_factory=Counter)

    def counts(self, kind: str) -> Counts:
        if kind not in self.records:
            self.records[kind] = Counts()
        return self.records[kind]

    def related_counts(self, kind: str) -> Counts:
        if kind not in self.related:
            self.related[kind] = Counts()
        return self.related[kind]

    def error(self, file: str | None, line: int | None, field: str | None, message: str) -> None:
        self.errors += 1
        self._keep(Problem("error", file, line, field, message))

    def warning(self, file: str | None, line: int | None, field: str | None, message: str) -> None:
        self.warnings += 1
        self._keep(Problem("warning", file, line, field, message))

    def _keep(self, problem: Problem) -> None:
        if len(self.problems) < KEEP_PROBLEMS:
            self.problems.append(problem)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.records.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.records.values())

    @property
    def skipped(self) -> int:
        return sum(c.skipped for c in self.records.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "mapping": self.mapping,
            "origin": self.origin,
            "dry_run": self.dry_run,
            "files": self.files,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "errors": self.errors,
            "records": {kind: c.as_json() for kind, c in self.records.items()},
            "related": {kind: c.as_json() for kind, c in self.related.items()},
            "unrecognised_countries": dict(sorted(self.unrecognised_countries.items())),
            "problems": [p.as_json() for p in self.problems],
            "problems_not_kept": self.warnings + self.errors - len(self.problems),
        }

    def write_report(self, path: Path) -> None:
        """Every kept warning and error as CSV: level, file, line, field, message."""
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["level", "file", "line", "field", "message"])
            for p in self.problems:
                writer.writerow([p.level, p.file or "", p.line or "", p.field or "", p.message])
