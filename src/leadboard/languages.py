"""The languages Leadboard speaks, and the check of a `lang` given by a user.

A leaf module (it imports only leadboard.errors), so the word catalogue (i18n.py), the semantic
layer and a quick command such as `dashboard list` share one list without importing each other.
"""

from leadboard.errors import InputError

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "resolve_language"]

LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"


def resolve_language(lang: str | None) -> str:
    """Empty means English; anything else must be one of LANGUAGES (else an error naming `lang`)."""
    if not lang:
        return DEFAULT_LANGUAGE
    if lang not in LANGUAGES:
        raise InputError("lang", f"unknown language {lang!r} (use {', '.join(LANGUAGES)})")
    return lang
