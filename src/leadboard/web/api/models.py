"""Input types shared by the REST API's models: strict, explicit, and refusing garbage.

Request bodies are validated in strict mode (no lax coercion: `"1"` is not a number, `1` is not a
string). JSON has no date type, so dates and times are strings parsed here by explicit rules:
`YYYY-MM-DD` for days, RFC 3339 with an offset for moments. Text is trimmed, length-limited to its
column and refused when it holds characters no database can store.
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

from leadboard.domain.emails import MAX_EMAIL_LENGTH, is_email
from leadboard.semantic.keys import country_codes

MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2999, 12, 31)
MAX_EMAIL = MAX_EMAIL_LENGTH
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
DAY_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


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


# Trimmed, non-empty strings of at most N characters (the column's length).
Text64 = Annotated[str, _text(64), AfterValidator(clean_text)]
Text100 = Annotated[str, _text(100), AfterValidator(clean_text)]
Text200 = Annotated[str, _text(200), AfterValidator(clean_text)]
Text300 = Annotated[str, _text(300), AfterValidator(clean_text)]


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
    Field(json_schema_extra={"format": "email"}),
]


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2:
        raise ValueError("must be a 2-letter ISO 3166-1 alpha-2 country code")
    if code not in country_codes():
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


Country = Annotated[
    str,
    AfterValidator(_country),
    Field(description="ISO 3166-1 alpha-2 code (any case)", examples=["NL"]),
    WithJsonSchema({"type": "string", "pattern": "^[A-Za-z]{2}$", "examples": ["NL"]}),
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
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("lies outside the supported range") from None
    if not MIN_DAY <= moment.date() <= MAX_DAY:
        raise ValueError(f"must lie between {MIN_DAY} and {MAX_DAY}")
    return moment


Day = Annotated[date, BeforeValidator(parse_day)]
Moment = Annotated[datetime, BeforeValidator(parse_moment)]
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
