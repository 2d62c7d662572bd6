"""How POST /capture/forms/{form_key} is documented in OpenAPI (its body is read by hand)."""

from typing import Any

from leadboard.capture.snippet import HONEYPOT
from leadboard.domain.emails import MAX_EMAIL_LENGTH
from leadboard.domain.intake import CONTACT_FIELDS
from leadboard.domain.tracking import MAX_TUPLE_TEXT, TUPLE_KEYS
from leadboard.web.api.models import COUNTRY_PATTERN, EMAIL_SCHEMA

# A person's post: the email (the one email rule), the contact fields within their columns, the
# tracking fields, and the honeypot left empty. Other fields are the form's own (a required one
# or one over 10,000 characters is refused: the form says which, not this document).
_TEXT = {"type": ["string", "null"]}
_CONTACT = {
    name: {**_TEXT, "maxLength": width}
    for name, width in CONTACT_FIELDS.items()
    if name not in ("email", "country")
}
_EMAIL = {"type": "string", "maxLength": MAX_EMAIL_LENGTH, "pattern": EMAIL_SCHEMA["pattern"]}
_COUNTRY = {**_TEXT, "pattern": COUNTRY_PATTERN.replace(")$", ")?$")}
_TUPLE_OBJECT = {
    "type": "object",
    "properties": {key: _TEXT for key in TUPLE_KEYS if key != "at"}
    | {"at": {"type": ["string", "number", "null"]}},
    "additionalProperties": True,
}
_TUPLE = {"anyOf": [{"type": ["string", "null"], "maxLength": MAX_TUPLE_TEXT}, _TUPLE_OBJECT]}
_PERSON = {
    "type": "object",
    "required": ["email"],
    "properties": {
        "email": _EMAIL,
        **_CONTACT,
        "country": _COUNTRY,
        "lb_ft": _TUPLE,
        "lb_visit": _TUPLE,
        "lb_landing": _TEXT,
        "lb_referrer": _TEXT,
        HONEYPOT: {"enum": ["", None]},
    },
    "additionalProperties": True,
}
# A bot's: the honeypot filled in with anything ({} and 0 too); nothing else is read (200).
_BOT = {
    "type": "object",
    "required": [HONEYPOT],
    "properties": {HONEYPOT: {"not": {"enum": ["", None]}}},
    "additionalProperties": True,
}
_FORM_TEXT = {"type": "string"}
_FORM_PERSON = {
    "type": "object",
    "required": ["email"],
    "properties": {
        "email": _EMAIL,
        **{
            name: {**_FORM_TEXT, "maxLength": schema["maxLength"]}
            for name, schema in _CONTACT.items()
        },
        "country": {**_FORM_TEXT, "pattern": _COUNTRY["pattern"]},
        "lb_ft": {**_FORM_TEXT, "maxLength": MAX_TUPLE_TEXT},
        "lb_visit": {**_FORM_TEXT, "maxLength": MAX_TUPLE_TEXT},
        HONEYPOT: {"enum": [""]},
    },
    "additionalProperties": _FORM_TEXT,
}
_FORM_BOT = {
    "type": "object",
    "required": [HONEYPOT],
    "properties": {HONEYPOT: {"type": "string", "minLength": 1}},
    "additionalProperties": _FORM_TEXT,
}

CAPTURE_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The form's fields (email required), tracking fields lb_ft and lb_visit "
        "(query strings from /t.js), or lb_landing and lb_referrer; lb_website is a honeypot: "
        "any value in it but an empty one (or null) is a bot's post, answered 200 and not "
        "stored.",
        "content": {
            "application/json": {"schema": {"anyOf": [_PERSON, _BOT]}},
            "application/x-www-form-urlencoded": {"schema": {"anyOf": [_FORM_PERSON, _FORM_BOT]}},
        },
    }
}
ERROR_DETAIL = {
    "type": "object",
    "required": ["field", "message"],
    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
}
ERROR_SCHEMA = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["error", "errors"],
                "properties": {
                    "error": ERROR_DETAIL,
                    "errors": {"type": "array", "items": ERROR_DETAIL},
                },
            }
        },
        "text/html": {"schema": {"type": "string"}},
    }
}
OUTCOME_SCHEMA = {
    "type": "object",
    "required": ["submission_id", "status"],
    "properties": {
        "submission_id": {"type": "integer"},
        "lead_id": {"type": ["integer", "null"]},
        "conversion": {"type": "boolean"},
        "status": {"type": "string", "enum": ["processed", "failed", "received"]},
    },
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, **ERROR_SCHEMA}


CAPTURE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Honeypot filled: accepted, nothing stored",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
    201: {
        "description": "Stored: a new lead, or a conversion of a known contact",
        "content": {"application/json": {"schema": OUTCOME_SCHEMA}},
    },
    202: {
        "description": "Valid, but processing failed: stored as a failed submission",
        "content": {"application/json": {"schema": OUTCOME_SCHEMA}},
    },
    303: {"description": "A browser's form post: on to the form's thank-you page"},
    400: _error("Malformed body"),
    403: _error("The browser's Origin is not allowed for this form"),
    404: _error("Unknown or inactive form key"),
    413: _error("Body over 64 KiB"),
    415: _error("Not JSON or urlencoded"),
    422: _error("A missing or invalid field"),
    429: _error("Too many posts: see Retry-After"),
    503: _error("Too many posts waiting to be written: nothing stored, see Retry-After"),
}
