"""How POST /capture/forms/{form_key} is documented in OpenAPI (its body is read by hand)."""

from typing import Any

CAPTURE_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The form's fields (email required), tracking fields lb_ft and lb_visit "
        "(query strings from /t.js), or lb_landing and lb_referrer; lb_website is a honeypot.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["email"],
                    "properties": {
                        "email": {"type": "string"},
                        "first_name": {"type": "string"},
                        "last_name": {"type": "string"},
                        "name": {"type": "string"},
                        "phone": {"type": "string"},
                        "job_title": {"type": "string"},
                        "company": {"type": "string"},
                        "country": {"type": "string"},
                        "lb_ft": {"type": ["string", "object"]},
                        "lb_visit": {"type": ["string", "object"]},
                        "lb_landing": {"type": "string"},
                        "lb_referrer": {"type": "string"},
                        "lb_website": {"type": "string"},
                    },
                    "additionalProperties": True,
                }
            },
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["email"],
                    "properties": {
                        "email": {"type": "string"},
                        "lb_ft": {"type": "string"},
                        "lb_visit": {"type": "string"},
                    },
                    "additionalProperties": {"type": "string"},
                }
            },
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
}
