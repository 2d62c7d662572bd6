"""`leadboard token create|list|revoke`: API tokens for integrations (REST API, chats).

The secret is printed once, on creation; only its sha256 is stored.
"""

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from leadboard.cli.root import app, console, env, fail

if TYPE_CHECKING:  # the library is imported inside the commands: `leadboard --help` starts fast
    from datetime import datetime

    from sqlalchemy import Engine

token_app = typer.Typer(help="API tokens for integrations.", no_args_is_help=True)
app.add_typer(token_app, name="token")


def _engine(ctx: typer.Context) -> "Engine":
    return env(ctx).engine  # connected and at the newest schema


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="What the token is for, e.g. the CRM's name")],
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            help="Act as this associate (email): status changes are recorded as theirs",
        ),
    ] = None,
) -> None:
    """Create a token and print its secret (shown only this once)."""
    from leadboard.auth.tokens import create_token
    from leadboard.domain.errors import NotFound
    from leadboard.domain.users import find_user

    if not name.strip():
        fail("NAME: a token needs a name")
    now = env(ctx).clock(None).now()
    with _engine(ctx).begin() as conn:
        associate_id = None
        if user is not None:
            try:
                found = find_user(conn, user)
            except NotFound:
                fail(f"--user: no active associate with email {user!r}")
            if not found.active:
                fail(f"--user: no active associate with email {user!r}")
            associate_id = found.id
        secret = create_token(conn, name, now, associate_id)
    # The secret alone on stdout, so scripts can capture it; the advice on stderr.
    print(secret)
    typer.echo(
        "Keep this secret: it is shown only once. Send it as `Authorization: Bearer <secret>`.",
        err=True,
    )


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The tokens (never their secrets): id, name, user, created, last used, revoked."""
    from leadboard.auth.tokens import list_tokens

    with _engine(ctx).connect() as conn:
        found = list_tokens(conn)

    def moment(value: "datetime | None") -> str | None:
        return value.isoformat() if value is not None else None

    tokens = [
        {
            "id": token.id,
            "name": token.name,
            "user": token.user,
            "created_at": moment(token.created_at),
            "last_used_at": moment(token.last_used_at),
            "revoked_at": moment(token.revoked_at),
        }
        for token in found
    ]
    if as_json:
        print(json.dumps({"tokens": tokens}, indent=2))
        return
    table = Table("id", "name", "user", "created", "last used", "revoked")
    for token in tokens:
        table.add_row(*(str(token[k] or "") for k in token))
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(metavar="ID")]
) -> None:
    """Revoke a token: requests with it are refused from now on."""
    from leadboard.auth.tokens import revoke_token, token_exists

    now = env(ctx).clock(None).now()
    with _engine(ctx).begin() as conn:
        if not token_exists(conn, token_id):
            fail(f"ID: no token with id {token_id}")
        if not revoke_token(conn, token_id, now):
            fail(f"ID: token {token_id} is already revoked")
    console.print(f"revoked token {token_id}")
