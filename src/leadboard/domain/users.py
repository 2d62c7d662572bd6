"""Users, groups, roles and data rights (SPEC 7): who may see which leads and sales.

Associates are the users: they log in by email, if they have a password and are active (an
inactive associate keeps owning their leads). Each belongs to at most one group and has one role.
A role carries data rights per entity, `own`, `group` or `all`, for leads and for sales; form
submissions, chats and conversions follow their lead. Built-in roles: `admin` (always all, cannot
be changed), `dashboard-admin` (may share and pin dashboards; default all) and `user` (default
group); an admin adds more.

How a viewer's scope reads (for whoever enforces it in queries):
* `own`: records whose owner is the viewer;
* `group`: records owned by anyone in the viewer's group, the viewer included; a viewer without a
  group sees their own (`Viewer.scope` already says `own` then);
* `all`: everything, records without an owner included (only `all` sees those).

Writes raise `InputError`s (FieldError 422, NotFound 404, Conflict 409) naming the field; a
change of role, a new password and deactivation end the associate's sessions at once. Changing a
role's rights needs no such step: rights are read on every request (`viewer_for`).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Row, Select, func, insert, select, update

from leadboard.auth.passwords import MIN_LENGTH, hash_password
from leadboard.auth.sessions import end_sessions
from leadboard.db.schema import associate_groups, associates, roles
from leadboard.domain.emails import is_email, normalise_email
from leadboard.domain.errors import Conflict, FieldError, NotFound
from leadboard.languages import LANGUAGES

__all__ = [
    "ADMIN",
    "ALL_RIGHTS",
    "BUILTIN_ROLES",
    "DASHBOARD_ADMIN",
    "INTEGRATION",
    "SCOPES",
    "USER",
    "Group",
    "Rights",
    "Role",
    "UserInfo",
    "Viewer",
    "add_group",
    "add_role",
    "add_user",
    "find_user",
    "list_groups",
    "list_roles",
    "list_users",
    "set_password",
    "set_role",
    "set_user",
    "viewer_for",
]

Scope = Literal["own", "group", "all"]
Entity = Literal["leads", "sales"]
SCOPES: tuple[Scope, ...] = ("own", "group", "all")
ADMIN, DASHBOARD_ADMIN, USER = "admin", "dashboard-admin", "user"
BUILTIN_ROLES = (ADMIN, DASHBOARD_ADMIN, USER)
ROLE_KEY = re.compile(r"[a-z][a-z0-9-]{0,31}")


@dataclass(frozen=True)
class Rights:
    """Which leads and which sales a role sees: own, group or all."""

    leads: Scope
    sales: Scope


ALL_RIGHTS = Rights("all", "all")


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as far as data rights go."""

    associate_id: int | None  # None: an API token without a user (an integration)
    group_id: int | None
    role: str  # a role key, or "integration"
    rights: Rights

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def may_share_dashboards(self) -> bool:
        """Share and pin dashboards (next issue): admins and dashboard admins."""
        return self.role in (ADMIN, DASHBOARD_ADMIN)

    def scope(self, entity: Entity) -> Scope:
        """The effective scope for leads or sales: `group` without a group is `own`."""
        scope = self.rights.leads if entity == "leads" else self.rights.sales
        if scope == "group" and self.group_id is None:
            return "own"
        return scope


# An API token that acts for no user: an integration, with all rights.
INTEGRATION = Viewer(None, None, "integration", ALL_RIGHTS)


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    rights: Rights
    builtin: bool
    users: int = 0  # associates with this role


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    members: int = 0


@dataclass(frozen=True)
class UserInfo:
    id: int
    email: str
    name: str
    role: str
    group_id: int | None
    group: str | None  # the group's name
    active: bool
    can_log_in: bool  # active and has a password


# -- reading -------------------------------------------------------------------------------------


def _rights(leads: str, sales: str, role: str) -> Rights:
    if role == ADMIN:
        return ALL_RIGHTS  # whatever is stored: admin sees everything
    return Rights(_stored_scope(leads), _stored_scope(sales))


def _stored_scope(value: str) -> Scope:
    for scope in SCOPES:
        if value == scope:
            return scope
    return "own"  # an unknown stored value grants the least


def viewer_for(conn: Connection, associate_id: int) -> Viewer:
    """The rights of an associate (active or not: the log-in checks that); NotFound if unknown."""
    row = conn.execute(
        select(associates.c.group_id, associates.c.role, roles.c.leads_rights, roles.c.sales_rights)
        .join(roles, roles.c.key == associates.c.role)
        .where(associates.c.id == associate_id)
    ).first()
    if row is None:
        raise NotFound("associate", f"no associate with id {associate_id}")
    return Viewer(
        associate_id, row.group_id, row.role, _rights(row.leads_rights, row.sales_rights, row.role)
    )


def _user_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            associates.c.id,
            associates.c.email,
            associates.c.name,
            associates.c.role,
            associates.c.group_id,
            associate_groups.c.name.label("group"),
            associates.c.active,
            associates.c.password_hash.is_not(None).label("has_password"),
        )
        .outerjoin(associate_groups, associate_groups.c.id == associates.c.group_id)
        .order_by(associates.c.email)
    )


def _user(row: Row[Any]) -> UserInfo:
    active = bool(row.active)
    return UserInfo(
        row.id,
        row.email,
        row.name,
        row.role,
        row.group_id,
        row.group,
        active,
        active and bool(row.has_password),
    )


@dataclass(frozen=True)
class Account:
    """A user as the pages greet them."""

    id: int
    email: str
    name: str
    role: str
    language: str


def active_account(conn: Connection, associate_id: int) -> Account | None:
    """The active associate with this id (None: unknown or inactive)."""
    row = conn.execute(
        select(
            associates.c.id,
            associates.c.email,
            associates.c.name,
            associates.c.role,
            associates.c.language,
        ).where(associates.c.id == associate_id, associates.c.active.is_(True))
    ).first()
    return None if row is None else Account(row.id, row.email, row.name, row.role, row.language)


def list_users(conn: Connection) -> list[UserInfo]:
    """Every associate (users and people who only own records), by email."""
    return [_user(row) for row in conn.execute(_user_query())]


def find_user(conn: Connection, email: str) -> UserInfo:
    row = conn.execute(_user_query().where(associates.c.email == _email(email))).first()
    if row is None:
        raise NotFound("email", f"no associate with email {email.strip()!r}")
    return _user(row)


def list_groups(conn: Connection) -> list[Group]:
    members = (
        select(associates.c.group_id, func.count().label("n"))
        .group_by(associates.c.group_id)
        .subquery()
    )
    rows = conn.execute(
        select(associate_groups.c.id, associate_groups.c.name, members.c.n)
        .outerjoin(members, members.c.group_id == associate_groups.c.id)
        .order_by(associate_groups.c.name)
    )
    return [Group(row.id, row.name, int(row.n or 0)) for row in rows]


def list_roles(conn: Connection) -> list[Role]:
    """Built-in roles first (admin, dashboard-admin, user), then the others by key."""
    users = (
        select(associates.c.role, func.count().label("n")).group_by(associates.c.role).subquery()
    )
    rows = conn.execute(select(roles, users.c.n).outerjoin(users, users.c.role == roles.c.key))
    found = [
        Role(
            row.key,
            row.name,
            _rights(row.leads_rights, row.sales_rights, row.key),
            bool(row.builtin),
            int(row.n or 0),
        )
        for row in rows
    ]
    order = {key: i for i, key in enumerate(BUILTIN_ROLES)}
    return sorted(found, key=lambda r: (order.get(r.key, len(order)), r.key))


def _role(conn: Connection, key: str) -> Role:
    for role in list_roles(conn):
        if role.key == key.strip().lower():
            return role
    raise NotFound("key", f"no role {key.strip()!r}")


# -- checking input ------------------------------------------------------------------------------


def _email(value: str) -> str:
    return normalise_email(value)


def _valid_email(value: str) -> str:
    email = _email(value)
    if not is_email(email):  # the one email rule (domain/emails.py)
        raise FieldError("email", f"not an email address: {value.strip()!r}")
    return email


def _name(value: str, field: str = "name", longest: int = 200) -> str:
    name = value.strip()
    if not name:
        raise FieldError(field, "cannot be empty")
    if len(name) > longest:
        raise FieldError(field, f"at most {longest} characters")
    return name


def _scope(value: str, field: str) -> Scope:
    wanted = value.strip().lower()
    for scope in SCOPES:
        if wanted == scope:
            return scope
    raise FieldError(field, f"use one of {', '.join(SCOPES)}, not {value!r}")


def _role_key(conn: Connection, value: str) -> str:
    key = value.strip().lower()
    known = [r.key for r in list_roles(conn)]
    if key not in known:
        raise FieldError("role", f"no role {value.strip()!r}; the roles are {', '.join(known)}")
    return key


def _group_id(conn: Connection, value: str) -> int | None:
    """A group by its name (any case); the empty name means no group."""
    wanted = value.strip()
    if not wanted:
        return None
    groups = list_groups(conn)
    for group in groups:
        if group.name.casefold() == wanted.casefold():
            return group.id
    names = ", ".join(g.name for g in groups) or "none yet"
    raise FieldError("group", f"no group {wanted!r}; the groups are: {names}")


def _password_hash(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise FieldError("password", f"needs at least {MIN_LENGTH} characters")
    return hash_password(password)


def _default_name(email: str) -> str:
    """ann.de-vries@example.com -> Ann De-Vries."""
    local = email.split("@")[0]
    words = [w for w in re.split(r"[._+]+", local) if w]
    title = " ".join("-".join(p[:1].upper() + p[1:] for p in w.split("-")) for w in words)
    return title or email


def _keeps_an_admin(conn: Connection, user: UserInfo, field: str) -> None:
    """Refuse to leave no active admin behind (when there is one now)."""
    if user.role != ADMIN or not user.active:
        return
    others = conn.execute(
        select(func.count()).where(
            associates.c.role == ADMIN,
            associates.c.active.is_(True),
            associates.c.id != user.id,
        )
    ).scalar_one()
    if not others:
        raise FieldError(field, f"{user.email} is the last active admin")


# -- users ---------------------------------------------------------------------------------------


def add_user(
    conn: Connection,
    email: str,
    *,
    now: datetime,
    name: str | None = None,
    role: str | None = None,
    group: str | None = None,
    password: str | None = None,
) -> tuple[UserInfo, bool]:
    """Create an associate who is a user, or make an existing associate (e.g. an imported sales
    rep) one: the options given are set. Returns the user and whether it was created. An
    associate who can already log in is a Conflict: change them with set_user/set_password."""
    address = _valid_email(email)
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = _name(name)
    if role is not None:
        values["role"] = _role_key(conn, role)
    if group is not None:
        values["group_id"] = _group_id(conn, group)
    existing = conn.execute(
        select(associates.c.id, associates.c.role, associates.c.password_hash).where(
            associates.c.email == address
        )
    ).first()
    if existing is not None and existing.password_hash is not None:
        raise Conflict("email", f"{address} is already a user who can log in")
    if password is not None:
        values["password_hash"] = _password_hash(password)
    if existing is None:
        values.setdefault("name", _default_name(address))
        values.setdefault("role", USER)
        conn.execute(insert(associates).values(email=address, active=True, **values))
        return find_user(conn, address), True
    if values:
        conn.execute(update(associates).where(associates.c.id == existing.id).values(**values))
    if values.get("role", existing.role) != existing.role:
        end_sessions(conn, existing.id, now)
    return find_user(conn, address), False


def set_user(
    conn: Connection,
    email: str,
    *,
    now: datetime,
    role: str | None = None,
    group: str | None = None,
    active: bool | None = None,
    name: str | None = None,
) -> UserInfo:
    """Change a user's role, group ("" = none), active flag or name; a new role or deactivation
    ends their sessions. The last active admin cannot be demoted or deactivated."""
    user = find_user(conn, email)
    values: dict[str, object] = {}
    if name is not None and _name(name) != user.name:
        values["name"] = _name(name)
    if role is not None:
        key = _role_key(conn, role)
        if key != user.role:
            _keeps_an_admin(conn, user, "role")
            values["role"] = key
    if group is not None:
        values["group_id"] = _group_id(conn, group)
    if active is not None and active != user.active:
        if not active:
            _keeps_an_admin(conn, user, "active")
        values["active"] = active
    if values:
        conn.execute(update(associates).where(associates.c.id == user.id).values(**values))
    if "role" in values or values.get("active") is False:
        end_sessions(conn, user.id, now)
    return find_user(conn, user.email)


def set_language(conn: Connection, associate_id: int, lang: str) -> None:
    """The language a user's pages are in (one of leadboard.languages.LANGUAGES)."""
    if lang not in LANGUAGES:
        raise FieldError("lang", f"use one of {', '.join(LANGUAGES)}")
    conn.execute(update(associates).where(associates.c.id == associate_id).values(language=lang))


def set_password(conn: Connection, email: str, password: str, *, now: datetime) -> UserInfo:
    """A new password; every session of the user ends (log in again with the new one)."""
    user = find_user(conn, email)
    conn.execute(
        update(associates)
        .where(associates.c.id == user.id)
        .values(password_hash=_password_hash(password))
    )
    end_sessions(conn, user.id, now)
    return find_user(conn, user.email)


# -- groups --------------------------------------------------------------------------------------


def add_group(conn: Connection, name: str) -> Group:
    wanted = _name(name)
    if any(g.name.casefold() == wanted.casefold() for g in list_groups(conn)):
        raise Conflict("name", f"a group named {wanted!r} exists already")
    result = conn.execute(insert(associate_groups).values(name=wanted))
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the database returned no id for the new group")
    return Group(int(key[0]), wanted, 0)


# -- roles ---------------------------------------------------------------------------------------


def add_role(
    conn: Connection,
    key: str,
    *,
    name: str | None = None,
    leads: str = "group",
    sales: str = "group",
) -> Role:
    wanted = key.strip().lower()
    if not ROLE_KEY.fullmatch(wanted):
        raise FieldError(
            "key", f"{key.strip()!r}: a letter, then letters, digits and dashes (32 at most)"
        )
    if conn.execute(select(roles.c.key).where(roles.c.key == wanted)).first():
        raise Conflict("key", f"a role {wanted!r} exists already")
    conn.execute(
        insert(roles).values(
            key=wanted,
            name=_name(name, longest=100) if name is not None else wanted,
            leads_rights=_scope(leads, "leads"),
            sales_rights=_scope(sales, "sales"),
            builtin=False,
        )
    )
    return _role(conn, wanted)


def set_role(
    conn: Connection,
    key: str,
    *,
    name: str | None = None,
    leads: str | None = None,
    sales: str | None = None,
) -> Role:
    """Rename a role or change its rights (in force on every user's next request)."""
    role = _role(conn, key)
    if role.key == ADMIN:
        raise FieldError("key", "the admin role cannot be changed: it always has all rights")
    values: dict[str, str] = {}
    if name is not None:
        values["name"] = _name(name, longest=100)
    if leads is not None:
        values["leads_rights"] = _scope(leads, "leads")
    if sales is not None:
        values["sales_rights"] = _scope(sales, "sales")
    if values:
        conn.execute(update(roles).where(roles.c.key == role.key).values(**values))
    return _role(conn, role.key)
