"""`leadboard import`: CSV files into leads and sales, with a preset or a mapping file."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from leadboard.cli.root import app, console, env, errors, fail

if TYPE_CHECKING:  # the library is imported inside the commands: `leadboard --help` starts fast
    from leadboard.ingest.mapping import Mapping, MappingError
    from leadboard.ingest.summary import Summary

SHOWN_PROBLEMS = 20


@app.command("import")
def import_command(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None, typer.Argument(help="CSV files to import", show_default=False)
    ] = None,
    preset: Annotated[
        str | None, typer.Option(help="A shipped mapping (see --list-presets)")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Your own mapping file (YAML)", show_default=False)
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Do everything, then roll back: nothing is written")
    ] = False,
    today: Annotated[
        str | None, typer.Option(help="Import as if on YYYY-MM-DD (23:59:59.999999 local)")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Write every warning and error as CSV to this file"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
    list_presets: Annotated[
        bool, typer.Option("--list-presets", help="Show the presets and exit")
    ] = False,
    show_preset: Annotated[
        str | None,
        typer.Option(help="Print a preset's mapping file (a start for your own) and exit"),
    ] = None,
) -> None:
    """Import CSV files with a preset or a mapping; idempotent on (origin, external id).

    Exit code 0: imported; 1: imported, but some rows were refused (see the error report);
    2: nothing imported (bad options, mapping or files).
    """
    from leadboard.ingest.importer import run_import
    from leadboard.ingest.mapping import MappingError
    from leadboard.ingest.presets import preset_text
    from leadboard.ingest.reader import FileProblem

    if list_presets:
        _list_presets(as_json)
        return
    if show_preset is not None:
        try:
            print(preset_text(show_preset), end="")
        except MappingError as exc:
            fail(str(exc))
        return
    chosen = _mapping(preset, mapping)
    if not files:
        fail("name one or more CSV files to import")
    settings = env(ctx).settings
    clock = env(ctx).clock(today)
    engine = env(ctx).engine
    try:
        with _progress(quiet=as_json) as progress:
            summary = run_import(
                engine,
                chosen,
                list(files),
                tz=settings.tz,
                base_currency=settings.base_currency,
                clock=clock,
                dry_run=dry_run,
                progress=progress,
            )
    except MappingError as exc:
        _problems(exc)
    except FileProblem as exc:
        fail(str(exc))
    if report is not None:
        summary.write_report(report)
    if as_json:
        print(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
    else:
        _show(summary, report)
    if summary.errors:
        raise typer.Exit(1)


def _mapping(preset: str | None, path: Path | None) -> "Mapping":
    from leadboard.ingest.mapping import MappingError
    from leadboard.ingest.mapping_file import load_mapping
    from leadboard.ingest.presets import load_preset

    if (preset is None) == (path is None):
        fail("give either --preset NAME or --mapping FILE (see --list-presets)")
    try:
        if preset is not None:
            return load_preset(preset)
        if path is None:  # cannot happen: exactly one of the two was given (above)
            raise RuntimeError("neither --preset nor --mapping")
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            fail(f"--mapping: cannot read {path}: {exc.strerror or exc}")
        return load_mapping(text, path.name)
    except MappingError as exc:
        _problems(exc)


def _problems(exc: "MappingError") -> NoReturn:
    if len(exc.problems) == 1:
        fail(exc.problems[0])
    errors.print(f"[red]error:[/red] {len(exc.problems)} problems:", highlight=False)
    for problem in exc.problems:
        errors.print(f"  {problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _list_presets(as_json: bool) -> None:
    from leadboard.ingest.presets import load_preset, preset_names

    presets = [(name, load_preset(name)) for name in preset_names()]
    if as_json:
        listing = [
            {"preset": name, "description": m.description, "files": list(m.files)}
            for name, m in presets
        ]
        print(json.dumps({"presets": listing}, indent=2))
        return
    table = Table("preset", "files", "description")
    for name, m in presets:
        table.add_row(name, ", ".join(m.files), m.description)
    console.print(table)


class _Bars:
    """The importer's progress callback as Rich bars (on stderr: stdout stays for the summary)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done)


class _progress:  # lower case: used as a context manager, like a function
    def __init__(self, quiet: bool) -> None:
        self.bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=errors,
            disable=quiet,
            transient=False,
        )

    def __enter__(self) -> _Bars:
        self.bars.start()
        return _Bars(self.bars)

    def __exit__(self, *exc: object) -> None:
        self.bars.stop()


def _show(summary: "Summary", report: Path | None) -> None:
    table = Table("records", "created", "updated", "skipped", "errors")
    for kind, counts in [*summary.records.items(), *summary.related.items()]:
        table.add_row(
            kind, str(counts.created), str(counts.updated), str(counts.skipped), str(counts.errors)
        )
    console.print(table)
    console.print(
        f"created {summary.created}, updated {summary.updated}, skipped {summary.skipped} "
        f"(unchanged), warnings {summary.warnings}, errors {summary.errors}",
        highlight=False,
    )
    if summary.unrecognised_countries:
        names = ", ".join(
            f"{name!r} ({count})" for name, count in summary.unrecognised_countries.most_common()
        )
        console.print(f"not a country, left not set: {names}", highlight=False)
    for problem in summary.problems[:SHOWN_PROBLEMS]:
        colour = "red" if problem.level == "error" else "yellow"
        console.print(f"[{colour}]{problem.level}:[/{colour}] {problem}", highlight=False)
    more = summary.warnings + summary.errors - min(len(summary.problems), SHOWN_PROBLEMS)
    if more > 0:
        where = f"all of them are in {report}" if report else "--report FILE lists them all"
        console.print(f"... and {more} more ({where})", highlight=False)
    if summary.dry_run:
        console.print("dry run: nothing was written", highlight=False)
