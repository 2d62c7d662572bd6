"""The error types every layer raises: a field, a message and, for HTTP, a status code.

A leaf module (it imports nothing of leadboard), so the write paths (domain, capture, import) and
the semantic layer share one base error without importing each other. The CLI turns an
`InputError` into `error: <field>: <message>` and exit code 2; the web app into a 4xx answer that
names the field.
"""

__all__ = ["Conflict", "FieldError", "Forbidden", "InputError", "NotFound"]


class InputError(ValueError):
    """Bad user input; `field` names the parameter at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class FieldError(InputError):
    """Invalid input: 422."""

    status = 422


class NotFound(FieldError):
    """An unknown id in the URL: 404."""

    status = 404


class Conflict(FieldError):
    """Valid input that clashes with what is stored (a duplicate key): 409."""

    status = 409


class Forbidden(FieldError):
    """Allowed to see it, not to do this with it (e.g. change another user's dashboard): 403."""

    status = 403
