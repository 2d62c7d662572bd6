"""The one email rule: what every way in (web forms, the REST API, file imports, users and their
logins) accepts as an email address.

A pragmatic check: one @, no spaces, at most 64 characters before it, a dot in the domain and a
last label of two or more characters. Deliverability is the mail server's business; this catches
"jan@example", "jan example.com" and "jan@example.c". Callers trim and lower-case first (the
dedupe form, `normalise_email`) and name the field in their own error.
"""

import re

__all__ = ["MAX_EMAIL_LENGTH", "is_email", "normalise_email"]

MAX_EMAIL_LENGTH = 320  # the width of every email column
_EMAIL = re.compile(r"[^@\s]{1,64}@(?:[^@\s.]+\.)+[^@\s.]{2,}")


def normalise_email(value: str) -> str:
    """The form addresses are stored and compared in: trimmed, lower case."""
    return value.strip().lower()


def is_email(address: str) -> bool:
    """Whether `address` (as it will be stored) is an email address of at most 320 characters."""
    return len(address) <= MAX_EMAIL_LENGTH and _EMAIL.fullmatch(address) is not None
