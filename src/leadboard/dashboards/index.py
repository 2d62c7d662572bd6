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
    return tuple(yaml.load(text, Loader=_Loader) for text in builtin_texts().values())


def dashboard_index(lang: str | None = "en") -> list[dict[str, Any]]:
    """Slug, name and description in `lang` (en, nl; else an InputError), and the tile keys."""
    lang = resolve_language(lang)
    return [
        {
            "dashboard": d["slug"],
            "name": d["name"][lang],
            "description": d["description"][lang] if d.get("description") else None,
            "tiles": [tile["key"] for tile in d["tiles"]],
        }
        for d in _definitions()
    ]
