"""The built-in dashboards' names and tile keys, read straight from their YAML files.

This is what a listing needs (`leadboard dashboard list`, `GET /api/dashboards`). It loads neither
the models nor the semantic layer, which keeps `dashboard list` quick to start; the files are
validated when a dashboard is computed, and tests/unit/test_dashboard_index.py checks that this
index says what the validated definitions say.
"""

from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import Connection, select

from leadboard.db.schema import dashboards
from leadboard.languages import resolve_language

__all__ = ["BUILTIN_ORDER", "builtin_texts", "dashboard_index"]

BUILTIN_ORDER = ("marketing", "lead-nurturing", "sales")

# libyaml's loader when the wheel has it (it does on the platforms we pin), else pure Python.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def builtin_texts() -> dict[str, str]:
    """The YAML text of each built-in dashboard, by slug, in tab order."""
    folder = resources.files("leadboard.dashboards").joinpath("builtin")
    return {slug: folder.joinpath(f"{slug}.yaml").read_text() for slug in BUILTIN_ORDER}


@cache
def _definitions() -> tuple[dict[str, Any], ...]:
    # _Loader is (C)SafeLoader: plain data only
    return tuple(yaml.load(text, Loader=_Loader) for text in builtin_texts().values())  # noqa: S506


def _entry(definition: dict[str, Any], lang: str) -> dict[str, Any]:
    description = definition.get("description")
    return {
        "dashboard": definition["slug"],
        "name": definition["name"][lang],
        "description": description[lang] if description else None,
        "tiles": [tile["key"] for tile in definition["tiles"]],
    }


def dashboard_index(
    lang: str | None = "en", conn: Connection | None = None
) -> list[dict[str, Any]]:
    """Slug, name and description in `lang` (en, nl; else an InputError), and the tile keys: the
    built-in dashboards, then (given a connection) every stored one, oldest first. Stored
    definitions were validated when they were written."""
    lang = resolve_language(lang)
    found = [_entry(d, lang) for d in _definitions()]
    if conn is not None:
        rows = conn.execute(select(dashboards.c.definition).order_by(dashboards.c.id)).scalars()
        found += [_entry(definition, lang) for definition in rows]
    return found
