"""`leadboard channels export|import|reset|reapply|classify`: channel rules as data (SPEC 6.4)."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from leadboard.cli.root import app, console, env, errors, fail

if TYPE_CHECKING:  # the library is imported inside the commands: `leadboard --help` starts fast
    from sqlalchemy import Engine

    from leadboard.domain.channels import ChannelRules, RulesError

channels_app = typer.Typer(
    help="Channel rules (GA4 default channel groups): export, import, re-apply, try a URL.",
    no_args_is_help=True,
)
app.add_typer(channels_app, name="channels")


def _migrated(ctx: typer.Context) -> "Engine":
    return env(ctx).engine  # connected and at the newest schema


@channels_app.command("export")
def channels_export(ctx: typer.Context) -> None:
    """Print the rules in force as YAML (the imported ones, else the shipped GA4 rules)."""
    from leadboard.domain.channels import effective_rules_text

    with _migrated(ctx).connect() as conn:
        text = effective_rules_text(conn)
    typer.echo(text, nl=not text.endswith("\n"))


def _report(exc: "RulesError", source: str) -> None:
    errors.print(
        f"[red]error:[/red] {escape(source)}: {len(exc.problems)} problem(s)",
        highlight=False,
        soft_wrap=True,
    )
    for problem in exc.problems:
        errors.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)


@channels_app.command("import")
def channels_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A rules file (YAML), e.g. from `export`")],
) -> None:
    """Validate a rules file and store it; every problem is reported and nothing is stored."""
    from leadboard.domain.channels import RulesError, save_rules

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: cannot read it ({exc})")
    try:
        with _migrated(ctx).begin() as conn:
            rules = save_rules(conn, text)
    except RulesError as exc:
        _report(exc, str(file))
        raise typer.Exit(2) from None
    console.print(
        f"imported {len(rules.rules)} rules from {file}; "
        "run `leadboard channels reapply` to re-bucket existing leads"
    )


@channels_app.command("reset")
def channels_reset(ctx: typer.Context) -> None:
    """Drop imported rules: the shipped GA4 rules apply again (then run `reapply`)."""
    from leadboard.domain.channels import forget_rules

    with _migrated(ctx).begin() as conn:
        dropped = forget_rules(conn)
    console.print("the shipped rules apply" + ("" if dropped else " (no rules were imported)"))


@channels_app.command("reapply")
def channels_reapply(ctx: typer.Context) -> None:
    """Re-bucket every lead whose channel comes from the rules, with the rules in force.

    Channels set by an import preset's map stay as they are, and so do those set by created_via
    for leads without a source or medium. A lead with only one half of a tag that got its
    channel from created_via before half tags were classified is classified now (SPEC 6.4).
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from leadboard.domain.reclassify import reapply_rules

    engine = _migrated(ctx)
    with Progress(
        TextColumn("re-bucketing leads"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("reapply", total=None)
        changed, total = reapply_rules(
            engine, lambda done, total: progress.update(task, completed=done, total=total)
        )
    console.print(f"{changed} of {total} rule-derived lead channels changed")


def _rules_for_classify(ctx: typer.Context, rules_file: Path | None) -> "ChannelRules":
    """A rules file being tried out, else the database's rules, else the shipped ones.

    An SQLite database that does not exist yet is not created just to read its rules.
    """
    from leadboard.domain.channels import RulesError, parse_rules

    if rules_file is not None:
        try:
            return parse_rules(rules_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{rules_file}: cannot read it ({exc})")
        except RulesError as exc:
            _report(exc, str(rules_file))
            raise typer.Exit(2) from None
    from sqlalchemy.engine import make_url

    from leadboard.domain.channels import default_rules, effective_rules

    url = make_url(env(ctx).settings.database_url)
    if url.get_backend_name() == "sqlite" and (
        not url.database or url.database == ":memory:" or not Path(url.database).exists()
    ):
        return default_rules()
    with env(ctx).engine.connect() as conn:  # an unusable URL: `error: database-url: ...`
        return effective_rules(conn)


@channels_app.command("classify")
def channels_classify(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="A landing URL, e.g. a tagged campaign link")],
    referrer: Annotated[
        str | None, typer.Option("--referrer", help="The URL of the page that linked to it")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    rules_file: Annotated[
        Path | None, typer.Option("--rules", help="Try a rules file instead of the stored rules")
    ] = None,
) -> None:
    """What Leadboard makes of a landing URL and its referrer: source, medium, ... and channel."""
    from leadboard.domain.attribution import classify_visit, referrer_domain
    from leadboard.domain.channels import CHANNEL_NAMES
    from leadboard.domain.leads import derive_channel

    if not url.strip():
        fail("URL: give a landing URL")
    if "//" not in url:
        url = f"https://{url}"
    rules = _rules_for_classify(ctx, rules_file)
    visit = classify_visit(url, referrer, own_domain=referrer_domain(url))
    # As a form lead gets it (domain.leads.derive_channel): a source or a medium is enough, the
    # missing half being `(not set)` (shown so in the table, null in JSON).
    if visit.source or visit.medium:
        channel = rules.classify(visit.source, visit.medium, visit.campaign)
    else:
        key, _origin = derive_channel("form", visit, None, rules)
        channel = CHANNEL_NAMES.get(key, key)
    result = {
        "source": visit.source,
        "medium": visit.medium,
        "campaign": visit.campaign,
        "term": visit.term,
        "content": visit.content,
        "utm_id": visit.utm_id,
        "click_id_param": visit.click_id_param,
        "click_id": visit.click_id,
        "referrer_domain": visit.referrer_domain,
        "channel": channel,
    }
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    table = Table("field", "value", show_header=False)
    for name, value in result.items():
        table.add_row(name, "(not set)" if value is None else str(value))
    console.print(table)
