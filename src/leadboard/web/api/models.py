"""Input types shared by the REST API's models: strict, explicit, and refusing garbage.

Request bodies are validated in strict mode (no lax coercion: `"1"` is not a number, `1` is not a
string). JSON has no date type, so dates and times are strings parsed here by explicit rules:
`YYYY-MM-DD` for days, RFC 3339 with an offset for moments. Text is trimmed, length-limited to its
column and refused when it holds characters no database can store.

The JSON schemas say exactly that (schemathesis checks that every request they allow is accepted,
and every one they forbid is refused): a text has a character besides whitespace and no NUL, a
day or a moment lies in 1900-2999, a country is an ISO code, an email follows the one rule.
"""

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema
from pydantic.config import JsonDict

from leadboard.domain.emails import _EMAIL, MAX_EMAIL_LENGTH, is_email
from leadboard.semantic.keys import country_codes

MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2999, 12, 31)
MAX_EMAIL = MAX_EMAIL_LENGTH
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
DAY_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

# JSON Schema patterns (ECMA 262, as Python reads them too). Python's strip() and \s take
# \x1c-\x1f and \x85 for whitespace, where other regex engines do not: they are named.
NO_NUL = r"^[^\x00]*$"
SPACE = r"\s\x1c-\x1f\x85"  # in a character class: what Python's strip() takes
NOT_BLANK = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"
YEAR = r"(19\d\d|2\d\d\d)"
DAY = rf"{YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
TIME = r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
DAY_SCHEMA = {"type": "string", "format": "date", "pattern": f"^{DAY}$"}
MOMENT_SCHEMA = {
    "type": "string",
    "format": "date-time",
    # RFC 3339 as Python reads it: no leap second, at most microseconds, an offset of whole minutes.
    "pattern": rf"^{DAY}[Tt]{TIME}(\.\d{{1,6}})?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$",
}
EMAIL_SCHEMA = {
    "type": "string",
    "maxLength": MAX_EMAIL_LENGTH,
    # The one email rule (domain/emails.py), its whitespace Python's, and no NUL (clean_text).
    "pattern": "^" + _EMAIL.pattern.replace(r"\s", SPACE + r"\x00") + "$",
    "examples": ["ann@example.com"],
}


def patch_schema(
    not_null: Iterable[str], examples: list[dict[str, Any]]
) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` of a PATCH body: its examples, and no `null` for the fields that may
    be left out but not cleared (they answer 422 "cannot be null")."""
    names = tuple(not_null)

    def shape(schema: dict[str, Any]) -> None:
        schema["examples"] = examples
        for name in names:
            field = schema["properties"][name]
            field.pop("default", None)
            kept = [branch for branch in field.pop("anyOf") if branch != {"type": "null"}]
            field.update(kept[0] if len(kept) == 1 else {"anyOf": kept})

    return shape


def given(name: str, kind: str = "string") -> JsonDict:
    """A JSON schema part: the field is there and not null."""
    return {"required": [name], "properties": {name: {"type": kind}}}


def left_out(name: str) -> JsonDict:
    """A JSON schema part: the field is left out or null."""
    return {"anyOf": [{"not": {"required": [name]}}, {"properties": {name: {"type": "null"}}}]}


# An origin names the system an external id comes from: none without one.
ORIGIN_NEEDS_EXTERNAL_ID: JsonDict = {"anyOf": [left_out("origin"), given("external_id")]}
# A medium or campaign is that of a source (the channel rules need one).
MEDIUM_NEEDS_SOURCE: JsonDict = {
    "anyOf": [{"allOf": [left_out("medium"), left_out("campaign")]}, given("source")]
}


def clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


def text_schema(max_length: int) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": NOT_BLANK}
    )


# Trimmed, non-empty strings of at most N characters (the column's length).
Text64 = Annotated[str, _text(64), AfterValidator(clean_text), text_schema(64)]
Text100 = Annotated[str, _text(100), AfterValidator(clean_text), text_schema(100)]
Text200 = Annotated[str, _text(200), AfterValidator(clean_text), text_schema(200)]
Text300 = Annotated[str, _text(300), AfterValidator(clean_text), text_schema(300)]


def _email(value: str) -> str:
    clean_text(value)
    lower = value.lower()
    if len(lower) > MAX_EMAIL:
        raise ValueError(f"is longer than {MAX_EMAIL} characters")
    if not is_email(lower):  # the one email rule (domain/emails.py)
        raise ValueError(f"{value!r} is not an email address")
    return lower


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MAX_EMAIL),
    AfterValidator(_email),
    WithJsonSchema(EMAIL_SCHEMA),
]


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2:
        raise ValueError("must be a 2-letter ISO 3166-1 alpha-2 country code")
    if code not in country_codes():
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def _any_case(code: str) -> str:
    return "".join(f"[{letter}{letter.lower()}]" for letter in code)


def codes_pattern(codes: Iterable[str]) -> str:
    """A pattern of these upper-case codes, in any case: ^([Nn][Ll]|...)$."""
    return "^(" + "|".join(_any_case(code) for code in sorted(codes)) + ")$"


# Every ISO 3166-1 alpha-2 code, in any case: [Nn][Ll]|...
COUNTRY_PATTERN = codes_pattern(country_codes())
# A country filter: a code, `none` (leads without a country), or empty (no filter).
COUNTRY_FILTER = COUNTRY_PATTERN.replace("^(", "^([Nn][Oo][Nn][Ee]|", 1).replace(")$", ")?$")
Country = Annotated[
    str,
    AfterValidator(_country),
    Field(description="ISO 3166-1 alpha-2 code (any case)", examples=["NL"]),
    WithJsonSchema({"type": "string", "pattern": COUNTRY_PATTERN, "examples": ["NL"]}),
]


def parse_day(value: object) -> date:
    """`YYYY-MM-DD` only, between 1900 and 2999."""
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and DAY_PATTERN.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date") from None
    else:
        raise ValueError("must be a date in YYYY-MM-DD form")
    if not MIN_DAY <= day <= MAX_DAY:
        raise ValueError(f"must lie between {MIN_DAY} and {MAX_DAY}")
    return day


def parse_moment(value: object) -> datetime:
    """An RFC 3339 date-time with an offset (`Z` or `+01:00`), returned in UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and 19 <= len(value) <= 40 and value[10:11] in "Tt ":
        try:
            moment = datetime.fromisoformat(value.upper())
        except ValueError:
            raise ValueError(f"{value!r} is not an RFC 3339 date-time") from None
    else:
        raise ValueError("must be a date-time like 2026-03-01T09:30:00+01:00")
    if moment.tzinfo is None:
        raise ValueError("needs a timezone offset, e.g. 2026-03-01T09:30:00Z")
    # The day as written (not in UTC, a few hours off at the ends), as the schema's pattern says.
    if not MIN_DAY <= moment.date() <= MAX_DAY:
        raise ValueError(f"must lie between {MIN_DAY} and {MAX_DAY}")
    return moment.astimezone(UTC)


Day = Annotated[date, BeforeValidator(parse_day), WithJsonSchema(DAY_SCHEMA)]
Moment = Annotated[datetime, BeforeValidator(parse_moment), WithJsonSchema(MOMENT_SCHEMA)]


def whole_number(value: object) -> object:
    """7.0 is 7: JSON Schema's integers are numbers without a fraction, however written (a
    strict int refuses 7.0; booleans and strings stay refused)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


RecordId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(whole_number)]
