"""Refusals of the write path, each naming the field at fault and the HTTP status it maps to.

They are `InputError`s, so any caller that already turns input errors into messages (the CLI, the
app's handler) keeps working; the REST API answers them with their own status code. The types
live in the leaf module `leadboard.errors` (the semantic layer raises them too); this module is
where the domain's callers import them from.
"""

from leadboard.errors import Conflict, FieldError, InputError, NotFound

__all__ = ["Conflict", "FieldError", "InputError", "NotFound"]
