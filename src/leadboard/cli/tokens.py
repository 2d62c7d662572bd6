"""`leadboard token create|list|revoke`: API tokens for integrations (REST API, chats).

The secret is printed once, on creation; only its sha256 is stored.
"""

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from leadboard.cli.root import app, console, env, fail

if TYPE_CHECKING:  # the library is imported inside the commands: `leadboard --help` starts fast
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
    from sqlalchemy import select

    from leadboard.auth.tokens import create_token
    from leadboard.db.schema import associates

    if not name.strip():
        fail("NAME: a token needs a name")
    now = env(ctx).clock(None).now()
    with _engine(ctx).begin() as conn:
        associate_id = None
        if user is not None:
            row = conn.execute(
                select(associates.c.id, associates.c.active).where(
                    associates.c.email == user.strip().lower()
                )
            ).first()
            if row is None or not row.active:
                fail(f"--user: no active associate with email {user!r}")
            associate_id = row.id
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
    from sqlalchemy import select

    from leadboard.db.schema import api_tokens, associates
    from leadboard.db.times import from_db

    with _engine(ctx).connect() as conn:
        rows = conn.execute(
            select(api_tokens, associates.c.email)
            .outerjoin(associates, associates.c.id == api_tokens.c.associate_id)
            .order_by(api_tokens.c.id)
        ).all()

    def moment(value):  # type: ignore[no-untyped-def]
        return from_db(value).isoformat() if value is not None else None

    tokens = [
        {
            "id": row.id,
            "name": row.name,
            "user": row.email,
            "created_at": moment(row.created_at),
            "last_used_at": moment(row.last_used_at),
            "revoked_at": moment(row.revoked_at),
        }
        for row in rows
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
    from sqlalchemy import select

    from leadboard.auth.tokens import revoke_token
    from leadboard.db.schema import api_tokens

    now = env(ctx).clock(None).now()
    with _engine(ctx).begin() as conn:
        exists = conn.execute(select(api_tokens.c.id).where(api_tokens.c.id == token_id)).first()
        if exists is None:
            fail(f"ID: no token with id {token_id}")
        if not revoke_token(conn, token_id, now):
            fail(f"ID: token {token_id} is already revoked")
    console.print(f"revoked token {token_id}")
