"""`leadboard user`, `group` and `role`: users, their groups and roles with data rights (SPEC 7).

Passwords are read from standard input only (`--password-stdin`: a pipe, or typed without echo
in a terminal), never from an option, so they stay out of shell history and process lists.
"""

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from leadboard.cli.root import app, console, env, fail, user_errors

if TYPE_CHECKING:  # the library is imported inside the commands: `leadboard --help` starts fast
    from contextlib import AbstractContextManager

    from leadboard.domain.users import Group, Role, UserInfo

user_app = typer.Typer(
    help="Users: associates who log in, their role and group.", no_args_is_help=True
)
group_app = typer.Typer(help="Groups of associates (for `group` rights).", no_args_is_help=True)
role_app = typer.Typer(help="Roles and their data rights (own, group, all).", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(group_app, name="group")
app.add_typer(role_app, name="role")

Email = Annotated[str, typer.Argument(metavar="EMAIL", help="The user's email (their login)")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input")
]
RIGHTS_HELP = "own, group or all"


def _read_password() -> str:
    """One password from stdin: typed without echo in a terminal, else the first line piped."""
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("password: nothing on standard input")
    return password


def _user_json(user: "UserInfo") -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "group": user.group,
        "active": user.active,
        "can_log_in": user.can_log_in,
    }


def _describe(user: "UserInfo") -> str:
    group = f"group {user.group}" if user.group else "no group"
    login = "can log in"
    if not user.active:
        login = "cannot log in: inactive"
    elif not user.can_log_in:
        login = "cannot log in: no password yet (leadboard user password EMAIL --password-stdin)"
    return escape(f"{user.email} (role {user.role}, {group}, {login})")


def _errors() -> "AbstractContextManager[None]":
    from leadboard.domain.errors import InputError

    return user_errors(InputError)


# -- user ----------------------------------------------------------------------------------------


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    email: Email,
    name: Annotated[str | None, typer.Option(help="Full name (default: from the email)")] = None,
    role: Annotated[str | None, typer.Option(help="Role key (default: user)")] = None,
    group: Annotated[str | None, typer.Option(help="Group name")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user, or make an existing associate (e.g. an imported sales rep) one."""
    from leadboard.domain.users import add_user

    password = _read_password() if password_stdin else None
    e = env(ctx)
    now = e.clock(None).now()
    with _errors(), e.engine.begin() as conn:
        user, created = add_user(
            conn, email, now=now, name=name, role=role, group=group, password=password
        )
    console.print(("added user " if created else "made a user of ") + _describe(user))


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Every associate: email, name, role, group, active, whether they can log in."""
    from leadboard.domain.users import list_users

    with env(ctx).engine.connect() as conn:
        users = list_users(conn)
    if as_json:
        print(json.dumps({"users": [_user_json(u) for u in users]}, ensure_ascii=False, indent=2))
        return
    table = Table("email", "name", "role", "group", "active", "can log in")
    for u in users:
        yes_no = ("yes" if u.active else "no", "yes" if u.can_log_in else "no")
        table.add_row(u.email, u.name, u.role, u.group or "", *yes_no)
    console.print(table)


@user_app.command("set")
def user_set(
    ctx: typer.Context,
    email: Email,
    role: Annotated[str | None, typer.Option(help="New role key")] = None,
    group: Annotated[str | None, typer.Option(help="New group name ('' for none)")] = None,
    active: Annotated[
        bool | None,
        typer.Option(
            "--active/--inactive", help="Inactive users cannot log in", show_default=False
        ),
    ] = None,
) -> None:
    """Change a user's role, group or active flag (a new role or --inactive logs them out)."""
    from leadboard.domain.users import set_user

    if role is None and group is None and active is None:
        fail("nothing to change: give --role, --group, --active or --inactive")
    e = env(ctx)
    now = e.clock(None).now()
    with _errors(), e.engine.begin() as conn:
        user = set_user(conn, email, now=now, role=role, group=group, active=active)
    console.print("changed " + _describe(user))


@user_app.command("password")
def user_password(ctx: typer.Context, email: Email, password_stdin: PasswordStdin = False) -> None:
    """Set a user's password (from standard input); their sessions end."""
    from leadboard.domain.users import set_password

    if not password_stdin:
        fail("--password-stdin: passwords are read from standard input only")
    password = _read_password()
    e = env(ctx)
    now = e.clock(None).now()
    with _errors(), e.engine.begin() as conn:
        user = set_password(conn, email, password, now=now)
    console.print("new password for " + _describe(user))


# -- group ---------------------------------------------------------------------------------------


def _group_json(group: "Group") -> dict[str, Any]:
    return {"name": group.name, "members": group.members}


@group_app.command("add")
def group_add(ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME")]) -> None:
    """Add a group."""
    from leadboard.domain.users import add_group

    with _errors(), env(ctx).engine.begin() as conn:
        group = add_group(conn, name)
    console.print(escape(f"added group {group.name}"), highlight=False)


@group_app.command("list")
def group_list(ctx: typer.Context, as_json: AsJson = False) -> None:
    """The groups and how many associates each has."""
    from leadboard.domain.users import list_groups

    with env(ctx).engine.connect() as conn:
        groups = list_groups(conn)
    if as_json:
        print(
            json.dumps({"groups": [_group_json(g) for g in groups]}, ensure_ascii=False, indent=2)
        )
        return
    table = Table("group", "members")
    for g in groups:
        table.add_row(g.name, str(g.members))
    console.print(table)


# -- role ----------------------------------------------------------------------------------------


def _role_json(role: "Role") -> dict[str, Any]:
    return {
        "key": role.key,
        "name": role.name,
        "leads": role.rights.leads,
        "sales": role.rights.sales,
        "builtin": role.builtin,
        "users": role.users,
    }


def _role_line(role: "Role") -> str:
    rights = f"leads {role.rights.leads}, sales {role.rights.sales}"
    return escape(f"{role.key} ({role.name}: {rights})")


Key = Annotated[str, typer.Argument(metavar="KEY", help="Role key, e.g. sales-rep")]
Leads = Annotated[str | None, typer.Option("--leads", help=f"Which leads: {RIGHTS_HELP}")]
Sales = Annotated[str | None, typer.Option("--sales", help=f"Which sales: {RIGHTS_HELP}")]


@role_app.command("add")
def role_add(
    ctx: typer.Context,
    key: Key,
    name: Annotated[str | None, typer.Option(help="Display name (default: the key)")] = None,
    leads: Leads = None,
    sales: Sales = None,
) -> None:
    """Add a role with its data rights (default: group for both)."""
    from leadboard.domain.users import add_role

    with _errors(), env(ctx).engine.begin() as conn:
        role = add_role(conn, key, name=name, leads=leads or "group", sales=sales or "group")
    console.print("added role " + _role_line(role), highlight=False)


@role_app.command("set")
def role_set(
    ctx: typer.Context,
    key: Key,
    name: Annotated[str | None, typer.Option(help="New display name")] = None,
    leads: Leads = None,
    sales: Sales = None,
) -> None:
    """Rename a role or change its rights (admin cannot be changed); in force at once."""
    from leadboard.domain.users import set_role

    if name is None and leads is None and sales is None:
        fail("nothing to change: give --name, --leads or --sales")
    with _errors(), env(ctx).engine.begin() as conn:
        role = set_role(conn, key, name=name, leads=leads, sales=sales)
    console.print("changed role " + _role_line(role), highlight=False)


@role_app.command("list")
def role_list(ctx: typer.Context, as_json: AsJson = False) -> None:
    """The roles: key, name, rights on leads and sales, built-in, number of users."""
    from leadboard.domain.users import list_roles

    with env(ctx).engine.connect() as conn:
        found = list_roles(conn)
    if as_json:
        print(json.dumps({"roles": [_role_json(r) for r in found]}, ensure_ascii=False, indent=2))
        return
    table = Table("key", "name", "leads", "sales", "built-in", "users")
    for r in found:
        builtin = "yes" if r.builtin else "no"
        table.add_row(r.key, r.name, r.rights.leads, r.rights.sales, builtin, str(r.users))
    console.print(table)
