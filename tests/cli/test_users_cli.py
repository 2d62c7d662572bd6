"""`leadboard user|group|role` (issue 10 items 1 and 2) on SQLite and PostgreSQL: what each command
stores and prints, bad input as `error: <field>: <why>` with exit code 2, passwords only from
standard input and never echoed; and the domain's rights model behind them (domain/users.py)."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, update
from typer.testing import CliRunner

from leadboard.auth.passwords import verify_password
from leadboard.cli import app as cli
from leadboard.db.schema import associate_groups, associates, roles
from leadboard.domain.errors import FieldError
from leadboard.domain.users import Rights, Viewer, set_role, viewer_for

runner = CliRunner()
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def run(db_url: str, *args: str, stdin: str | None = None) -> Any:
    return runner.invoke(cli, ["--database-url", db_url, *args], input=stdin)


def ok(db_url: str, *args: str, stdin: str | None = None) -> Any:
    result = run(db_url, *args, stdin=stdin)
    assert result.exit_code == 0, result.output
    return result


def listed(db_url: str, what: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(ok(db_url, what, "list", "--json").stdout)[f"{what}s"]
    return found


def stored(engine: Engine, email: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            select(associates, associate_groups.c.name.label("group"))
            .outerjoin(associate_groups, associate_groups.c.id == associates.c.group_id)
            .where(associates.c.email == email)
        ).one()


# -- role ----------------------------------------------------------------------------------------


def test_built_in_roles_and_role_commands(db_url: str, engine: Engine) -> None:
    assert listed(db_url, "role") == [
        {
            "key": "admin",
            "name": "Admin",
            "leads": "all",
            "sales": "all",
            "builtin": True,
            "users": 0,
        },
        {
            "key": "dashboard-admin",
            "name": "Dashboard admin",
            "leads": "all",
            "sales": "all",
            "builtin": True,
            "users": 0,
        },
        {
            "key": "user",
            "name": "User",
            "leads": "group",
            "sales": "group",
            "builtin": True,
            "users": 0,
        },
    ]
    added = ok(db_url, "role", "add", "Sales-Rep", "--name", "Sales rep", "--leads", "own")
    assert added.stdout.strip() == "added role sales-rep (Sales rep: leads own, sales group)"
    ok(db_url, "role", "add", "viewer")  # defaults: named after its key, group rights
    changed = ok(db_url, "role", "set", "sales-rep", "--sales", "OWN", "--name", "Rep")
    assert changed.stdout.strip() == "changed role sales-rep (Rep: leads own, sales own)"
    ok(db_url, "role", "set", "user", "--leads", "all")  # built-in but not admin: changeable
    with engine.connect() as conn:
        rows = {r.key: tuple(r)[1:] for r in conn.execute(select(roles))}
    assert rows == {
        "admin": ("Admin", "all", "all", True),
        "dashboard-admin": ("Dashboard admin", "all", "all", True),
        "user": ("User", "all", "group", True),
        "sales-rep": ("Rep", "own", "own", False),
        "viewer": ("viewer", "group", "group", False),
    }
    assert [r["key"] for r in listed(db_url, "role")] == [
        "admin",
        "dashboard-admin",
        "user",
        "sales-rep",
        "viewer",
    ]
    table = ok(db_url, "role", "list").stdout
    assert "sales-rep" in table
    assert "Rep" in table
    assert "own" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["role", "add", "Bad_Key"], "error: key: 'Bad_Key': a letter, then letters"),
        (["role", "add", "9lives"], "error: key: '9lives'"),
        (["role", "add", "x" * 33], "error: key:"),
        (["role", "add", "user"], "error: key: a role 'user' exists already"),
        (["role", "add", "rep", "--leads", "some"], "error: leads: use one of own, group, all"),
        (["role", "add", "rep", "--sales", "mine"], "error: sales: use one of own, group, all"),
        (["role", "add", "rep", "--name", " "], "error: name: cannot be empty"),
        (
            ["role", "set", "admin", "--leads", "own"],
            "error: key: the admin role cannot be changed",
        ),
        (
            ["role", "set", "admin", "--name", "Boss"],
            "error: key: the admin role cannot be changed",
        ),
        (["role", "set", "nobody", "--leads", "own"], "error: key: no role 'nobody'"),
        (["role", "set", "user", "--sales", "every"], "error: sales: use one of own, group, all"),
        (["role", "set", "user"], "error: nothing to change"),
    ],
)
def test_role_bad_input(db_url: str, engine: Engine, args: list[str], message: str) -> None:
    with engine.connect() as conn:
        before = conn.execute(select(roles).order_by(roles.c.key)).all()
    result = run(db_url, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(message), result.stderr
    with engine.connect() as conn:
        assert conn.execute(select(roles).order_by(roles.c.key)).all() == before


# -- group ---------------------------------------------------------------------------------------


def test_group_commands(db_url: str) -> None:
    assert listed(db_url, "group") == []
    assert ok(db_url, "group", "add", " Sales DACH ").stdout.strip() == "added group Sales DACH"
    ok(db_url, "group", "add", "Marketing")
    ok(db_url, "user", "add", "ann@example.com", "--group", "marketing")  # any case
    assert listed(db_url, "group") == [
        {"name": "Marketing", "members": 1},
        {"name": "Sales DACH", "members": 0},
    ]
    table = ok(db_url, "group", "list").stdout
    assert "Sales DACH" in table
    assert "Marketing" in table
    for name, message in [
        ("sales dach", "error: name: a group named 'sales dach' exists already"),
        ("  ", "error: name: cannot be empty"),
        ("x" * 201, "error: name: at most 200 characters"),
    ]:
        result = run(db_url, "group", "add", name)
        assert (result.exit_code, result.stderr[: len(message)]) == (2, message)
    assert len(listed(db_url, "group")) == 2


# -- user ----------------------------------------------------------------------------------------


def test_user_add_list_set(db_url: str, engine: Engine) -> None:
    ok(db_url, "group", "add", "Sales Benelux")
    ok(db_url, "role", "add", "sales-rep", "--leads", "own", "--sales", "own")
    added = ok(
        db_url,
        *("user", "add", " Ann.de-Vries@Example.com ", "--role", "sales-rep"),
        *("--group", "sales benelux"),
    )
    assert added.stdout.strip() == (
        "added user ann.de-vries@example.com (role sales-rep, group Sales Benelux, cannot log in:"
        " no password yet (leadboard user password EMAIL --password-stdin))"
    )
    ann = stored(engine, "ann.de-vries@example.com")
    assert (ann.name, ann.role, ann.group, ann.active, ann.password_hash) == (
        "Ann De-Vries",
        "sales-rep",
        "Sales Benelux",
        True,
        None,
    )
    ok(db_url, "user", "add", "bob@example.com", "--name", "Bob B.")  # role user, no group
    assert listed(db_url, "user") == [
        {
            "email": "ann.de-vries@example.com",
            "name": "Ann De-Vries",
            "role": "sales-rep",
            "group": "Sales Benelux",
            "active": True,
            "can_log_in": False,
        },
        {
            "email": "bob@example.com",
            "name": "Bob B.",
            "role": "user",
            "group": None,
            "active": True,
            "can_log_in": False,
        },
    ]
    changed = ok(db_url, "user", "set", "ANN.DE-VRIES@example.com", "--role", "user", "--group", "")
    assert changed.stdout.strip().startswith(
        "changed ann.de-vries@example.com (role user, no group"
    )
    ok(db_url, "user", "set", "bob@example.com", "--inactive")
    bob = stored(engine, "bob@example.com")
    assert (bob.active, bob.role) == (False, "user")
    ok(db_url, "user", "set", "bob@example.com", "--active", "--group", "Sales Benelux")
    bob = stored(engine, "bob@example.com")
    assert (bob.active, bob.group) == (True, "Sales Benelux")
    table = ok(db_url, "user", "list").stdout
    assert "bob@example.com" in table
    assert "Sales Benelux" in table


def test_user_add_makes_an_existing_associate_a_user(db_url: str, engine: Engine) -> None:
    """An imported sales rep (no password) becomes a user: the options given are set, the rest
    stays; one who can already log in is a conflict."""
    with engine.begin() as conn:
        conn.execute(
            insert(associates).values(
                email="rep@example.com", name="Imported Rep", external_id="7", origin="crm"
            )
        )
    made = ok(db_url, "user", "add", "rep@example.com", "--password-stdin", stdin="rep-password\n")
    assert made.stdout.startswith(
        "made a user of rep@example.com (role user, no group, can log in)"
    )
    rep = stored(engine, "rep@example.com")
    assert (rep.name, rep.external_id, rep.role) == ("Imported Rep", "7", "user")
    assert verify_password(rep.password_hash, "rep-password")
    again = run(db_url, "user", "add", "rep@example.com", "--role", "admin")
    assert again.exit_code == 2
    assert again.stderr.startswith("error: email: rep@example.com is already a user who can log in")
    assert stored(engine, "rep@example.com").role == "user"


def test_passwords_come_from_stdin_only_and_are_never_echoed(db_url: str, engine: Engine) -> None:
    secret = "correct horse battery"
    added = ok(db_url, "user", "add", "ann@example.com", "--password-stdin", stdin=secret + "\n")
    assert secret not in added.output
    assert verify_password(stored(engine, "ann@example.com").password_hash, secret)
    # The option takes no value: a password on the command line is an unexpected argument.
    inline = run(db_url, "user", "password", "ann@example.com", "--password-stdin", "hunter22")
    assert inline.exit_code == 2
    assert verify_password(stored(engine, "ann@example.com").password_hash, secret)
    changed = ok(
        db_url, "user", "password", "ann@example.com", "--password-stdin", stdin="new-secret\r\n"
    )
    assert "new-secret" not in changed.output
    assert changed.stdout.startswith("new password for ann@example.com")
    assert verify_password(stored(engine, "ann@example.com").password_hash, "new-secret")
    assert "password" not in json.dumps(listed(db_url, "user"))


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["user", "add", "not-an-email"], None, "error: email: not an email address"),
        (["user", "add", "a@b"], None, "error: email: not an email address: 'a@b'"),
        (["user", "add", "new@example.com", "--role", "boss"], None, "error: role: no role 'boss'"),
        (
            ["user", "add", "new@example.com", "--group", "Ops"],
            None,
            "error: group: no group 'Ops'",
        ),
        (["user", "add", "new@example.com", "--name", " "], None, "error: name: cannot be empty"),
        (
            ["user", "add", "new@example.com", "--password-stdin"],
            "short\n",
            "error: password: needs at least 8 characters",
        ),
        (["user", "add", "new@example.com", "--password-stdin"], "", "error: password: nothing"),
        (["user", "set", "ghost@example.com", "--inactive"], None, "error: email: no associate"),
        (["user", "set", "admin@example.com", "--role", "boss"], None, "error: role: no role"),
        (["user", "set", "admin@example.com", "--group", "Ops"], None, "error: group: no group"),
        (["user", "set", "admin@example.com"], None, "error: nothing to change"),
        (["user", "set", "admin@example.com", "--role", "user"], None, "error: role: admin@"),
        (["user", "set", "admin@example.com", "--inactive"], None, "error: active: admin@"),
        (
            ["user", "password", "admin@example.com"],
            "long-enough\n",
            "error: --password-stdin: passwords are read from standard input only",
        ),
        (
            ["user", "password", "ghost@example.com", "--password-stdin"],
            "long-enough\n",
            "error: email: no associate with email 'ghost@example.com'",
        ),
        (
            ["user", "password", "admin@example.com", "--password-stdin"],
            "1234567\n",
            "error: password: needs at least 8 characters",
        ),
    ],
)
def test_user_bad_input(
    db_url: str, engine: Engine, args: list[str], stdin: str | None, message: str
) -> None:
    ok(db_url, "user", "add", "admin@example.com", "--role", "admin")  # the only admin
    with engine.connect() as conn:
        before = conn.execute(select(associates).order_by(associates.c.id)).all()
    result = run(db_url, *args, stdin=stdin)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.output
    with engine.connect() as conn:
        assert conn.execute(select(associates).order_by(associates.c.id)).all() == before


def test_a_second_admin_may_be_demoted(db_url: str, engine: Engine) -> None:
    ok(db_url, "user", "add", "one@example.com", "--role", "admin")
    ok(db_url, "user", "add", "two@example.com", "--role", "admin")
    ok(db_url, "user", "set", "one@example.com", "--role", "user")
    assert run(db_url, "user", "set", "two@example.com", "--inactive").exit_code == 2


@pytest.mark.parametrize(
    "command",
    [
        "user add",
        "user list",
        "user set",
        "user password",
        "group add",
        "group list",
        "role add",
        "role set",
        "role list",
    ],
)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


# -- the rights model ----------------------------------------------------------------------------


def test_viewer_for(db_url: str, engine: Engine) -> None:
    ok(db_url, "group", "add", "Team")
    ok(db_url, "role", "add", "mixed", "--leads", "own", "--sales", "all")
    ok(db_url, "user", "add", "boss@example.com", "--role", "admin")
    ok(db_url, "user", "add", "dash@example.com", "--role", "dashboard-admin")
    ok(db_url, "user", "add", "member@example.com", "--group", "Team")
    ok(db_url, "user", "add", "loner@example.com")
    ok(db_url, "user", "add", "mixed@example.com", "--role", "mixed", "--group", "Team")
    with engine.begin() as conn:
        ids = dict(conn.execute(select(associates.c.email, associates.c.id)).all())
        team = conn.execute(select(associate_groups.c.id)).scalar_one()
        # admin is all whatever is stored (the CLI cannot change it; a hand edit does not count)
        conn.execute(update(roles).where(roles.c.key == "admin").values(leads_rights="own"))
        viewers = {email: viewer_for(conn, id) for email, id in ids.items()}
        with pytest.raises(FieldError) as unknown:
            viewer_for(conn, 999)
        assert unknown.value.field == "associate"
        assert unknown.value.status == 404
        with pytest.raises(FieldError):
            set_role(conn, "admin", leads="own")
    assert viewers["boss@example.com"] == Viewer(
        ids["boss@example.com"], None, "admin", Rights("all", "all")
    )
    assert viewers["boss@example.com"].is_admin
    assert viewers["dash@example.com"].may_share_dashboards
    assert not viewers["dash@example.com"].is_admin
    member = viewers["member@example.com"]
    assert member == Viewer(ids["member@example.com"], team, "user", Rights("group", "group"))
    assert (member.scope("leads"), member.scope("sales"), member.may_share_dashboards) == (
        "group",
        "group",
        False,
    )
    loner = viewers["loner@example.com"]  # group rights without a group: their own
    assert (loner.rights, loner.scope("leads"), loner.scope("sales")) == (
        Rights("group", "group"),
        "own",
        "own",
    )
    mixed = viewers["mixed@example.com"]
    assert (mixed.scope("leads"), mixed.scope("sales")) == ("own", "all")
