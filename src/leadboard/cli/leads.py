"""`leadboard leads list|set-status`: the lead list and status changes from the terminal.

`--as EMAIL` works as that user: with their lead rights (a lead outside them is unknown, as on
the web) and, for a status change, recorded in the history as theirs. Without it: all rights, and
the change is recorded without a person (as by an integration).
"""

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from leadboard.cli.root import app, console, env, fail, user_errors

if TYPE_CHECKING:  # the library is imported inside the commands: `leadboard --help` starts fast
    from contextlib import AbstractContextManager
    from datetime import datetime, tzinfo

    from sqlalchemy import Connection

leads_app = typer.Typer(help="Leads: list and search them, change a status.", no_args_is_help=True)
app.add_typer(leads_app, name="leads")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]
AsUser = Annotated[
    str | None,
    typer.Option("--as", help="As this user (email), with their rights; default: all rights"),
]


def _errors() -> "AbstractContextManager[None]":
    from leadboard.errors import InputError

    return user_errors(InputError)


def _viewer(conn: "Connection", email: str | None) -> tuple[int | None, tuple[int, ...] | None]:
    """The `--as` user's id and the owners whose leads they see (None, None: all rights)."""
    if email is None:
        return None, None
    from leadboard.domain.users import find_user, viewer_for
    from leadboard.errors import InputError, NotFound
    from leadboard.semantic.rights import scope_for

    try:
        found = find_user(conn, email)
    except NotFound:
        found = None
    if found is None or not found.active:
        raise InputError("as", f"no active associate with email {email!r}")
    return found.id, scope_for(conn, viewer_for(conn, found.id)).leads


def _moment(value: str, tz: "tzinfo") -> "datetime":
    """ISO 8601; without an offset, in the organisation's timezone."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"at: {value!r} is not an ISO 8601 moment (e.g. 2026-03-02T10:15:00+01:00)")
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


@leads_app.command("set-status")
def set_status_command(
    ctx: typer.Context,
    lead_id: Annotated[int, typer.Argument(metavar="ID", help="The lead's id")],
    status: Annotated[str, typer.Argument(metavar="STATUS", help="A lead status key")],
    at: Annotated[
        str | None,
        typer.Option(
            help="When it changed (ISO 8601; no offset: the organisation's timezone); "
            "default now. Not in the future, not before the current status began"
        ),
    ] = None,
    as_user: AsUser = None,
    as_json: AsJson = False,
) -> None:
    """Change a lead's status; the history records when and who (`--as`)."""
    from leadboard.domain.lead_detail import lead_row
    from leadboard.domain.lead_updates import set_status

    e = env(ctx)
    now = e.clock(None).now()
    when = _moment(at, e.tz) if at is not None else now
    with _errors(), e.engine.begin() as conn:
        by, owners = _viewer(conn, as_user)
        row = lead_row(conn, lead_id, owners)
        if row is None:  # unknown, or outside the --as user's rights: the same answer
            fail(f"id: no lead {lead_id}")
        changed = set_status(conn, lead_id, status, when, now, by)
        after = lead_row(conn, lead_id, owners)
        key = after.status_key if after is not None else status
    result: dict[str, Any] = {
        "id": lead_id,
        "status": key,
        "previous": row.status_key,
        "changed": changed,
        "at": when.astimezone(e.tz).isoformat() if changed else None,
        "by": as_user.strip().lower() if as_user and changed else None,
    }
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif changed:
        console.print(
            escape(f"lead {lead_id}: {row.status_key} -> {key} at {result['at']}"),
            highlight=False,
        )
    else:
        console.print(escape(f"lead {lead_id} already has status {key}: nothing changed"))


@leads_app.command("list")
def list_command(
    ctx: typer.Context,
    q: Annotated[
        str | None, typer.Option("--q", help="Part of a name, email or company name")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Only this associate's leads (email)")] = None,
    country: Annotated[str | None, typer.Option(help="ISO country code, or none")] = None,
    status: Annotated[str | None, typer.Option(help="Lead status key")] = None,
    page: Annotated[int, typer.Option(help="Page (50 leads a page)", min=1)] = 1,
    as_user: AsUser = None,
    as_json: AsJson = False,
) -> None:
    """The leads, newest first, 50 a page: the web's lead list (/leads) in the terminal."""
    from rich.table import Table

    from leadboard.db.times import from_db
    from leadboard.domain.lead_list import PAGE_SIZE, LeadSearch, search_leads
    from leadboard.i18n import t
    from leadboard.semantic.filters import resolve_filters
    from leadboard.semantic.lookups import load_lookups

    e = env(ctx)
    with _errors(), e.engine.connect() as conn:
        _by, owners = _viewer(conn, as_user)
        quick = resolve_filters(load_lookups(conn), owner, country, status)
        search = LeadSearch(q, quick.owner_id, quick.country, quick.status_id, owners)
        rows, total = search_leads(conn, search, page, PAGE_SIZE)
    found = [
        {
            "id": r.id,
            "name": t("en", "lead.erased")  # GDPR-erased (`leads erase`): no name left
            if r.anonymised_at is not None
            else " ".join(p for p in (r.first_name, r.last_name) if p) or None,
            "email": r.email,
            "company": r.company_name,
            "country": r.country,
            "owner": r.owner_email,
            "status": r.status_key,
            "created_at": from_db(r.created_at).astimezone(e.tz).isoformat(),
        }
        for r in rows
    ]
    pages = max(1, -(-total // PAGE_SIZE))
    if as_json:
        body = {"leads": found, "total": total, "page": page, "pages": pages}
        print(json.dumps({**body, "page_size": PAGE_SIZE}, ensure_ascii=False, indent=2))
        return
    table = Table("id", "name", "email", "company", "country", "owner", "status", "created")
    for lead in found:
        table.add_row(
            *(
                escape("" if lead[k] is None else str(lead[k]))
                for k in ("id", "name", "email", "company", "country", "owner", "status")
            ),
            lead["created_at"][:10],
        )
    console.print(table)
    console.print(f"{total} leads, page {page} of {pages}", highlight=False)
