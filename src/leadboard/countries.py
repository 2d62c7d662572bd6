"""ISO 3166-1 alpha-2 country codes and their names (CLDR, via Babel).

A leaf module: the write paths (lead intake, CSV import) check codes here and the semantic layer
and the pages name them, without importing each other.
"""

from functools import cache

from babel import Locale

__all__ = ["country_codes", "country_name"]

# Babel knows some codes that are not ISO 3166-1 alpha-2 assignments (EU, ZZ, XK, ...).
_NOT_ISO = {
    "AC",
    "CP",
    "CQ",
    "DG",
    "EA",
    "EU",
    "EZ",
    "IC",
    "QO",
    "TA",
    "UN",
    "XA",
    "XB",
    "XK",
    "ZZ",
}


@cache
def country_codes() -> frozenset[str]:
    codes = [str(k) for k in Locale("en").territories]
    return frozenset(k for k in codes if len(k) == 2 and k.isalpha() and k not in _NOT_ISO)


def country_name(code: str, lang: str) -> str:
    return str(Locale(lang).territories.get(code, code))
