"""`leadboard leads erase ID|--email E`: GDPR erasure that keeps the figures (SPEC 9.7).

The contact's personal fields are wiped (domain/erasure.py says which); its status history,
source, channel, campaign and dates stay, so dashboards count what they counted before. Each
erased lead gets an audit row (`leadboard leads erasures` lists them). Whoever can run the
command can read the database anyway; `--as EMAIL` records an admin as the one who erased.
"""

import json
from typing import Annotated

import typer
from rich.markup import escape

from leadboard.cli.leads import leads_app
from leadboard.cli.root import console, env, fail, user_errors


@leads_app.command("erase")
def erase(
    ctx: typer.Context,
    lead_id: Annotated[int | None, typer.Argument(help="The lead's id", min=1)] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Every lead with this email address")
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="Record this admin (email) as the one who erased"),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Erase a contact's personal data (GDPR), keeping its figures: names, email, phone, job
    title, external id, custom fields, click ids, form payloads and chat visitor details."""
    from leadboard.clock import SystemClock
    from leadboard.domain.erasure import erase_lead, leads_with_email
    from leadboard.domain.users import ADMIN, find_user
    from leadboard.errors import InputError

    if (lead_id is None) == (email is None):
        fail("give a lead id or --email, not both")
    e = env(ctx)
    with user_errors(InputError), e.engine.begin() as conn:
        by = None
        if as_user is not None:
            user = find_user(conn, as_user)
            if not user.active or user.role != ADMIN:
                fail(f"--as: {as_user} is not an active admin")
            by = user.id
        ids = [lead_id] if lead_id is not None else leads_with_email(conn, email or "")
        if not ids:
            fail(f"--email: no lead (not yet erased) with email {email!r}")
        if not yes and not typer.confirm(
            f"Erase the personal data of lead{'s' if len(ids) > 1 else ''} "
            f"{', '.join(map(str, ids))}? This cannot be undone"
        ):
            fail("nothing erased")
        now = SystemClock().now()
        done = [erase_lead(conn, one, now, by, "cli") for one in ids]
    if as_json:
        body = [
            {"lead_id": d.lead_id, "submissions": d.submissions, "chats": d.chats} for d in done
        ]
        print(json.dumps({"erased": body}, indent=2))
        return
    for d in done:
        console.print(
            f"Erased lead {d.lead_id} ({d.submissions} form submissions, {d.chats} chats "
            "wiped); its figures stay.",
            highlight=False,
        )


@leads_app.command("erasures")
def erasures(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The erasure audit: which lead was erased, when, by whom and how (newest first)."""
    from rich.table import Table

    from leadboard.db.times import from_db
    from leadboard.domain.erasure import erasure_log

    e = env(ctx)
    with e.engine.connect() as conn:
        rows = erasure_log(conn)
    found = [
        {
            "lead_id": r["lead_id"],
            "erased_at": from_db(r["erased_at"]).astimezone(e.tz).isoformat(),
            "by": r["by_email"],
            "via": r["via"],
            "cleared": r["cleared"],
        }
        for r in rows
    ]
    if as_json:
        print(json.dumps({"erasures": found}, indent=2))
        return
    table = Table("lead", "erased at", "by", "via")
    for r in found:
        table.add_row(str(r["lead_id"]), r["erased_at"], escape(r["by"] or "—"), r["via"])
    console.print(table)
