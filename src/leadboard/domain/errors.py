"""Refusals of the write path, each naming the field at fault and the HTTP status it maps to.

They are `InputError`s, so any caller that already turns input errors into messages (the CLI, the
app's handler) keeps working; the REST API answers them with their own status code.
"""

from leadboard.semantic.filters import InputError


class FieldError(InputError):
    """Invalid input: 422."""

    status = 422


class NotFound(FieldError):
    """An unknown id in the URL: 404."""

    status = 404


class Conflict(FieldError):
    """Valid input that clashes with what is stored (a duplicate key): 409."""

    status = 409
