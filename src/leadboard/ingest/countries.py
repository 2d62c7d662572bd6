"""Country names -> ISO 3166-1 alpha-2 codes, through the alias table in countries.yaml.

The table lists, per code, the English and Dutch names (CLDR, via Babel) and common variants
("United States of America", "UK", "Holland", "Nederland", a few frequent misspellings). Matching
ignores case, accents, punctuation and a leading "the"; an ISO code itself is always accepted.
Anything else ("Asia/Pacific Region", "unknown", "Europe") is not a country: not set, counted.
"""

import re
import unicodedata
from functools import cache
from importlib import resources

import yaml

from leadboard.countries import country_codes


def country_fold(name: str) -> str:
    """The form names are compared in: 'Côte d’Ivoire' -> 'cote divoire', 'St. Lucia' -> ..."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[.'’`]", "", text)
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join("saint" if word == "st" else word for word in words)


@cache
def alias_table() -> dict[str, list[str]]:
    """code -> names, as written in countries.yaml."""
    text = resources.files("leadboard.ingest").joinpath("countries.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when there: 20x faster
    document = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    return {str(code): [str(name) for name in names] for code, names in document.items()}


@cache
def _lookup() -> dict[str, str]:
    found: dict[str, str] = {}
    for code, names in alias_table().items():
        for name in names:
            found[country_fold(name)] = code
    for code in country_codes():
        found.setdefault(code.casefold(), code)
    return found


def country_code(value: str | None) -> str | None:
    """The ISO code of a country name, alias or code; None when it names no country."""
    if value is None:
        return None
    return _lookup().get(country_fold(value))
