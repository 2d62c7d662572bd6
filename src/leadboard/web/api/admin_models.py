"""Request and response models of the admin API (/api/admin): users, groups, roles, lead
statuses and currency rates.

Bodies are strict (no coercion, unknown fields refused). Values the domain checks (emails, role
keys, rights, group names, status keys, currencies, rates) are plain strings here, so that the
answer carries the same message as the CLI (`leadboard user add ...`); their JSON schemas say
what the domain accepts (`_doc`), so a request the schema allows is not refused for its form.
Passwords are accepted and never sent back.
"""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from leadboard.domain.statuses import Status
from leadboard.domain.users import Group, Role, UserInfo
from leadboard.web.api.models import EMAIL_SCHEMA, NO_NUL, SPACE, clean_text, text_schema

STRICT = ConfigDict(extra="forbid", strict=True)

# Length-limited text (its column, or a little room for the domain to name the problem).
Short = Annotated[str, StringConstraints(max_length=400), AfterValidator(clean_text)]
Long = Annotated[str, StringConstraints(max_length=4000), AfterValidator(clean_text)]
Password = Annotated[
    str,
    StringConstraints(max_length=1000),
    Field(description="At least 8 characters; never shown again", examples=["a long secret"]),
    WithJsonSchema({"type": "string", "minLength": 8, "maxLength": 1000}),
]


def _doc(schema: dict[str, object]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", **schema})


def _any_case(*words: str) -> str:
    return "^(" + "|".join("".join(f"[{c.upper()}{c}]" for c in word) for word in words) + ")$"


EmailText = Annotated[Short, WithJsonSchema(EMAIL_SCHEMA)]
# A trimmed name of at most N characters (the domain's limits: users and groups 200, roles and
# statuses 100).
Name200 = Annotated[Short, text_schema(200)]
Name100 = Annotated[Short, text_schema(100)]
# Looked up by the domain (a role's key, a group's name): any text without NUL.
Ref = Annotated[Short, _doc({"maxLength": 400, "pattern": NO_NUL})]
Rights = Annotated[
    Short,
    Field(description="own, group or all", examples=["group"]),
    _doc({"pattern": _any_case("own", "group", "all")}),
]
RoleKey = Annotated[Short, _doc({"pattern": "^[A-Za-z][A-Za-z0-9-]{0,31}$"})]
# A status name that may be left empty (the English one then), a description, a status key.
OptionalName = Annotated[Short, _doc({"maxLength": 100, "pattern": NO_NUL})]
Description = Annotated[Long, _doc({"maxLength": 4000, "pattern": NO_NUL})]
# Blank: made from the English name.
StatusKey = Annotated[Short, _doc({"pattern": f"^([{SPACE}]*|[a-z0-9][a-z0-9-]{{0,63}})$"})]
# A positive decimal number of at most 40 characters.
RATE = r"^([0-9]*[1-9][0-9]*(\.[0-9]*)?|[0-9]*\.[0-9]*[1-9][0-9]*)$"
Rate = Annotated[Short, _doc({"maxLength": 40, "pattern": RATE})]


# -- users ---------------------------------------------------------------------------------------


class UserOut(BaseModel):
    email: str = Field(examples=["ann@example.com"])
    name: str = Field(examples=["Ann de Vries"])
    role: str = Field(description="The role's key", examples=["user"])
    group: str | None = Field(description="The group's name; null: none", examples=["Sales"])
    active: bool = Field(description="Inactive users cannot log in; they keep their leads")
    can_log_in: bool = Field(description="Active and has a password")


def user_out(user: UserInfo) -> UserOut:
    return UserOut(
        email=user.email,
        name=user.name,
        role=user.role,
        group=user.group,
        active=user.active,
        can_log_in=user.can_log_in,
    )


class UserList(BaseModel):
    users: list[UserOut] = Field(description="Every associate, by email")


class UserIn(BaseModel):
    """A new user, or an existing associate (an imported sales rep) made one. Without a password
    the user cannot log in until one is set."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "examples": [
                {
                    "email": "ann@example.com",
                    "name": "Ann de Vries",
                    "role": "user",
                    "group": "Sales",
                    "password": "a long secret",
                }
            ]
        },
    )
    email: EmailText = Field(examples=["ann@example.com"])
    name: Name200 | None = Field(None, description="Default: from the email")
    role: Ref | None = Field(None, description="A role key; default user")
    group: Ref | None = Field(None, description='A group\'s name; default (or "") none')
    password: Password | None = None


class UserPatch(BaseModel):
    """The fields to change; the others stay. A new role or `active: false` ends the user's
    sessions at once. The last active admin cannot be demoted or deactivated."""

    model_config = ConfigDict(
        **STRICT, json_schema_extra={"examples": [{"role": "user", "group": "", "active": True}]}
    )
    name: Name200 | None = None
    role: Ref | None = None
    group: Ref | None = Field(None, description='A group\'s name; "" for none')
    active: bool | None = None


class PasswordIn(BaseModel):
    """A new password; every session of the user ends."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [{"password": "new one!"}]})
    password: Password


# -- groups --------------------------------------------------------------------------------------


class GroupOut(BaseModel):
    name: str = Field(examples=["Sales"])
    members: int = Field(description="Associates in the group")


def group_out(group: Group) -> GroupOut:
    return GroupOut(name=group.name, members=group.members)


class GroupList(BaseModel):
    groups: list[GroupOut]


class GroupIn(BaseModel):
    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [{"name": "Sales"}]})
    name: Name200


# -- roles ---------------------------------------------------------------------------------------


class RoleOut(BaseModel):
    key: str = Field(examples=["sales-rep"])
    name: str = Field(examples=["Sales rep"])
    leads: str = Field(description="Which leads: own, group or all", examples=["own"])
    sales: str = Field(description="Which sales: own, group or all", examples=["own"])
    builtin: bool = Field(description="admin, dashboard-admin and user")
    users: int = Field(description="Associates with this role")


def role_out(role: Role) -> RoleOut:
    return RoleOut(
        key=role.key,
        name=role.name,
        leads=role.rights.leads,
        sales=role.rights.sales,
        builtin=role.builtin,
        users=role.users,
    )


class RoleList(BaseModel):
    roles: list[RoleOut] = Field(description="Built-in roles first, then by key")


class RoleIn(BaseModel):
    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "examples": [{"key": "sales-rep", "name": "Sales rep", "leads": "own", "sales": "own"}]
        },
    )
    key: RoleKey = Field(description="A letter, then letters, digits and dashes (32 at most)")
    name: Name100 | None = Field(None, description="Default: the key")
    leads: Rights = "group"
    sales: Rights = "group"


class RolePatch(BaseModel):
    """Rename a role or change its rights: in force on its users' next request. The admin
    role cannot be changed."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [{"leads": "all"}]})
    name: Name100 | None = None
    leads: Rights | None = None
    sales: Rights | None = None


# -- lead statuses -------------------------------------------------------------------------------


class StatusOut(BaseModel):
    key: str = Field(examples=["qualified"])
    rank: int = Field(description="Position in the list, from 1")
    on_funnel: bool = Field(description="On the funnel path")
    active: bool = Field(description="false: soft-deleted (leads keep it in their history)")
    name_en: str
    name_nl: str
    description_en: str
    description_nl: str


def status_out(status: Status) -> StatusOut:
    return StatusOut(
        key=status.key,
        rank=status.rank,
        on_funnel=status.on_funnel,
        active=status.active,
        name_en=status.name_en,
        name_nl=status.name_nl,
        description_en=status.description_en,
        description_nl=status.description_nl,
    )


class StatusList(BaseModel):
    statuses: list[StatusOut] = Field(description="In rank order")


class StatusIn(BaseModel):
    """A new status, at the end of the list."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "examples": [{"name_en": "Demo given", "name_nl": "Demo gegeven", "on_funnel": True}]
        },
    )
    name_en: Name100
    name_nl: OptionalName | None = Field(None, description="Default: the English name")
    key: StatusKey | None = Field(None, description="Default: made from the English name")
    on_funnel: bool = False
    description_en: Description = ""
    description_nl: Description = ""


class StatusPatch(BaseModel):
    """Rename or translate, describe, put on or off the funnel path. The key stays (links and
    filters keep working). Open stays on the funnel path."""

    model_config = ConfigDict(
        **STRICT, json_schema_extra={"examples": [{"name_nl": "Gekwalificeerd"}]}
    )
    name_en: Name100 | None = None
    name_nl: Name100 | None = None
    description_en: Description | None = None
    description_nl: Description | None = None
    on_funnel: bool | None = None


class StatusOrder(BaseModel):
    model_config = ConfigDict(
        **STRICT, json_schema_extra={"examples": [{"keys": ["open", "qualified", "won"]}]}
    )
    keys: list[Ref] = Field(
        max_length=100, description="Every active status key exactly once, in the new order"
    )


# -- currency rates ------------------------------------------------------------------------------


class RateOut(BaseModel):
    currency: str = Field(examples=["USD"])
    rate: str = Field(
        description="1 unit of the currency = RATE units of the base currency (decimal string)",
        examples=["0.92"],
    )


class RateList(BaseModel):
    base_currency: str = Field(description="LEADBOARD_BASE_CURRENCY: its rate is always 1")
    rates: list[RateOut] = Field(description="By currency")


class RateIn(BaseModel):
    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [{"rate": "0.92"}]})
    rate: Rate = Field(description="A positive decimal number, as a string", examples=["0.92"])
